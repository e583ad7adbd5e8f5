"""An attacker on the whole public release at once: every published number of every table.

It reads the released tables as a reader gets them (the CSV text: numbers and "[c]") and knows
what a reader of the overview knows about them: each table adds up along its rows and columns;
the headline repeats totals of the other tables (live operations, the split by lead type,
victims and children, opened and closed this month, which are also the last row of the trend);
police-led is local forces plus ROCUs; the victims' nationalities add up to the victims of all
live operations (police-led ones in the victims table, plus those of partner-led operations, none
when no partner-led operation is live); checked-or-not operations are a subset of the live ones.

Bounds on each true value are those of an informed reader (as in `test_disclosure.reader`): a
published count is within the rounding and not small, a published 0 is exact, a suppressed small
count is 1 to threshold - 1 and any other suppressed count at least 0. Which suppressed cells are
small, the attacker takes from the truth (the internal release): an informed reader knows it from
the reasons. It then finds, by mixed-integer programming (scipy's HiGHS), the least and the
greatest value each suppressed small count can take. It shares no code with `msops.analytics`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

SUPPRESSED = "[c]"
Ref = tuple[str, str, str]  # (table, row label, column)
Rows = list[list[str]]
ONE_WAY_TOTALS = ("Total", "All mentions", "Eligible live operations")
NOT_COUNTS = {("headline", "Policing regions active (of 10)", "Value")}


@dataclass
class Relation:
    """sum(coef * value) == 0, or <= 0 when `at_most`."""

    terms: dict[str, float]
    at_most: bool = False


@dataclass
class Model:
    bounds: dict[str, tuple[float, float]] = field(default_factory=dict)
    relations: list[Relation] = field(default_factory=list)


def key(ref: Ref) -> str:
    return "|".join(ref)


def cells(name: str, rows: Rows) -> dict[Ref, str]:
    header = rows[0]
    return {
        (name, r[0], header[j]): r[j]
        for r in rows[1:]
        for j in range(1, len(header))
        if (name, r[0], header[j]) not in NOT_COUNTS
    }


def table_relations(name: str, rows: Rows) -> list[Relation]:
    """The additive lines of one released table."""
    header, body = rows[0], rows[1:]
    if not body:
        return []
    out = []
    if body[-1][0] in ONE_WAY_TOTALS and name not in ("headline", "trend_by_month"):
        for j in range(1, len(header)):
            terms = {key((name, r[0], header[j])): 1.0 for r in body[:-1]}
            terms[key((name, body[-1][0], header[j]))] = -1.0
            out.append(Relation(terms))
    if header[-1] == "Total":
        for r in body:
            terms = {key((name, r[0], c)): 1.0 for c in header[1:-1]}
            terms[key((name, r[0], "Total"))] = -1.0
            out.append(Relation(terms))
    return out


def h(measure: str) -> str:
    return key(("headline", measure, "Value"))


def region(col: str) -> str:
    return key(("live_operations_by_region_and_lead", "Total", col))


def cross_relations(tables: Mapping[str, Rows]) -> list[Relation]:
    """What the tables say about each other (see the module's docstring)."""
    last = tables["trend_by_month"][-1][0] if len(tables["trend_by_month"]) > 1 else None
    victims = h("Potential victims in live police-led operations")
    same = [
        (h("Live operations"), region("Total")),
        (h("Live operations"), key(("exploitation_type_by_category", "Total", "Total"))),
        (h("Led by local forces"), region("Local force")),
        (h("Led by ROCUs"), region("ROCU")),
        (h("Led by partner agencies"), region("Partner agency")),
        (victims, key(("victims_by_age_and_gender", "Total", "Total"))),
        (h("of whom children"), key(("victims_by_age_and_gender", "Child", "Total"))),
    ]
    if last is not None:
        same += [
            (h("Live operations"), key(("trend_by_month", last, "Live"))),
            (h("Opened in the month"), key(("trend_by_month", last, "Opened"))),
            (h("Closed in the month"), key(("trend_by_month", last, "Closed"))),
        ]
    police = h("Live police-led operations")
    out = [Relation({a: 1.0, b: -1.0}) for a, b in same]
    out.append(Relation({police: 1.0, h("Led by local forces"): -1.0, h("Led by ROCUs"): -1.0}))
    out.append(Relation({police: 1.0, h("Police-led operations held to date"): -1.0}, True))
    if len(tables["victim_nationalities"]) > 1:
        total = key(("victim_nationalities", "Total", "People"))
        out.append(Relation({total: 1.0, victims: -1.0, "partner-led victims": -1.0}))
    eligible = key(("europol_checks", "Eligible live operations", "Operations"))
    out.append(Relation({eligible: 1.0, h("Live operations"): -1.0}, at_most=True))
    return out


def reader_bounds(text: str, true: int, threshold: int, base: int) -> tuple[float, float]:
    """What an informed reader knows of one value: see the module's docstring."""
    if text == SUPPRESSED:
        return (1, threshold - 1) if 0 < true < threshold else (0, math.inf)
    v = int(text)
    if v == 0:
        return 0, 0
    near = [
        x
        for x in range(max(0, v - base), v + base + 1)
        if math.floor(x / base + 0.5) * base == v and x >= threshold
    ]
    return min(near), max(near)


def model(
    public: Mapping[str, Rows],
    truth: Mapping[str, Rows],
    *,
    threshold: int = 10,
    base: int = 5,
    joint: bool = True,
    withheld: Iterable[str] = (),
) -> Model:
    """The reader's problem: bounds on every value and the relations between them.

    `joint=False` leaves out what the tables say about each other (each table on its own).
    Of a `withheld` table the reader knows only that its counts are at least 0.
    """
    m, hidden = Model(), set(withheld)
    for name, rows in public.items():
        true = cells(name, truth[name])
        for ref, text in cells(name, rows).items():
            m.bounds[key(ref)] = (
                (0, math.inf)
                if name in hidden
                else reader_bounds(text, int(true[ref]), threshold, base)
            )
        m.relations += table_relations(name, rows)
    if joint:
        partner = cells("headline", public["headline"])
        none_partner = partner["headline", "Led by partner agencies", "Value"] == "0"
        m.bounds["partner-led victims"] = (0, 0 if none_partner else math.inf)
        m.relations += [r for r in cross_relations(public) if all(k in m.bounds for k in r.terms)]
    return m


def interval(m: Model, target: str) -> tuple[int, int]:
    """The least and the greatest integer value of `target` over every consistent release."""
    names = sorted(m.bounds)
    where = {n: i for i, n in enumerate(names)}
    a = np.zeros((len(m.relations), len(names)))
    for i, rel in enumerate(m.relations):
        for n, coef in rel.terms.items():
            a[i, where[n]] = coef
    low = np.array([-np.inf if r.at_most else 0.0 for r in m.relations])
    constraints = [LinearConstraint(a, low, np.zeros(len(m.relations)))] if m.relations else []
    bounds = Bounds([m.bounds[n][0] for n in names], [m.bounds[n][1] for n in names])
    found = []
    for sign in (1.0, -1.0):
        c = np.zeros(len(names))
        c[where[target]] = sign
        res = milp(c, constraints=constraints, bounds=bounds, integrality=np.ones(len(names)))
        assert res.status == 0, (target, res.message)
        found.append(round(sign * res.fun))
    return found[0], found[1]


def small_suppressed(
    public: Mapping[str, Rows],
    truth: Mapping[str, Rows],
    threshold: int = 10,
    withheld: Iterable[str] = (),
) -> list[str]:
    """Every suppressed cell whose true count is small, outside withheld tables."""
    out = []
    for name, rows in public.items():
        if name in set(withheld):
            continue
        true = cells(name, truth[name])
        out += [
            key(ref)
            for ref, text in cells(name, rows).items()
            if text == SUPPRESSED and 0 < int(true[ref]) < threshold
        ]
    return out


def attack(
    public: Mapping[str, Rows],
    truth: Mapping[str, Rows],
    *,
    threshold: int = 10,
    base: int = 5,
    joint: bool = True,
    only: Iterable[str] | None = None,
    withheld: Sequence[str] = (),
) -> dict[str, tuple[int, int]]:
    """The feasible interval of every suppressed small count (or of those in `only`)."""
    m = model(public, truth, threshold=threshold, base=base, joint=joint, withheld=withheld)
    targets = small_suppressed(public, truth, threshold, withheld) if only is None else list(only)
    return {t: interval(m, t) for t in targets}


def narrow(found: Mapping[str, tuple[int, int]], width: int) -> dict[str, tuple[int, int]]:
    """The cells whose interval is narrower than `width` (max - min)."""
    return {k: v for k, v in found.items() if v[1] - v[0] < width}


def as_rows(rows: Sequence[Sequence[str]]) -> Rows:
    return [list(r) for r in rows]
