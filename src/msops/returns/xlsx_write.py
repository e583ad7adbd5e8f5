"""Writing the return as an Excel workbook: the template, a prefilled template, or the export
of a stored return, in the layout `xlsx_io` describes and reads.

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

from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from msops.domain.marking import OFFICIAL_SENSITIVE
from msops.domain.reference import code_lists
from msops.domain.return_spec import DETAIL_CODES, DETAILS, PARTS, Column, Part
from msops.returns.file_identity import NIL_LABEL, ORGANISATION_LABEL, PERIOD_LABEL, Identity
from msops.returns.files import FORMULA_STARTS, SYNTHETIC, Rows
from msops.returns.xlsx_io import ABOUT, DICTIONARY, LISTS

FIRST_DATA_ROW = 3
VALIDATED_ROWS = 2000  # dropdowns cover rows 3..2000, or further when there are more rows
DATE_FORMAT = "yyyy-mm-dd"
SHORT_LIST = 12  # lists up to this long are spelt out in the data dictionary
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
