"""The synthetic national history: monthly returns of every organisation, and who is who.

The plan (when each operation runs, who leads it, what it is about, who is shared between
organisations) is decided first from streams seeded by `seed`; each operation's content then
comes from its own stream, so the history is the same every time for the same seed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from random import Random

from msops.domain.periods import Period, months_between
from msops.domain.reference import organisations
from msops.synthetic.content import OpContent, build_content
from msops.synthetic.lifecycle import partner_lifecycles, police_lifecycles
from msops.synthetic.links import plan_links
from msops.synthetic.model import MonthlyReturn, OpPlan, Row, age_in_months
from msops.synthetic.organisations import assign_partners, assign_police, name_operations
from msops.synthetic.people import Person
from msops.synthetic.profiles import choose_profile
from msops.synthetic.render import PART_NAMES, operation_rows
from msops.synthetic.sizes import calibrate_victims, choose_sizes, revealed

FIRST = Period(2016, 12)
LAST = Period(2018, 2)


@dataclass(frozen=True)
class Plan:
    seed: int
    months: list[Period]
    ops: list[OpPlan]
    shared: dict[str, Person]


def build_plan(seed: int, first: Period = FIRST, last: Period = LAST) -> Plan:
    months = months_between(first, last)
    police = police_lifecycles(seed, months)
    partners = partner_lifecycles(seed, months)
    rng = Random(f"msops:{seed}:plan")
    assign_police(rng, police, months)
    assign_partners(rng, partners)
    ops = police + partners
    name_operations(rng, ops)
    for op in ops:
        choose_profile(rng, op)
        choose_sizes(rng, op)
    calibrate_victims(rng, police, months)
    shared = plan_links(seed, ops)
    return Plan(seed, months, ops, shared)


def generate_history(
    seed: int = 2018, first: Period = FIRST, last: Period = LAST
) -> Iterator[MonthlyReturn]:
    """Every organisation's monthly return from `first` to `last`, in period order.

    The default span (December 2016 to February 2018) reproduces the annual report's figures;
    a longer one (e.g. to 2026-11) keeps about 600 live police-led operations after the anchor.
    """
    plan = build_plan(seed, first, last)
    starting = _by_start(plan)
    active: dict[int, OpContent] = {}
    rank = {o.short_name: i for i, o in enumerate(organisations())}
    for period in plan.months:
        for op in starting.get(period, []):
            if op.uid not in active:
                active[op.uid] = build_content(seed, op, plan.shared)
        yield from _returns(period, active, rank)
        for uid in [u for u, c in active.items() if _finished(c.plan, period)]:
            del active[uid]


def ground_truth(
    seed: int = 2018, first: Period = FIRST, last: Period = LAST
) -> dict[tuple[str, str, str], str]:
    """(organisation short name, operation_ref, nominal_ref) -> person id, for every nominal
    that appears in the history generated with the same arguments."""
    plan = build_plan(seed, first, last)
    truth: dict[tuple[str, str, str], str] = {}
    for op in plan.ops:
        assert op.org is not None
        content = build_content(seed, op, plan.shared)
        final = min(last, op.last_period or last)
        age = age_in_months(op.opened, final)
        limits = {
            "victim": revealed(len(content.victims), age, op.ramp),
            "suspect": revealed(len(content.suspects), age, op.ramp),
            "other": 1,
        }
        for nominal in content.nominals:
            if nominal.slot < limits[nominal.role]:
                truth[(op.org.short_name, op.ref, nominal.ref)] = nominal.person_id
    return truth


def _by_start(plan: Plan) -> dict[Period, list[OpPlan]]:
    starting: dict[Period, list[OpPlan]] = {}
    for op in plan.ops:
        for span in op.spans:
            starting.setdefault(span.start, []).append(op)
    return starting


def _finished(op: OpPlan, period: Period) -> bool:
    """Out of the returns from the next month on (closed now or earlier, not yet reopened)."""
    span = op.span_at(period)
    return span is None or span.end == period


def _returns(
    period: Period, active: dict[int, OpContent], rank: dict[str, int]
) -> Iterator[MonthlyReturn]:
    by_org: dict[str, list[OpContent]] = {}
    for content in active.values():
        assert content.plan.org is not None
        if content.plan.span_at(period) is not None:
            by_org.setdefault(content.plan.org.short_name, []).append(content)
    for org in sorted(by_org, key=rank.__getitem__):
        rows: dict[str, list[Row]] = {name: [] for name in PART_NAMES}
        for content in sorted(by_org[org], key=lambda c: c.plan.ref):
            operation_rows(content, period, rows)
        yield MonthlyReturn(period, org, rows)
