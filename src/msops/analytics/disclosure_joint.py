"""Disclosure control of a set of tables released together, whose figures overlap.

`disclosure_suppression` protects one table against its own margins. Tables released together
share figures (the same total in several tables, a figure that is the sum of figures in another
table), so a cell safe in its own table may be worked out with what another table publishes.
`protect_jointly` protects the whole set (see `docs/disclosure-control.md`, "Tables released
together"):

1. each table is protected on its own (primary and secondary suppression);
2. consistency: a figure suppressed in one table is suppressed wherever it appears, and no
   relation between tables is left with exactly one suppressed figure (it would be the others'
   sum or difference); the tables that gain a suppressed cell are protected again around it;
3. audit: the release is attacked as a whole, as an informed reader would (`audit`): for every
   suppressed small count, the least and the greatest value it can take given every published
   figure of every table, every relation and the rules (rounding, threshold, why each cell is
   suppressed), found exactly by mixed-integer programming (scipy's HiGHS). A count whose
   interval is narrower than `protection` fails;
4. repair: for a failing count, the cheapest published cell of its lines that widens it is
   suppressed as well; when none does, its table is withheld (every cell "[c]", reason
   "withheld"). Then from 2. again, until the audit finds nothing.

Pure functions, no I/O.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from msops.analytics.disclosure import ROUNDING_BASE, THRESHOLD
from msops.analytics.disclosure_suppression import Grid, Pos, Reason, suppress

if TYPE_CHECKING:
    from scipy.optimize import Bounds, LinearConstraint

# numpy and scipy take a good part of a second to import, and every `msops` command imports this
# module (through analytics.tables): the functions that solve import them.

Ref = tuple[str, Pos]  # (table name, position in its grid)
Status = dict[str, dict[Pos, Reason]]
TRIES = 4  # cells tried per failing count before its table is withheld
PROTECTION = 2  # least width (greatest - least value) a reader can tell of a suppressed count


@dataclass(frozen=True)
class Relation:
    """Figures of different tables that a reader knows to be related: the sum of
    `coef * figure` over `terms` is 0, or at most 0 when `at_most`.

    When exactly one figure of an equation is suppressed, the first published one of `terms`
    is suppressed too: list the figure that is cheapest to lose first.
    """

    terms: tuple[tuple[Ref, int], ...]
    at_most: bool = False


def same(*refs: Ref) -> list[Relation]:
    """One figure shown in several places: each equal to the first."""
    return [Relation(((refs[0], 1), (ref, -1))) for ref in refs[1:]]


@dataclass(frozen=True)
class Rules:
    threshold: int = THRESHOLD
    base: int = ROUNDING_BASE
    suppress_zeros: bool = False
    protection: int = PROTECTION  # least width (greatest - least value) of a suppressed count


@dataclass
class JointRelease:
    """Why each suppressed cell of each table is suppressed, and what the audit found."""

    status: Status
    withheld: set[str] = field(default_factory=set)
    intervals: dict[Ref, tuple[int, int]] = field(default_factory=dict)


def protect_jointly(
    grids: Mapping[str, Grid], relations: Sequence[Relation], rules: Rules = Rules()
) -> JointRelease:
    """The suppression of every table of `grids`, safe as a set (see the module's docstring)."""
    forced: dict[str, set[Pos]] = {name: set() for name in grids}
    withheld: set[str] = set()
    tried: dict[Ref, set[Pos]] = {}
    while True:
        status = _consistent(grids, relations, rules, forced, withheld)
        intervals = audit(grids, relations, rules, status, withheld)
        failing = sorted(r for r, (lo, hi) in intervals.items() if hi - lo < rules.protection)
        if not failing:
            return JointRelease(status, withheld, intervals)
        ref = failing[0]
        extra = _widening_cell(grids, relations, rules, forced, withheld, status, ref, tried)
        if extra is None:
            withheld.add(ref[0])
        else:
            forced[extra[0]].add(extra[1])


def _consistent(
    grids: Mapping[str, Grid],
    relations: Sequence[Relation],
    rules: Rules,
    forced: Mapping[str, set[Pos]],
    withheld: set[str],
) -> Status:
    """Each table protected around its forced cells, until every relation is consistent."""
    forced = {name: set(cells) for name, cells in forced.items()}
    while True:
        status = {name: _protect(grids[name], name, rules, forced, withheld) for name in grids}
        more = _unsafe_relations(relations, status, withheld)
        if not more:
            return status
        for name, pos in more:
            forced[name].add(pos)


def _protect(
    grid: Grid, name: str, rules: Rules, forced: Mapping[str, set[Pos]], withheld: set[str]
) -> dict[Pos, Reason]:
    if name in withheld:
        return dict.fromkeys(grid.values, "withheld")
    return suppress(
        grid, threshold=rules.threshold, suppress_zeros=rules.suppress_zeros, forced=forced[name]
    )


def _unsafe_relations(
    relations: Sequence[Relation], status: Status, withheld: set[str]
) -> list[Ref]:
    """For each equation with exactly one suppressed figure, the figure to suppress next."""
    out = []
    for rel in relations:
        refs = [ref for ref, _ in rel.terms if ref[0] not in withheld]
        hidden = [ref for ref in refs if ref[1] in status[ref[0]]]
        if rel.at_most or len(hidden) != 1:
            continue
        shown = [ref for ref in refs if ref[1] not in status[ref[0]]]
        if shown:
            out.append(shown[0])
    return out


def _widening_cell(
    grids: Mapping[str, Grid],
    relations: Sequence[Relation],
    rules: Rules,
    forced: Mapping[str, set[Pos]],
    withheld: set[str],
    status: Status,
    ref: Ref,
    tried: dict[Ref, set[Pos]],
) -> Ref | None:
    """The cheapest published cell on the lines of `ref` whose suppression gives `ref` enough
    room, among the first few tried for it; None when there is none."""
    name, pos = ref
    grid, done = grids[name], tried.setdefault(ref, set())
    candidates = sorted(
        {p for line in grid.lines if pos in line for p in line if p not in status[name]},
        key=lambda p: (grid.values[p] == 0, grid.values[p], p in grid.totals, p),
    )
    for p in [p for p in candidates if p not in done][: max(TRIES - len(done), 0)]:
        done.add(p)
        trial = {n: {*cells, p} if n == name else cells for n, cells in forced.items()}
        after = _consistent(grids, relations, rules, trial, withheld)
        lo, hi = audit(grids, relations, rules, after, withheld, only=[ref])[ref]
        if hi - lo >= rules.protection:
            return name, p
    return None


def audit(
    grids: Mapping[str, Grid],
    relations: Sequence[Relation],
    rules: Rules,
    status: Status,
    withheld: Iterable[str] = (),
    only: Sequence[Ref] | None = None,
) -> dict[Ref, tuple[int, int]]:
    """The least and the greatest value of every suppressed small count (or of `only`) that a
    reader can tell from the whole release: the informed reader of the module's docstring."""
    import numpy as np
    from scipy.optimize import Bounds

    hidden = set(withheld)
    refs = [(name, pos) for name, grid in grids.items() for pos in sorted(grid.values)]
    where = {ref: k for k, ref in enumerate(refs)}
    constraint = _constraints(grids, relations, where)
    low, high = zip(*(_reader(grids, rules, status, ref) for ref in refs), strict=True)
    bounds = Bounds(np.array(low, dtype=float), np.array(high, dtype=float))
    targets = (
        only
        if only is not None
        else [
            (name, pos)
            for name in grids
            if name not in hidden
            for pos, why in sorted(status[name].items())
            if why == "primary"
        ]
    )
    return {ref: _interval(where[ref], len(refs), constraint, bounds) for ref in targets}


def _constraints(
    grids: Mapping[str, Grid], relations: Sequence[Relation], where: Mapping[Ref, int]
) -> list[LinearConstraint]:
    """Every line of every table (parts minus total is 0) and every relation between tables."""
    import numpy as np
    from scipy.optimize import LinearConstraint
    from scipy.sparse import lil_matrix

    rows: list[tuple[list[tuple[int, int]], bool]] = []
    for name, grid in grids.items():
        for line in grid.lines:
            terms = [(where[name, p], 1) for p in line[:-1]] + [(where[name, line[-1]], -1)]
            rows.append((terms, False))
    rows += [([(where[ref], coef) for ref, coef in rel.terms], rel.at_most) for rel in relations]
    if not rows:
        return []
    a = lil_matrix((len(rows), len(where)))
    for i, (terms, _) in enumerate(rows):
        for k, coef in terms:
            a[i, k] += coef
    low = np.array([-np.inf if at_most else 0.0 for _, at_most in rows])
    return [LinearConstraint(a.tocsr(), low, np.zeros(len(rows)))]


def _reader(grids: Mapping[str, Grid], rules: Rules, status: Status, ref: Ref) -> tuple[int, float]:
    """What an informed reader knows of one figure, from how it is released."""
    name, pos = ref
    why = status[name].get(pos)
    if why == "primary":
        return (0 if rules.suppress_zeros else 1), max(rules.threshold - 1, 0)
    if why == "secondary":
        return (rules.threshold if rules.suppress_zeros else 0), math.inf
    if why == "withheld":
        return 0, math.inf
    return rounding_interval(grids[name].values[pos], rules)


def rounding_interval(true: int, rules: Rules) -> tuple[int, int]:
    """The counts a published figure may stand for: those rounding to it that are not small."""
    shown = _round(true, rules.base)
    if shown == 0 and not rules.suppress_zeros:
        return 0, 0
    near = [
        x
        for x in range(max(0, shown - rules.base), shown + rules.base + 1)
        if _round(x, rules.base) == shown and x >= rules.threshold
    ]
    return (min(near), max(near)) if near else (true, true)


def _round(value: int, base: int) -> int:
    return (2 * value + base) // (2 * base) * base


def _interval(
    k: int, n: int, constraints: list[LinearConstraint], bounds: Bounds
) -> tuple[int, int]:
    import numpy as np
    from scipy.optimize import milp

    found = []
    for sign in (1.0, -1.0):
        c = np.zeros(n)
        c[k] = sign
        res = milp(c, constraints=constraints, bounds=bounds, integrality=np.ones(n))
        if res.status != 0:  # cannot happen: the true counts are a solution
            raise RuntimeError(f"disclosure audit failed: {res.message}")
        found.append(round(sign * res.fun))
    return found[0], found[1]
