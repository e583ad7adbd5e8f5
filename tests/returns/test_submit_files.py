"""Bad files are refused whole, say where and why, and leave every table as it was."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine

from msops.domain.errors import NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.files import write_return
from msops.returns.submit import Outcome, SubmitResult, submit_file
from tests.builders import valid_return
from tests.conftest import row_counts

JAN = Period(2018, 1)


@pytest.fixture
def loaded(engine: Engine, operator: Principal, tmp_path: Path) -> dict[str, int]:
    """A database holding one accepted return, and its row counts."""
    path = tmp_path / "first.xlsx"
    write_return(path, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-01")
    assert submit_file(engine, operator, path, "Cleveland", JAN).outcome == Outcome.ACCEPTED
    return row_counts(engine)


def workbook(tmp_path: Path, name: str = "return.xlsx") -> Path:
    path = tmp_path / name
    rows = valid_return("CL-001", "CL-002")
    rows["operations"][0]["arrests"] = 4  # differs from the stored return
    write_return(path, "xlsx", rows, organisation="Cleveland Police", period="2018-01")
    return path


def refused(engine: Engine, who: Principal, path: Path) -> SubmitResult:
    result = submit_file(engine, who, path, "Cleveland", JAN)
    assert result.outcome == Outcome.REJECTED
    return result


def test_truncated_xlsx(
    engine: Engine, operator: Principal, loaded: dict[str, int], tmp_path: Path
) -> None:
    path = workbook(tmp_path)
    path.write_bytes(path.read_bytes()[:4000])
    (issue,) = refused(engine, operator, path).issues
    assert issue.rule == "file_unreadable" and "return.xlsx" in issue.sheet + issue.message
    assert row_counts(engine) == loaded


def test_csv_in_the_wrong_encoding(
    engine: Engine, operator: Principal, loaded: dict[str, int], tmp_path: Path
) -> None:
    path = tmp_path / "operations.csv"
    folder = tmp_path / "parts"
    write_return(folder, "csv", valid_return(), organisation="Cleveland Police", period="2018-01")
    text = (folder / "operations.csv").read_text(encoding="utf-8")
    path.write_bytes(text.replace("Operation CL-001", "Opération CL-001").encode("cp1252"))
    issues = refused(engine, operator, path).issues
    assert [i.rule for i in issues] == ["encoding"]
    assert "line 2" in issues[0].message and "UTF-8" in issues[0].message
    assert row_counts(engine) == loaded


def test_missing_sheet(
    engine: Engine, operator: Principal, loaded: dict[str, int], tmp_path: Path
) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    del book["Operations"]
    book.save(path)
    issues = refused(engine, operator, path).issues
    assert "sheet_missing" in {i.rule for i in issues}
    assert row_counts(engine) == loaded


def test_duplicate_references(
    engine: Engine, operator: Principal, loaded: dict[str, int], tmp_path: Path
) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Operations"]["A4"] = "CL-001"
    book.save(path)
    issues = refused(engine, operator, path).issues
    dup = [i for i in issues if i.rule == "duplicate_reference"]
    assert [(i.sheet, i.row, i.column) for i in dup] == [("Operations", 4, "operation_ref")]
    assert "row 3" in dup[0].message
    assert row_counts(engine) == loaded


def test_formula_cell(
    engine: Engine, operator: Principal, loaded: dict[str, int], tmp_path: Path
) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Operations"]["V3"] = "=1+1"
    book.save(path)
    issues = refused(engine, operator, path).issues
    formula = [i for i in issues if i.rule == "formula_cell"]
    assert [(i.sheet, i.row) for i in formula] == [("Operations", 3)]
    assert "never evaluates formulas" in formula[0].message
    assert row_counts(engine) == loaded


def test_unknown_organisation_in_the_file(
    engine: Engine, operator: Principal, loaded: dict[str, int], tmp_path: Path
) -> None:
    path = workbook(tmp_path)
    book = openpyxl.load_workbook(path)
    book["Operations"]["C3"] = "Clevelend Police"
    book.save(path)
    issues = refused(engine, operator, path).issues
    (issue,) = [i for i in issues if i.column == "lead_org"]
    assert issue.rule == "code_unknown" and issue.suggestion == "Cleveland Police"
    assert row_counts(engine) == loaded


def test_unknown_submitting_organisation(
    engine: Engine, operator: Principal, loaded: dict[str, int], tmp_path: Path
) -> None:
    with pytest.raises(NotFound, match="Atlantis"):
        submit_file(engine, operator, workbook(tmp_path), "Atlantis", JAN)
    assert row_counts(engine) == loaded
