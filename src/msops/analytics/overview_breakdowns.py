"""The breakdowns of a month's live operations: each one a named query, within scope and area.

Every function reads the current returns for one month. "Live" means status Live or Reopened;
an operation is counted under the organisation whose return holds it (its region and scope),
and under the organisation leading it for the lead type.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, func

from msops.analytics.headline import (
    LEAD,
    Area,
    count_if,
    months_in_scope,
    sum_if,
)
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import PARTNER_KIND, REGIONS, ROCU_KIND, code_lists, typology
from msops.domain.return_spec import CUMULATIVE_COLUMNS, LIVE_STATUSES, VICTIM_COUNT_COLUMNS
from msops.store import schema as s
from msops.store.casework.europol import due_a_check

Counts = dict[str, int]
Cells = dict[tuple[str, str], int]

LOCAL_FORCE, ROCU, PARTNER = "Local force", "ROCU", "Partner agency"
LEAD_TYPES = (LOCAL_FORCE, ROCU, PARTNER)
NO_REGION = "No region (BTP, partner agencies)"
REGION_ORDER = (*REGIONS, "Scotland", "Northern Ireland", NO_REGION)
TYPE_NOT_KNOWN = "Type not yet known"
OUTCOME_LABELS: dict[str, str] = {
    "arrests": "Arrests",
    "charges": "People charged",
    "convictions": "People convicted",
    "nrm_referrals": "NRM referrals",
    "duty_to_notify": "Duty-to-notify (MS1) submissions",
    "stro_applied": "Risk orders (STRO) applied for",
    "stro_granted": "Risk orders (STRO) granted",
    "stpo_applied": "Prevention orders (STPO) applied for",
    "stpo_granted": "Prevention orders (STPO) granted",
}
AGE_GENDER: dict[str, tuple[str, str]] = {
    c: ("Child" if "_child_" in c else "Adult", c.rsplit("_", 1)[1].capitalize())
    for c in VICTIM_COUNT_COLUMNS
}


def _live() -> ColumnElement[bool]:
    return s.operation_month.c.status.in_(LIVE_STATUSES)


def _in_month(period: Period) -> ColumnElement[bool]:
    return s.operation_month.c.period == str(period)


def lead_by_region(conn: Connection, who: Principal, period: Period, area: Area) -> Cells:
    """Live operations by the holder's region and the lead organisation's type."""
    org = s.organisation
    region_of = func.coalesce(org.c.region, NO_REGION)
    query = months_in_scope(who, area, region_of, LEAD.c.kind, func.count()).where(
        _in_month(period), _live()
    )
    cells: Cells = {}
    for region, kind, n in conn.execute(query.group_by(region_of, LEAD.c.kind)):
        key = (str(region), lead_type(str(kind)))
        cells[key] = cells.get(key, 0) + int(n)
    return cells


def live_by_organisation(conn: Connection, who: Principal, period: Period, area: Area) -> Counts:
    """Live operations by the organisation holding them (short name), largest first: the step
    from a region's picture down to its forces' (not a table of the overview)."""
    org = s.organisation
    query = months_in_scope(who, area, org.c.short_name, func.count()).where(
        _in_month(period), _live()
    )
    found = conn.execute(query.group_by(org.c.short_name))
    return _by_size({str(name): int(n) for name, n in found})


def lead_type(kind: str) -> str:
    return {ROCU_KIND: ROCU, PARTNER_KIND: PARTNER}.get(kind, LOCAL_FORCE)


def exploitation(conn: Connection, who: Principal, period: Period, area: Area) -> Cells:
    """Live operations by primary exploitation type (rows) and category (columns), as labels."""
    om = s.operation_month
    query = months_in_scope(who, area, om.c.primary_category, om.c.primary_type, func.count())
    query = query.where(_in_month(period), _live())
    categories = {c.code: c.label for c in code_lists()["exploitation_category"]}
    types = {t.code: t.label for t in typology()}
    cells: Cells = {}
    rows = conn.execute(query.group_by(om.c.primary_category, om.c.primary_type))
    for category, type_code, n in rows:
        label = types.get(type_code, TYPE_NOT_KNOWN) if type_code else TYPE_NOT_KNOWN
        key = (label, categories.get(category, str(category)))
        cells[key] = cells.get(key, 0) + int(n)
    return cells


def victims_by_age_gender(conn: Connection, who: Principal, period: Period, area: Area) -> Cells:
    """Potential victims in live police-led operations by age group (rows) and gender."""
    om = s.operation_month
    police = LEAD.c.kind != PARTNER_KIND
    sums = [sum_if(_live() & police, om.c[c]) for c in VICTIM_COUNT_COLUMNS]
    values = conn.execute(months_in_scope(who, area, *sums).where(_in_month(period))).one()
    return {AGE_GENDER[c]: int(v) for c, v in zip(VICTIM_COUNT_COLUMNS, values, strict=True)}


@dataclass(frozen=True)
class DetailCounts:
    sectors: Counts
    recruitment: Counts
    control: Counts


def details(conn: Connection, who: Principal, period: Period, area: Area) -> DetailCounts:
    """Live operations naming each sector, recruitment method and control method.

    An operation may name several, so the counts add up to mentions, not operations.
    """
    om, od = s.operation_month, s.operation_detail
    kinds = ("sector", "recruitment_method", "control_method")
    query = (
        months_in_scope(who, area, od.c.detail, od.c.value, func.count(func.distinct(om.c.id)))
        .join(od, od.c.operation_month_id == om.c.id)
        .where(_in_month(period), _live(), od.c.detail.in_(kinds))
        .group_by(od.c.detail, od.c.value)
    )
    found: dict[str, Counts] = {k: {} for k in kinds}
    for detail, value, n in conn.execute(query):
        label = _label(str(detail), str(value))
        found[detail][label] = found[detail].get(label, 0) + int(n)
    return DetailCounts(*(_by_size(found[k]) for k in kinds))


def _label(list_name: str, code: str) -> str:
    for c in code_lists()[list_name]:
        if c.code == code:
            return c.label
    return code


def _by_size(counts: Counts) -> Counts:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def nationalities(
    conn: Connection, who: Principal, period: Period, area: Area
) -> tuple[Counts, Counts]:
    """Potential victims and suspects in live operations by nationality, largest first."""
    om, nat = s.operation_month, s.operation_nationality
    query = (
        months_in_scope(who, area, nat.c.grp, nat.c.nationality, func.sum(nat.c.count))
        .join(nat, nat.c.operation_month_id == om.c.id)
        .where(_in_month(period), _live())
        .group_by(nat.c.grp, nat.c.nationality)
    )
    found: dict[str, Counts] = {"victim": {}, "suspect": {}}
    for grp, nationality, n in conn.execute(query):
        if grp in found and n:
            found[grp][str(nationality)] = int(n)
    return _by_size(found["victim"]), _by_size(found["suspect"])


def top(counts: Counts, n: int = 10, other: str = "All other nationalities") -> Counts:
    """The `n` largest entries (ties by name) and the rest added up under `other`."""
    ranked = list(_by_size(counts).items())
    out = dict(ranked[:n])
    rest = sum(v for _, v in ranked[n:])
    if rest:
        out[other] = rest
    return out


def outcomes(conn: Connection, who: Principal, period: Period, area: Area) -> Counts:
    """Outcomes to date of the operations in the month's returns (live or closed in the month)."""
    om = s.operation_month
    sums = [func.coalesce(func.sum(om.c[c]), 0) for c in CUMULATIVE_COLUMNS]
    values = conn.execute(months_in_scope(who, area, *sums).where(_in_month(period))).one()
    return {OUTCOME_LABELS[c]: int(v) for c, v in zip(CUMULATIVE_COLUMNS, values, strict=True)}


@dataclass(frozen=True)
class EuropolCoverage:
    """Live operations with an international dimension or foreign nationals, and checked ones."""

    eligible: int
    checked: int

    @property
    def rate(self) -> float | None:
        return self.checked / self.eligible if self.eligible else None


def europol_coverage(
    conn: Connection, who: Principal, period: Period, area: Area
) -> EuropolCoverage:
    """How many eligible live operations have a Europol (SIENA) check date."""
    om = s.operation_month
    eligible = due_a_check()
    query = months_in_scope(
        who, area, count_if(eligible), count_if(eligible & om.c.europol_check_date.is_not(None))
    ).where(_in_month(period), _live())
    n_eligible, n_checked = conn.execute(query).one()
    return EuropolCoverage(int(n_eligible), int(n_checked))


def ordered(labels: Iterable[str], order: Iterable[str]) -> list[str]:
    """`labels` in the order of `order`, then any others alphabetically."""
    wanted = set(labels)
    known = [x for x in order if x in wanted]
    return known + sorted(wanted - set(known))
