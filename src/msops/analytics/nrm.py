"""Reading a Home Office NRM referrals table (CSV) and telling its detail rows from its margins.

The tables (`nrm_referrals_<scope>_2022Q2_2023Q4_nonzero.csv`) have one row per combination of
Year, Quarter, First responder type, First responder, Exploitation type, Age at exploitation,
Gender and Nationality with its number of People; zero rows are dropped. A value "Total" in
Exploitation type, Age, Gender or Nationality, or a responder named "<type> total", marks a
margin: the sum over that dimension. `docs/nrm.md` describes which margins the release has.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from msops.domain.errors import InvalidInput

TOTAL = "Total"
COLUMNS: tuple[str, ...] = (
    "Year",
    "Quarter",
    "First responder type",
    "First responder",
    "Exploitation type",
    "Age at exploitation",
    "Gender",
    "Nationality",
    "People",
)
# The dimensions a margin may sum over, in the order of a margin pattern.
DIMENSIONS: tuple[str, ...] = ("responder", "exploitation", "age", "gender", "nationality")

# Which publication table a file is, from its responder types (one type, or all four).
TABLE_OF_TYPE: dict[str, str] = {
    "Police": "police",
    "Government agency": "govt",
    "Local Authority": "la",
    "NGO and third sector": "ngo",
}
TABLES: tuple[str, ...] = (*TABLE_OF_TYPE.values(), "all")


class NrmFileError(InvalidInput):
    """An NRM statistics file that msops refuses: unreadable, malformed or not adding up."""

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


@dataclass(frozen=True)
class NrmRow:
    line: int  # line in the file (the header is line 1)
    year: int
    quarter: int
    responder_type: str
    responder: str
    exploitation: str
    age: str
    gender: str
    nationality: str
    people: int

    @property
    def quarter_label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    @property
    def is_responder_total(self) -> bool:
        return self.responder.casefold().endswith(" total")

    def values(self) -> tuple[str, str, str, str, str]:
        """The values of DIMENSIONS; a responder total reads as TOTAL."""
        responder = TOTAL if self.is_responder_total else self.responder
        return (responder, self.exploitation, self.age, self.gender, self.nationality)

    def describe(self) -> str:
        """The row's key as a user reads it (no people: these are published statistics)."""
        return (
            f"{self.quarter_label} {self.responder_type} / {self.responder},"
            f" exploitation={self.exploitation}, age={self.age}, gender={self.gender},"
            f" nationality={self.nationality}"
        )


@dataclass(frozen=True)
class NrmFile:
    source_name: str
    sha256: str
    rows: tuple[NrmRow, ...]

    @property
    def quarters(self) -> tuple[str, ...]:
        return tuple(sorted({r.quarter_label for r in self.rows}))

    @property
    def publication_table(self) -> str:
        types = {r.responder_type for r in self.rows}
        if len(types) == 1:
            return TABLE_OF_TYPE[next(iter(types))]
        return "all"


def read_nrm_file(path: Path) -> NrmFile:
    """The rows of an NRM referrals CSV; NrmFileError lists every malformed row."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise NrmFileError(f"{path.name}: cannot read the file ({err.strerror})") from None
    return parse_nrm_bytes(path.name, data)


def parse_nrm_bytes(source_name: str, data: bytes) -> NrmFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NrmFileError(f"{source_name}: not UTF-8 text; save the CSV as UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise NrmFileError(
            f"{source_name}: line 1: the columns must be exactly {', '.join(COLUMNS)}"
            f" (found {', '.join(header or [])})"
        )
    rows: list[NrmRow] = []
    problems: list[str] = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = _parse_row(line, cells, problems, source_name)
        if row is not None:
            rows.append(row)
    problems += _duplicates(rows, source_name)
    problems += _unknown_types(rows, source_name)
    if not rows and not problems:
        problems.append(f"{source_name}: the file has no rows")
    if problems:
        raise NrmFileError(f"{source_name}: {len(problems)} malformed rows", tuple(problems))
    sha = hashlib.sha256(data).hexdigest()
    return NrmFile(source_name, sha, tuple(rows))


def _parse_row(line: int, cells: list[str], problems: list[str], source: str) -> NrmRow | None:
    if len(cells) != len(COLUMNS):
        problems.append(f"{source}: line {line}: {len(cells)} cells, expected {len(COLUMNS)}")
        return None
    values = [c.strip() for c in cells]
    ok = True
    for column, value in zip(COLUMNS[2:8], values[2:8], strict=True):
        if not value:
            problems.append(f"{source}: line {line}, column {column}: empty; a label is required")
            ok = False
    numbers: list[int] = []
    for column, value, low, high in (
        ("Year", values[0], 1900, 2999),
        ("Quarter", values[1], 1, 4),
        ("People", values[8], 0, 10**9),
    ):
        if not value.isdigit() or not low <= int(value) <= high:
            problems.append(
                f"{source}: line {line}, column {column}: {value!r} is not a whole number"
                f" from {low} to {high}"
            )
            ok = False
        else:
            numbers.append(int(value))
    if not ok:
        return None
    year, quarter, people = numbers
    rtype, responder, exploitation, age, gender, nationality = values[2:8]
    return NrmRow(
        line, year, quarter, rtype, responder, exploitation, age, gender, nationality, people
    )


def _duplicates(rows: list[NrmRow], source: str) -> list[str]:
    seen: dict[tuple[object, ...], int] = {}
    problems: list[str] = []
    for r in rows:
        key = (r.year, r.quarter, r.responder_type, r.responder, *r.values()[1:])
        if key in seen:
            problems.append(
                f"{source}: line {r.line}: repeats the key of line {seen[key]} ({r.describe()})"
            )
        else:
            seen[key] = r.line
    return problems


def _unknown_types(rows: list[NrmRow], source: str) -> list[str]:
    unknown = Counter(r.responder_type for r in rows if r.responder_type not in TABLE_OF_TYPE)
    return [
        f"{source}: column First responder type: {name!r} on {n} rows is not one of"
        f" {', '.join(TABLE_OF_TYPE)}"
        for name, n in sorted(unknown.items())
    ]
