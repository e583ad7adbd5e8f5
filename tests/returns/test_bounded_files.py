"""A return file too big to be a monthly return is refused before it costs minutes and
gigabytes: one problem, nothing stored, within seconds."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.return_spec import PARTS_BY_NAME
from msops.returns.files import read_return, write_return
from msops.returns.limits import shared_strings_problem
from msops.returns.submit import Outcome, submit_file
from tests.builders import valid_return
from tests.conftest import row_counts

JAN = Period(2018, 1)
SHARED_STRINGS = "xl/sharedStrings.xml"


def csv_bomb(path: Path, megabytes: int = 60) -> Path:
    """A zip of a few hundred KB holding an operations.csv of `megabytes` MB."""
    line = b"CL-001,Operation,Cleveland Police,Live,2018-01-15,,,,1,2,0,0,0,0,1,Yes,No,,No,3,0\n"
    block = line * (2**20 // len(line))
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("operations.csv", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(block)
    return path


def with_shared_strings(source: Path, target: Path, xml: bytes) -> Path:
    """A copy of the workbook `source` whose shared strings part is `xml`."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != SHARED_STRINGS:
                new.writestr(info, old.read(info))
        new.writestr(SHARED_STRINGS, xml)
    return target


def sst(entries: int, declared: int) -> bytes:
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        f' count="{declared}" uniqueCount="{declared}">'
    ).encode()
    return head + b"<si><t>x</t></si>" * entries + b"</sst>"


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    path = tmp_path / "return.xlsx"
    write_return(path, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-01")
    return path


def test_a_small_zip_of_a_huge_csv_is_refused_unread(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    bomb = csv_bomb(tmp_path / "bomb.zip")
    assert bomb.stat().st_size < 2**20
    before = row_counts(engine)
    started = time.monotonic()
    result = submit_file(engine, operator, bomb, "Cleveland", JAN)
    assert time.monotonic() - started < 5
    assert result.outcome == Outcome.REJECTED
    (issue,) = result.issues
    assert issue.rule == "file_too_large" and issue.sheet == "bomb.zip"
    assert "bomb.zip would unpack to 60 MB" in issue.message
    assert row_counts(engine) == before


def test_a_workbook_with_forty_million_shared_strings_is_refused(
    engine: Engine, operator: Principal, workbook: Path, tmp_path: Path
) -> None:
    """Declared in its count attributes: refused without inflating more than its first bytes."""
    bomb = with_shared_strings(workbook, tmp_path / "strings.xlsx", sst(10, 40_000_000))
    before = row_counts(engine)
    started = time.monotonic()
    result = submit_file(engine, operator, bomb, "Cleveland", JAN)
    assert time.monotonic() - started < 5
    (issue,) = result.issues
    assert issue.rule == "file_too_large"
    assert "strings.xlsx holds more than 2,000,000 distinct texts" in issue.message
    assert row_counts(engine) == before


def test_a_real_shared_strings_bomb_is_refused_in_seconds(workbook: Path, tmp_path: Path) -> None:
    """Three million unused strings (declaring none) in a small workbook: refused on what it
    unpacks to."""
    bomb = with_shared_strings(workbook, tmp_path / "strings.xlsx", sst(3_200_000, 0))
    started = time.monotonic()
    raw = read_return(bomb)
    assert time.monotonic() - started < 5
    (issue,) = raw.issues
    assert issue.rule == "file_too_large" and not raw.tables


def test_shared_strings_are_counted_not_taken_on_trust(workbook: Path, tmp_path: Path) -> None:
    lying = with_shared_strings(workbook, tmp_path / "lying.xlsx", sst(3000, 1))
    assert "more than 2,000 distinct texts" in str(shared_strings_problem(lying, 2000))
    assert shared_strings_problem(lying, 5000) is None
    big = shared_strings_problem(lying, max_bytes=1000)
    assert big is not None and "shared strings" in big
    assert shared_strings_problem(workbook) is None


def test_a_part_with_too_many_rows_is_refused_as_it_is_read(
    engine: Engine,
    operator: Principal,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MSOPS_MAX_ROWS_PER_PART", "5")
    rows = valid_return(*(f"CL-{n:03}" for n in range(1, 9)))
    before = row_counts(engine)
    for fmt, name in (("xlsx", "many.xlsx"), ("csv", "many.zip")):
        path = tmp_path / name
        write_return(path, fmt, rows, organisation="Cleveland Police", period="2018-01")  # type: ignore[arg-type]
        result = submit_file(engine, operator, path, "Cleveland", JAN)
        (issue,) = result.issues
        assert issue.rule == "file_too_large" and issue.sheet == name
        assert "has more than 5 rows" in issue.message
    assert row_counts(engine) == before


def test_a_plain_csv_file_too_large(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSOPS_MAX_UNPACKED_MB", "1")
    path = tmp_path / "operations.csv"
    path.write_bytes(b"operation_ref\n" + b"CL-001\n" * 200_000)
    (issue,) = read_return(path).issues
    assert issue.rule == "file_too_large"
    assert "is 1.3 MB, more than msops reads (1 MB)" in issue.message


def test_returns_within_the_limits_are_read_as_before(workbook: Path, tmp_path: Path) -> None:
    zipped = tmp_path / "return.zip"
    write_return(zipped, "csv", valid_return(), organisation="Cleveland Police", period="2018-01")
    for path in (workbook, zipped):
        raw = read_return(path)
        assert not raw.issues and raw.tables["operations"].rows


# One diagnosis for a file whose first rows are all wrong the same way -----------------------


def operations_csv(path: Path, delimiter: str = ",", above: str = "") -> Path:
    """The operations of a valid return as one CSV file, with `delimiter` and `above` it."""
    rows = valid_return("CL-001", "CL-002")["operations"]
    names = list(PARTS_BY_NAME["operations"].column_names)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(names)
    for row in rows:
        writer.writerow(["" if row.get(n) is None else row.get(n) for n in names])
    path.write_text(above + buffer.getvalue(), encoding="utf-8", newline="")
    return path


@pytest.mark.parametrize(("delimiter", "said"), [(";", "';'"), ("\t", "tabs")])
def test_a_csv_separated_by_semicolons_or_tabs_is_said_once(
    tmp_path: Path, delimiter: str, said: str
) -> None:
    path = operations_csv(tmp_path / "operations.csv", delimiter)
    raw = read_return(path)
    (issue,) = raw.issues
    assert issue.rule == "file_layout" and issue.sheet == "operations.csv"
    assert issue.message.startswith(
        f"the values are separated by {said}, not commas: save it as CSV (comma delimited)"
    )
    assert not raw.tables


def test_a_semicolon_csv_is_refused_in_one_problem_and_nothing_stored(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    before = row_counts(engine)
    path = operations_csv(tmp_path / "operations.csv", ";")
    result = submit_file(engine, operator, path, "Cleveland", JAN)
    assert result.outcome == Outcome.REJECTED
    assert [i.rule for i in result.issues] == ["file_layout"]
    assert row_counts(engine) == before


@pytest.mark.parametrize(
    ("above", "span"),
    [("Cleveland Police: March 2018\n", "row 1"), ("Monthly return\n\nMarch 2018,,\n", "rows 1-3")],
)
def test_title_rows_above_a_csv_header(tmp_path: Path, above: str, span: str) -> None:
    path = operations_csv(tmp_path / "operations.csv", above=above)
    (issue,) = read_return(path).issues
    assert issue.rule == "file_layout" and issue.sheet == "operations.csv"
    assert issue.message.startswith(f"a title row above the header in {span}: remove it")


def test_title_rows_above_a_sheet_header(tmp_path: Path) -> None:
    header = list(PARTS_BY_NAME["operations"].column_names)
    path = sheets(tmp_path / "titled.xlsx", {"Operations": [["Return for March"], header]})
    (issue,) = read_return(path).issues
    assert (issue.rule, issue.sheet) == ("file_layout", "Operations")
    assert issue.message.startswith("a title row above the header in row 1: remove it")
    banner = sheets(tmp_path / "banner.xlsx", {"Operations": [["OFFICIAL"], ["Title"], header]})
    (issue,) = read_return(banner).issues
    assert issue.message.startswith("a title row above the header in row 2: remove it")


def test_a_sheet_with_the_operations_under_another_name(tmp_path: Path) -> None:
    header = list(PARTS_BY_NAME["operations"].column_names)
    path = sheets(tmp_path / "named.xlsx", {"Sheet1": [header, ["CL-001", "Alpha"]]})
    (issue,) = read_return(path).issues
    assert (issue.rule, issue.sheet) == ("file_layout", "Sheet1")
    assert issue.message.startswith("the sheet is called 'Sheet1', not 'Operations'")


def test_a_header_on_its_own_row_is_read_as_before(tmp_path: Path) -> None:
    raw = read_return(operations_csv(tmp_path / "operations.csv"))
    assert not raw.issues and len(raw.tables["operations"].rows) == 2


def sheets(path: Path, content: dict[str, Sequence[Sequence[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in content.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    return path
