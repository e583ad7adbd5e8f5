"""The return as an Excel workbook: its layout, and the reader (`xlsx_write` is the writer).

Workbook layout (as written; the reader needs only the part sheets):

* `About`: the marking, organisation, period, nil return (Yes or No), how to fill it in, and
  the synthetic-data notice. The reader takes the organisation, period and nil return from it
  (`RawReturn.declared`): labels in column A, values in column B.
* One sheet per part, titled `Part.sheet`: row 1 the marking banner, row 2 the column names,
  data from row 3. The reader matches sheet titles ignoring case and surrounding spaces, and
  also takes the column names from row 1 when A1 is not a banner starting `OFFICIAL`.
* `Data dictionary`: every column with its type, whether required, and allowed values.
* `Lists` (hidden): one column of labels per code list, each behind a defined name
  `list_<list name>` that the code columns' dropdowns use.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Sequence
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from msops.domain.return_spec import PARTS, Part
from msops.returns.file_identity import declared_from_pairs
from msops.returns.file_layout import (
    TITLE_ROWS,
    file_issue,
    header_matches,
    is_banner,
    layout_issue,
    layout_problem,
    missing_part_issues,
)
from msops.returns.file_tables import TableBuilder
from msops.returns.raw import Cell, Issue, RawReturn, RawTable

ABOUT = "About"
DICTIONARY = "Data dictionary"
LISTS = "Lists"
OWN_SHEETS = frozenset(s.casefold() for s in (ABOUT, DICTIONARY, LISTS))
ABOUT_ROWS = 60  # the About sheet's identity is in its first rows
_UNREADABLE_EXC = (
    BadZipFile,
    InvalidFileException,
    OSError,
    EOFError,
    zlib.error,
    KeyError,
    IndexError,
    ValueError,
    TypeError,
    AttributeError,
    SyntaxError,  # XML parse errors
)


def read_xlsx(path: Path, raw: RawReturn) -> None:
    """Read each part's sheet into `raw`; a damaged file gives one `file_unreadable` issue."""
    try:
        with path.open("rb") as stream, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on Excel features it drops
            workbook = load_workbook(stream, read_only=True, data_only=False)
            try:
                _read_workbook(workbook, raw)
            finally:
                workbook.close()
    except _UNREADABLE_EXC:
        raw.tables.clear()
        raw.issues[:] = [
            file_issue(
                raw.source,
                f"{raw.source} could not be read as an Excel workbook: it may be damaged, cut"
                " short in sending, password-protected or not really .xlsx. Open it in Excel,"
                " save it again as 'Excel Workbook (*.xlsx)' without a password, and send the"
                " new file",
            )
        ]


def _read_workbook(workbook: Any, raw: RawReturn) -> None:
    titles = {str(t).strip().casefold(): t for t in workbook.sheetnames}
    about = titles.get(ABOUT.casefold())
    if about is not None:
        rows = workbook[about].iter_rows(max_row=ABOUT_ROWS, max_col=2, values_only=True)
        pairs = [(row[0], row[1]) for row in rows if len(row) >= 2]
        declared = declared_from_pairs(f"{ABOUT} sheet", pairs)
        if declared:
            raw.declared.append(declared)
    used: set[str] = set()
    missing: list[tuple[Part, str]] = []
    for part in PARTS:
        title = titles.get(part.sheet.casefold())
        if title is None:
            missing.append((part, part.sheet))
            continue
        used.add(title)
        table, issues = _read_sheet(workbook[title], part)
        if table is not None:
            raw.tables[part.name] = table
        raw.issues.extend(issues)
    unmatched = [
        t for t in workbook.sheetnames if t not in used and t.strip().casefold() not in OWN_SHEETS
    ]
    missing = _misnamed(workbook, missing, unmatched, raw)
    raw.issues.extend(missing_part_issues(missing, unmatched, "the workbook", "sheet"))


def _misnamed(
    workbook: Any, missing: list[tuple[Part, str]], unmatched: list[str], raw: RawReturn
) -> list[tuple[Part, str]]:
    """The missing parts whose column names head another sheet: said once ("the sheet is
    called Sheet1, not Operations") and taken out of `missing` and `unmatched`."""
    left: list[tuple[Part, str]] = []
    for part, expected in missing:
        title = next((t for t in unmatched if _headed_for(workbook[t], part)), None)
        if title is None:
            left.append((part, expected))
            continue
        unmatched.remove(title)
        message = (
            f"the sheet is called '{title}', not '{expected}': rename it '{expected}' (the"
            f" {part.sheet.lower()} rows are read from the sheet of that name)"
        )
        raw.issues.append(layout_issue(title, message))
    return left


def _headed_for(sheet: Any, part: Part) -> bool:
    """Whether one of the sheet's first rows names (at least two of) the part's columns."""
    first = sheet.iter_rows(max_row=TITLE_ROWS + 2, values_only=True)
    return any(header_matches(part, row) >= min(2, len(part.column_names)) for row in first)


def _read_sheet(sheet: Any, part: Part) -> tuple[RawTable | None, list[Issue]]:
    sheet.reset_dimensions()  # some programs record a wrong size: read every row there is
    rows = sheet.iter_rows()
    header = next(rows, ())
    header_row = 1
    if header and is_banner(header[0].value):
        header, header_row = next(rows, ()), 2
    first = list(islice(rows, TITLE_ROWS))
    numbered = [(header_row + n, [c.value for c in cells]) for n, cells in enumerate(first, 1)]
    layout = layout_problem(part, [(header_row, [c.value for c in header]), *numbered], csv=False)
    if layout is not None:
        return None, [layout_issue(part.sheet, layout)]
    rows = chain(first, rows)
    builder = TableBuilder(
        part, header_row, [cell.value for cell in header], f"the sheet '{sheet.title}'"
    )
    for number, cells in enumerate(rows, start=header_row + 1):
        if cells:
            builder.add(number, _values(cells, number, builder))
    return builder.finish()


def _values(cells: Sequence[Any], number: int, builder: TableBuilder) -> list[Cell]:
    """A row's values: text stripped (empty -> None), formulas reported and left out."""
    values: list[Cell] = []
    for index, cell in enumerate(cells):
        value = cell.value
        if value is None:
            values.append(None)
        elif cell.data_type == "f":
            builder.formula(number, index, str(getattr(value, "text", value)))
            values.append(None)
        elif isinstance(value, str):
            values.append(value.strip() or None)
        elif isinstance(value, bool):
            values.append("TRUE" if value else "FALSE")  # not a number: let the check say so
        elif isinstance(value, int | float | date):
            values.append(value)
        else:
            values.append(str(value))  # a time or duration
    return values
