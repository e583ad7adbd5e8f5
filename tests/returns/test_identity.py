"""A file is refused when it says it is another organisation's, or another month's, return; when
its month has not begun; and when it is empty without being declared a nil return."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.files import write_return
from msops.returns.raw import Declared, RawReturn
from msops.returns.submit import Outcome, SubmitResult, submit_file, submit_nil, submit_raw
from tests.builders import Rows, operation, valid_return
from tests.conftest import row_counts

JAN, FEB, MAR = Period(2018, 1), Period(2018, 2), Period(2018, 3)
DURHAM_REFS = ("DUR/MS/2017/0001", "DUR/MS/2017/0002")


def durham_return(*refs: str) -> Rows:
    rows = valid_return(*refs)
    for row in rows["operations"]:
        row["lead_org"] = "Durham Constabulary"
    return rows


def submit(
    engine: Engine, who: Principal, rows: Rows, org: str, period: Period, **kw: Any
) -> SubmitResult:
    return submit_raw(engine, who, RawReturn.from_rows("r.csv", rows), org, period, "x", **kw)


@pytest.fixture
def history(engine: Engine, operator: Principal) -> dict[str, int]:
    """Cleveland and Durham have each sent January's and February's returns."""
    for period in (JAN, FEB):
        assert submit(engine, operator, valid_return("CL-001"), "Cleveland", period).outcome == (
            Outcome.ACCEPTED
        )
        durham = submit(engine, operator, durham_return(*DURHAM_REFS), "Durham", period)
        assert durham.outcome == Outcome.ACCEPTED, durham.issues
    return row_counts(engine)


def rules(result: SubmitResult) -> set[str]:
    return {i.rule for i in result.issues}


def refused(result: SubmitResult, rule: str) -> list[str]:
    assert result.outcome == Outcome.REJECTED
    found = [i.message for i in result.issues if i.rule == rule]
    assert found, result.issues
    return found


def workbook(tmp_path: Path, rows: Rows, organisation: str, period: str, **kw: Any) -> Path:
    path = tmp_path / "return.xlsx"
    write_return(path, "xlsx", rows, organisation=organisation, period=period, **kw)
    return path


def test_the_about_sheet_says_whose_return_it_is(
    engine: Engine, operator: Principal, history: dict[str, int], tmp_path: Path
) -> None:
    path = workbook(tmp_path, durham_return(*DURHAM_REFS), "Durham Constabulary", "2018-03")
    result = submit_file(engine, operator, path, "Cleveland", MAR)
    (message,) = refused(result, "identity_mismatch")
    assert "the file says Durham Constabulary, 2018-03" in message
    assert "submitted as Cleveland Police, 2018-03" in message
    assert {"identity_lead_org", "identity_references"} <= rules(result)
    assert row_counts(engine) == history
    # the same file, as Durham's, is accepted
    assert submit_file(engine, operator, path, "Durham", MAR).outcome == Outcome.ACCEPTED


@pytest.mark.parametrize("submitted", [Period(2018, 2), Period(2018, 4)])
def test_the_about_sheet_says_which_month(
    engine: Engine, operator: Principal, history: dict[str, int], tmp_path: Path, submitted: Period
) -> None:
    path = workbook(tmp_path, valid_return("CL-001"), "Cleveland Police", "2018-03")
    result = submit_file(engine, operator, path, "Cleveland", submitted)
    (message,) = refused(result, "identity_mismatch")
    assert f"says Cleveland Police, 2018-03; submitted as Cleveland Police, {submitted}" in message
    assert row_counts(engine) == history


def test_a_month_a_spreadsheet_turned_into_a_date_is_still_read(
    engine: Engine, operator: Principal, history: dict[str, int], tmp_path: Path
) -> None:
    path = workbook(tmp_path, valid_return("CL-001"), "Cleveland", "")
    book = openpyxl.load_workbook(path)
    about = book["About"]
    row = next(r for r in range(1, 20) if about.cell(r, 1).value == "Period")
    about.cell(row, 2).value = Period(2018, 4).first_day  # Excel made 2018-04 a date
    book.save(path)
    result = submit_file(engine, operator, path, "Cleveland", MAR)
    (message,) = refused(result, "identity_mismatch")
    assert "says Cleveland Police, 2018-04" in message


def test_csv_readme_and_banner_say_whose_return_it_is(
    engine: Engine, operator: Principal, history: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "durham.zip"
    write_return(
        folder, "csv", durham_return(*DURHAM_REFS), organisation="Durham", period="2018-03"
    )
    assert "identity_mismatch" in rules(submit_file(engine, operator, folder, "Cleveland", MAR))
    single = tmp_path / "operations.csv"
    single.write_text(
        "OFFICIAL-SENSITIVE; Organisation: Cleveland Police; Period: 2018-04\r\n"
        "operation_ref,status\r\nCL-001,Live\r\n",
        encoding="utf-8",
    )
    result = submit_file(engine, operator, single, "Cleveland", MAR)
    (message,) = refused(result, "identity_mismatch")
    assert "operations.csv line 1" in [i.sheet for i in result.issues]
    assert "2018-04" in message
    assert row_counts(engine) == history


def test_an_unknown_organisation_in_the_file_is_named_with_its_likely_meaning(
    engine: Engine, operator: Principal
) -> None:
    raw = RawReturn.from_rows("r.csv", valid_return())
    raw.declared.append(Declared("About sheet", "Cleveland Constabulary", "2018-01", "No"))
    result = submit_raw(engine, operator, raw, "Cleveland", JAN, "x")
    (issue,) = result.issues
    assert issue.rule == "identity_unreadable" and issue.suggestion == "Cleveland Police"


def test_another_forces_operations_are_not_this_forces_return(
    engine: Engine, operator: Principal
) -> None:
    rows = valid_return("CL-001", "CL-002")
    rows["operations"][1]["lead_org"] = "Durham Constabulary"
    result = submit(engine, operator, rows, "Cleveland", JAN)
    (issue,) = result.issues
    assert (issue.rule, issue.row, issue.column) == ("identity_lead_org", 3, "lead_org")
    assert "led by Durham Constabulary" in issue.message and "Cleveland Police" in issue.message
    # a ROCU's or a partner agency's lead is another kind of organisation: a joint operation
    rows["operations"][1]["lead_org"] = "NERSOU"
    assert submit(engine, operator, rows, "Cleveland", JAN).outcome == Outcome.ACCEPTED


def test_references_another_organisation_used_and_none_of_ours(
    engine: Engine, operator: Principal, history: dict[str, int]
) -> None:
    # Durham's operations, relabelled as Cleveland's: only the references give it away
    result = submit(engine, operator, valid_return(*DURHAM_REFS), "Cleveland", MAR)
    message = refused(result, "identity_references")[0]
    assert "Durham Constabulary's" in message and "DUR/MS/2017/0001" in message
    assert "CL-001" in message  # what Cleveland's references look like
    assert row_counts(engine) == history


def test_new_references_in_the_house_style_are_not_questioned(
    engine: Engine, operator: Principal, history: dict[str, int]
) -> None:
    rows = valid_return("CL-001", "CL-002")
    rows["operations"][1]["opened_date"] = "2018-03-02"
    assert submit(engine, operator, rows, "Cleveland", MAR).outcome == Outcome.ACCEPTED


def test_a_month_that_has_not_begun_is_refused(
    engine: Engine, operator: Principal, history: dict[str, int]
) -> None:
    result = submit(engine, operator, valid_return("CL-001"), "Cleveland", Period(2031, 1))
    (message,) = refused(result, "period_in_future")
    assert "2031-01 has not begun" in message
    assert row_counts(engine) == history


def test_an_empty_return_is_refused_unless_declared_nil(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    before = row_counts(engine)
    empty = tmp_path / "operations.csv"
    empty.write_bytes(b"")
    (message,) = refused(submit_file(engine, operator, empty, "Kent", JAN), "empty_return")
    assert "nil return" in message
    blank = workbook(tmp_path, {}, "Kent Police", "2018-01")
    assert rules(submit_file(engine, operator, blank, "Kent", JAN)) == {"empty_return"}
    assert row_counts(engine) == before
    declared = workbook(tmp_path, {}, "Kent Police", "2018-01", nil=True)
    accepted = submit_file(engine, operator, declared, "Kent", JAN)
    assert (accepted.outcome, accepted.n_operations) == (Outcome.ACCEPTED, 0)
    assert submit_file(engine, operator, empty, "Kent", FEB, nil=True).outcome == (Outcome.ACCEPTED)
    assert submit_nil(engine, operator, "Kent", MAR).outcome == Outcome.ACCEPTED


def test_a_nil_return_lists_nothing(engine: Engine, operator: Principal, tmp_path: Path) -> None:
    path = workbook(tmp_path, valid_return(), "Cleveland Police", "2018-01", nil=True)
    result = submit_file(engine, operator, path, "Cleveland", JAN)
    (message,) = refused(result, "nil_with_operations")
    assert "lists 1 operation" in message
    flagged = submit(engine, operator, valid_return(), "Cleveland", JAN, nil=True)
    assert rules(flagged) == {"nil_with_operations"}


def test_a_nil_return_cannot_drop_last_months_live_operations(
    engine: Engine, operator: Principal, history: dict[str, int]
) -> None:
    result = submit_nil(engine, operator, "Cleveland", MAR)
    assert rules(result) == {"operation_missing"}
    assert row_counts(engine) == history


def test_an_exported_nil_return_says_so_and_resubmits_unchanged(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    from msops.returns.exchange import export_return

    assert submit_nil(engine, operator, "Kent", JAN).outcome == Outcome.ACCEPTED
    out = tmp_path / "kent.xlsx"
    export_return(engine, operator, out, "xlsx", "Kent", JAN, "test")
    again = submit_file(engine, operator, out, "Kent", JAN)
    assert again.outcome == Outcome.UNCHANGED, again.issues


def test_no_personal_data_in_identity_problems(
    engine: Engine, operator: Principal, history: dict[str, int], tmp_path: Path
) -> None:
    rows = durham_return(*DURHAM_REFS)
    rows["operations"].append(operation("CL-009", status="Open"))
    path = workbook(tmp_path, rows, "Durham Constabulary", "2018-03")
    result = submit_file(engine, operator, path, "Cleveland", MAR)
    shown = " ".join(f"{i.value} {i.message} {i.suggestion}" for i in result.issues)
    for name in ("Ion", "Popescu", "Ana", "Ionescu", "07700"):
        assert name not in shown
