"""A return as read from a file, before validation: cells as written, with where they came from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from msops.domain.return_spec import PARTS_BY_NAME

FILE_TOO_LARGE = "file_too_large"
FILE_LAYOUT = "file_layout"
# Rules that say the file (or a part of it) could not be read as a return at all: the rules
# that span rows, parts and months are then not checked, as they would only add noise.
WHOLE_FILE_RULES = frozenset(
    ("file_unreadable", "sheet_missing", "encoding", FILE_TOO_LARGE, FILE_LAYOUT)
)

# A cell as a reader hands it over: text, a number or a date (XLSX), or None when empty.
Cell = str | int | float | date | datetime | None


@dataclass(frozen=True)
class Issue:
    """One problem in a return file: where it is, what was there, which rule it breaks."""

    sheet: str
    row: int | None  # the row number the user sees in their spreadsheet (header is row 1 or 2)
    column: str | None
    value: str | None  # None for personal data, which is never repeated
    rule: str  # short rule name, e.g. "code_unknown"
    message: str
    suggestion: str | None = None

    def as_row(self) -> dict[str, str]:
        return {
            "sheet": self.sheet,
            "row": "" if self.row is None else str(self.row),
            "column": self.column or "",
            "value": "" if self.value is None else self.value,
            "rule": self.rule,
            "message": self.message,
            "suggestion": self.suggestion or "",
        }


MAX_PROBLEMS = 1000  # problems listed one by one; the rest are counted per rule
MORE_PROBLEMS = "more_problems"


def capped(issues: Sequence[Issue], limit: int = MAX_PROBLEMS) -> tuple[list[Issue], str | None]:
    """The first `limit` issues, and (when there are more) a line counting the rest per rule,
    the most frequent first: '… and 1,221,000 more: 900,000 code_unknown, 321,000 required'."""
    if len(issues) <= limit:
        return list(issues), None
    limit = max(limit, 0)
    rest = Counter(issue.rule for issue in issues[limit:])
    counts = ", ".join(f"{n:,} {rule}" for rule, n in rest.most_common())
    return list(issues[:limit]), f"… and {len(issues) - limit:,} more: {counts}"


@dataclass(frozen=True)
class Declared:
    """What a file says of itself: whose return it is, for which month, and whether it is a nil
    return (nothing to report). Values as written; None where the file says nothing."""

    where: str  # where it says so: "About sheet", "README.txt", "operations.csv line 1"
    organisation: str | None = None
    period: Cell = None  # text, or a date when a spreadsheet turned 2018-03 into one
    nil: str | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.organisation, self.period, self.nil))


@dataclass
class RawRow:
    number: int  # spreadsheet row number
    cells: dict[str, Cell]


@dataclass
class RawTable:
    part: str
    sheet: str
    rows: list[RawRow] = field(default_factory=list)


@dataclass
class RawReturn:
    """What a reader found in a file: one table per part, and problems with the file's shape."""

    source: str  # file name shown to the user (never a full path with a user's home in it)
    tables: dict[str, RawTable] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    declared: list[Declared] = field(default_factory=list)  # what the file says it is

    @classmethod
    def from_rows(
        cls, source: str, parts: Mapping[str, Sequence[Mapping[str, Any]]], first_row: int = 2
    ) -> RawReturn:
        """A return built in memory (the demo generator), numbered as a CSV file would be."""
        raw = cls(source=source)
        for name, rows in parts.items():
            part = PARTS_BY_NAME[name]
            raw.tables[name] = RawTable(
                part=name,
                sheet=part.sheet,
                rows=[RawRow(first_row + i, dict(r)) for i, r in enumerate(rows)],
            )
        return raw
