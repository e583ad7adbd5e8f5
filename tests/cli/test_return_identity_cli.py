"""Files as forces send them that msops used to accept: another force's file, another month's,
a month not begun, an operation dropped, an empty file, a fixed fact retyped. Each is refused
with exit status 2 and a problem naming the rule, changes nothing, and repeats no personal data.
Then `returns submit-many` on a folder of returns. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from msops.cli.main import app
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.files import write_return
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from tests.builders import Rows, valid_return
from tests.conftest import row_counts

runner = CliRunner()
JAN, FEB = Period(2018, 1), Period(2018, 2)
DURHAM_REFS = ("DUR/MS/2017/0001", "DUR/MS/2017/0002", "DUR/MS/2017/0003", "DUR/MS/2017/0004")
PERSONAL = ("Ion", "Popescu", "Ana", "Ionescu", "07700", "AB12")


def cleveland(period: Period) -> Rows:
    rows = valid_return("CL-001", "CL-002")
    for row in rows["operations"]:
        row["opened_date"] = "2017-09-13"
    if period == FEB:  # CL-002 closed in February
        rows["operations"][1].update(
            status="Closed", closed_date="2018-02-20", disruption_outcome="Convicted"
        )
    return rows


def durham() -> Rows:
    rows = valid_return(*DURHAM_REFS)
    for row in rows["operations"]:
        row["lead_org"] = "Durham Constabulary"
    return rows


@pytest.fixture
def db(engine: Engine, operator: Principal, monkeypatch: pytest.MonkeyPatch) -> Engine:
    """The test database, behind the command line, holding Cleveland's January and February and
    Durham's February."""
    monkeypatch.setenv("MSOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MSOPS_USER", "spoc.test")
    monkeypatch.setenv("MSOPS_ERROR_LOG", "/dev/null")
    for org, period, rows in (
        ("Cleveland", JAN, cleveland(JAN)),
        ("Cleveland", FEB, cleveland(FEB)),
        ("Durham", FEB, durham()),
    ):
        raw = RawReturn.from_rows(f"{org}.csv", rows)
        result = submit_raw(engine, operator, raw, org, period, "seed")
        assert result.outcome == Outcome.ACCEPTED, result.issues
    return engine


def msops(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def template(out: Path, org: str, period: str = "2018-03", *extra: str) -> Path:
    made = msops("returns", "template", "--out", str(out), "--org", org, "--period", period, *extra)
    assert made.exit_code == 0, made.output
    return out


def prefilled(tmp_path: Path, org: str, fmt: str = "xlsx") -> Path:
    name = f"{org.lower()}.{'xlsx' if fmt == 'xlsx' else 'zip'}"
    return template(tmp_path / name, org, "2018-03", "--prefill", "--format", fmt)


def submit(path: Path | None, org: str, period: str, *extra: str) -> Any:
    file = [] if path is None else [str(path)]
    return msops("returns", "submit", *file, "--org", org, "--period", period, *extra)


def refused(engine: Engine, before: dict[str, int], result: Any, rule: str) -> str:
    """The problem line naming `rule`, once sure the file was refused whole and quietly."""
    assert result.exit_code == 2, result.output
    assert "nothing was stored" in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.endswith(f"[{rule}]")]
    assert lines, result.stderr
    assert row_counts(engine) == before
    for name in PERSONAL:
        assert name not in result.output, name
    return lines[0]


def test_another_forces_prefilled_template(db: Engine, tmp_path: Path) -> None:
    path = prefilled(tmp_path, "Durham")
    before = row_counts(db)
    result = submit(path, "Cleveland", "2018-03")
    line = refused(db, before, result, "identity_mismatch")
    assert "the file says Durham Constabulary, 2018-03; submitted as Cleveland Police, 2018-03" in (
        line
    )
    for rule in ("identity_lead_org", "identity_references", "operation_missing"):
        assert f"[{rule}]" in result.stderr


@pytest.mark.parametrize("period", ["2018-04", "2018-02"])
def test_this_forces_file_for_another_month(db: Engine, tmp_path: Path, period: str) -> None:
    path = prefilled(tmp_path, "Cleveland")
    before = row_counts(db)
    result = submit(path, "Cleveland", period)
    line = refused(db, before, result, "identity_mismatch")
    assert f"says Cleveland Police, 2018-03; submitted as Cleveland Police, {period}" in line
    if period == "2018-02":  # as February's version 2 it would have dropped CL-002
        missing = refused(db, before, result, "operation_missing")
        assert "CL-002 was live in the 2018-01 return" in missing


def test_a_month_not_begun(db: Engine, tmp_path: Path) -> None:
    path = prefilled(tmp_path, "Cleveland")
    before = row_counts(db)
    line = refused(db, before, submit(path, "Cleveland", "2031-01"), "period_in_future")
    assert "2031-01 has not begun" in line


def test_an_operation_live_last_month_removed_from_every_sheet(db: Engine, tmp_path: Path) -> None:
    rows = valid_return("CL-009")  # CL-001, live in February, is on no sheet
    rows["operations"][0]["opened_date"] = "2018-03-01"
    path = tmp_path / "march.xlsx"
    write_return(path, "xlsx", rows, organisation="Cleveland Police", period="2018-03")
    before = row_counts(db)
    line = refused(db, before, submit(path, "Cleveland", "2018-03"), "operation_missing")
    assert "operation CL-001 was live in the 2018-02 return" in line


def test_an_empty_operations_file(db: Engine, tmp_path: Path) -> None:
    path = tmp_path / "operations.csv"
    path.write_bytes(b"")
    before = row_counts(db)
    line = refused(db, before, submit(path, "Kent", "2018-03"), "empty_return")
    assert "nil return" in line


def test_an_opened_date_retyped(db: Engine, tmp_path: Path) -> None:
    rows = cleveland(JAN)
    rows["operations"] = rows["operations"][:1]
    rows["operations"][0]["opened_date"] = "03/02/2018"
    for part in ("details", "nationalities", "nominals", "identifiers"):
        rows[part] = [r for r in rows[part] if r["operation_ref"] == "CL-001"]
    path = tmp_path / "march.csv"
    write_return(path, "csv", rows, organisation="Cleveland Police", period="2018-03")
    before = row_counts(db)
    line = refused(db, before, submit(path, "Cleveland", "2018-03"), "fixed_value_changed")
    assert "opened_date was 2017-09-13 in the 2018-02 return" in line
    assert "did you mean '2017-09-13'" in line


def test_suggestions_that_do_not_mislead(db: Engine, tmp_path: Path) -> None:
    rows = cleveland(JAN)
    rows["operations"] = rows["operations"][:1]
    rows["operations"][0].update(status="Open", lead_org="Cleveland Constabulary")
    path = tmp_path / "march.xlsx"
    write_return(path, "xlsx", rows, organisation="Cleveland Police", period="2018-03")
    before = row_counts(db)
    result = submit(path, "Cleveland", "2018-03")
    refused(db, before, result, "code_unknown")
    lines = [line for line in result.stderr.splitlines() if line.endswith("[code_unknown]")]
    assert any("status" in line and "did you mean 'Live'?" in line for line in lines)
    assert any("lead_org" in line and "did you mean 'Cleveland Police'?" in line for line in lines)
    assert "Reopened" not in result.stderr and "Cheshire" not in result.stderr


def test_a_nil_return_and_a_correction_on_the_command_line(db: Engine, tmp_path: Path) -> None:
    nil = submit(None, "Kent", "2018-03", "--nil")
    assert nil.exit_code == 0 and "accepted, version 1" in nil.output, nil.output
    no_file = submit(None, "Kent", "2018-04")
    assert no_file.exit_code == 1 and "--nil" in no_file.output
    rows = cleveland(JAN)
    rows["operations"] = rows["operations"][:1]
    rows["operations"][0].update(opened_date="2017-09-03", correction="opened_date")
    for part in ("details", "nationalities", "nominals", "identifiers"):
        rows[part] = [r for r in rows[part] if r["operation_ref"] == "CL-001"]
    path = tmp_path / "march.xlsx"
    write_return(path, "xlsx", rows, organisation="Cleveland Police", period="2018-03")
    assert submit(path, "Cleveland", "2018-03").exit_code == 0
    shown = msops(
        "returns", "history", "--org", "Cleveland", "--period", "2018-03", "--format", "json"
    )
    assert json.loads(shown.output)[0]["corrections"] == "CL-001: opened_date"


# returns submit-many --------------------------------------------------------------------


def test_submit_many_a_folder_of_three_one_refused(db: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "march"
    folder.mkdir()
    prefilled(folder, "Cleveland")
    prefilled(folder, "Durham", "csv")
    template(folder / "kent.xlsx", "Kent")  # a blank template, not declared nil
    reports = tmp_path / "problems"
    result = msops(
        "returns", "submit-many", str(folder), "--period", "2018-03", "--reports", str(reports)
    )
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert lines[0] == "Cleveland 2018-03 (cleveland.xlsx): accepted, version 1"
    assert lines[1] == "Durham 2018-03 (durham.zip): accepted, version 1"
    assert lines[2].startswith("Kent 2018-03 (kent.xlsx): refused, 1 problem (first: Operations:")
    assert lines[2].endswith("[empty_return])")
    assert lines[3] == "3 returns for 2018-03: 2 accepted, 0 unchanged, 1 refused"
    assert len(lines) == 4
    with (reports / "kent.xlsx.csv").open(encoding="utf-8") as fh:
        assert [r["rule"] for r in csv.DictReader(fh)] == ["empty_return"]
    assert sorted(p.name for p in reports.iterdir()) == ["kent.xlsx.csv"]
    for name in PERSONAL:
        assert name not in result.output
    again = msops("returns", "submit-many", str(folder / "[cd]*"), "--period", "2018-03")
    assert again.exit_code == 0, again.output
    assert "2 returns for 2018-03: 0 accepted, 2 unchanged, 0 refused" in again.output


def test_submit_many_maps_a_file_that_does_not_say_whose_it_is(db: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    parts = folder / "cl-march"  # CSV files as a force saves them: no README.txt
    rows = valid_return("CL-001")
    rows["operations"][0]["opened_date"] = "2017-09-13"
    write_return(parts, "csv", rows, organisation="", period="")
    (parts / "README.txt").unlink()
    before = row_counts(db)
    unknown = msops("returns", "submit-many", str(folder), "--period", "2018-03")
    assert unknown.exit_code == 2
    assert "(organisation unknown) 2018-03 (cl-march): refused, the file does not say" in (
        unknown.output
    )
    assert row_counts(db) == before
    mapped = msops(
        "returns", "submit-many", str(folder), "--period", "2018-03", "--map", "cl-*=Cleveland"
    )
    assert "Cleveland 2018-03 (cl-march): accepted, version 1" in mapped.output, mapped.output
    assert mapped.exit_code == 0
