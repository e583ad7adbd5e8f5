"""The casework listings the web pages need: Europol events, debriefs, the latest lessons."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from msops.domain.casework.debriefs import Method
from msops.domain.casework.europol import CheckOutcome, EventKind
from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal, Role
from msops.store.casework.debriefs import add_debrief, add_lesson, list_debriefs, recent_lessons
from msops.store.casework.europol import list_events, record_event
from msops.store.schema import audit_event
from tests.casework.conftest import load

CLEVELAND = Principal("spoc.cleveland", Role.FORCE_USER, organisation="Cleveland")
DURHAM = Principal("spoc.durham", Role.FORCE_USER, organisation="Durham")
NORTH_EAST = Principal("analyst.ne", Role.REGIONAL_ANALYST, region="North East")
PCC = Principal("pcc", Role.PCC, organisation="Cleveland")


@pytest.fixture
def two_forces(engine: Engine, operator: Principal) -> Engine:
    load(engine, operator, "Cleveland", "Cleveland Police", ["C1"])
    load(engine, operator, "Durham", "Durham Constabulary", ["D1"])
    with engine.begin() as conn:
        for who, org, ref in ((CLEVELAND, "Cleveland", "C1"), (DURHAM, "Durham", "D1")):
            record_event(
                conn, who, org, EventKind.CHECK, date(2018, 2, 1), ref, CheckOutcome.NO_TRACE
            )
            add_debrief(conn, who, org, ref, Method.HOT, date(2018, 2, 2), f"{org} findings")
        record_event(conn, CLEVELAND, "Cleveland", EventKind.JIT, date(2018, 3, 1), "C1")
        add_lesson(conn, CLEVELAND, "Cleveland", date(2018, 1, 5), "old", "text", ("disruption",))
        add_lesson(conn, CLEVELAND, "Cleveland", date(2018, 3, 5), "new", "text", ("disruption",))
        add_lesson(conn, DURHAM, "Durham", date(2018, 4, 5), "durham", "text", ("disruption",))
    return engine


def _audits(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(audit_event)).scalar_one())


def test_events_are_listed_newest_first_within_scope_and_audited(two_forces: Engine) -> None:
    before = _audits(two_forces)
    with two_forces.begin() as conn:
        mine = list_events(conn, CLEVELAND)
        region = list_events(conn, NORTH_EAST, "Durham")
    assert [(e["kind"], e["operation_ref"]) for e in mine] == [("jit", "C1"), ("check", "C1")]
    assert [e["organisation"] for e in region] == ["Durham"]
    assert _audits(two_forces) == before + 2
    with two_forces.begin() as conn, pytest.raises(AccessDenied):
        list_events(conn, PCC)


def test_debriefs_are_listed_within_scope(two_forces: Engine) -> None:
    with two_forces.begin() as conn:
        assert [d["findings"] for d in list_debriefs(conn, DURHAM)] == ["Durham findings"]
        assert len(list_debriefs(conn, NORTH_EAST)) == 2


def test_recent_lessons_come_newest_first_within_scope(two_forces: Engine) -> None:
    with two_forces.begin() as conn:
        assert [r["title"] for r in recent_lessons(conn, CLEVELAND)] == ["new", "old"]
        assert [r["title"] for r in recent_lessons(conn, NORTH_EAST, limit=2)] == ["durham", "new"]
        assert recent_lessons(conn, CLEVELAND)[0]["themes"] == ["disruption"]
