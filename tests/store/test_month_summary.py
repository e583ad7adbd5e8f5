"""The monthly totals stay equal to the current operation months: at every accepted submission,
through re-submissions, and when migration 0009 fills them in an existing database."""

from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, inspect, select, text

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.migrate import current_revision, head_revision, upgrade
from msops.store.schema.summary import month_summary
from tests.builders import nationalities, operation
from tests.conftest import row_counts

JAN, FEB, MAR, APR = (Period(2018, m) for m in (1, 2, 3, 4))
CLOSED_C2 = {
    "lead_org": "NERSOU",
    "status": "Closed",
    "closed_date": "2018-02-20",
    "disruption_outcome": "Charged and prosecuted",
}

# (organisation, period, operations): the series every test here starts from. Cleveland's
# February is submitted twice: the second version closes C2 (led by the ROCU) and drops C4.
SERIES: list[tuple[str, Period, list[dict[str, Any]]]] = [
    ("Cleveland", JAN, [
        operation("C1"),
        operation("C2", lead_org="NERSOU"),
        operation("C3", opened_date="2017-12-01"),
    ]),
    ("Cleveland", FEB, [
        operation("C1"),
        operation("C2", lead_org="NERSOU"),
        operation("C3", opened_date="2017-12-01"),
        operation("C4", opened_date="2018-02-05"),
    ]),
    ("Durham", FEB, [
        operation("D1", lead_org="Durham Constabulary", opened_date="2018-02-10"),
    ]),
    ("GLAA", FEB, [operation("G1", lead_org="GLAA", opened_date="2018-02-01")]),
    ("Metropolitan", FEB, [operation("M1", lead_org="Metropolitan Police Service")]),
    ("Cleveland", FEB, [
        operation("C1"),
        operation("C2", **CLOSED_C2),
        operation("C3", opened_date="2017-12-01"),
    ]),
    ("Durham", APR, [
        operation("D1", lead_org="Durham Constabulary", opened_date="2018-02-10"),
    ]),
]  # fmt: skip


def submit(
    engine: Engine, who: Principal, org: str, period: Period, ops: list[Any], nil: bool = False
) -> Outcome:
    rows = {
        "operations": ops,
        "details": [],
        "nationalities": [n for o in ops for n in nationalities(o["operation_ref"])],
        "nominals": [],
        "identifiers": [],
    }
    raw = RawReturn.from_rows("return.csv", rows)
    return submit_raw(engine, who, raw, org, period, "t", nil=nil).outcome


def build_series(engine: Engine, who: Principal) -> None:
    for org, period, ops in SERIES:
        assert submit(engine, who, org, period, ops) == Outcome.ACCEPTED


def summary_rows(engine: Engine) -> Counter[tuple[Any, ...]]:
    with engine.connect() as conn:
        return Counter(tuple(r) for r in conn.execute(select(month_summary)))


def expected_rows(engine: Engine) -> Counter[tuple[Any, ...]]:
    """The totals counted in Python from the current operation months, read with plain SQL."""
    sql = text(
        "SELECT om.period, o.organisation_id, om.lead_org_id, om.return_version_id,"
        " om.status, om.opened_date FROM operation_month om"
        " JOIN operation o ON o.id = om.operation_id WHERE om.is_current"
    )
    totals: dict[tuple[Any, ...], list[int]] = {}
    with engine.connect() as conn:
        for period, org, lead, version, status, opened in conn.execute(sql):
            row = totals.setdefault((period, org, lead, version), [0, 0, 0, 0])
            row[0] += 1
            row[1] += status in ("live", "reopened")
            row[2] += str(opened)[:7] == period
            row[3] += status == "closed"
    return Counter(key + tuple(values) for key, values in totals.items())


def test_totals_follow_every_accepted_submission(engine: Engine, operator: Principal) -> None:
    for org, period, ops in SERIES:
        assert submit(engine, operator, org, period, ops) == Outcome.ACCEPTED
        assert summary_rows(engine) == expected_rows(engine)
    rows = summary_rows(engine)
    # February after Cleveland's re-submission: C2 closed under its lead (NERSOU); C1 and C3
    # live under Cleveland; M1 live; D1 and G1 live and opened in the month. C4 is gone.
    february = sorted(r[4:] for r in rows if r[0] == "2018-02")
    assert february == [(1, 0, 0, 1), (1, 1, 0, 0), (1, 1, 1, 0), (1, 1, 1, 0), (2, 2, 0, 0)]
    assert sum(r[4] for r in rows) == 3 + 3 + 1 + 1 + 1 + 1  # C4 left with the first version
    assert len({r[3] for r in rows}) == 6  # only current versions: Cleveland's first February not


def test_unchanged_and_rejected_submissions_change_nothing(
    engine: Engine, operator: Principal
) -> None:
    build_series(engine, operator)
    before, totals = row_counts(engine), summary_rows(engine)
    org, period, ops = SERIES[-1]
    assert submit(engine, operator, org, period, ops) == Outcome.UNCHANGED
    wrong = [operation("D1", lead_org="Durham Constabulary", status="Not a status")]
    assert submit(engine, operator, "Durham", APR, wrong) == Outcome.REJECTED
    assert row_counts(engine) == before
    assert summary_rows(engine) == totals


def test_a_return_without_operations_leaves_no_totals(engine: Engine, operator: Principal) -> None:
    build_series(engine, operator)
    # the GLAA's February, G1 opened in it, corrected to a nil return (it had no previous one)
    assert submit(engine, operator, "GLAA", FEB, [], nil=True) == Outcome.ACCEPTED
    with engine.connect() as conn:
        glaa = conn.execute(text("SELECT id FROM organisation WHERE short_name = 'GLAA'"))
        glaa_id = glaa.scalar_one()
    assert not any(r[0] == "2018-02" and r[1] == glaa_id for r in summary_rows(engine))
    assert summary_rows(engine) == expected_rows(engine)


def _alembic(engine: Engine, target: str) -> None:
    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("msops.store").joinpath("migrations"))
    )
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, target)


def test_migration_fills_the_totals_from_stored_returns(
    engine: Engine, operator: Principal
) -> None:
    build_series(engine, operator)
    maintained = summary_rows(engine)
    _alembic(engine, "0009-1")  # back to 0008: no totals table, returns kept
    assert "month_summary" not in inspect(engine).get_table_names()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert summary_rows(engine) == maintained == expected_rows(engine)
    assert sum(maintained.values()) == 8  # the test sees real rows, not two empty tables
