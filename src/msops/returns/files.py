"""Reading and writing a monthly return file: an XLSX workbook or CSV UTF-8 files.

`read_return` turns a file into a `RawReturn` (cells as written, with their row numbers) and
never raises for bad content: every problem with the file's shape becomes an `Issue`.
`write_return` writes the template, a prefilled template or the export of a stored return.

Layout (the details are in `xlsx_io` and `csv_io`):

* XLSX: an `About` sheet, then one sheet per part titled `Part.sheet` with the marking banner on
  row 1, the column names on row 2 and data from row 3; a `Data dictionary` sheet; and a hidden
  `Lists` sheet behind the dropdowns. The reader also accepts headers on row 1 (no banner).
* CSV: one `<part>.csv` per part, in a `.zip` or a folder, or a single `.csv` holding only the
  operations part. Plain UTF-8 (a BOM is accepted), header on line 1 (line 2 after a banner).

What comes back from a round trip `read_return(write_return(...))`:

* XLSX keeps types: text stays `str`, whole numbers `int`, and dates come back as `datetime`
  at midnight (Excel has no date-only type); the validator reads both.
* CSV gives every cell as `str` (dates as YYYY-MM-DD).
* Text beginning with `=`, `+`, `-` or `@` is written as text, never as a formula (a quote
  prefix in XLSX, a leading `'` in CSV that the reader removes), and reads back unchanged.
* Surrounding spaces are stripped and empty text becomes None.

Issues are placed on `Part.sheet` (as the validator places its own); a problem with the file
as a whole is placed on the file's name.

A file may say whose return it is, for which month, and that it is a nil return: the XLSX About
sheet's `Organisation`, `Period` and `Nil return` rows; in CSV, the same lines in `README.txt`
beside the parts, or on a part's banner line (`OFFICIAL-SENSITIVE; Organisation: Cleveland
Police; Period: 2018-03`). The reader hands them over as `RawReturn.declared`, as written;
validation compares them with what the file is submitted as.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from msops.domain.marking import OFFICIAL
from msops.domain.reference import suggest
from msops.domain.return_spec import PARTS_BY_NAME, REQUIRED_PARTS, Part
from msops.returns import limits
from msops.returns.raw import (
    FILE_LAYOUT,
    FILE_TOO_LARGE,
    Cell,
    Declared,
    Issue,
    RawReturn,
    RawRow,
    RawTable,
)

Format = Literal["xlsx", "csv"]
Rows = Mapping[str, Sequence[Mapping[str, object]]]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
FORMULA_STARTS = ("=", "+", "-", "@")
# Written into every file made from synthetic (demonstration) data, CSV and workbook alike.
SYNTHETIC = "SYNTHETIC DATA – NOT REAL PEOPLE OR OPERATIONS"
FORMULA_MESSAGE = "cell holds a formula; msops never evaluates formulas: type the value instead"


def read_return(path: Path) -> RawReturn:
    """What `path` holds, with every problem of the file's shape in `issues`; never raises.

    A file beyond `limits` (what it unpacks to, its shared strings, rows per part) is refused
    with one `file_too_large` issue, before anything in it is inflated or as soon as a part
    has too many rows."""
    raw = RawReturn(source=path.name)
    suffix = path.suffix.lower()
    if not path.exists():
        raw.issues.append(file_issue(path.name, f"{path.name} was not found: check its name"))
        return raw
    refused = limits.read_problem(path)
    if refused is not None:
        raw.issues.append(Issue(path.name, None, None, None, FILE_TOO_LARGE, refused))
        return raw
    try:
        _read(path, suffix, raw)
    except limits.TooManyRows as too_many:
        raw.tables.clear()
        raw.issues[:] = [Issue(path.name, None, None, None, FILE_TOO_LARGE, str(too_many))]
    return raw


def _read(path: Path, suffix: str, raw: RawReturn) -> None:
    if path.is_dir() or suffix in (".zip", ".csv"):
        from msops.returns import csv_io

        csv_io.read_csv(path, raw)
    elif suffix in XLSX_SUFFIXES:
        from msops.returns import xlsx_io

        xlsx_io.read_xlsx(path, raw)
    else:
        old = " (the old Excel format)" if suffix == ".xls" else ""
        raw.issues.append(
            file_issue(
                path.name,
                f"{path.name} is not a file msops reads{old}: save the return from Excel as"
                " 'Excel Workbook (*.xlsx)', or as 'CSV UTF-8' files, and send that",
            )
        )


def write_return(
    path: Path,
    fmt: Format,
    rows: Rows,
    *,
    organisation: str,
    period: str,
    synthetic: bool = False,
    nil: bool = False,
) -> None:
    """Write a return: `rows` maps a part's name to its rows (column name -> value).

    Values are str, int, date/datetime or None; parts left out are written with headers only.
    A `.zip` path gets a zip of CSV files with `fmt="csv"`, any other path a folder of them.
    `organisation`, `period` and `nil` (a nil return: nothing to report) are written where the
    reader finds them again (About sheet, README.txt). Raises ValueError for a part or column
    the spec does not have.
    """
    check_rows(rows)
    identity = Identity(organisation, period, nil)
    if fmt == "xlsx":
        from msops.returns import xlsx_io

        xlsx_io.write_xlsx(path, rows, identity, synthetic)
    elif fmt == "csv":
        from msops.returns import csv_io

        csv_io.write_csv(path, rows, identity, synthetic)
    else:
        raise ValueError(f"unknown return format {fmt!r}: use 'xlsx' or 'csv'")


@dataclass(frozen=True)
class Identity:
    """What a written return says of itself (see `Declared` for what a read one says)."""

    organisation: str
    period: str
    nil: bool = False

    @property
    def nil_text(self) -> str:
        return "Yes" if self.nil else "No"


# The labels of the file's own identity (About sheet rows, README.txt lines, banner fields),
# as written: the reader also takes 'Organization' and 'Month'.
ORGANISATION_LABEL, PERIOD_LABEL, NIL_LABEL = "Organisation", "Period", "Nil return"
_IDENTITY_KEYS = {
    "organisation": "organisation",
    "organization": "organisation",
    "period": "period",
    "month": "period",
    "nil return": "nil",
    "nil": "nil",
}
# In text, each at the start of a line or after ';', '|' or ',': 'Period: 2018-03'.
_IDENTITY_FIELD = re.compile(
    r"(?:^|[;|,])[ \t]*(organi[sz]ation|period|nil return)[ \t]*[:=][ \t]*([^;|,\r\n]*)",
    re.IGNORECASE | re.MULTILINE,
)


def _identity_key(label: object) -> str | None:
    if not isinstance(label, str):
        return None
    return _IDENTITY_KEYS.get(" ".join(label.replace("_", " ").split()).rstrip(":").casefold())


def declared_from_pairs(where: str, pairs: Iterable[tuple[object, Cell]]) -> Declared:
    """The identity in (label, value) pairs, such as an About sheet's first two columns."""
    found: dict[str, Cell] = {}
    for label, value in pairs:
        key = _identity_key(label)
        if key is None or key in found:
            continue
        found[key] = (value.strip() or None) if isinstance(value, str) else value
    organisation, nil = found.get("organisation"), found.get("nil")
    return Declared(
        where,
        None if organisation is None else str(organisation),
        found.get("period"),
        None if nil is None else str(nil),
    )


def declared_from_text(where: str, text: str) -> Declared:
    """The identity in text holding 'Organisation: ...', 'Period: ...', 'Nil return: ...'
    (one to a line, or separated by ';', '|' or ',')."""
    pairs = [(m.group(1), m.group(2)) for m in _IDENTITY_FIELD.finditer(text)]
    return declared_from_pairs(where, pairs)


def is_identity_field(text: str) -> bool:
    """A banner cell such as 'Period: 2018-03'."""
    return _IDENTITY_FIELD.match(text.strip()) is not None


def check_rows(rows: Rows) -> None:
    for name, part_rows in rows.items():
        part = PARTS_BY_NAME.get(name)
        if part is None:
            raise ValueError(f"a return has no part called {name!r}")
        known = set(part.column_names)
        for row in part_rows:
            extra = set(row) - known
            if extra:
                raise ValueError(f"{name} has no column {sorted(extra)[0]!r}")


def file_issue(source: str, message: str, row: int | None = None) -> Issue:
    """A problem with the file as a whole: nothing in it can be read."""
    return Issue(source, row, None, None, "file_unreadable", message)


def is_banner(first: object) -> bool:
    """A marking line (OFFICIAL, OFFICIAL-SENSITIVE...) above the column names."""
    return isinstance(first, str) and first.strip().upper().startswith(OFFICIAL)


def header_key(text: str) -> str:
    """'Operation Ref ' and 'operation_ref' are the same header."""
    return re.sub(r"[\s_]+", "_", text.strip().casefold())


TITLE_ROWS = 4  # a header found this many rows below where it belongs: title rows above it
_SEPARATORS = ((";", "';'"), ("\t", "tabs"))


def header_matches(part: Part, cells: Iterable[object]) -> int:
    """How many of the part's columns `cells` name (a header row names them all)."""
    wanted = {header_key(name) for name in part.column_names}
    return len({key for c in cells if c is not None and (key := header_key(str(c))) in wanted})


def layout_problem(
    part: Part, rows: Sequence[tuple[int, Sequence[object]]], csv: bool
) -> str | None:
    """What is wrong with the whole layout, when the header row (the first of `rows`, with the
    row numbers) names none of the part's columns: a CSV file separated by ';' or tabs, or
    title rows above a header found in one of the next rows. None when it is not that."""
    if not rows:
        return None
    (first, header), below = rows[0], rows[1:]
    if header_matches(part, header) > 0:
        return None
    texts = [str(c) for c in header if c is not None and str(c).strip()]
    if csv and len(texts) == 1:
        for separator, said in _SEPARATORS:
            if separator in texts[0] and header_matches(part, texts[0].split(separator)) > 0:
                return (
                    f"the values are separated by {said}, not commas: save it as CSV (comma"
                    " delimited), or in Excel 'CSV UTF-8 (Comma delimited) (*.csv)'"
                )
    for number, cells in below[:TITLE_ROWS]:
        if header_matches(part, cells) >= min(2, len(part.column_names)):
            span = f"row {first}" if number - 1 == first else f"rows {first}-{number - 1}"
            return (
                f"a title row above the header in {span}: remove it, so that the column names"
                f" are on row {first}"
            )
    return None


def layout_issue(where: str, message: str) -> Issue:
    """A layout problem found in the first rows, said once instead of on every row."""
    return Issue(where, None, None, None, FILE_LAYOUT, message)


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter  # openpyxl (and numpy) only when one is named

    return str(get_column_letter(index + 1))


def missing_part_issues(
    missing: Sequence[tuple[Part, str]], unmatched: Sequence[str], container: str, kind: str
) -> list[Issue]:
    """Parts not found: `(part, expected title)` pairs; `unmatched` titles present but not used.

    A required part missing is `sheet_missing`; an optional one is only reported when an unused
    sheet (or file) has a name close to it, as it probably holds that part under a wrong name.
    """
    issues: list[Issue] = []
    for part, expected in missing:
        nearest = suggest(expected, unmatched, cutoff=50.0) if unmatched else None
        if part.name in REQUIRED_PARTS:
            found = ", ".join(f"'{t}'" for t in unmatched) or "none"
            issues.append(
                Issue(
                    part.sheet,
                    None,
                    None,
                    None,
                    "sheet_missing",
                    f"{container} has no {kind} called '{expected}', which every return needs"
                    f" ({kind}s found that msops does not read: {found}); add it, or rename"
                    f" the {kind} that holds the {part.sheet.lower()} rows",
                    nearest,
                )
            )
        elif nearest is not None and suggest(expected, [nearest], cutoff=80.0):
            issues.append(
                Issue(
                    nearest,
                    None,
                    None,
                    None,
                    "sheet_unknown",
                    f"msops does not read a {kind} called '{nearest}': if it holds the"
                    f" {part.sheet.lower()} rows, rename it '{expected}'",
                    expected,
                )
            )
    return issues


class TableBuilder:
    """Turns a header and data rows, as read from a sheet or CSV file, into a `RawTable`."""

    def __init__(
        self, part: Part, header_row: int, header: Sequence[object], where: str | None = None
    ) -> None:
        self.part = part
        self.where = where or part.sheet  # the file or sheet, as the user knows it
        self.max_rows = limits.max_rows_per_part()
        self.header_row = header_row
        self.table = RawTable(part=part.name, sheet=part.sheet)
        self.issues: list[Issue] = []
        self.columns: dict[int, str] = {}  # position in the row -> spec column name
        self._headed = {i for i, h in enumerate(header) if h is not None and str(h).strip()}
        self._unheaded: set[int] = set()  # columns with values but no header, reported once
        self._match(header)

    def issue(
        self,
        row: int | None,
        column: str | None,
        value: str | None,
        rule: str,
        message: str,
        suggestion: str | None = None,
    ) -> None:
        shown = None if self.part.personal else value
        self.issues.append(Issue(self.part.sheet, row, column, shown, rule, message, suggestion))

    def _match(self, header: Sequence[object]) -> None:
        wanted = {header_key(name): name for name in self.part.column_names}
        unknown: list[tuple[int, str]] = []
        for index, cell in enumerate(header):
            text = "" if cell is None else str(cell).strip()
            if not text:
                continue
            name = wanted.get(header_key(text))
            if name is None:
                unknown.append((index, text))
            elif name in self.columns.values():
                self.issue(
                    self.header_row,
                    name,
                    text,
                    "column_duplicate",
                    f"column {column_letter(index)} repeats the header '{name}'; msops reads"
                    " the first one only: delete or rename the other",
                )
            else:
                self.columns[index] = name
        self._unknown(unknown)

    def _unknown(self, unknown: Sequence[tuple[int, str]]) -> None:
        used = set(self.columns.values())
        unused = [n for n in self.part.column_names if n not in used] or self.part.column_names
        for index, text in unknown:
            nearest = suggest(header_key(text), unused)
            letter = column_letter(index)
            hint = f"; did you mean '{nearest}'?" if nearest else ""
            if self.part.personal:  # a header row may be a row of data: do not repeat it
                self.issue(
                    self.header_row,
                    letter,
                    None,
                    "column_unknown",
                    f"the header of column {letter} is not a {self.part.sheet} column, so msops"
                    f" ignores that column{hint}",
                    nearest,
                )
            else:
                self.issue(
                    self.header_row,
                    text,
                    text,
                    "column_unknown",
                    f"column {letter} '{text}' is not a {self.part.sheet} column, so msops"
                    f" ignores it{hint}",
                    nearest,
                )

    def add(self, number: int, values: Sequence[Cell]) -> None:
        """One data row: `values` in sheet order, already cleaned; empty rows are skipped."""
        width = len(values)
        cells = {name: values[i] if i < width else None for i, name in self.columns.items()}
        if len(cells) < width:
            for index, value in enumerate(values):
                if value is not None and index not in self.columns:
                    self._unheaded_value(index, number)
        if any(v is not None for v in cells.values()):
            if len(self.table.rows) >= self.max_rows:
                raise limits.TooManyRows(limits.too_many_rows_message(self.where, self.max_rows))
            self.table.rows.append(RawRow(number, cells))

    def formula(self, number: int, index: int, text: str) -> None:
        """A formula in a cell of a column msops reads (others are ignored, formulas or not)."""
        column = self.columns.get(index)
        if column is not None:
            self.issue(number, column, text, "formula_cell", FORMULA_MESSAGE)

    def _unheaded_value(self, index: int, number: int) -> None:
        if index in self._unheaded or index in self._headed:
            return  # reported once, or already reported as an unknown header
        self._unheaded.add(index)
        letter = column_letter(index)
        self.issue(
            number,
            letter,
            None,
            "column_unknown",
            f"column {letter} has values (the first in row {number}) but no header, so msops"
            " ignores it: give it its column name, or delete the values (in a CSV file, look"
            " for a comma inside a value that is not in quotes)",
        )

    def finish(self) -> tuple[RawTable, list[Issue]]:
        """The table, and the header's issues (column_missing once the data has been seen)."""
        if self._headed or self.table.rows or self._unheaded:  # not an empty sheet
            present = set(self.columns.values())
            for column in self.part.columns:
                if column.required and column.name not in present:
                    self.issue(
                        self.header_row,
                        column.name,
                        None,
                        "column_missing",
                        f"the header row (row {self.header_row}) has no '{column.name}'"
                        " column, which is required: add it as in the template",
                    )
        return self.table, self.issues
