"""The input of multiple systems estimation: how many cases each combination of sources saw.

A capture table has one 0/1 column per source (list) and a `count` column; each row is a
capture history (which sources saw the cases) and how many cases had it. Histories not given
have a count of zero. The all-zero history is the dark figure, the thing being estimated, so it
must not be given. Row numbers in messages are the line numbers a text editor or spreadsheet
shows: the header is row 1.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO

from msops.domain.errors import InvalidInput

COUNT_COLUMN = "count"
MAX_SOURCES = 10  # 2**10 - 1 cells and 45 candidate interactions: seconds, not hours

History = tuple[int, ...]


class CaptureTableError(InvalidInput):
    """A capture table that cannot be used: where the problem is, what was there, which rule."""

    def __init__(
        self,
        file: str,
        rule: str,
        problem: str,
        row: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ) -> None:
        self.file = file
        self.row = row
        self.column = column
        self.value = value
        self.rule = rule
        self.problem = problem
        super().__init__(self._sentence())

    def _sentence(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{', '.join(where)}: {self.problem} (rule: {self.rule})"


@dataclass(frozen=True)
class CaptureTable:
    """A validated capture table: every history given, with its count (zeros allowed)."""

    name: str  # the file name shown to the user, never a full path
    sources: tuple[str, ...]
    counts: dict[History, int]

    @property
    def observed(self) -> int:
        return sum(self.counts.values())

    def cells(self) -> list[History]:
        """Every observable history (all 2**m - 1 but the all-zero one), in a fixed order."""
        every = itertools.product((0, 1), repeat=len(self.sources))
        return sorted((h for h in every if any(h)), key=lambda h: (sum(h), tuple(-x for x in h)))

    def count(self, history: History) -> int:
        return self.counts.get(history, 0)

    def seen_by(self, source: int) -> int:
        return sum(n for h, n in self.counts.items() if h[source])

    def overlap(self, first: int, second: int) -> int:
        """Cases seen by both sources, whatever other sources saw them."""
        return sum(n for h, n in self.counts.items() if h[first] and h[second])


@dataclass(frozen=True)
class _Row:
    number: int
    cells: list[str]


def read_capture_csv(path: Path) -> CaptureTable:
    """Read and validate a capture table from a CSV file (header on row 1)."""
    name = path.name
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            rows = list(_records(handle))
    except UnicodeDecodeError:
        raise CaptureTableError(name, "file_encoding", "the file is not UTF-8 text") from None
    except OSError as err:
        raise CaptureTableError(name, "file_unreadable", err.strerror or str(err)) from None
    except csv.Error as err:
        raise CaptureTableError(name, "file_not_csv", f"not a CSV file ({err})") from None
    if not rows:
        raise CaptureTableError(name, "file_empty", "the file is empty")
    header, body = rows[0], rows[1:]
    return _build(name, header, body)


def capture_table(
    sources: Sequence[str], rows: Iterable[tuple[Sequence[int], int]], name: str = "<table>"
) -> CaptureTable:
    """Validate a capture table given in memory: (history, count) pairs, numbered as a CSV."""
    header = _Row(1, [*sources, COUNT_COLUMN])
    body = [_Row(i, [*(str(v) for v in history), str(n)]) for i, (history, n) in enumerate(rows, 2)]
    return _build(name, header, body)


def _records(handle: TextIO) -> Iterator[_Row]:
    reader = csv.reader(handle)
    for cells in reader:
        if any(c.strip() for c in cells):
            yield _Row(reader.line_num, [c.strip() for c in cells])


def _build(name: str, header: _Row, body: Sequence[_Row]) -> CaptureTable:
    sources, count_at = _read_header(name, header)
    if not body:
        raise CaptureTableError(name, "no_rows", "the table has a header but no rows", row=2)
    counts: dict[History, int] = {}
    first_row: dict[History, int] = {}
    for row in body:
        history, n = _read_row(name, header.cells, count_at, row)
        if history in first_row:
            raise CaptureTableError(
                name,
                "history_duplicate",
                f"the same capture history (seen by {_history_text(sources, history)}) is"
                f" also on row {first_row[history]}; give each combination of sources once,"
                " with its total count",
                row=row.number,
                value=",".join(row.cells),
            )
        first_row[history] = row.number
        counts[history] = n
    table = CaptureTable(name, sources, counts)
    _check_sources_informative(table)
    return table


def _read_header(name: str, header: _Row) -> tuple[tuple[str, ...], int]:
    lowered = [c.lower() for c in header.cells]
    for column, text in enumerate(header.cells):
        if not text:
            problem = f"column {column + 1} of the header has no name"
            raise CaptureTableError(name, "column_unnamed", problem, row=header.number)
        if lowered.count(text.lower()) > 1:
            problem = "this column name is used twice"
            raise CaptureTableError(name, "column_duplicate", problem, header.number, text)
    if COUNT_COLUMN not in lowered:
        problem = (
            f"no {COUNT_COLUMN!r} column: the table needs one 0/1 column per source and a"
            f" {COUNT_COLUMN!r} column with the number of cases for each combination"
        )
        raise CaptureTableError(name, "count_missing", problem, row=header.number)
    count_at = lowered.index(COUNT_COLUMN)
    sources = tuple(c for i, c in enumerate(header.cells) if i != count_at)
    if len(sources) < 2:
        problem = f"{len(sources)} source column(s): estimation needs at least 2 sources"
        raise CaptureTableError(name, "too_few_sources", problem, row=header.number)
    if len(sources) > MAX_SOURCES:
        problem = f"{len(sources)} source columns: at most {MAX_SOURCES} are supported"
        raise CaptureTableError(name, "too_many_sources", problem, row=header.number)
    return sources, count_at


def _read_row(name: str, columns: list[str], count_at: int, row: _Row) -> tuple[History, int]:
    if len(row.cells) != len(columns):
        problem = f"{len(row.cells)} cells where the header has {len(columns)} columns"
        raise CaptureTableError(name, "row_length", problem, row=row.number)
    history = [
        _source_value(name, row.number, column, text)
        for i, (column, text) in enumerate(zip(columns, row.cells, strict=True))
        if i != count_at
    ]
    n = _count_value(name, row.number, columns[count_at], row.cells[count_at])
    if not any(history):
        problem = (
            "a row with every source 0 is the unobserved cell (the dark figure), which is"
            " what is being estimated: remove this row"
        )
        raise CaptureTableError(name, "history_all_zero", problem, row=row.number)
    return tuple(history), n


def _number(text: str) -> Decimal | None:
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _source_value(name: str, row: int, column: str, text: str) -> int:
    value = _number(text)
    if value is None or value not in (0, 1):
        problem = "a source column may only hold 0 (not seen) or 1 (seen)"
        raise CaptureTableError(name, "source_not_binary", problem, row, column, text)
    return int(value)


def _count_value(name: str, row: int, column: str, text: str) -> int:
    value = _number(text)
    if value is None or value != value.to_integral_value():
        problem = "a count must be a whole number of cases"
        raise CaptureTableError(name, "count_not_whole", problem, row, column, text)
    if value < 0:
        problem = "a count cannot be negative"
        raise CaptureTableError(name, "count_negative", problem, row, column, text)
    return int(value)


def _check_sources_informative(table: CaptureTable) -> None:
    if table.observed == 0:
        raise CaptureTableError(table.name, "no_cases", "every count is zero: nothing was seen")
    for i, source in enumerate(table.sources):
        seen = table.seen_by(i)
        if seen == 0:
            problem = "this source saw no case; leave its column out"
            raise CaptureTableError(table.name, "source_saw_none", problem, column=source)
        if seen == table.observed:
            problem = (
                "this source saw every case, so nothing measures what it misses and the"
                " dark figure cannot be estimated"
            )
            raise CaptureTableError(table.name, "source_saw_all", problem, column=source)


def _history_text(sources: Sequence[str], history: History) -> str:
    return " and ".join(s for s, seen in zip(sources, history, strict=True) if seen)
