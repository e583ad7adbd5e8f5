"""Which cells of a table of counts to suppress: primary, then secondary until safe.

The table is seen with its totals as one grid of cells and a set of *lines*: each line is a group
of cells whose last cell is the sum of the others (a row with its row total, a column with its
column total, the totals row with the grand total, the totals column with the grand total).
Positions are `(i, j)`; in a two-way table the last row holds the column totals and the last
column the row totals, so every cell lies on exactly one row line and one column line.

Secondary suppression enforces two rules until neither adds a cell:

* line rule: every line has 0 or at least 2 suppressed cells, so that no suppressed cell equals
  a published total minus the published others; and the suppressed cells of a line must not
  add up to the least or the greatest a reader thinks possible (primary cells between 1, or 0
  when zeros are suppressed, and threshold - 1; secondary cells at least threshold), which
  would pin every one of them (two suppressed zeros in a line, or a 1 beside a 10);
* cycle rule (two-way tables): every suppressed cell lies on a cycle of suppressed cells
  (row line, column line, row line, ...). Seen as edges between row lines and column lines, a
  suppressed cell that is a bridge is fixed by the additive structure alone, even when every
  line holds two or more suppressed cells (two blocks of suppressed cells joined by one cell);
  one that lies on a cycle can move up and down with the others on the cycle.

Neither rule looks at several lines with bounds at once (that needs linear programming): see
`docs/disclosure-control.md` for what is and is not guaranteed.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Literal

Pos = tuple[int, int]
Reason = Literal["primary", "secondary", "withheld"]


@dataclass(frozen=True)
class Grid:
    """True counts at every position, totals included, and the lines that must add up."""

    values: Mapping[Pos, int]
    lines: tuple[tuple[Pos, ...], ...]
    two_way: bool

    @cached_property
    def totals(self) -> frozenset[Pos]:
        """The positions holding a total: the last cell of each line."""
        return frozenset(line[-1] for line in self.lines)


def two_way_grid(matrix: Sequence[Sequence[int]]) -> Grid:
    """The grid of an `r x c` matrix: interior cells, row totals, column totals, grand total."""
    n_rows, n_cols = len(matrix), len(matrix[0])
    values = {(i, j): matrix[i][j] for i in range(n_rows) for j in range(n_cols)}
    for i in range(n_rows):
        values[i, n_cols] = sum(matrix[i])
    for j in range(n_cols + 1):
        values[n_rows, j] = sum(values[i, j] for i in range(n_rows))
    row_lines = tuple(tuple((i, j) for j in range(n_cols + 1)) for i in range(n_rows + 1))
    col_lines = tuple(tuple((i, j) for i in range(n_rows + 1)) for j in range(n_cols + 1))
    return Grid(values, row_lines + col_lines, two_way=True)


def one_way_grid(counts: Sequence[int]) -> Grid:
    """The grid of a single column of counts with its total at position `(len(counts), 0)`."""
    values = {(i, 0): v for i, v in enumerate(counts)}
    values[len(counts), 0] = sum(counts)
    return Grid(values, (tuple(sorted(values)),), two_way=False)


def is_primary(value: int, threshold: int, suppress_zeros: bool) -> bool:
    """A count is primary-suppressed when it is small and not zero, or zero if zeros are."""
    return 0 < value < threshold or (value == 0 and suppress_zeros)


def suppress(
    grid: Grid,
    *,
    threshold: int,
    suppress_zeros: bool,
    secondary: bool = True,
    forced: Iterable[Pos] = (),
) -> dict[Pos, Reason]:
    """The suppressed positions of `grid`, each with why it is suppressed.

    `forced` cells are suppressed from the start (as secondary, unless small): the cells
    another table of the same release suppresses (see `disclosure_joint`).
    """
    rule = _Rule(grid, threshold, suppress_zeros)
    status: dict[Pos, Reason] = {
        pos: "primary"
        for pos, value in grid.values.items()
        if is_primary(value, threshold, suppress_zeros)
    }
    for pos in forced:
        status.setdefault(pos, "secondary")
    while secondary and (
        _complete_a_line(rule, status) or (grid.two_way and _close_a_bridge(rule, status))
    ):
        pass
    return status


@dataclass(frozen=True)
class _Rule:
    grid: Grid
    threshold: int
    suppress_zeros: bool

    def cost(self, pos: Pos, fixes: int = 1) -> tuple[bool, Fraction, bool, Pos]:
        """Order of preference among candidates for secondary suppression: cheapest first.

        A published zero is taken last (suppressing it hides nothing), then the smallest count
        per unsafe line the cell lies on (`fixes`: one cell closing a row and a column at once
        loses less than two), interior cells before totals, then position so that the result
        never depends on iteration order.
        """
        value = self.grid.values[pos]
        zero_published = value == 0 and not self.suppress_zeros
        return (zero_published, Fraction(value, fixes), pos in self.grid.totals, pos)

    def reader_range(self, pos: Pos, reason: Reason) -> tuple[float, float]:
        """What a reader who knows the rules and the reasons can say of a suppressed cell."""
        if reason == "primary":
            low = 0 if self.suppress_zeros else 1
            return low, max(low, self.threshold - 1)
        return (self.threshold if self.grid.values[pos] >= self.threshold else 0), math.inf

    def unsafe(self, line: tuple[Pos, ...], status: Mapping[Pos, Reason]) -> bool:
        """Whether the published cells of `line` give away a suppressed one.

        They do when exactly one cell is suppressed (total minus the others), or when the
        suppressed cells' signed sum (their total, known by subtraction when nothing is
        rounded) is the least or the greatest the reader thinks possible: then every one of
        them is at a known bound (two suppressed 1s in a row whose published cells leave 2).
        """
        hidden = [pos for pos in line if pos in status]
        if len(hidden) <= 1:
            return bool(hidden)
        known = least = most = 0.0
        for pos in hidden:
            low, high = self.reader_range(pos, status[pos])
            sign = -1 if pos == line[-1] else 1
            known += sign * self.grid.values[pos]
            least += low if sign > 0 else -high
            most += high if sign > 0 else -low
        return known in (least, most)


def _complete_a_line(rule: _Rule, status: dict[Pos, Reason]) -> bool:
    """Suppress the cheapest published cell of the unsafe lines, if there are any."""
    unsafe = [line for line in rule.grid.lines if rule.unsafe(line, status)]
    fixes = Counter(pos for line in unsafe for pos in line if pos not in status)
    if not fixes:
        return False
    status[min(fixes, key=lambda pos: rule.cost(pos, fixes[pos]))] = "secondary"
    return True


def _close_a_bridge(rule: _Rule, status: dict[Pos, Reason]) -> bool:
    """Suppress the cheapest cell that puts a bridge of suppressed cells on a cycle, if any."""
    links = _links(status)
    for bridge in sorted(status):
        row_side = _component(links, bridge, ("row", bridge[0]))
        if ("col", bridge[1]) in row_side:
            continue
        col_side = _component(links, bridge, ("col", bridge[1]))
        candidates = [
            pos for pos in rule.grid.values if pos not in status and _joins(pos, row_side, col_side)
        ]
        if candidates:
            status[min(candidates, key=rule.cost)] = "secondary"
            return True
    return False


Node = tuple[str, int]
Links = Mapping[Node, list[tuple[Node, Pos]]]


def _links(cells: Iterable[Pos]) -> Links:
    """Each row line and column line with the lines it shares a suppressed cell with."""
    links: defaultdict[Node, list[tuple[Node, Pos]]] = defaultdict(list)
    for i, j in cells:
        links["row", i].append((("col", j), (i, j)))
        links["col", j].append((("row", i), (i, j)))
    return links


def _component(links: Links, without: Pos, start: Node) -> set[Node]:
    """The lines reachable from `start` through suppressed cells other than `without`."""
    seen, todo = {start}, [start]
    while todo:
        for other, pos in links.get(todo.pop(), []):
            if pos != without and other not in seen:
                seen.add(other)
                todo.append(other)
    return seen


def _joins(pos: Pos, side_a: set[Node], side_b: set[Node]) -> bool:
    """Whether the cell at `pos` links a line of one side to a line of the other."""
    row, col = ("row", pos[0]), ("col", pos[1])
    return (row in side_a and col in side_b) or (row in side_b and col in side_a)
