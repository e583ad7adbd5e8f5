"""From month to month: an operation live last month is in this month's return, and an
operation's opened date, lead organisation and primary category change only as a correction."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.exchange import export_return, write_template
from msops.returns.files import read_return
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, SubmitResult, submit_raw
from msops.store.returns_read import history
from tests.builders import Rows, valid_return
from tests.conftest import row_counts

JAN, FEB, MAR, APR = (Period(2018, m) for m in (1, 2, 3, 4))
OPENED = "2017-09-13"


def cleveland(*refs: str, **changes: Any) -> Rows:
    rows = valid_return(*refs)
    for row in rows["operations"]:
        row.update(opened_date=OPENED, **changes)
    return rows


def submit(engine: Engine, who: Principal, rows: Rows, period: Period) -> SubmitResult:
    raw = RawReturn.from_rows("return.csv", rows)
    return submit_raw(engine, who, raw, "Cleveland", period, "sha")


@pytest.fixture
def six_months(engine: Engine, operator: Principal) -> dict[str, int]:
    """Six returns, September 2017 to February 2018, giving CL-001 and CL-002 as opened on
    2017-09-13."""
    for month in range(9, 15):
        period = Period(2017 + (month - 1) // 12, (month - 1) % 12 + 1)
        result = submit(engine, operator, cleveland("CL-001", "CL-002"), period)
        assert result.outcome == Outcome.ACCEPTED, result.issues
    return row_counts(engine)


def only(result: SubmitResult, rule: str) -> Any:
    assert result.outcome == Outcome.REJECTED
    assert {i.rule for i in result.issues} == {rule}, result.issues
    return result.issues


def test_an_operation_live_last_month_cannot_vanish(
    engine: Engine, operator: Principal, six_months: dict[str, int]
) -> None:
    (issue,) = only(submit(engine, operator, cleveland("CL-001"), MAR), "operation_missing")
    assert (issue.sheet, issue.column, issue.value) == ("Operations", "operation_ref", "CL-002")
    assert "was live in the 2018-02 return" in issue.message
    assert row_counts(engine) == six_months


def test_it_may_close_or_be_transferred(
    engine: Engine, operator: Principal, six_months: dict[str, int]
) -> None:
    rows = cleveland("CL-001", "CL-002")
    rows["operations"][1].update(
        status="Closed",
        closed_date="2018-03-05",
        disruption_outcome="Transferred to another organisation",
    )
    assert submit(engine, operator, rows, MAR).outcome == Outcome.ACCEPTED
    # closed in March: April's return no longer lists it
    assert submit(engine, operator, cleveland("CL-001"), APR).outcome == Outcome.ACCEPTED


def test_a_month_skipped_is_checked_against_the_latest_return(
    engine: Engine, operator: Principal, six_months: dict[str, int]
) -> None:
    (issue,) = only(submit(engine, operator, cleveland("CL-001"), APR), "operation_missing")
    assert "2018-02 return" in issue.message


def test_an_opened_date_changed_without_saying_so_is_refused(
    engine: Engine, operator: Principal, six_months: dict[str, int]
) -> None:
    rows = cleveland("CL-001", "CL-002")
    rows["operations"][0]["opened_date"] = "03/02/2018"
    (issue,) = only(submit(engine, operator, rows, MAR), "fixed_value_changed")
    assert (issue.row, issue.column, issue.value) == (2, "opened_date", "2018-02-03")
    assert "was 2017-09-13 in the 2018-02 return" in issue.message
    assert "correction" in issue.message and issue.suggestion == OPENED
    assert row_counts(engine) == six_months


@pytest.mark.parametrize(
    ("column", "value", "shown"),
    [
        ("lead_org", "NERSOU", "Cleveland Police"),
        ("primary_category", "Sexual exploitation", "Labour exploitation"),
    ],
)
def test_lead_and_category_do_not_change_either(
    engine: Engine,
    operator: Principal,
    six_months: dict[str, int],
    column: str,
    value: str,
    shown: str,
) -> None:
    rows = cleveland("CL-001", "CL-002", primary_type=None)
    rows["operations"][0][column] = value
    (issue,) = only(submit(engine, operator, rows, MAR), "fixed_value_changed")
    assert issue.column == column and issue.suggestion == shown


def test_a_correction_is_accepted_and_kept_in_the_history_and_export(
    engine: Engine, operator: Principal, six_months: dict[str, int], tmp_path: Path
) -> None:
    rows = cleveland("CL-001", "CL-002")
    rows["operations"][0].update(opened_date="2017-09-03", correction="Opened Date")
    result = submit(engine, operator, rows, MAR)
    assert result.outcome == Outcome.ACCEPTED, result.issues
    with engine.connect() as conn:
        (version,) = history(conn, operator, "Cleveland", MAR)
    assert version.corrections == "CL-001: opened_date"
    out = tmp_path / "march.xlsx"
    export_return(engine, operator, out, "xlsx", "Cleveland", MAR, "test")
    exported = {
        r.cells["operation_ref"]: r.cells["correction"]
        for r in read_return(out).tables["operations"].rows
    }
    assert exported == {"CL-001": "opened_date", "CL-002": None}
    # February keeps what it said; April follows the corrected date without a correction
    april = cleveland("CL-001", "CL-002")
    april["operations"][0]["opened_date"] = "2017-09-03"
    assert submit(engine, operator, april, APR).outcome == Outcome.ACCEPTED
    # and next month's prefilled template does not carry the correction forward
    template = tmp_path / "may.xlsx"
    write_template(engine, operator, template, "xlsx", "Cleveland", Period(2018, 5), True)
    rolled = read_return(template).tables["operations"].rows
    assert all(r.cells["correction"] is None for r in rolled)


def test_a_correction_names_a_column_that_can_be_corrected(
    engine: Engine, operator: Principal, six_months: dict[str, int]
) -> None:
    rows = cleveland("CL-001", "CL-002")
    rows["operations"][0].update(opened_date="2017-09-03", correction="opened")
    result = submit(engine, operator, rows, MAR)
    assert {i.rule for i in result.issues} == {"correction_unknown", "fixed_value_changed"}
    unknown = next(i for i in result.issues if i.rule == "correction_unknown")
    assert unknown.suggestion == "opened_date"


def test_a_correction_that_corrects_nothing_is_refused(
    engine: Engine, operator: Principal, six_months: dict[str, int]
) -> None:
    rows = cleveland("CL-001", "CL-002")
    rows["operations"][0]["correction"] = "lead_org"
    (issue,) = only(submit(engine, operator, rows, MAR), "correction_without_change")
    assert issue.column == "correction"
