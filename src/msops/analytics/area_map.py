"""Live operations per organisation for one month: the figures the force map is shaded by.

Counted from each organisation's own returns (the operations it holds), within the
principal's aggregate scope (`store.aggregate_scope`): a national analyst has every
organisation's count; a regional analyst their region's; a force or partner user their own;
a PCC their force area's, disclosure-controlled as on the dashboard (under THRESHOLD not
shown, the rest rounded to ROUNDING_BASE, and the rate made from the rounded count so that it
does not give the true count away). Every other organisation is out of scope: no figure.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection

from msops.analytics.disclosure import ROUNDING_BASE, SUPPRESSED, THRESHOLD, round_half_up
from msops.analytics.headline import NATIONAL, count_if, months_in_scope
from msops.domain.area_map import Population, populations, rate_per_100k, tiles
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.domain.reference import Organisation, find_organisation
from msops.domain.return_spec import LIVE_STATUSES
from msops.store import schema as s
from msops.store.aggregate_scope import aggregate_scope


@dataclass(frozen=True)
class AreaFigure:
    organisation: Organisation
    live: int | None  # None: outside the scope, or suppressed
    shown: str  # what a person reads: the count, SUPPRESSED, or "" out of scope
    population: Population | None
    rate: float | None  # live operations per 100,000 residents

    @property
    def in_scope(self) -> bool:
        return self.shown != ""


@dataclass(frozen=True)
class AreaFigures:
    period: Period
    figures: tuple[AreaFigure, ...]  # one per tile of the map, in its order
    protected: bool  # disclosure-controlled (PCC)

    def of(self, short_name: str) -> AreaFigure:
        return next(f for f in self.figures if f.organisation.short_name == short_name)


def live_by_organisation(conn: Connection, principal: Principal, period: Period) -> dict[str, int]:
    """Live operations in `period` per organisation (short name) in the principal's scope;
    organisations with none are absent."""
    om, org = s.operation_month, s.organisation
    query = months_in_scope(
        principal, NATIONAL, org.c.short_name, count_if(om.c.status.in_(LIVE_STATUSES))
    )
    query = query.where(om.c.period == str(period)).group_by(org.c.short_name)
    return {str(name): int(n) for name, n in conn.execute(query) if n}


def area_figures(conn: Connection, principal: Principal, period: Period) -> AreaFigures:
    """Every tile's figure for `period`, as `principal` may see it."""
    scope = aggregate_scope(principal)
    return figures_of(
        live_by_organisation(conn, scope, period), scope, period, principal.role == Role.PCC
    )


def figures_of(
    counts: dict[str, int], scope: Principal, period: Period, protect: bool = False
) -> AreaFigures:
    """Every tile's figure from counts by organisation (short name) already in `scope`."""
    people = populations()
    figures = tuple(
        _figure(t.organisation, counts, people.get(t.organisation.short_name), scope, protect)
        for t in tiles()
    )
    return AreaFigures(period, figures, protect)


def _figure(
    org: Organisation,
    counts: dict[str, int],
    people: Population | None,
    scope: Principal,
    protect: bool,
) -> AreaFigure:
    if not _visible(scope, org):
        return AreaFigure(org, None, "", people, None)
    live = counts.get(org.short_name, 0)
    if protect:
        if live < THRESHOLD:
            return AreaFigure(org, None, SUPPRESSED, people, None)
        live = round_half_up(live, ROUNDING_BASE)
    rate = rate_per_100k(live, people.residents) if people else None
    return AreaFigure(org, live, f"{live:,}", people, rate)


def _visible(scope: Principal, org: Organisation) -> bool:
    """Whether the organisation's count is in the scope (listed with 0 when it has none)."""
    if scope.sees_everything:
        return True
    if scope.role == Role.REGIONAL_ANALYST:
        return scope.region is not None and org.region == scope.region
    own = find_organisation(scope.organisation or "")
    return own is not None and own.short_name == org.short_name
