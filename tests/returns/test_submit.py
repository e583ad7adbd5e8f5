"""Submitting returns: versions, identical re-submissions, rejections that change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from msops.domain.errors import AccessDenied
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, SubmitResult, submit_raw
from msops.store import schema
from tests.builders import Rows, valid_return
from tests.conftest import row_counts

JAN, FEB = Period(2018, 1), Period(2018, 2)


def submit(engine: Engine, who: Principal, rows: Rows, period: Period = JAN) -> SubmitResult:
    raw = RawReturn.from_rows("return.csv", rows)
    return submit_raw(engine, who, raw, "Cleveland", period, "sha-of-file")


def rules(result: SubmitResult) -> set[str]:
    return {i.rule for i in result.issues}


def test_clean_return_is_accepted_as_version_1(engine: Engine, operator: Principal) -> None:
    result = submit(engine, operator, valid_return("CL-001", "CL-002"))
    assert result.outcome == Outcome.ACCEPTED, result.issues
    assert result.version == 1
    assert "accepted, version 1" in result.summary()
    counts = row_counts(engine)
    assert counts["operation_month"] == 2
    assert counts["nominal"] == 4
    assert counts["identifier"] == 4
    assert counts["audit_event"] == 1


def test_identifiers_are_stored_normalised(engine: Engine, operator: Principal) -> None:
    submit(engine, operator, valid_return())
    with engine.connect() as conn:
        values = set(conn.execute(select(schema.identifier.c.value_norm)).scalars())
    assert values == {"+447700900123", "AB12CDE"}


def test_identical_resubmission_changes_nothing(engine: Engine, operator: Principal) -> None:
    submit(engine, operator, valid_return())
    before = row_counts(engine)
    again = submit(engine, operator, valid_return())
    assert again.outcome == Outcome.UNCHANGED
    assert "unchanged" in again.summary()
    assert row_counts(engine) == before


def test_resubmission_supersedes_but_keeps_the_earlier_version(
    engine: Engine, operator: Principal
) -> None:
    submit(engine, operator, valid_return())
    changed = valid_return()
    changed["operations"][0]["arrests"] = 2
    result = submit(engine, operator, changed)
    assert result.outcome == Outcome.ACCEPTED and result.version == 2
    with engine.connect() as conn:
        months = conn.execute(
            select(schema.operation_month.c.arrests, schema.operation_month.c.is_current)
        ).all()
    assert sorted(months) == [(1, False), (2, True)]


def test_force_user_cannot_submit_for_another_force(engine: Engine) -> None:
    other = Principal("spoc.durham", Role.FORCE_USER, organisation="Durham")
    before = row_counts(engine)
    with pytest.raises(AccessDenied):
        submit(engine, other, valid_return())
    assert row_counts(engine) == before


BAD_CASES = {
    "duplicate_reference": lambda r: r["operations"].append(dict(r["operations"][0])),
    "code_unknown": lambda r: r["operations"][0].update(primary_type="Victims work for offender"),
    "counts_do_not_add_up": lambda r: r["operations"][0].update(victims_adult_male=5),
    "date_after_period": lambda r: r["operations"][0].update(opened_date="2018-02-01"),
    "closed_without_date": lambda r: r["operations"][0].update(
        status="Closed", disruption_outcome="Convicted"
    ),
    "date_outside_period": lambda r: r["operations"][0].update(
        status="Closed", closed_date="2017-12-20", disruption_outcome="Convicted"
    ),
    "type_not_in_category": lambda r: r["operations"][0].update(primary_type="Forced begging"),
    "count_exceeds": lambda r: r["operations"][0].update(convictions=1),
    "unknown_operation": lambda r: r["nationalities"].append(
        {"operation_ref": "XX-9", "group": "Suspects", "nationality": "UK", "count": 1}
    ),
    "unknown_nominal": lambda r: r["identifiers"].append(
        {"operation_ref": "CL-001", "nominal_ref": "N9", "kind": "Email", "value": "a@b.com"}
    ),
    "identifier_invalid": lambda r: r["identifiers"].append(
        {"operation_ref": "CL-001", "nominal_ref": "N2", "kind": "Phone", "value": "12"}
    ),
    "countries_missing": lambda r: r["operations"][0].update(international_dimension="Yes"),
    "required": lambda r: r["operations"][0].update(operation_name=None),
    "negative_count": lambda r: r["operations"][0].update(arrests=-1),
    "not_a_date": lambda r: r["operations"][0].update(opened_date="2018-02-30"),
    "control_character": lambda r: r["operations"][0].update(operation_name="Op\x0bX"),
    "linked_operation_format": lambda r: r["details"].append(
        {
            "operation_ref": "CL-001",
            "detail": "Linked operation of another organisation",
            "value": "Nowhere Police / X1",
        }
    ),
}


@pytest.mark.parametrize("rule", sorted(BAD_CASES))
def test_bad_return_is_rejected_whole_and_nothing_changes(
    engine: Engine, operator: Principal, rule: str
) -> None:
    submit(engine, operator, valid_return("CL-001", "CL-002"))
    before = row_counts(engine)
    rows = valid_return("CL-001", "CL-002")
    BAD_CASES[rule](rows)
    result = submit(engine, operator, rows)
    assert result.outcome == Outcome.REJECTED
    assert rule in rules(result), result.issues
    assert all(i.sheet and i.message for i in result.issues)
    assert row_counts(engine) == before


def test_problem_says_where_and_suggests_the_nearest_label(
    engine: Engine, operator: Principal
) -> None:
    rows = valid_return()
    rows["operations"][0]["primary_type"] = "Victims work for offender"
    result = submit(engine, operator, rows)
    (issue,) = result.issues
    assert (issue.sheet, issue.row, issue.column) == ("Operations", 2, "primary_type")
    assert issue.value == "Victims work for offender"
    assert issue.suggestion == "Victims work for offenders"


def test_personal_data_is_never_repeated_in_problems(engine: Engine, operator: Principal) -> None:
    rows = valid_return()
    rows["identifiers"][0]["value"] = "not-a-phone-0777"
    rows["nominals"][0]["date_of_birth"] = "1980-13-45"
    result = submit(engine, operator, rows)
    assert {i.rule for i in result.issues} == {"identifier_invalid", "not_a_date"}
    for issue in result.issues:
        assert issue.value is None
        assert "0777" not in issue.message and "1980" not in issue.message


def test_operation_closed_earlier_cannot_be_live_later_unless_reopened(
    engine: Engine, operator: Principal
) -> None:
    closed = valid_return()
    closed["operations"][0].update(
        status="Closed", closed_date="2018-01-30", disruption_outcome="Convicted"
    )
    assert submit(engine, operator, closed).outcome == Outcome.ACCEPTED
    live_again = valid_return()
    result = submit(engine, operator, live_again, FEB)
    assert result.outcome == Outcome.REJECTED
    (issue,) = result.issues
    assert issue.rule == "closed_not_reopened" and "2018-01" in issue.message
    reopened = valid_return()
    reopened["operations"][0]["status"] = "Reopened"
    assert submit(engine, operator, reopened, FEB).outcome == Outcome.ACCEPTED


def test_running_totals_cannot_fall_from_one_month_to_the_next(
    engine: Engine, operator: Principal
) -> None:
    submit(engine, operator, valid_return())
    rows = valid_return()
    rows["operations"][0]["nrm_referrals"] = 1
    result = submit(engine, operator, rows, FEB)
    assert rules(result) == {"count_decreased"}


def test_every_problem_in_the_file_is_reported_at_once(engine: Engine, operator: Principal) -> None:
    rows = valid_return("CL-001", "CL-002")
    rows["operations"][0]["status"] = "Livee"
    rows["operations"][1]["lead_org"] = "Atlantis Police"
    rows["identifiers"][1]["kind"] = "Fax"
    result = submit(engine, operator, rows)
    located = {(i.sheet, i.row, i.column) for i in result.issues}
    assert ("Operations", 2, "status") in located
    assert ("Operations", 3, "lead_org") in located
    assert ("Identifiers", 3, "kind") in located


def test_blank_counts_are_zero_but_a_blank_age_stays_unknown(
    engine: Engine, operator: Principal
) -> None:
    rows = valid_return()
    rows["operations"][0]["arrests"] = None
    rows["nominals"][0]["estimated_age"] = None
    assert submit(engine, operator, rows).outcome == Outcome.ACCEPTED
    with engine.connect() as conn:
        arrests = conn.execute(select(schema.operation_month.c.arrests)).scalar_one()
        ages = set(conn.execute(select(schema.nominal.c.estimated_age)).scalars())
    assert arrests == 0
    assert ages == {None, 30}
