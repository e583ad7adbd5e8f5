"""Disclosure control of released tables, and an independent attacker that tries to undo it.

The attacker sees only what is released (the published values and, to be stronger, why each
cell is suppressed) and the public rules (threshold, rounding base, zero policy). It works on
the released `ProtectedTable` alone and shares no code with the module under test.
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import random
import time
from collections import deque
from collections.abc import Callable, Iterable

import numpy as np
import pytest

from msops.analytics.disclosure import (
    SUPPRESSED,
    ProtectedTable,
    Published,
    protect_series,
    protect_table,
    round_half_up,
)

THRESHOLD = 10
INF = 10**6
Key = tuple[str, ...]  # ("cell", row, col), ("row", row), ("col", col) or ("grand",)
Bounds = Callable[[Published], tuple[int, int]]
Counts = dict[tuple[str, str], int]
Table = tuple[Counts, list[str], list[str]]
Edge = tuple[int, int, int, int]  # from, to, least, most
Line = tuple[list[Key], Key]  # parts, total


def grid(matrix: list[list[int]]) -> Table:
    """A table of counts from a matrix: rows r0, r1, ..., columns c0, c1, ..."""
    rows = [f"r{i}" for i in range(len(matrix))]
    cols = [f"c{j}" for j in range(len(matrix[0]))]
    return (
        {(r, c): matrix[i][j] for i, r in enumerate(rows) for j, c in enumerate(cols)},
        rows,
        cols,
    )


def random_tables(
    seed: int, n: int = 200, threshold: int = THRESHOLD, top: int = 30
) -> list[Table]:
    """`n` seeded 3x3 and 4x3 tables: about 10% zeros, 35% small counts (below `threshold`),
    the rest from `threshold` to `top`."""
    rng = random.Random(seed)

    def draw() -> int:
        u = rng.random()
        if u < 0.1:
            return 0
        return rng.randint(1, threshold - 1) if u < 0.45 else rng.randint(threshold, top)

    shapes = itertools.cycle([(3, 3), (4, 3)])
    return [
        grid([[draw() for _ in range(w)] for _ in range(h)]) for h, w in itertools.islice(shapes, n)
    ]


# ---- what is released, and the truth behind it ------------------------------------------------


def released(t: ProtectedTable) -> dict[Key, Published]:
    out: dict[Key, Published] = {("cell", r, c): p for (r, c), p in t.cells.items()}
    out |= {("row", r): p for r, p in t.row_totals.items()}
    out |= {("col", c): p for c, p in t.col_totals.items()}
    if not t.one_way:
        out["grand",] = t.grand_total
    return out


def lines(t: ProtectedTable) -> list[Line]:
    """Every additive relation of the released table: its parts and their total."""
    cols: list[Line] = [([("cell", r, c) for r in t.rows], ("col", c)) for c in t.cols]
    if t.one_way:
        return cols
    rows: list[Line] = [([("cell", r, c) for c in t.cols], ("row", r)) for r in t.rows]
    margins: list[Line] = [
        ([("col", c) for c in t.cols], ("grand",)),
        ([("row", r) for r in t.rows], ("grand",)),
    ]
    return rows + cols + margins


def truth(counts: Counts, rows: list[str], cols: list[str]) -> dict[Key, int]:
    out: dict[Key, int] = {("cell", r, c): counts.get((r, c), 0) for r in rows for c in cols}
    out |= {("row", r): sum(out["cell", r, c] for c in cols) for r in rows}
    out |= {("col", c): sum(out["cell", r, c] for r in rows) for c in cols}
    out["grand",] = sum(out["col", c] for c in cols)
    return out


def value(p: Published) -> int:
    assert p.value is not None
    return p.value


# ---- attack 1: subtraction, and linear algebra on the line equations --------------------------


def subtraction_attack(t: ProtectedTable) -> dict[Key, int]:
    """Cells recovered as a total minus its published parts (or a total as the sum of its
    parts): possible on any line with exactly one suppressed cell."""
    cells, found = released(t), {}
    for parts, total in lines(t):
        hidden = [k for k in (*parts, total) if cells[k].suppressed]
        if len(hidden) == 1:
            known = sum(value(cells[k]) for k in parts if k not in hidden)
            found[hidden[0]] = known if hidden[0] == total else value(cells[total]) - known
    return found


def equation_attack(t: ProtectedTable) -> set[Key]:
    """Suppressed cells whose value the line equations alone fix (bounds ignored): those whose
    unit vector lies in the row space of the equations restricted to suppressed cells."""
    cells = released(t)
    hidden = sorted(k for k, p in cells.items() if p.suppressed)
    if not hidden:
        return set()
    where = {k: i for i, k in enumerate(hidden)}
    a = np.zeros((len(lines(t)), len(hidden)))
    for n, (parts, total) in enumerate(lines(t)):
        for k in parts:
            if k in where:
                a[n, where[k]] = 1
        if total in where:
            a[n, where[total]] = -1
    rank = np.linalg.matrix_rank(a)
    unit = np.eye(len(hidden))
    return {k for k, i in where.items() if np.linalg.matrix_rank(np.vstack([a, unit[i]])) == rank}


# ---- attack 2: the feasible interval of each suppressed cell ----------------------------------


def reader(threshold: int, base: int, suppress_zeros: bool, *, informed: bool) -> Bounds:
    """What a reader can say of one released cell's true value, as an interval of integers.

    Both readers know that a published value is the truth rounded to `base` (so within +-2 for
    base 5), that a published 0 is exact when zeros are published, that a primary cell is below
    `threshold` and a secondary one at least 0. The `informed` reader also knows that a published
    count or a secondary cell is not small (at least `threshold`, or a published zero) and that
    a primary cell is not 0 when zeros are published.
    """

    def not_small(x: int) -> bool:
        return x >= threshold or (x == 0 and not suppress_zeros)

    def bounds(p: Published) -> tuple[int, int]:
        if p.value is not None:
            v = p.value
            near = [x for x in range(max(0, v - base), v + base + 1) if rounds_to(x, base) == v]
            if informed or (v == 0 and not suppress_zeros):
                near = [x for x in near if not_small(x)]
            return min(near), max(near)
        if p.reason == "primary":
            return (0 if suppress_zeros or not informed else 1), threshold - 1
        return (threshold if informed and suppress_zeros else 0), INF

    return bounds


def rounds_to(x: int, base: int) -> int:
    """The ONS rounding, written independently: to the nearest multiple of `base`, halves up."""
    return math.floor(x / base + 0.5) * base


def network(t: ProtectedTable, bounds: Bounds) -> tuple[dict[Key, Edge], int]:
    """The released table as a circulation source -> row -> column -> sink -> source, one edge
    per cell carrying its bounds. Tables a reader cannot rule out are exactly the feasible
    circulations (the constraints are totally unimodular: integer and real answers agree)."""
    cells, n_rows, n_cols = released(t), len(t.rows), len(t.cols)
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    edges: dict[Key, Edge] = {}
    for i, r in enumerate(t.rows):
        edges["row", r] = (source, i, *((0, INF) if t.one_way else bounds(cells["row", r])))
        for j, c in enumerate(t.cols):
            edges["cell", r, c] = (i, n_rows + j, *bounds(cells["cell", r, c]))
    for j, c in enumerate(t.cols):
        edges["col", c] = (n_rows + j, sink, *bounds(cells["col", c]))
    edges["grand",] = (sink, source, *((0, INF) if t.one_way else bounds(cells["grand",])))
    return edges, n_rows + n_cols + 2


def feasible(edges: Iterable[Edge], n: int) -> bool:
    """Whether a circulation meets every edge's bounds: one max flow from the lower bounds."""
    cap = [[0] * (n + 2) for _ in range(n + 2)]
    excess = [0] * n
    for u, v, least, most in edges:
        if least > most:
            return False
        cap[u][v] += most - least
        excess[v] += least
        excess[u] -= least
    for x, e in enumerate(excess):
        cap[n][x] += max(e, 0)
        cap[x][n + 1] += max(-e, 0)
    return max_flow(cap, n, n + 1) == sum(e for e in excess if e > 0)


def max_flow(cap: list[list[int]], source: int, sink: int) -> int:
    """Edmonds-Karp on a capacity matrix (consumed)."""
    flow = 0
    while path := augmenting_path(cap, source, sink):
        push = min(cap[u][v] for u, v in path)
        for u, v in path:
            cap[u][v] -= push
            cap[v][u] += push
        flow += push
    return flow


def augmenting_path(cap: list[list[int]], source: int, sink: int) -> list[tuple[int, int]]:
    parent, todo = {source: source}, deque([source])
    while todo and sink not in parent:
        u = todo.popleft()
        for v, room in enumerate(cap[u]):
            if room > 0 and v not in parent:
                parent[v] = u
                todo.append(v)
    path, v = [], sink
    while v in parent and v != source:
        path.append((parent[v], v))
        v = parent[v]
    return path if v == source else []


def feasible_values(t: ProtectedTable, bounds: Bounds, key: Key) -> list[int]:
    """Every value of the cell at `key` that some table consistent with the release allows."""
    edges, n = network(t, bounds)
    least, most = bounds(released(t)[key])
    u, v, _, _ = edges[key]
    return [x for x in range(least, most + 1) if feasible({**edges, key: (u, v, x, x)}.values(), n)]


def capped(bounds: Bounds, cap: int) -> Bounds:
    return lambda p: (bounds(p)[0], min(bounds(p)[1], cap))


def brute_force(t: ProtectedTable, bounds: Bounds) -> dict[Key, set[int]]:
    """The same question by enumerating every interior table within bounds (tiny tables only)."""
    limits = {k: bounds(p) for k, p in released(t).items()}
    interior = [("cell", r, c) for r in t.rows for c in t.cols]
    seen: dict[Key, set[int]] = {k: set() for k in limits}
    for values in itertools.product(*(range(limits[k][0], limits[k][1] + 1) for k in interior)):
        counts = {(k[1], k[2]): x for k, x in zip(interior, values, strict=True)}
        table = truth(counts, list(t.rows), list(t.cols))
        if all(least <= table[k] <= most for k, (least, most) in limits.items()):
            for k in limits:
                seen[k].add(table[k])
    return seen


# ---- the attacker is right --------------------------------------------------------------------


@pytest.mark.parametrize("base", [1, 5])
@pytest.mark.parametrize("suppress_zeros", [False, True])
def test_the_flow_attacker_agrees_with_brute_force(base: int, suppress_zeros: bool) -> None:
    zeros = {"suppress_zeros": suppress_zeros}
    """On 2x2 tables with threshold 4 (counts up to 6), small enough to enumerate."""
    bounds = capped(reader(4, base, suppress_zeros, informed=True), 26)
    for counts, rows, cols in random_tables(seed=7, n=6, threshold=4, top=6):
        rows, cols = rows[:2], cols[:2]
        small = {(r, c): counts[r, c] for r in rows for c in cols}
        t = protect_table(small, rows=rows, cols=cols, threshold=4, base=base, **zeros)
        by_enumeration = brute_force(t, bounds)
        true = truth(small, rows, cols)
        for key in released(t):
            assert true[key] in by_enumeration[key]
            assert feasible_values(t, bounds, key) == sorted(by_enumeration[key]), key


def test_the_flow_attacker_agrees_with_linear_programming() -> None:
    optimize = pytest.importorskip("scipy.optimize")
    for counts, rows, cols in random_tables(seed=11, n=20):
        t = protect_table(counts, rows=rows, cols=cols)
        bounds = reader(THRESHOLD, 5, False, informed=True)
        keys = list(released(t))
        a_eq = [[(k in parts) - (k == total) for k in keys] for parts, total in lines(t)]
        limits = [(lo, None if hi == INF else hi) for lo, hi in map(bounds, released(t).values())]
        for i, key in enumerate(keys):
            if released(t)[key].reason == "primary":
                values = feasible_values(t, bounds, key)
                for sign, end in ((1, values[0]), (-1, values[-1])):
                    c = [sign * (j == i) for j in range(len(keys))]
                    res = optimize.linprog(c, A_eq=a_eq, b_eq=[0] * len(a_eq), bounds=limits)
                    assert res.status == 0 and round(sign * res.fun) == end, key


# ---- 1. small counts suppressed, the rest rounded ---------------------------------------------


def test_small_counts_are_suppressed_and_the_rest_rounded_to_fives() -> None:
    counts, rows, cols = grid([[4, 12, 23], [17, 31, 44], [26, 9, 58]])
    t = protect_table(counts, rows=rows, cols=cols)
    assert t.cell("r0", "c0") == Published(None, "primary")
    assert t.cell("r2", "c1") == Published(None, "primary")
    assert t.cell("r1", "c2") == Published(45, None)
    assert t.cell("r2", "c2") == Published(60, None)
    for p in t.all_cells():
        assert p.value is None or p.value % 5 == 0
        assert (p.value is None) == (p.reason is not None)


@pytest.mark.parametrize(
    ("count", "base", "published"),
    [
        (12, 5, 10),
        (13, 5, 15),
        (15, 5, 15),
        (2, 5, 0),
        (3, 5, 5),
        (25, 10, 30),
        (35, 10, 40),
        (7, 1, 7),
    ],
)
def test_rounding_is_to_the_nearest_base_halves_up(count: int, base: int, published: int) -> None:
    assert round_half_up(count, base) == published == rounds_to(count, base)


def test_totals_are_rounded_from_the_true_counts_not_summed_from_rounded_cells() -> None:
    counts, rows, cols = grid([[12, 12, 12], [12, 12, 12]])
    t = protect_table(counts, rows=rows, cols=cols)
    assert {p.value for p in t.cells.values()} == {10}
    assert [p.value for p in t.row_totals.values()] == [35, 35]  # 36, not 3 x 10
    assert [p.value for p in t.col_totals.values()] == [25, 25, 25]  # 24
    assert t.grand_total == Published(70, None)  # 72


def test_a_small_total_is_suppressed_and_counts_in_its_lines() -> None:
    counts, rows, cols = grid([[3, 4], [40, 50]])
    t = protect_table(counts, rows=rows, cols=cols)
    assert t.row_totals["r0"] == Published(None, "primary")  # 7
    assert subtraction_attack(t) == {}
    assert equation_attack(t) == set()


# ---- 2. THE KEY TEST: an attacker cannot recover suppressed cells ----------------------------


@pytest.mark.parametrize("suppress_zeros", [False, True])
def test_an_attacker_cannot_pin_down_any_small_count(suppress_zeros: bool) -> None:
    pinned, checked = [], 0
    for counts, rows, cols in random_tables(seed=20240601):
        t = protect_table(counts, rows=rows, cols=cols, suppress_zeros=suppress_zeros)
        true = truth(counts, rows, cols)
        for informed in (False, True):
            bounds = reader(THRESHOLD, 5, suppress_zeros, informed=informed)
            for key, cell in released(t).items():
                if cell.reason == "primary":
                    values = feasible_values(t, bounds, key)
                    assert true[key] in values, (counts, key)  # the reader's model is sound
                    checked += 1
                    if len(values) < 2:
                        pinned.append((counts, key, values))
    assert pinned == []
    assert checked > 1000


@pytest.mark.parametrize("suppress_zeros", [False, True])
def test_an_attacker_cannot_pin_down_a_small_count_of_a_one_way_table(suppress_zeros: bool) -> None:
    rng, checked = random.Random(5), 0
    for n in itertools.islice(itertools.cycle(range(2, 7)), 100):
        counts = {f"k{i}": rng.choice([0, 1, 2, 4, 7, 9, 10, 12, 18, 25]) for i in range(n)}
        t = protect_series(counts, suppress_zeros=suppress_zeros)
        bounds = reader(THRESHOLD, 5, suppress_zeros, informed=True)
        assert subtraction_attack(t) == {}
        for key, cell in released(t).items():
            if cell.reason == "primary":
                checked += 1
                assert len(feasible_values(t, bounds, key)) > 1, counts
    assert checked > 100


def test_a_large_table_is_protected_quickly() -> None:
    """A force-by-category sized table: 43 rows, 12 columns, many small counts."""
    rng = random.Random(9)
    rows, cols = [f"force {i}" for i in range(43)], [f"type {j}" for j in range(12)]
    counts = {(r, c): rng.choice([0, 0, 1, 3, 6, 9, 11, 15, 30, 80]) for r in rows for c in cols}
    started = time.perf_counter()
    t = protect_table(counts, rows=rows, cols=cols)
    assert time.perf_counter() - started < 5
    assert subtraction_attack(t) == {}
    assert equation_attack(t) == set()


@pytest.mark.parametrize("base", [5, 1])
@pytest.mark.parametrize("suppress_zeros", [False, True])
def test_subtraction_and_the_line_equations_recover_nothing(
    base: int, suppress_zeros: bool
) -> None:
    recovered_without_secondary = 0
    for counts, rows, cols in random_tables(seed=20240601):
        t = protect_table(counts, rows=rows, cols=cols, base=base, suppress_zeros=suppress_zeros)
        assert subtraction_attack(t) == {}
        assert equation_attack(t) == set()
        exposed = protect_table(
            counts, rows=rows, cols=cols, base=base, suppress_zeros=suppress_zeros, secondary=False
        )
        recovered_without_secondary += len(subtraction_attack(exposed))
    assert recovered_without_secondary > 100  # the attack is real: it works on a naive release


def test_known_limit_without_rounding_bounds_can_pin_a_cell_across_lines() -> None:
    """Documented limit (docs/disclosure-control.md): with base=1 a reader who knows the
    reasons can chain a row and a column with the bounds 1..9 of primary cells."""
    counts, rows, cols = grid([[25, 4, 15], [17, 1, 27], [2, 1, 16], [29, 26, 8]])
    key = ("cell", "r2", "c0")
    exact = protect_table(counts, rows=rows, cols=cols, base=1)
    assert subtraction_attack(exact) == {} and equation_attack(exact) == set()
    assert feasible_values(exact, reader(THRESHOLD, 1, False, informed=True), key) == [2]
    rounded = protect_table(counts, rows=rows, cols=cols)
    assert feasible_values(rounded, reader(THRESHOLD, 5, False, informed=True), key) == [
        *range(1, 9)
    ]


# ---- 3. secondary suppression is what stops subtraction -------------------------------------


def test_secondary_suppression_is_what_stops_subtraction() -> None:
    counts, rows, cols = grid([[4, 12, 20], [15, 25, 30], [18, 22, 27]])
    exposed = protect_table(counts, rows=rows, cols=cols, base=1, secondary=False)
    assert subtraction_attack(exposed) == {("cell", "r0", "c0"): 4}
    t = protect_table(counts, rows=rows, cols=cols, base=1)
    assert subtraction_attack(t) == {}
    assert {k for k, p in released(t).items() if p.reason == "secondary"} == {
        ("cell", "r0", "c1"),  # 12: the smallest in the row
        ("cell", "r1", "c0"),  # 15: the smallest in the column
        ("cell", "r1", "c1"),  # 25: closes row r1 and column c1 at once
    }
    bounds = reader(THRESHOLD, 1, False, informed=True)
    assert feasible_values(t, bounds, ("cell", "r0", "c0")) == list(range(1, 10))


def test_two_blocks_joined_by_one_cell_get_a_second_link() -> None:
    """Every line has two or more suppressed cells, yet the cell joining the two blocks is the
    sum of rows r0, r1 minus the sum of columns c0, c1: a second link puts it on a cycle."""
    matrix = [[3, 4, 20, 20], [5, 2, 6, 20], [20, 15, 3, 5], [20, 20, 4, 2]]
    counts, rows, cols = grid(matrix)
    exposed = protect_table(counts, rows=rows, cols=cols, base=1, secondary=False)
    assert subtraction_attack(exposed) == {}
    assert equation_attack(exposed) == {("cell", "r1", "c2")}
    t = protect_table(counts, rows=rows, cols=cols, base=1)
    assert [k for k, p in released(t).items() if p.reason == "secondary"] == [("cell", "r2", "c1")]
    assert equation_attack(t) == set()


# ---- 4. one-way tables ------------------------------------------------------------------------


def test_one_way_a_single_small_category_forces_a_second_suppression() -> None:
    t = protect_series({"A": 3, "B": 25, "C": 40, "D": 12})
    assert [t.cell(r, "Count") for r in t.rows] == [
        Published(None, "primary"),
        Published(25, None),
        Published(40, None),
        Published(None, "secondary"),  # the smallest other category
    ]
    assert t.grand_total == t.col_totals["Count"] == Published(80, None)
    assert subtraction_attack(t) == {}
    exposed = protect_series({"A": 3, "B": 25, "C": 40, "D": 12}, base=1, secondary=False)
    assert subtraction_attack(exposed) == {("cell", "A", "Count"): 3}


def test_one_way_categories_fix_rows_and_a_small_total_is_suppressed() -> None:
    t = protect_series({"B": 4}, categories=["A", "B", "C"], column="Victims")
    assert t.rows == ("A", "B", "C") and t.cols == ("Victims",)
    assert t.cell("A", "Victims") == Published(0, None)
    assert t.cell("B", "Victims") == Published(None, "primary")
    assert t.grand_total == Published(None, "primary")


# ---- 5. zeros ---------------------------------------------------------------------------------

ZEROS = [[0, 14, 22], [0, 0, 35], [18, 26, 40]]


def test_zeros_are_published_by_default() -> None:
    counts, rows, cols = grid(ZEROS)
    t = protect_table(counts, rows=rows, cols=cols)
    assert t.cell("r1", "c1") == Published(0, None)
    assert not any(p.suppressed for p in t.all_cells())


def test_zeros_can_be_suppressed_and_then_cannot_be_inferred() -> None:
    counts, rows, cols = grid(ZEROS)
    t = protect_table(counts, rows=rows, cols=cols, base=1, suppress_zeros=True)
    zeros = [("cell", "r0", "c0"), ("cell", "r1", "c0"), ("cell", "r1", "c1")]
    assert all(released(t)[k] == Published(None, "primary") for k in zeros)
    bounds = reader(THRESHOLD, 1, True, informed=True)
    assert all(len(feasible_values(t, bounds, k)) > 1 for k in zeros)  # two zeros alone: sum 0
    assert subtraction_attack(t) == {} and equation_attack(t) == set()


# ---- 6. rendering -----------------------------------------------------------------------------


def test_as_rows_renders_suppressed_cells_and_totals() -> None:
    counts = {("North", "Labour"): 3, ("North", "Sexual"): 30, ("South", "Labour"): 22}
    counts |= {("South", "Sexual"): 41, ("East", "Labour"): 17, ("East", "Sexual"): 12}
    t = protect_table(counts, rows=["North", "South", "East"], cols=["Labour", "Sexual"])
    assert t.as_rows(row_header="Region") == [
        {"Region": "North", "Labour": SUPPRESSED, "Sexual": "[c]", "Total": "35"},
        {"Region": "South", "Labour": "20", "Sexual": "40", "Total": "65"},
        {"Region": "East", "Labour": "[c]", "Sexual": "[c]", "Total": "30"},
        {"Region": "Total", "Labour": "40", "Sexual": "85", "Total": "125"},
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(t.as_rows()[0]))
    writer.writeheader()
    writer.writerows(t.as_rows())
    assert out.getvalue().splitlines()[:2] == [",Labour,Sexual,Total", "North,[c],[c],35"]


def test_as_rows_of_a_one_way_table_has_a_total_row_only() -> None:
    t = protect_series({"A": 3, "B": 25, "C": 40, "D": 12}, column="Victims")
    assert t.as_rows(row_header="Nationality")[-2:] == [
        {"Nationality": "D", "Victims": "[c]"},
        {"Nationality": "Total", "Victims": "80"},
    ]


def test_as_rows_refuses_labels_that_clash_with_the_totals() -> None:
    t = protect_table({("Total", "a"): 50}, rows=["Total"], cols=["a"])
    with pytest.raises(ValueError, match="totals row"):
        t.as_rows()
    t = protect_table({("x", "Total"): 50}, rows=["x"], cols=["Total"])
    with pytest.raises(ValueError, match="clash"):
        t.as_rows()


# ---- inputs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "kwargs", "message"),
    [
        ({("a", "x"): -1}, {}, "at least 0"),
        ({("a", "x"): True}, {}, "whole number"),
        ({("a", "x"): 2.5}, {}, "whole number"),
        ({("b", "x"): 1}, {}, "outside the table"),
        ({}, {"rows": []}, "empty"),
        ({}, {"cols": ["x", "x"]}, "duplicate"),
        ({}, {"base": 0}, "base"),
        ({}, {"threshold": -1}, "threshold"),
    ],
)
def test_bad_input_is_refused(
    counts: dict[tuple[str, str], object], kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {"rows": ["a"], "cols": ["x"]} | kwargs
    with pytest.raises(ValueError, match=message):
        protect_table(counts, **args)  # type: ignore[arg-type]


def test_the_result_does_not_depend_on_the_order_of_the_counts() -> None:
    for counts, rows, cols in random_tables(seed=3, n=30):
        shuffled = dict(random.Random(1).sample(sorted(counts.items()), len(counts)))
        assert protect_table(counts, rows=rows, cols=cols) == protect_table(
            shuffled, rows=rows, cols=cols
        )


def test_released_mappings_are_read_only() -> None:
    t = protect_series({"A": 30})
    with pytest.raises(TypeError):
        t.cells["A", "Count"] = Published(0, None)  # type: ignore[index]
