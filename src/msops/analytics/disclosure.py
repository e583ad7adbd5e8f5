"""Statistical disclosure control for tables of counts that leave the police.

Follows the ONS approach for the "public" audience (see `docs/disclosure-control.md`):

* primary suppression: a count below `threshold` (default 10) is not published; a true zero is
  published as 0 unless `suppress_zeros`;
* rounding: every other count is rounded to the nearest `base` (default 5), half up; totals are
  computed from the true counts and then rounded, so published cells need not add up to the
  published totals;
* secondary suppression: further cells, cheapest first, until every line (a row or column with
  its total, the totals row and the totals column with the grand total) has 0 or at least 2
  suppressed cells and, in a two-way table, no suppressed cell is pinned down by the additive
  structure of the table (see `disclosure_suppression`).

A suppressed cell is shown as "[c]" (confidential), the ONS convention. Pure functions: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from msops.analytics.disclosure_suppression import (
    Grid,
    Pos,
    Reason,
    one_way_grid,
    suppress,
    two_way_grid,
)

SUPPRESSED = "[c]"
TOTAL = "Total"
# The public rule unless told otherwise: counts below THRESHOLD suppressed, the rest rounded to
# the nearest ROUNDING_BASE.
THRESHOLD = 10
ROUNDING_BASE = 5


@dataclass(frozen=True)
class Published:
    """One cell as released: its rounded value, or None and why it is suppressed."""

    value: int | None
    reason: Reason | None

    @property
    def suppressed(self) -> bool:
        return self.value is None

    def render(self) -> str:
        """The text of the cell in a released table: the number, or "[c]"."""
        return SUPPRESSED if self.value is None else str(self.value)


@dataclass(frozen=True)
class ProtectedTable:
    """A table of counts as released: interior cells, row totals, column totals, grand total.

    A one-way table (`one_way`) has a single column and no row totals; its column total is its
    grand total.
    """

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    cells: Mapping[tuple[str, str], Published]
    row_totals: Mapping[str, Published]
    col_totals: Mapping[str, Published]
    grand_total: Published
    one_way: bool = False

    def cell(self, row: str, col: str) -> Published:
        return self.cells[row, col]

    def all_cells(self) -> list[Published]:
        """Every published value: interior cells, then row totals, column totals, grand total."""
        totals = [*self.row_totals.values(), *self.col_totals.values()]
        return [*self.cells.values(), *totals, self.grand_total]

    def as_rows(self, *, row_header: str = "", total: str = TOTAL) -> list[dict[str, str]]:
        """Rows for a CSV writer: the row label first, one key per column, then the Total
        column (two-way tables only); the last row is the Total row. Suppressed cells are "[c]".
        """
        self._check_headers(row_header, total)
        out = [self._row(row_header, total, row) for row in self.rows]
        last = {row_header: total} | {c: self.col_totals[c].render() for c in self.cols}
        if not self.one_way:
            last[total] = self.grand_total.render()
        return [*out, last]

    def _row(self, row_header: str, total: str, row: str) -> dict[str, str]:
        out = {row_header: row} | {c: self.cells[row, c].render() for c in self.cols}
        if not self.one_way:
            out[total] = self.row_totals[row].render()
        return out

    def _check_headers(self, row_header: str, total: str) -> None:
        if row_header in self.cols or (not self.one_way and total in (row_header, *self.cols)):
            raise ValueError(f"column names clash: {row_header!r}, {total!r} and {self.cols}")
        if total in self.rows:
            raise ValueError(f"a row is named {total!r} like the totals row")


@dataclass(frozen=True)
class Shape:
    """A table's labels and its true counts with their totals, checked, before any suppression.

    Positions in `grid` are `(i, j)`: interior cells, then the row totals in the last column and
    the column totals in the last row (a one-way table has one column and its total below).
    """

    rows: tuple[str, ...]
    cols: tuple[str, ...]
    grid: Grid
    one_way: bool

    def position(self, row: str | None, col: str | None) -> Pos:
        """Where a cell is: `None` for the row (or column) means its total."""
        i = len(self.rows) if row is None else self.rows.index(row)
        j = len(self.cols) if col is None or self.one_way else self.cols.index(col)
        return (i, 0) if self.one_way else (i, j)


def table_shape(
    counts: Mapping[tuple[str, str], int], *, rows: Sequence[str], cols: Sequence[str]
) -> Shape:
    """The two-way table of `counts` (keyed by `(row, col)`; absent keys count 0), checked."""
    row_keys, col_keys = _labels(rows, "rows"), _labels(cols, "cols")
    _check_keys(counts, set(row_keys), set(col_keys))
    matrix = [[_count(counts.get((r, c), 0)) for c in col_keys] for r in row_keys]
    return Shape(row_keys, col_keys, two_way_grid(matrix), one_way=False)


def series_shape(
    counts: Mapping[str, int], *, categories: Sequence[str] | None = None, column: str = "Count"
) -> Shape:
    """The one-way table of `counts` (one column named `column`, with its total), checked."""
    row_keys = _labels(list(counts) if categories is None else categories, "categories")
    _check_keys({(k, column): v for k, v in counts.items()}, set(row_keys), {column})
    grid = one_way_grid([_count(counts.get(r, 0)) for r in row_keys])
    return Shape(row_keys, (column,), grid, one_way=True)


def protect_table(
    counts: Mapping[tuple[str, str], int],
    *,
    rows: Sequence[str],
    cols: Sequence[str],
    threshold: int = THRESHOLD,
    base: int = ROUNDING_BASE,
    suppress_zeros: bool = False,
    secondary: bool = True,
) -> ProtectedTable:
    """The two-way table of `counts` (keyed by `(row, col)`; absent keys count 0) as released.

    `secondary=False` applies primary suppression only: unsafe, for comparison and tests.
    """
    shape = table_shape(counts, rows=rows, cols=cols)
    _check_rule(threshold, base)
    status = suppress(
        shape.grid, threshold=threshold, suppress_zeros=suppress_zeros, secondary=secondary
    )
    return release(shape, status, base)


def protect_series(
    counts: Mapping[str, int],
    *,
    categories: Sequence[str] | None = None,
    column: str = "Count",
    threshold: int = THRESHOLD,
    base: int = ROUNDING_BASE,
    suppress_zeros: bool = False,
    secondary: bool = True,
) -> ProtectedTable:
    """The one-way table of `counts` (one column named `column`, with its total) as released.

    `categories` fixes the rows and their order (absent keys count 0); by default the keys of
    `counts` in their order.
    """
    shape = series_shape(counts, categories=categories, column=column)
    _check_rule(threshold, base)
    status = suppress(
        shape.grid, threshold=threshold, suppress_zeros=suppress_zeros, secondary=secondary
    )
    return release(shape, status, base)


def release(shape: Shape, status: Mapping[Pos, Reason], base: int) -> ProtectedTable:
    """The table as released: suppressed where `status` says why, the rest rounded to `base`."""
    grid, n_rows, n_cols = shape.grid, len(shape.rows), len(shape.cols)

    def at(pos: Pos) -> Published:
        if pos in status:
            return Published(None, status[pos])
        return Published(round_half_up(grid.values[pos], base), None)

    if shape.one_way:
        col = shape.cols[0]
        total = at((n_rows, 0))
        return ProtectedTable(
            rows=shape.rows,
            cols=shape.cols,
            cells=MappingProxyType({(r, col): at((i, 0)) for i, r in enumerate(shape.rows)}),
            row_totals=MappingProxyType({}),
            col_totals=MappingProxyType({col: total}),
            grand_total=total,
            one_way=True,
        )
    return ProtectedTable(
        rows=shape.rows,
        cols=shape.cols,
        cells=MappingProxyType(
            {(r, c): at((i, j)) for i, r in enumerate(shape.rows) for j, c in enumerate(shape.cols)}
        ),
        row_totals=MappingProxyType({r: at((i, n_cols)) for i, r in enumerate(shape.rows)}),
        col_totals=MappingProxyType({c: at((n_rows, j)) for j, c in enumerate(shape.cols)}),
        grand_total=at((n_rows, n_cols)),
    )


def round_half_up(value: int, base: int) -> int:
    """`value` rounded to the nearest multiple of `base`, halves up (12 -> 10, 13 -> 15)."""
    return (2 * value + base) // (2 * base) * base


def _labels(labels: Sequence[str], what: str) -> tuple[str, ...]:
    out = tuple(labels)
    if not out:
        raise ValueError(f"{what} is empty")
    if len(set(out)) != len(out):
        raise ValueError(f"{what} has duplicate labels")
    return out


def _check_rule(threshold: int, base: int) -> None:
    if threshold < 0:
        raise ValueError(f"threshold must be at least 0, not {threshold}")
    if base < 1:
        raise ValueError(f"rounding base must be at least 1, not {base}")


def _check_keys(counts: Mapping[tuple[str, str], int], rows: set[str], cols: set[str]) -> None:
    unknown = [key for key in counts if key[0] not in rows or key[1] not in cols]
    if unknown:
        raise ValueError(f"counts for cells outside the table: {unknown[:5]}")


def _count(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"a count must be a whole number of at least 0, not {value!r}")
    return value
