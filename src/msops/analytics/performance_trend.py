"""One force's performance over time, against its region and the national rate.

Each month's rates are made of summed counts: a region's live operations per 100,000 are its
forces' live operations over their population (forces with a known population only), and so
on. The comparison covers every territorial force of England and Wales, whoever asks: it is
made of rates, never rows, and the force itself must be in the asker's scope (`Area.within`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection

from msops.analytics.headline import NATIONAL, Area, months_in_scope
from msops.analytics.performance import TERRITORIAL, measure_counts, population
from msops.domain.errors import NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal, system_principal
from msops.domain.reference import find_organisation
from msops.store import schema as s

# (key, label) of each rate followed over time; the keys are `performance.MEASURES`' keys
RATES = (
    ("live_per_100k", "Live operations per 100,000 population"),
    ("nrm_per_operation", "NRM referrals per operation"),
    ("europol_rate", "Europol check rate"),
    ("charges_per_suspect", "Charges per suspect"),
)
COMPARISON = system_principal("performance comparison")


@dataclass(frozen=True)
class Totals:
    """Counts of one or more forces' returns for one month."""

    live: int = 0
    live_counted: int = 0  # live operations of forces with a known population
    population: int = 0
    operations: int = 0
    nrm_referrals: int = 0
    eligible: int = 0
    checked: int = 0
    charges: int = 0
    suspects: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(*(a + b for a, b in zip(self.counts(), other.counts(), strict=True)))

    def counts(self) -> tuple[int, ...]:
        return (
            self.live,
            self.live_counted,
            self.population,
            self.operations,
            self.nrm_referrals,
            self.eligible,
            self.checked,
            self.charges,
            self.suspects,
        )

    def rate(self, key: str) -> float | None:
        over = {
            "live_per_100k": (self.live_counted * 100_000, self.population),
            "nrm_per_operation": (self.nrm_referrals, self.operations),
            "europol_rate": (self.checked, self.eligible),
            "charges_per_suspect": (self.charges, self.suspects),
        }
        top, bottom = over[key]
        return top / bottom if bottom else None


@dataclass(frozen=True)
class ForceTrend:
    organisation: str
    region: str | None
    months: tuple[Period, ...]
    force: tuple[Totals, ...]
    region_totals: tuple[Totals, ...]  # the force's region; empty totals when it has none
    national: tuple[Totals, ...]

    def series(self, key: str) -> list[tuple[str, list[float | None]]]:
        """(who, one rate a month) for the force, its region and England and Wales."""
        out = [(self.organisation, [t.rate(key) for t in self.force])]
        if self.region:
            out.append((self.region, [t.rate(key) for t in self.region_totals]))
        out.append(("England and Wales", [t.rate(key) for t in self.national]))
        return out


def force_trend(
    conn: Connection, principal: Principal, organisation: str, period: Period
) -> ForceTrend:
    """The force's rates month by month up to `period`, with its region's and the national.

    NotFound when no territorial force has that name; AccessDenied when the force is outside
    the principal's scope.
    """
    force = find_organisation(organisation)
    if force is None or force.kind != TERRITORIAL:
        raise NotFound(f"no territorial force is called {organisation!r}")
    Area(organisation=force.short_name).within(principal)
    by_month = monthly_totals(conn, period)
    months = _months(by_month, period)
    region_of = {o: find_organisation(o) for m in by_month.values() for o in m}

    def summed(names: Iterable[str], month: Period) -> Totals:
        found = by_month.get(month, {})
        return sum((found[n] for n in names if n in found), Totals())

    def in_region(month: Period) -> list[str]:
        found = by_month.get(month, {})
        return [n for n in found if (o := region_of.get(n)) and o.region == force.region]

    return ForceTrend(
        force.short_name,
        force.region,
        months,
        tuple(summed([force.short_name], m) for m in months),
        tuple(summed(in_region(m), m) if force.region else Totals() for m in months),
        tuple(summed(by_month.get(m, {}), m) for m in months),
    )


def _months(by_month: dict[Period, dict[str, Totals]], period: Period) -> tuple[Period, ...]:
    if not by_month:
        return ()
    out, month = [], min(by_month)
    while month <= period:
        out.append(month)
        month = month.next()
    return tuple(out)


def monthly_totals(conn: Connection, period: Period) -> dict[Period, dict[str, Totals]]:
    """Every territorial force's counts, month by month up to `period`, in one query."""
    om, org = s.operation_month, s.organisation
    columns = (om.c.period, org.c.short_name, *measure_counts())
    query = months_in_scope(COMPARISON, NATIONAL, *columns).where(
        om.c.period <= str(period), org.c.kind == TERRITORIAL
    )
    _, people = population()
    out: dict[Period, dict[str, Totals]] = {}
    for month, name, n_live, *rest in conn.execute(query.group_by(om.c.period, org.c.short_name)):
        known = people.get(name, 0)
        counts = (int(n_live), int(n_live) if known else 0, known, *(int(v) for v in rest))
        out.setdefault(Period.parse(month), {})[str(name)] = Totals(*counts)
    return out
