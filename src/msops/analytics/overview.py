"""The monthly overview: every figure of the national picture for one month, in one value.

`overview()` gathers the figures; each comes from one named query (`headline.headline`,
`overview_breakdowns.*`, `trend`). Reports and tables are made from this value only, so what a
page shows and what a CSV holds are the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Connection, func, select
from sqlalchemy.sql.elements import True_

from msops.analytics import overview_breakdowns as b
from msops.analytics.headline import (
    LEAD,
    NATIONAL,
    Area,
    Headline,
    count_if,
    headline,
    sum_if,
)
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import PARTNER_KIND
from msops.store import schema as s
from msops.store.schema.summary import month_summary
from msops.store.scope import visible_organisations

Synthetic = Literal["none", "some", "all"]


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    live_police_led: int
    live_partner_led: int
    opened: int
    closed: int


@dataclass(frozen=True)
class Overview:
    period: Period
    area: Area
    synthetic: Synthetic  # whether the returns behind the figures are synthetic (demo) data
    headline: Headline
    trend: tuple[TrendPoint, ...]  # every month from the first on record to `period`
    lead_by_region: b.Cells  # (region, lead type) -> live operations
    exploitation: b.Cells  # (type, category) -> live operations
    victims: b.Cells  # (age group, gender) -> potential victims in live police-led operations
    sectors: b.Counts
    recruitment: b.Counts
    control: b.Counts
    victim_nationalities: b.Counts  # all nationalities, largest first
    suspect_nationalities: b.Counts
    outcomes: b.Counts  # to date, operations in the month's returns
    europol: b.EuropolCoverage

    @property
    def first_period(self) -> Period | None:
        return self.trend[0].period if self.trend else None


def overview(
    conn: Connection, principal: Principal, period: Period, area: Area = NATIONAL
) -> Overview:
    """Every figure of the monthly overview for `period`, within the principal's scope; the
    area is the one the figures cover (`Area.within`)."""
    area = area.within(principal)
    detail = b.details(conn, principal, period, area)
    victims, suspects = b.nationalities(conn, principal, period, area)
    return Overview(
        period=period,
        area=area,
        synthetic=synthetic_returns(conn, principal, period, area),
        headline=headline(conn, principal, period, area),
        trend=trend(conn, principal, period, area),
        lead_by_region=b.lead_by_region(conn, principal, period, area),
        exploitation=b.exploitation(conn, principal, period, area),
        victims=b.victims_by_age_gender(conn, principal, period, area),
        sectors=detail.sectors,
        recruitment=detail.recruitment,
        control=detail.control,
        victim_nationalities=victims,
        suspect_nationalities=suspects,
        outcomes=b.outcomes(conn, principal, period, area),
        europol=b.europol_coverage(conn, principal, period, area),
    )


def trend(
    conn: Connection, principal: Principal, period: Period, area: Area = NATIONAL
) -> tuple[TrendPoint, ...]:
    """Live operations (police-led, partner-led), opened and closed, month by month.

    From the first month with a current return in scope that lists an operation, to `period`;
    months without any in between count zero. Opened: the opening date falls in the month of
    the return.

    Read from the monthly totals kept at submission (`schema.summary.month_summary`, one row per
    organisation, month and lead), not from every operation month: a few rows per organisation
    and month instead of one per operation. Scope and area apply to the organisation holding the
    operations; whether a lead is police or partner is read from `organisation` at query time.
    """
    ms, org = month_summary, s.organisation
    partner = LEAD.c.kind == PARTNER_KIND
    query = (
        select(
            ms.c.period,
            sum_if(~partner, ms.c.live),
            sum_if(partner, ms.c.live),
            func.sum(ms.c.opened),
            func.sum(ms.c.closed),
        )
        .select_from(ms)
        .join(LEAD, LEAD.c.id == ms.c.lead_org_id)
        .where(ms.c.period <= str(period))
        .group_by(ms.c.period)
    )
    in_scope = (visible_organisations(principal, org), area.clause(org))
    if not all(isinstance(c, True_) for c in in_scope):
        query = query.join(org, org.c.id == ms.c.organisation_id).where(*in_scope)
    found = {
        Period.parse(month): tuple(int(v) for v in figures)
        for month, *figures in conn.execute(query)
    }
    if not found:
        return ()
    points = []
    month = min(found)
    while month <= period:
        points.append(TrendPoint(month, *found.get(month, (0, 0, 0, 0))))
        month = month.next()
    return tuple(points)


def synthetic_returns(
    conn: Connection, principal: Principal, period: Period, area: Area = NATIONAL
) -> Synthetic:
    """Whether the current returns up to `period` in scope are synthetic: none, some or all."""
    rv, org = s.return_version, s.organisation
    is_synthetic = rv.c.source_name.startswith("synthetic-")
    query = (
        select(count_if(is_synthetic), func.count())
        .select_from(rv)
        .join(org, org.c.id == rv.c.organisation_id)
        .where(
            rv.c.is_current,
            rv.c.period <= str(period),
            visible_organisations(principal, org),
            area.clause(org),
        )
    )
    n_synthetic, n_all = (int(v) for v in conn.execute(query).one())
    if n_synthetic == 0:
        return "none"
    return "all" if n_synthetic == n_all else "some"
