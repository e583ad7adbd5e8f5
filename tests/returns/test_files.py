"""Reading and writing return files: round trips, the template's layout, and bad files."""

from __future__ import annotations

import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from msops.domain.marking import OFFICIAL_SENSITIVE as MARKING
from msops.domain.reference import code_lists
from msops.domain.return_spec import DETAIL_CODES, PARTS, PARTS_BY_NAME
from msops.returns.files import Format, Rows, read_return, write_return
from msops.returns.raw import Issue, RawReturn

ROWS: dict[str, list[dict[str, object]]] = {
    "operations": [
        {
            "operation_ref": "OP-001",
            "operation_name": "=1+1",
            "lead_org": "Cleveland Police",
            "status": "Live",
            "opened_date": date(2024, 1, 15),
            "primary_category": "Labour exploitation",
            "victims_adult_female": 2,
            "victims_adult_male": 0,
            "suspects": 3,
            "ocg_involved": "Yes",
            "international_dimension": "No",
            "jit": "No",
            "arrests": 1,
        },
        {
            "operation_ref": "007",
            "operation_name": "Operation  Lantern",
            "lead_org": "Cleveland Police",
            "status": "Closed",
            "opened_date": date(2023, 11, 2),
            "closed_date": date(2024, 3, 31),
            "primary_category": "-5",
            "ocg_involved": "@unknown",
            "international_dimension": "Yes",
            "jit": "Yes",
            "disruption_outcome": "Charged and prosecuted",
        },
    ],
    "details": [
        {"operation_ref": "OP-001", "detail": "Sector", "value": "Nail bars"},
        {"operation_ref": "OP-001", "detail": "Location (postcode district)", "value": "TS1"},
    ],
    "nationalities": [
        {
            "operation_ref": "OP-001",
            "group": "Potential victims",
            "nationality": "Albanian",
            "count": 2,
        },
    ],
    "nominals": [
        {
            "operation_ref": "OP-001",
            "nominal_ref": "N1",
            "role": "Suspect",
            "given_name": "Test",
            "family_name": "Person",
            "date_of_birth": date(1990, 5, 17),
        },
    ],
    "identifiers": [
        {"operation_ref": "OP-001", "nominal_ref": "N1", "kind": "Phone", "value": "+447700900123"},
    ],
}


def write(path: Path, fmt: Format = "xlsx", rows: Rows = ROWS, synthetic: bool = False) -> Path:
    write_return(
        path, fmt, rows, organisation="Cleveland Police", period="2024-03", synthetic=synthetic
    )
    return path


def as_written_xlsx(value: object) -> object:
    if isinstance(value, date) and not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day)
    return value


def as_written_csv(value: object) -> object:
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)


def cells_of(raw: RawReturn, part: str) -> list[dict[str, object]]:
    return [dict(row.cells) for row in raw.tables[part].rows]


def expected(part: str, convert: Any) -> list[dict[str, object]]:
    names = PARTS_BY_NAME[part].column_names
    return [{n: convert(row.get(n)) for n in names} for row in ROWS[part]]


def rules(raw: RawReturn) -> list[str]:
    return [i.rule for i in raw.issues]


def only_issue(raw: RawReturn, rule: str) -> Issue:
    found = [i for i in raw.issues if i.rule == rule]
    assert len(found) == 1, raw.issues
    return found[0]


def workbook_file(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    """A workbook as a user might make it: the given sheets and rows, nothing else."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path


OPS_HEADER = list(PARTS_BY_NAME["operations"].column_names)


# Round trips -----------------------------------------------------------------------------


def test_xlsx_round_trip_gives_back_every_cell(tmp_path: Path) -> None:
    raw = read_return(write(tmp_path / "march.xlsx"))

    assert raw.source == "march.xlsx"
    assert raw.issues == []
    for part in PARTS:
        assert cells_of(raw, part.name) == expected(part.name, as_written_xlsx), part.name
        assert [r.number for r in raw.tables[part.name].rows] == list(
            range(3, 3 + len(ROWS[part.name]))
        )
    first = raw.tables["operations"].rows[0].cells
    assert isinstance(first["suspects"], int)
    assert first["opened_date"] == datetime(2024, 1, 15)


@pytest.mark.parametrize("name", ["march.zip", "march"])
def test_csv_round_trip_gives_back_every_cell_as_text(tmp_path: Path, name: str) -> None:
    raw = read_return(write(tmp_path / name, "csv"))

    assert raw.issues == []
    for part in PARTS:
        assert cells_of(raw, part.name) == expected(part.name, as_written_csv), part.name
    assert raw.tables["operations"].rows[0].number == 2
    assert raw.tables["operations"].rows[1].cells["operation_ref"] == "007"


def test_formula_like_text_is_written_as_text_in_xlsx(tmp_path: Path) -> None:
    path = write(tmp_path / "march.xlsx")

    book = openpyxl.load_workbook(path)
    name = book["Operations"]["B3"]
    assert (name.value, name.data_type, name.quotePrefix) == ("=1+1", "s", True)
    phone = book["Identifiers"]["D3"]
    assert (phone.value, phone.data_type) == ("+447700900123", "s")
    minus = book["Operations"]["G4"]
    assert (minus.value, minus.data_type) == ("-5", "s")
    raw = read_return(path)
    assert "formula_cell" not in rules(raw)
    assert raw.tables["operations"].rows[0].cells["operation_name"] == "=1+1"
    assert raw.tables["identifiers"].rows[0].cells["value"] == "+447700900123"


def test_formula_like_text_gets_a_quote_in_csv_that_the_reader_removes(tmp_path: Path) -> None:
    path = write(tmp_path / "march", "csv")

    text = (path / "operations.csv").read_bytes().decode("utf-8")
    assert not text.startswith("\ufeff")
    assert "'=1+1" in text and "'-5" in text and "'@unknown" in text
    assert "'+447700900123" in (path / "identifiers.csv").read_text(encoding="utf-8")
    raw = read_return(path)
    assert raw.tables["operations"].rows[0].cells["operation_name"] == "=1+1"
    assert raw.tables["operations"].rows[1].cells["ocg_involved"] == "@unknown"


def test_blank_template_reads_back_as_empty_parts(tmp_path: Path) -> None:
    raw = read_return(write(tmp_path / "template.xlsx", rows={}))

    assert raw.issues == []
    assert {name: t.rows for name, t in raw.tables.items()} == {p.name: [] for p in PARTS}


def test_writer_refuses_a_column_the_spec_does_not_have(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="colour"):
        write(tmp_path / "x.xlsx", rows={"operations": [{"colour": "red"}]})


# The workbook's layout -------------------------------------------------------------------


def resolve(book: Any, name: str) -> list[object]:
    """The values of the cells a defined name points at."""
    ((title, ref),) = book.defined_names[name].destinations
    return [c.value for row in book[title][ref] for c in row]


def validations(sheet: Any) -> dict[str, Any]:
    """Data validations by the range they cover."""
    return {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}


def test_every_code_column_has_a_dropdown_of_its_labels(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path / "march.xlsx"))

    assert book["Lists"].sheet_state == "hidden"
    for part in PARTS:
        found = validations(book[part.sheet])
        for index, column in enumerate(part.columns, start=1):
            if column.kind != "code":
                continue
            letter = openpyxl.utils.get_column_letter(index)
            dv = found[f"{letter}3:{letter}2000"]
            assert dv.type == "list", (part.sheet, column.name)
            labels = [c.label for c in code_lists()[str(column.codes)]]
            assert resolve(book, dv.formula1) == labels, (part.sheet, column.name)


def test_detail_value_dropdown_follows_the_detail_chosen(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path / "march.xlsx"))

    dv = validations(book["Operation details"])["C3:C2000"]
    assert dv.type == "list"
    assert dv.formula1.startswith("INDIRECT(") and "$B3" in dv.formula1
    values = resolve(book, "detail_lookup")
    lookup = dict(zip(values[::2], values[1::2], strict=True))
    for kind in code_lists()["detail_kind"]:
        # the detail cell may hold the label (from its dropdown) or the code
        assert lookup[kind.label] == lookup[kind.code]
        list_name = DETAIL_CODES[kind.code]
        shown = resolve(book, str(lookup[kind.label]))
        if list_name is None:
            assert shown == [None]  # free text: location, linked operation
        else:
            assert shown == [c.label for c in code_lists()[list_name]]


def test_every_sheet_has_the_banner_and_the_marking_in_print(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path / "march.xlsx"))

    for part in PARTS:
        sheet = book[part.sheet]
        banner = sheet["A1"]
        assert banner.value == MARKING
        assert banner.font.bold and banner.font.color.rgb == "FFFF0000"
        last = openpyxl.utils.get_column_letter(len(part.columns))
        assert f"A1:{last}1" in {str(r) for r in sheet.merged_cells.ranges}
        assert [c.value for c in sheet[2]] == list(part.column_names)
        assert sheet.freeze_panes == "A3"
    for sheet in book.worksheets:
        assert sheet.oddHeader.center.text == MARKING, sheet.title
        assert sheet.oddFooter.center.text == MARKING, sheet.title


def test_dates_are_real_dates_shown_as_iso(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path / "march.xlsx"))

    opened = book["Operations"]["E3"]
    assert opened.value == datetime(2024, 1, 15)
    assert opened.number_format == "yyyy-mm-dd"


@pytest.mark.parametrize("synthetic", [True, False])
def test_about_sheet_comes_first(tmp_path: Path, synthetic: bool) -> None:
    book = openpyxl.load_workbook(write(tmp_path / "march.xlsx", synthetic=synthetic))

    about = book.worksheets[0]
    text = [c.value for row in about.iter_rows() for c in row if c.value is not None]
    assert about.title == "About"
    assert text[0] == MARKING
    assert "Cleveland Police" in text and "2024-03" in text
    notice = "SYNTHETIC DATA – NOT REAL PEOPLE OR OPERATIONS"
    assert (notice in text) is synthetic
    assert book.sheetnames[1:6] == [p.sheet for p in PARTS]


def test_data_dictionary_describes_every_column(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write(tmp_path / "march.xlsx"))

    sheet = book["Data dictionary"]
    assert [c.value for c in sheet[2]] == [
        "sheet",
        "column",
        "type",
        "required",
        "description",
        "allowed values",
    ]
    rows = {(r[0], r[1]): r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {(p.sheet, c.name) for p in PARTS for c in p.columns}
    assert rows[("Operations", "status")][3] == "Yes"
    assert rows[("Operations", "status")][5] == "Live; Closed; Reopened"


# Files msops cannot read, and sheets in the wrong shape ----------------------------------


def test_truncated_workbook_is_unreadable(tmp_path: Path) -> None:
    path = write(tmp_path / "march.xlsx")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])

    raw = read_return(path)

    issue = only_issue(raw, "file_unreadable")
    assert len(raw.issues) == 1 and raw.tables == {}
    assert "march.xlsx" in issue.message and "save it again" in issue.message


def test_csv_not_in_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    folder = write(tmp_path / "march", "csv")
    text = "operation_ref,operation_name\r\nOP-1,Alpha\r\nOP-2,Café\r\n"
    (folder / "operations.csv").write_bytes(text.encode("cp1252"))

    raw = read_return(folder)

    issue = only_issue(raw, "encoding")
    assert (issue.sheet, issue.row, issue.value) == ("Operations", 3, None)
    assert "operations.csv line 3" in issue.message and "CSV UTF-8" in issue.message
    assert "operations" not in raw.tables


def test_workbook_without_operations_sheet(tmp_path: Path) -> None:
    path = workbook_file(tmp_path / "march.xlsx", {"Nominals": [["operation_ref"]]})

    issue = only_issue(read_return(path), "sheet_missing")
    assert issue.sheet == "Operations" and "'Operations'" in issue.message


def test_missing_operations_sheet_suggests_the_sheet_that_looks_like_it(tmp_path: Path) -> None:
    """(A sheet headed with the operations columns is said to be misnamed, as tested in
    test_bounded_files; this one holds something else.)"""
    path = workbook_file(tmp_path / "march.xlsx", {"Operation": [["notes"]]})

    issue = only_issue(read_return(path), "sheet_missing")
    assert issue.suggestion == "Operation"


def test_sheet_titles_match_whatever_the_case_and_spaces(tmp_path: Path) -> None:
    path = workbook_file(
        tmp_path / "march.xlsx", {" operations ": [OPS_HEADER, ["OP-1", "  Alpha  "]]}
    )

    raw = read_return(path)
    assert "sheet_missing" not in rules(raw)
    (row,) = raw.tables["operations"].rows
    assert (row.number, row.cells["operation_name"], row.cells["status"]) == (2, "Alpha", None)


def test_formula_typed_in_a_cell_is_reported_not_evaluated(tmp_path: Path) -> None:
    path = write(tmp_path / "march.xlsx")
    book = openpyxl.load_workbook(path)
    book["Operations"]["B3"] = "=SUM(1,2)"
    book["Operations"]["AD2"] = "my notes"
    book["Operations"]["AD3"] = "=B3"  # a column msops does not read
    book.save(path)

    raw = read_return(path)

    issue = only_issue(raw, "formula_cell")
    assert (issue.sheet, issue.row, issue.column) == ("Operations", 3, "operation_name")
    assert issue.value == "=SUM(1,2)"
    assert "never evaluates formulas" in issue.message
    assert raw.tables["operations"].rows[0].cells["operation_name"] is None


def test_formula_in_personal_data_is_not_repeated(tmp_path: Path) -> None:
    path = write(tmp_path / "march.xlsx")
    book = openpyxl.load_workbook(path)
    book["Nominals"]["D3"] = '=CONCAT("Te","st")'
    book.save(path)

    issue = only_issue(read_return(path), "formula_cell")
    assert (issue.sheet, issue.row, issue.column, issue.value) == (
        "Nominals",
        3,
        "given_name",
        None,
    )
    assert "Te" not in issue.message


def test_unknown_header_suggests_the_nearest_column(tmp_path: Path) -> None:
    header = ["Operation Ref", "OPERATION_NAME", "Stauts"]
    path = workbook_file(tmp_path / "march.xlsx", {"Operations": [header, ["OP-1", "A", "Live"]]})

    raw = read_return(path)

    issue = only_issue(raw, "column_unknown")
    assert (issue.sheet, issue.row, issue.column) == ("Operations", 1, "Stauts")
    assert issue.suggestion == "status" and "'status'" in issue.message
    missing = {i.column for i in raw.issues if i.rule == "column_missing"}
    assert "status" in missing and "operation_ref" not in missing
    assert raw.tables["operations"].rows[0].cells == {
        "operation_ref": "OP-1",
        "operation_name": "A",
    }


def test_missing_required_column_names_the_header_row(tmp_path: Path) -> None:
    header = [h for h in OPS_HEADER if h != "lead_org"]
    path = workbook_file(tmp_path / "march.xlsx", {"Operations": [[MARKING], header]})

    issue = only_issue(read_return(path), "column_missing")
    assert (issue.row, issue.column) == (2, "lead_org")
    assert "row 2" in issue.message


def test_values_in_a_column_without_header_are_reported(tmp_path: Path) -> None:
    rows = [OPS_HEADER, [*(["x"] * len(OPS_HEADER)), "stray"]]
    path = workbook_file(tmp_path / "march.xlsx", {"Operations": rows})

    issue = only_issue(read_return(path), "column_unknown")
    letter = openpyxl.utils.get_column_letter(len(OPS_HEADER) + 1)
    assert (issue.row, issue.column) == (2, letter)
    assert "no header" in issue.message


def test_empty_rows_are_skipped_and_row_numbers_kept(tmp_path: Path) -> None:
    rows: list[Sequence[object]] = [[MARKING], OPS_HEADER, ["OP-1"], [None, "  "], [], ["OP-2"]]
    path = workbook_file(tmp_path / "march.xlsx", {"Operations": rows})

    raw = read_return(path)
    assert [r.number for r in raw.tables["operations"].rows] == [3, 6]


def test_csv_with_the_banner_on_line_1(tmp_path: Path) -> None:
    path = tmp_path / "operations.csv"
    path.write_text(
        "OFFICIAL-SENSITIVE,,\r\noperation_ref,operation_name,status\r\nOP-1,'=HYPERLINK(1),Live\r\n",
        encoding="utf-8-sig",
    )

    raw = read_return(path)

    assert raw.source == "operations.csv"
    assert list(raw.tables) == ["operations"]
    (row,) = raw.tables["operations"].rows
    assert row.number == 3
    assert row.cells == {
        "operation_ref": "OP-1",
        "operation_name": "=HYPERLINK(1)",
        "status": "Live",
    }
    assert rules(raw) == [r for r in rules(raw) if r == "column_missing"]
    assert {i.row for i in raw.issues} == {2}


def test_csv_unknown_header_in_personal_part_repeats_nothing(tmp_path: Path) -> None:
    folder = write(tmp_path / "march", "csv")
    (folder / "nominals.csv").write_text(
        "operation_ref,nominal_ref,role,Jane Smith\r\nOP-1,N1,Victim,x\r\n", encoding="utf-8"
    )

    issue = only_issue(read_return(folder), "column_unknown")
    assert (issue.sheet, issue.row, issue.column, issue.value) == ("Nominals", 1, "D", None)
    assert "Jane" not in issue.message


def test_zip_without_operations_csv(tmp_path: Path) -> None:
    path = tmp_path / "march.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("operation.csv", ",".join(OPS_HEADER) + "\r\n")

    issue = only_issue(read_return(path), "sheet_missing")
    assert "operations.csv" in issue.message and issue.suggestion == "operation.csv"


def test_damaged_zip_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "march.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")

    assert rules(read_return(path)) == ["file_unreadable"]


def test_other_file_types_are_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "march.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")

    issue = only_issue(read_return(path), "file_unreadable")
    assert "xlsx" in issue.message and "CSV UTF-8" in issue.message


def test_a_large_sheet_is_read_whole(tmp_path: Path) -> None:
    rows = {"operations": [{"operation_ref": f"OP-{n}", "suspects": n} for n in range(5000)]}
    raw = read_return(write(tmp_path / "big.xlsx", rows=rows))

    table = raw.tables["operations"]
    assert len(table.rows) == 5000 and table.rows[-1].number == 5002
    assert table.rows[-1].cells["suspects"] == 4999


def test_a_file_that_is_not_there(tmp_path: Path) -> None:
    issue = only_issue(read_return(tmp_path / "march.xlsx"), "file_unreadable")
    assert issue.sheet == "march.xlsx" and "not found" in issue.message
