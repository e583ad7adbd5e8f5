"""A return for a month before one already held (a correction sent after the next month's
return) agrees with that next return: an operation both held may not vanish from it, and the
opened date, lead organisation and primary category change only as a correction."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.submit import Outcome
from msops.store.returns_read import history
from tests.conftest import row_counts
from tests.returns.test_continuity import APR, FEB, MAR, cleveland, only, submit

NEW_IN_MARCH = "2018-03-05"


def march(*, drop: str | None = None, **changes: Any) -> dict[str, list[dict[str, Any]]]:
    """CL-001 and CL-002 (opened 2017-09-13) and CL-003, opened in March; `changes` to CL-003."""
    refs = [r for r in ("CL-001", "CL-002", "CL-003") if r != drop]
    rows = cleveland(*refs)
    for row in rows["operations"]:
        if row["operation_ref"] == "CL-003":
            row.update({"opened_date": NEW_IN_MARCH, **changes})
    return rows


@pytest.fixture
def april_held(engine: Engine, operator: Principal) -> dict[str, int]:
    """September 2017 to April 2018 held; CL-003 opened in March, CL-004 in April."""
    for month in range(9, 15):
        period = Period(2017 + (month - 1) // 12, (month - 1) % 12 + 1)
        assert submit(engine, operator, cleveland("CL-001", "CL-002"), period).outcome == (
            Outcome.ACCEPTED
        )
    assert submit(engine, operator, march(), MAR).outcome == Outcome.ACCEPTED
    april = cleveland("CL-001", "CL-002", "CL-003", "CL-004")
    april["operations"][2]["opened_date"] = NEW_IN_MARCH
    april["operations"][3]["opened_date"] = "2018-04-02"
    result = submit(engine, operator, april, APR)
    assert result.outcome == Outcome.ACCEPTED, result.issues
    return row_counts(engine)


def test_an_operation_held_in_both_months_cannot_vanish_from_a_correction(
    engine: Engine, operator: Principal, april_held: dict[str, int]
) -> None:
    (issue,) = only(submit(engine, operator, march(drop="CL-003"), MAR), "operation_missing")
    assert (issue.column, issue.value) == ("operation_ref", "CL-003")
    assert "2018-03" in issue.message and "2018-04" in issue.message
    assert row_counts(engine) == april_held


def test_an_operation_new_in_the_next_month_is_not_asked_of_the_earlier_one(
    engine: Engine, operator: Principal, april_held: dict[str, int]
) -> None:
    corrected = march(arrests=2)  # CL-004, opened in April, is not listed
    result = submit(engine, operator, corrected, MAR)
    assert result.outcome == Outcome.ACCEPTED, result.issues
    with engine.connect() as conn:
        assert [v.version for v in history(conn, operator, "Cleveland", MAR)] == [1, 2]


@pytest.mark.parametrize(
    ("column", "value", "shown", "held"),
    [
        ("opened_date", "2018-03-07", "2018-03-07", NEW_IN_MARCH),
        ("lead_org", "NERSOU", "North East Regional Special Operations Unit", "Cleveland Police"),
        ("primary_category", "Sexual exploitation", "Sexual exploitation", "Labour exploitation"),
    ],
)
def test_a_fixed_fact_must_agree_with_the_next_month(
    engine: Engine,
    operator: Principal,
    april_held: dict[str, int],
    column: str,
    value: str,
    shown: str,
    held: str,
) -> None:
    corrected = march(**{column: value, "primary_type": None})
    (issue,) = only(submit(engine, operator, corrected, MAR), "fixed_value_changed")
    assert (issue.row, issue.column, issue.value, issue.suggestion) == (4, column, shown, held)
    assert "operation CL-003" in issue.message
    assert "2018-04 return" in issue.message and "2018-03 return" in issue.message
    assert row_counts(engine) == april_held


def test_a_row_that_says_it_is_a_correction_may_differ_from_the_next_month(
    engine: Engine, operator: Principal, april_held: dict[str, int]
) -> None:
    corrected = march(opened_date="2018-03-07", correction="opened_date")
    result = submit(engine, operator, corrected, MAR)
    assert result.outcome == Outcome.ACCEPTED, result.issues
    with engine.connect() as conn:
        assert history(conn, operator, "Cleveland", MAR)[-1].corrections == "CL-003: opened_date"


def test_a_month_before_the_next_one_is_checked_even_when_first_sent_late(
    engine: Engine, operator: Principal
) -> None:
    """February missing, March held: February's fixed facts must agree with March's."""
    assert submit(engine, operator, cleveland("CL-001"), Period(2018, 1)).outcome == (
        Outcome.ACCEPTED
    )
    assert submit(engine, operator, cleveland("CL-001"), MAR).outcome == Outcome.ACCEPTED
    late = cleveland("CL-001", lead_org="NERSOU")
    issues = only(submit(engine, operator, late, FEB), "fixed_value_changed")
    assert sorted(i.message.split(" return")[0][-7:] for i in issues) == ["2018-01", "2018-03"]
