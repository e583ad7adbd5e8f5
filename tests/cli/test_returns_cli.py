"""The force SPoC's round: template, fill in, submit, problems or "accepted", export, history."""

from __future__ import annotations

import csv
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from msops.cli.main import app
from msops.returns.files import write_return
from msops.store.schema import audit_event
from tests.builders import Rows, valid_return

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("MSOPS_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("MSOPS_USER", "spoc.test")
    created = msops("db", "upgrade")  # the only command that creates a database
    assert created.exit_code == 0, created.output
    return path


def msops(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def fill_template(template: Path, rows: Rows) -> None:
    """Type rows into a blank template under its headers, as a person would."""
    book = openpyxl.load_workbook(template)
    for part, part_rows in rows.items():
        sheet = next(ws for ws in book.worksheets if ws.title.casefold() == _sheet(part))
        headers = {cell.value: cell.column for cell in sheet[2] if cell.value}
        for offset, row in enumerate(part_rows):
            for name, value in row.items():
                if value is not None:
                    sheet.cell(row=3 + offset, column=headers[name], value=value)
    book.save(template)


def _sheet(part: str) -> str:
    from msops.domain.return_spec import PARTS_BY_NAME

    return PARTS_BY_NAME[part].sheet.casefold()


def submit(path: Path, period: str = "2018-01", *extra: str) -> Any:
    return msops("returns", "submit", str(path), "--org", "Cleveland", "--period", period, *extra)


def test_filled_template_is_accepted_then_identical_file_is_unchanged(tmp_path: Path) -> None:
    template = tmp_path / "return.xlsx"
    result = msops("returns", "template", "--format", "xlsx", "--out", str(template))
    assert result.exit_code == 0 and template.exists()
    fill_template(template, valid_return("CL-001", "CL-002"))
    first = submit(template)
    assert first.exit_code == 0, first.output
    assert "accepted, version 1" in first.output
    again = submit(template)
    assert again.exit_code == 0 and "unchanged" in again.output


def test_rejected_file_lists_every_problem_and_writes_the_report(tmp_path: Path) -> None:
    rows = valid_return()
    rows["operations"][0]["primary_type"] = "Victims work for offender"
    rows["operations"][0]["arrests"] = -2
    path = tmp_path / "bad.xlsx"
    write_return(path, "xlsx", rows, organisation="Cleveland Police", period="2018-01")
    report = tmp_path / "problems.csv"
    result = submit(path, "2018-01", "--report", str(report))
    assert result.exit_code == 2
    assert "rejected: 2 problems; nothing was stored" in result.output
    with report.open(encoding="utf-8") as fh:
        problems = list(csv.DictReader(fh))
    assert {(p["sheet"], p["row"], p["column"], p["rule"]) for p in problems} == {
        ("Operations", "3", "primary_type", "code_unknown"),
        ("Operations", "3", "arrests", "negative_count"),
    }
    assert any(p["suggestion"] == "Victims work for offenders" for p in problems)
    history = msops("returns", "history", "--org", "Cleveland", "--period", "2018-01")
    assert "no return" in history.output


def test_truncated_workbook_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "return.xlsx"
    write_return(path, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-01")
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    result = submit(path)
    assert result.exit_code == 2
    assert "file_unreadable" in result.output


def test_csv_in_the_wrong_encoding_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    write_return(folder, "csv", valid_return(), organisation="Cleveland Police", period="2018-01")
    ops = folder / "operations.csv"
    text = ops.read_text(encoding="utf-8").replace("Operation CL-001", "Opération CL-001")
    ops.write_bytes(text.encode("cp1252"))
    result = submit(folder)
    assert result.exit_code == 2
    assert "encoding" in result.output and "UTF-8" in result.output


def test_missing_operations_sheet_is_named(tmp_path: Path) -> None:
    path = tmp_path / "return.xlsx"
    write_return(path, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-01")
    book = openpyxl.load_workbook(path)
    del book["Operations"]
    book.save(path)
    result = submit(path)
    assert result.exit_code == 2 and "sheet_missing" in result.output


def test_formula_cell_is_refused_and_never_evaluated(tmp_path: Path) -> None:
    path = tmp_path / "return.xlsx"
    write_return(path, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-01")
    book = openpyxl.load_workbook(path)
    book["Operations"]["B3"] = '=HYPERLINK("http://example.invalid","x")'
    book.save(path)
    result = submit(path)
    assert result.exit_code == 2 and "formula_cell" in result.output


def test_unknown_organisation_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "return.xlsx"
    write_return(path, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-01")
    result = msops("returns", "submit", str(path), "--org", "Atlantis", "--period", "2018-01")
    assert result.exit_code == 1
    assert "no organisation is called 'Atlantis'" in result.output


@pytest.mark.parametrize("fmt,name", [("xlsx", "export.xlsx"), ("csv", "export.zip")])
def test_export_then_submit_is_a_no_op(tmp_path: Path, fmt: str, name: str) -> None:
    rows = valid_return("CL-001", "CL-002")
    rows["nominals"][0]["given_name"] = "=cmd|' /C calc'!A0"
    source = tmp_path / "return.xlsx"
    write_return(source, "xlsx", rows, organisation="Cleveland Police", period="2018-01")
    assert submit(source).exit_code == 0
    out = tmp_path / name
    exported = msops(
        "returns",
        "export",
        "--org",
        "Cleveland",
        "--period",
        "2018-01",
        "--out",
        str(out),
        "--format",
        fmt,
        "--purpose",
        "round trip test",
    )
    assert exported.exit_code == 0, exported.output
    if fmt == "xlsx":
        cell_types = {
            c.data_type
            for ws in openpyxl.load_workbook(out).worksheets
            for row in ws.iter_rows()
            for c in row
        }
        assert "f" not in cell_types
    else:
        with zipfile.ZipFile(out) as archive:
            assert "'=cmd" in archive.read("nominals.csv").decode("utf-8")
    again = submit(out)
    assert again.exit_code == 0 and "unchanged" in again.output, again.output


def test_prefill_rolls_forward_live_operations(tmp_path: Path) -> None:
    rows = valid_return("CL-001", "CL-002")
    rows["operations"][1].update(
        status="Closed", closed_date="2018-01-31", disruption_outcome="Convicted"
    )
    source = tmp_path / "jan.xlsx"
    write_return(source, "xlsx", rows, organisation="Cleveland Police", period="2018-01")
    assert submit(source).exit_code == 0
    feb = tmp_path / "feb.xlsx"
    result = msops(
        "returns",
        "template",
        "--out",
        str(feb),
        "--org",
        "Cleveland",
        "--period",
        "2018-02",
        "--prefill",
    )
    assert result.exit_code == 0 and "1 operations rolled forward" in result.output
    accepted = submit(feb, "2018-02")
    assert accepted.exit_code == 0 and "accepted, version 1" in accepted.output
    listing = msops("ops", "list", "--period", "2018-02", "--format", "json")
    assert [r["ref"] for r in json.loads(listing.output)] == ["CL-001"]


def test_history_status_and_ops_show(tmp_path: Path, database: Path) -> None:
    source = tmp_path / "jan.xlsx"
    write_return(source, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-01")
    submit(source)
    changed = valid_return()
    changed["operations"][0]["arrests"] = 3
    write_return(source, "xlsx", changed, organisation="Cleveland Police", period="2018-01")
    submit(source)
    history = msops(
        "returns", "history", "--org", "Cleveland", "--period", "2018-01", "--format", "json"
    )
    versions = json.loads(history.output)
    assert [(v["version"], v["state"]) for v in versions] == [(1, "superseded"), (2, "current")]
    assert all(v["submitted_by"] == "spoc.test" for v in versions)
    status = msops("returns", "status", "--period", "2018-01", "--format", "json")
    states = {r["organisation"]: r["state"] for r in json.loads(status.output)}
    assert states["Cleveland"] == "submitted" and states["Durham"] == "outstanding"
    refused = msops("ops", "show", "CL-001", "--org", "Cleveland", "--nominals")
    assert refused.exit_code == 1 and "--purpose" in refused.output
    shown = msops(
        "ops",
        "show",
        "CL-001",
        "--org",
        "Cleveland",
        "--nominals",
        "--purpose",
        "safeguarding review",
    )
    assert shown.exit_code == 0 and "Popescu" in shown.output
    engine = create_engine(f"sqlite:///{database}")
    with engine.connect() as conn:
        viewed = conn.execute(
            select(audit_event.c.actor, audit_event.c.purpose).where(
                audit_event.c.action == "consultation"
            )
        ).all()
    engine.dispose()
    # the nominals, for the purpose given, and the operation itself, as the page records them
    assert sorted(viewed, key=str) == [("spoc.test", "safeguarding review"), ("spoc.test", None)]
