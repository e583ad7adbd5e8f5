"""Force performance: rates per territorial force, national medians, robust outliers.

Each force is measured on its own returns for the month (the operations it holds, whoever
leads them). Rates with a small base are shown but never flagged (`MIN_BASE`). A force is an
outlier on a measure when it lies more than `CUTOFF` scaled median absolute deviations from
the median of all forces with a rate: the MAD times 1.4826 estimates the standard deviation
of a normal distribution, and unlike it is not pulled by the outliers themselves.
"""

from __future__ import annotations

import csv
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from sqlalchemy import ColumnElement, Connection, func

from msops.analytics.headline import NATIONAL, count_if, months_in_scope, sum_if
from msops.analytics.overview import Synthetic, synthetic_returns
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import Organisation, find_organisation, organisations
from msops.domain.return_spec import LIVE_STATUSES
from msops.store import schema as s
from msops.store.casework.europol import due_a_check

TERRITORIAL = "territorial_force"

POPULATION_FILE = "population_england_police_force_areas_2009_2019.csv"
MIN_BASE = 5  # operations, suspects or eligible operations below which a rate is not flagged
CUTOFF = 3.0
MAD_SCALE = 1.4826


@cache
def population() -> tuple[int, dict[str, int]]:
    """ONS mid-year population of each English police force area, for the latest year shipped.

    Returns (year, {force short name: population}). Welsh forces are not in the ONS file.
    """
    text = resources.files("msops.analytics.data").joinpath(POPULATION_FILE).read_text("utf-8")
    rows = list(csv.reader(text.splitlines()))
    header, latest = rows[0], max(rows[1:], key=lambda r: int(r[0]))
    out: dict[str, int] = {}
    for name, value in zip(header[1:], latest[1:], strict=True):
        org = find_organisation(name) or find_organisation(name.removesuffix(" Police"))
        if org is None:
            raise ValueError(f"population file names an unknown force: {name!r}")
        out[org.short_name] = int(value)
    return int(latest[0]), out


@dataclass(frozen=True)
class ForceFigures:
    """What a force's returns for the month say, with the rates made from them."""

    organisation: str
    region: str | None
    population: int | None
    live: int
    operations: int  # live or closed in the month
    nrm_referrals: int
    eligible: int  # live with an international dimension or foreign nationals
    checked: int  # of those, with a Europol check
    charges: int
    suspects: int
    median_days_open: float | None  # live operations: opening date to the month's last day

    @property
    def live_per_100k(self) -> float | None:
        return None if not self.population else self.live * 100_000 / self.population

    @property
    def nrm_per_operation(self) -> float | None:
        return self.nrm_referrals / self.operations if self.operations else None

    @property
    def europol_rate(self) -> float | None:
        return self.checked / self.eligible if self.eligible else None

    @property
    def charges_per_suspect(self) -> float | None:
        return self.charges / self.suspects if self.suspects else None


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    value: Callable[[ForceFigures], float | None]
    base: Callable[[ForceFigures], int]  # how many the rate is made of, for MIN_BASE


MEASURES: tuple[Measure, ...] = (
    Measure("live_per_100k", "Live operations per 100,000 population",
            lambda f: f.live_per_100k, lambda f: MIN_BASE if f.population else 0),
    Measure("nrm_per_operation", "NRM referrals per operation",
            lambda f: f.nrm_per_operation, lambda f: f.operations),
    Measure("europol_rate", "Europol check rate", lambda f: f.europol_rate, lambda f: f.eligible),
    Measure("charges_per_suspect", "Charges per suspect",
            lambda f: f.charges_per_suspect, lambda f: f.suspects),
    Measure("median_days_open", "Median days open (live)",
            lambda f: f.median_days_open, lambda f: f.live),
)  # fmt: skip


@dataclass(frozen=True)
class Flag:
    organisation: str
    measure: str
    value: float
    median: float
    deviations: float  # signed, in scaled MADs
    reason: str


@dataclass(frozen=True)
class Performance:
    period: Period
    population_year: int
    forces: tuple[ForceFigures, ...]
    medians: dict[str, float | None]
    flags: tuple[Flag, ...]
    synthetic: Synthetic = "none"

    def flags_for(self, organisation: str) -> list[Flag]:
        return [f for f in self.flags if f.organisation == organisation]


def performance(conn: Connection, principal: Principal, period: Period) -> Performance:
    """Every territorial force in scope, its rates, the national medians and the outliers."""
    forces = force_figures(conn, principal, period)
    medians = {m.key: national_median(forces, m) for m in MEASURES}
    flags = tuple(flag for m in MEASURES for flag in outliers(forces, m))
    synthetic = synthetic_returns(conn, principal, period)
    return Performance(period, population()[0], forces, medians, flags, synthetic)


def measure_counts() -> tuple[ColumnElement[int], ...]:
    """What the measures are made of, per group of returns: live operations, operations, NRM
    referrals, operations eligible for a Europol check, those checked, charges, suspects."""
    om = s.operation_month
    live = om.c.status.in_(LIVE_STATUSES)
    eligible = live & due_a_check()
    held = om.c.id.is_not(None)
    return (
        count_if(live),
        func.count(),
        sum_if(held, om.c.nrm_referrals),
        count_if(eligible),
        count_if(eligible & om.c.europol_check_date.is_not(None)),
        sum_if(held, om.c.charges),
        sum_if(held, om.c.suspects),
    )


def force_figures(
    conn: Connection, principal: Principal, period: Period
) -> tuple[ForceFigures, ...]:
    """The figures of each territorial force in scope, from its returns for `period`."""
    om, org = s.operation_month, s.organisation
    query = months_in_scope(principal, NATIONAL, org.c.short_name, *measure_counts()).where(
        om.c.period == str(period), org.c.kind == TERRITORIAL
    )
    found = {r[0]: [int(v) for v in r[1:]] for r in conn.execute(query.group_by(org.c.short_name))}
    days = _days_open(conn, principal, period)
    _, people = population()
    return tuple(
        _figures(o, people.get(o.short_name), found.get(o.short_name, [0] * 7), days)
        for o in organisations()
        if o.kind == "territorial_force" and (o.short_name in found or in_scope(principal, o))
    )


def _figures(
    org: Organisation, people: int | None, counts: list[int], days: dict[str, float]
) -> ForceFigures:
    live, operations, nrm, eligible, checked, charges, suspects = counts
    return ForceFigures(
        org.short_name,
        org.region,
        people,
        live,
        operations,
        nrm,
        eligible,
        checked,
        charges,
        suspects,
        days.get(org.short_name),
    )


def in_scope(principal: Principal, org: Organisation) -> bool:
    """Whether the force is in the principal's scope (one with no return is listed with zeros)."""
    if principal.sees_everything:
        return True
    if principal.region:
        return org.region == principal.region
    return principal.organisation == org.short_name


def _days_open(conn: Connection, principal: Principal, period: Period) -> dict[str, float]:
    om, org = s.operation_month, s.organisation
    query = months_in_scope(principal, NATIONAL, org.c.short_name, om.c.opened_date).where(
        om.c.period == str(period),
        om.c.status.in_(LIVE_STATUSES),
        org.c.kind == "territorial_force",
    )
    ages: dict[str, list[int]] = {}
    for name, opened in conn.execute(query):
        ages.setdefault(name, []).append((period.last_day - opened).days)
    return {name: float(statistics.median(v)) for name, v in ages.items()}


def _rated(forces: tuple[ForceFigures, ...], m: Measure) -> list[tuple[ForceFigures, float]]:
    return [(f, v) for f in forces if (v := m.value(f)) is not None and m.base(f) >= MIN_BASE]


def national_median(forces: tuple[ForceFigures, ...], m: Measure) -> float | None:
    """The median of the measure over forces with a rate on a base of at least MIN_BASE."""
    values = [v for _, v in _rated(forces, m)]
    return float(statistics.median(values)) if values else None


def outliers(forces: tuple[ForceFigures, ...], m: Measure) -> list[Flag]:
    """Forces more than CUTOFF scaled MADs from the median; none when the MAD is 0."""
    rated = _rated(forces, m)
    if len(rated) < 3:
        return []
    median = statistics.median(v for _, v in rated)
    spread = MAD_SCALE * statistics.median(abs(v - median) for _, v in rated)
    if spread == 0:
        return []
    flags = []
    for force, value in rated:
        z = (value - median) / spread
        if abs(z) > CUTOFF:
            side = "above" if z > 0 else "below"
            reason = (
                f"{m.label} {value:.2f} is {side} the national median {median:.2f}"
                f" by {abs(z):.1f} scaled MADs (flag beyond {CUTOFF:g})"
            )
            flags.append(Flag(force.organisation, m.key, value, median, z, reason))
    return flags
