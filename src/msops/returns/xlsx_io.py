"""The return as an Excel workbook: the reader and the template/export writer.

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

The `value` column of `Operation details` has a dependent dropdown. The `detail` cell holds a
detail kind's label (from its own dropdown) or its code; a two-column lookup on `Lists`
(`detail_lookup`: label or code -> range name) gives the name of that kind's range
(`detail_<kind>`, the same cells as its code list), and the validation is
`INDIRECT(IFERROR(VLOOKUP(<detail cell>, detail_lookup, 2, FALSE), "detail_free_text"))`.
Kinds with no code list (location, linked operation) and a blank detail resolve to
`detail_free_text`, an empty cell, so anything may be typed. All dropdowns warn rather than
forbid: a code typed instead of its label is valid, and the validator has the last word.
"""

from __future__ import annotations

import warnings
import zlib
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import chain, islice
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from msops.domain.marking import OFFICIAL_SENSITIVE
from msops.domain.reference import code_lists
from msops.domain.return_spec import DETAIL_CODES, DETAILS, PARTS, Column, Part
from msops.returns.files import (
    FORMULA_STARTS,
    NIL_LABEL,
    ORGANISATION_LABEL,
    PERIOD_LABEL,
    SYNTHETIC,
    TITLE_ROWS,
    Identity,
    Rows,
    TableBuilder,
    declared_from_pairs,
    file_issue,
    header_matches,
    is_banner,
    layout_issue,
    layout_problem,
    missing_part_issues,
)
from msops.returns.raw import Cell, Issue, RawReturn, RawTable

ABOUT = "About"
DICTIONARY = "Data dictionary"
LISTS = "Lists"
OWN_SHEETS = frozenset(s.casefold() for s in (ABOUT, DICTIONARY, LISTS))
FIRST_DATA_ROW = 3
VALIDATED_ROWS = 2000  # dropdowns cover rows 3..2000, or further when there are more rows
DATE_FORMAT = "yyyy-mm-dd"
SHORT_LIST = 12  # lists up to this long are spelt out in the data dictionary
ABOUT_ROWS = 60  # the About sheet's identity is in its first rows
FREE_TEXT = "detail_free_text"
DETAIL_LOOKUP = "detail_lookup"

_BOLD = Font(bold=True)
_RED_BOLD = Font(bold=True, color="FFFF0000")
_KIND_TEXT = {
    "text": "Text",
    "int": "Whole number (0 or more)",
    "date": "Date (YYYY-MM-DD)",
    "code": "From list",
}
_INSTRUCTIONS = (
    "Fill in one sheet per part of the return, one row per item, starting on row 3 under the"
    " column names on row 2; do not rename the sheets or the column names. Pick coded values"
    " from the dropdowns (the Data dictionary sheet lists every column and the values it"
    " takes). Type values, not formulas: msops never evaluates formulas. Write dates as"
    " YYYY-MM-DD. Nominals and Identifiers hold personal data: fill them in only where you are"
    " authorised to, and handle the file as OFFICIAL-SENSITIVE. Save it as an Excel Workbook"
    " (.xlsx) and submit it with msops. Organisation and Period say whose return this is and"
    " for which month: msops refuses the file if they differ from what it is submitted as. If"
    " you have no operation to report for the month, set Nil return to Yes and leave the other"
    " sheets empty; an empty return without it is refused."
)
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


# Reading ---------------------------------------------------------------------------------


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


# Writing ---------------------------------------------------------------------------------


def write_xlsx(path: Path, rows: Rows, identity: Identity, synthetic: bool) -> None:
    workbook = Workbook()
    _write_about(workbook.active, identity, synthetic)
    for part in PARTS:
        _write_part(workbook.create_sheet(part.sheet), part, rows.get(part.name, ()))
    _write_dictionary(workbook.create_sheet(DICTIONARY))
    _write_lists(workbook, workbook.create_sheet(LISTS))
    for sheet in workbook.worksheets:
        sheet.oddHeader.center.text = OFFICIAL_SENSITIVE
        sheet.oddFooter.center.text = OFFICIAL_SENSITIVE
        if synthetic:
            sheet.oddFooter.left.text = SYNTHETIC
    workbook.save(path)


def _put(sheet: Any, row: int, column: int, value: object) -> None:
    """One value as a constant: text that looks like a formula stays text."""
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = value
        if value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
    elif isinstance(value, int | float) and not isinstance(value, bool):
        cell.value = value
    else:
        raise TypeError(f"a return cell cannot hold a {type(value).__name__}")


def _banner_and_header(sheet: Any, names: Sequence[str]) -> None:
    sheet.cell(row=1, column=1, value=OFFICIAL_SENSITIVE).font = _RED_BOLD
    if len(names) > 1:
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(names))
    for index, name in enumerate(names, start=1):
        sheet.cell(row=2, column=index, value=name).font = _BOLD
    sheet.freeze_panes = "A3"


def _write_part(sheet: Any, part: Part, rows: Sequence[Mapping[str, object]]) -> None:
    _banner_and_header(sheet, part.column_names)
    for index, column in enumerate(part.columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(index)]
        dimension.width = max(12, len(column.name) + 2, 28 if column.kind == "code" else 0)
        if column.kind == "date":
            dimension.number_format = DATE_FORMAT  # what the user types in later
        elif column.kind == "text":
            dimension.number_format = "@"  # keeps leading zeros and '+44...' as typed
    for offset, row in enumerate(rows):
        for index, name in enumerate(part.column_names, start=1):
            _put(sheet, FIRST_DATA_ROW + offset, index, row.get(name))
    _add_dropdowns(sheet, part, max(VALIDATED_ROWS, FIRST_DATA_ROW + len(rows) - 1))


def _add_dropdowns(sheet: Any, part: Part, last_row: int) -> None:
    letters = {c.name: get_column_letter(i) for i, c in enumerate(part.columns, start=1)}
    for column in part.columns:
        if column.kind == "code" and column.codes:
            formula = list_range_name(column.codes)
        elif part is DETAILS and column.name == "value":
            detail = f"${letters['detail']}{FIRST_DATA_ROW}"
            lookup = f"VLOOKUP({detail},{DETAIL_LOOKUP},2,FALSE)"
            formula = f'INDIRECT(IFERROR({lookup},"{FREE_TEXT}"))'
        else:
            continue
        validation = DataValidation(
            type="list",
            formula1=formula,
            allow_blank=True,
            showErrorMessage=True,
            errorStyle="warning",
            errorTitle="Not in the list",
            error=(
                f"This is not a value from the list for {column.name}. Choose No and pick one"
                " from the dropdown, or Yes to keep it (msops checks it when you submit)."
            ),
        )
        letter = letters[column.name]
        validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
        sheet.add_data_validation(validation)


def list_range_name(list_name: str) -> str:
    """The defined name of a code list's labels on the Lists sheet."""
    return f"list_{list_name}"


def detail_range_name(kind: str) -> str:
    """The defined name the `value` dropdown uses for a detail kind."""
    return f"detail_{kind}" if DETAIL_CODES.get(kind) else FREE_TEXT


def _define(workbook: Any, name: str, first: str, last: str) -> None:
    ref = f"{quote_sheetname(LISTS)}!{absolute_coordinate(f'{first}:{last}')}"
    workbook.defined_names[name] = DefinedName(name, attr_text=ref)


def _lists_used() -> list[str]:
    names = [c.codes for p in PARTS for c in p.columns if c.codes]
    names += [n for n in DETAIL_CODES.values() if n]
    return list(dict.fromkeys(names))


def _write_lists(workbook: Any, sheet: Any) -> None:
    sheet.sheet_state = "hidden"
    where: dict[str, tuple[str, str]] = {}
    index = 0
    for index, list_name in enumerate(_lists_used(), start=1):
        letter = get_column_letter(index)
        labels = [c.label for c in code_lists()[list_name]]
        sheet.cell(row=1, column=index, value=list_name).font = _BOLD
        for offset, label in enumerate(labels, start=2):
            _put(sheet, offset, index, label)
        where[list_name] = (f"{letter}2", f"{letter}{len(labels) + 1}")
        _define(workbook, list_range_name(list_name), *where[list_name])
    free = get_column_letter(index + 1)  # a header over an empty cell: anything may be typed
    sheet.cell(row=1, column=index + 1, value="free text").font = _BOLD
    _define(workbook, FREE_TEXT, f"{free}2", f"{free}2")
    for kind, values in DETAIL_CODES.items():
        if values:
            _define(workbook, detail_range_name(kind), *where[values])
    _write_detail_lookup(workbook, sheet, index + 2)


def _write_detail_lookup(workbook: Any, sheet: Any, column: int) -> None:
    keys = [
        (key, detail_range_name(code.code))
        for code in code_lists()["detail_kind"]
        for key in (code.label, code.code)
    ]
    sheet.cell(row=1, column=column, value="detail").font = _BOLD
    sheet.cell(row=1, column=column + 1, value="range").font = _BOLD
    for offset, (key, name) in enumerate(keys, start=2):
        _put(sheet, offset, column, key)
        _put(sheet, offset, column + 1, name)
    first, second = get_column_letter(column), get_column_letter(column + 1)
    _define(workbook, DETAIL_LOOKUP, f"{first}2", f"{second}{len(keys) + 1}")


def _write_about(sheet: Any, identity: Identity, synthetic: bool) -> None:
    sheet.title = ABOUT
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
    sheet["A1"] = OFFICIAL_SENSITIVE
    sheet["A1"].font = _RED_BOLD
    lines: list[tuple[str, str]] = [("", "")]
    if synthetic:
        lines = [(SYNTHETIC, "")]
    lines += [
        ("Monthly return", "Police-led modern slavery operations"),
        (ORGANISATION_LABEL, identity.organisation),
        (PERIOD_LABEL, identity.period),
        (NIL_LABEL, identity.nil_text),
        ("How to fill it in", _INSTRUCTIONS),
        ("", ""),
        ("Sheet", "What it holds"),
    ]
    lines += [(p.sheet, p.description) for p in PARTS]
    lines.append((DICTIONARY, "Every column: its type, whether it is required, allowed values."))
    for row, (label, text) in enumerate(lines, start=2):
        _put(sheet, row, 1, label or None)
        _put(sheet, row, 2, text or None)
        sheet.cell(row=row, column=1).font = _RED_BOLD if label == SYNTHETIC else _BOLD
        sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")
        if label == NIL_LABEL:
            nil = DataValidation(type="list", formula1='"Yes,No"', allow_blank=True)
            nil.add(f"B{row}")
            sheet.add_data_validation(nil)
        elif label == PERIOD_LABEL:
            sheet.cell(row=row, column=2).number_format = "@"  # 2018-03 stays text


def _write_dictionary(sheet: Any) -> None:
    names = ("sheet", "column", "type", "required", "description", "allowed values")
    _banner_and_header(sheet, names)
    for letter, width in zip("ABCDEF", (20, 26, 24, 10, 70, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    row = FIRST_DATA_ROW
    for part in PARTS:
        for column in part.columns:
            values = (
                part.sheet,
                column.name,
                _KIND_TEXT[column.kind],
                "Yes" if column.required else "No",
                column.description,
                _allowed(part, column),
            )
            for index, value in enumerate(values, start=1):
                _put(sheet, row, index, value or None)
                sheet.cell(row=row, column=index).alignment = Alignment(wrap_text=True)
            row += 1


def _allowed(part: Part, column: Column) -> str:
    if column.codes:
        codes = code_lists()[column.codes]
        if len(codes) <= SHORT_LIST:
            return "; ".join(c.label for c in codes)
        return f"{column.codes.replace('_', ' ')} list ({len(codes)} values): see the dropdown"
    if part is DETAILS and column.name == "value":
        kinds = code_lists()["detail_kind"]
        return "Depends on detail: " + "; ".join(
            f"{k.label}: {(DETAIL_CODES.get(k.code) or 'see description').replace('_', ' ')}"
            for k in kinds
        )
    return ""
