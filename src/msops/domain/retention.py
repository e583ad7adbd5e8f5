"""Review dates of operations under MoPI: which group an operation falls in, and when it is due.

The rules are reference data (`data/retention.toml`, each with its source in the College of
Policing's APP on the management of police information); a deployment may change the years in
a file of the same shape named by MSOPS_RETENTION_FILE. Everything here is a pure function of
the rules and the facts a return holds about an operation.
"""

from __future__ import annotations

import calendar
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from msops.domain import settings
from msops.domain.errors import InvalidInput

ENV_RETENTION_FILE = "MSOPS_RETENTION_FILE"

# The conditions a group may be chosen by, most serious first: the first that holds wins.
CONDITIONS = ("convictions", "charges_or_orders", "no_further_action", "otherwise")
NO_FURTHER_ACTION = "no_further_action"  # the disruption outcome code
CLOSED = "closed"


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    when: str
    review_years: int
    source: str
    retain_until_age: int | None = None


@dataclass(frozen=True)
class Rules:
    groups: tuple[Group, ...]

    def group(self, name: str) -> Group:
        for g in self.groups:
            if g.name == name:
                return g
        raise KeyError(name)

    def for_condition(self, condition: str) -> Group:
        for g in self.groups:
            if g.when == condition:
                return g
        raise KeyError(condition)


@dataclass(frozen=True)
class OperationFacts:
    """What the latest return of an operation says that retention depends on."""

    status: str  # stored code: live, closed, reopened
    closed_date: date | None
    convictions: int = 0
    charges: int = 0
    orders: int = 0  # risk and prevention orders applied for (granted ones were applied for)
    disruption_outcome: str | None = None


def parse_rules(text: str, base: Rules | None = None) -> Rules:
    """Rules from TOML text. With `base`, the text may give only some groups and fields (an
    override of the years): what it leaves out is kept from `base`."""
    try:
        raw: dict[str, Any] = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidInput(f"the retention rules are not valid TOML: {err}") from None
    groups_raw = raw.get("groups", {})
    if not isinstance(groups_raw, dict):
        raise InvalidInput("the retention rules need a [groups.<name>] table per group")
    known = {g.name: g for g in base.groups} if base else {}
    names = list(known) + [n for n in groups_raw if n not in known]
    groups = []
    for name in names:
        given = groups_raw.get(name, {})
        old = known.get(name)
        fields: dict[str, Any] = (
            {
                "label": old.label,
                "when": old.when,
                "review_years": old.review_years,
                "source": old.source,
                "retain_until_age": old.retain_until_age,
            }
            if old
            else {}
        )
        fields.update(given)
        groups.append(_group(name, fields))
    whens = [g.when for g in groups]
    for condition in CONDITIONS:
        if whens.count(condition) != 1:
            raise InvalidInput(f"the retention rules need exactly one group for {condition!r}")
    return Rules(tuple(groups))


def _group(name: str, fields: dict[str, Any]) -> Group:
    years = fields.get("review_years")
    if not isinstance(years, int) or isinstance(years, bool) or not 1 <= years <= 100:
        raise InvalidInput(f"retention group {name}: review_years must be a whole number 1-100")
    when = fields.get("when")
    if when not in CONDITIONS:
        raise InvalidInput(f"retention group {name}: when must be one of {', '.join(CONDITIONS)}")
    age = fields.get("retain_until_age")
    return Group(
        name=name,
        label=str(fields.get("label", name)),
        when=str(when),
        review_years=years,
        source=str(fields.get("source", "")).strip(),
        retain_until_age=int(age) if isinstance(age, int) else None,
    )


def default_rules() -> Rules:
    """The rules shipped with msops (MoPI), without any override."""
    text = resources.files("msops.domain.data").joinpath("retention.toml").read_text("utf-8")
    return parse_rules(text)


@cache
def _rules_from(path: str | None) -> Rules:
    base = default_rules()
    if path is None:
        return base
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8")
    except OSError as err:
        raise InvalidInput(f"{ENV_RETENTION_FILE}: cannot read {path} ({err.strerror})") from None
    return parse_rules(text, base)


def rules() -> Rules:
    """The rules in force: the shipped ones, with MSOPS_RETENTION_FILE's years over them."""
    given = settings.current().retention_file
    return _rules_from(str(given) if given else None)


def group_of(facts: OperationFacts, rules_: Rules) -> Group:
    """The MoPI group the outcomes put an operation in, the most serious that applies."""
    if facts.convictions > 0:
        return rules_.for_condition("convictions")
    if facts.charges > 0 or facts.orders > 0:
        return rules_.for_condition("charges_or_orders")
    if facts.disruption_outcome == NO_FURTHER_ACTION:
        return rules_.for_condition("no_further_action")
    return rules_.for_condition("otherwise")


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def review_date(facts: OperationFacts, rules_: Rules | None = None) -> date | None:
    """When a closed operation is first due for review; None while it is live (not reviewed)."""
    if facts.status != CLOSED or facts.closed_date is None:
        return None
    group = group_of(facts, rules_ or rules())
    return add_years(facts.closed_date, group.review_years)
