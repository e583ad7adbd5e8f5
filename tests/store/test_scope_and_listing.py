"""Reading operations back: filters, month-by-month history, status, and each role's scope."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, select

from msops.analytics.headline import headline
from msops.domain.errors import AccessDenied
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.domain.reference import organisations
from msops.store.audit import GENESIS, row_hash
from msops.store.operations_repo import (
    OperationFilter,
    list_operations,
    operation_history,
    return_status,
)
from msops.store.schema import audit_event
from tests.builders import load_operations

FEB = Period(2018, 2)


load = load_operations


@pytest.fixture
def national(engine: Engine, operator: Principal) -> Engine:
    load(engine, operator, "Cleveland", "Cleveland Police", ["C1", "C2"])
    load(
        engine,
        operator,
        "Durham",
        "Durham Constabulary",
        ["D1"],
        primary_category="Sexual exploitation",
        primary_type="Forced sex work in a fixed location",
    )
    load(engine, operator, "Metropolitan", "Metropolitan Police Service", ["M1", "M2", "M3"])
    load(engine, operator, "NERSOU", "NERSOU", ["R1"])
    load(engine, operator, "GLAA", "GLAA", ["G1"])
    return engine


def refs(engine: Engine, who: Principal, **flt: Any) -> list[str]:
    with engine.connect() as conn:
        return [r["ref"] for r in list_operations(conn, who, OperationFilter(**flt))]


def test_national_sees_all_and_filters_narrow(national: Engine, operator: Principal) -> None:
    assert refs(national, operator) == ["C1", "C2", "D1", "G1", "M1", "M2", "M3", "R1"]
    assert refs(national, operator, region="North East") == ["C1", "C2", "D1", "R1"]
    assert refs(national, operator, organisation="Metropolitan") == ["M1", "M2", "M3"]
    assert refs(national, operator, exploitation="sexual") == ["D1"]
    assert refs(national, operator, exploitation="sex_work_fixed") == ["D1"]
    assert refs(national, operator, status="closed") == []
    assert refs(national, operator, period=Period(2018, 1)) == []


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        (Principal("ra", Role.REGIONAL_ANALYST, region="London"), ["M1", "M2", "M3"]),
        (Principal("fu", Role.FORCE_USER, organisation="Durham"), ["D1"]),
        (Principal("pu", Role.PARTNER_USER, organisation="GLAA"), ["G1"]),
        (Principal("pcc", Role.PCC, organisation="Cleveland"), []),
    ],
)
def test_each_role_sees_only_its_scope(
    national: Engine, who: Principal, expected: list[str]
) -> None:
    assert refs(national, who) == expected


def test_out_of_scope_operation_and_nominals_are_refused(national: Engine) -> None:
    durham = Principal("fu", Role.FORCE_USER, organisation="Durham")
    pcc = Principal("pcc", Role.PCC, organisation="Cleveland")
    with national.begin() as conn:
        with pytest.raises(AccessDenied):
            operation_history(conn, durham, "Cleveland", "C1")
        with pytest.raises(AccessDenied):
            operation_history(conn, pcc, "Cleveland", "C1", nominals_purpose="curiosity")
        own = operation_history(conn, durham, "Durham", "D1", nominals_purpose="case review")
    assert own.nominals is not None and len(own.nominals) == 2


def test_history_is_month_by_month(engine: Engine, operator: Principal) -> None:
    load(engine, operator, "Cleveland", "Cleveland Police", ["C1"], Period(2018, 1))
    load(engine, operator, "Cleveland", "Cleveland Police", ["C1"], FEB, arrests=2)
    with engine.connect() as conn:
        hist = operation_history(conn, operator, "Cleveland", "C1")
    assert [(m["period"], m["arrests"]) for m in hist.months] == [("2018-01", 1), ("2018-02", 2)]
    assert hist.nominals is None


def test_status_shows_submitted_and_outstanding(national: Engine, operator: Principal) -> None:
    with national.connect() as conn:
        statuses = {s.organisation: s for s in return_status(conn, operator, FEB)}
    assert len(statuses) == len(organisations()) == 60
    assert statuses["Durham"].version == 1 and statuses["Durham"].n_operations == 1
    assert statuses["Kent"].version is None


def test_headline_matches_an_independent_count(national: Engine, operator: Principal) -> None:
    with national.connect() as conn:
        figures = headline(conn, operator, FEB)
    # By hand: police-led C1 C2 D1 M1 M2 M3 (forces) + R1 (ROCU); G1 partner-led.
    assert figures.live_police_led == 7
    assert (figures.live_led_by_local_forces, figures.live_led_by_rocus) == (6, 1)
    assert figures.live_partner_led == 1
    assert figures.victims_in_live_police_led == 7 * 3
    assert figures.regions_active == 2
    assert figures.police_led_held_to_date == 7


def test_audit_trail_is_a_hash_chain(national: Engine, operator: Principal) -> None:
    with national.connect() as conn:
        rows = conn.execute(select(audit_event).order_by(audit_event.c.id)).mappings().all()
    assert [r["action"] for r in rows] == ["collection"] * 5
    prev = GENESIS
    for r in rows:
        assert r["prev_hash"] == prev
        assert r["hash"] == row_hash(prev, r)
        prev = r["hash"]
