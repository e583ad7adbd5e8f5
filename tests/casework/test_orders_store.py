"""The orders register on a real database: rules, history, scope, audit, expiry, library."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import Engine, select

from msops.analytics.casework.orders import library
from msops.domain.casework.orders import BreachOutcome, OrderTerms, OrderType, VariationKind
from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal
from msops.store.casework.orders import (
    Subject,
    TermChanges,
    add_order,
    expiring_orders,
    list_orders,
    order_detail,
    record_breach,
    vary_order,
)
from msops.store.schema import audit_event
from tests.conftest import row_counts

STPO = OrderTerms(
    order_type=OrderType.STPO,
    court="Teesside Crown Court",
    made_on=date(2018, 3, 1),
    expires_on=date(2023, 3, 1),
    until_further_order=False,
    prohibitions=("No contact with named victims", "No employment agency work"),
    travel_countries=("RO",),
    travel_ban_ends=date(2021, 3, 1),
    notification_requirements="Name and address within 3 days",
)
SUBJECT = Subject("Cleveland", "C1", "N1")


def add(
    engine: Engine, who: Principal, terms: OrderTerms = STPO, subject: Subject = SUBJECT
) -> int:
    with engine.begin() as conn:
        return add_order(conn, who, subject, terms)


def test_an_order_below_the_minimum_is_refused_and_nothing_is_stored(
    loaded: Engine, operator: Principal
) -> None:
    before = row_counts(loaded)
    short = OrderTerms(**{**STPO.__dict__, "expires_on": date(2022, 3, 1)})
    with pytest.raises(InvalidInput, match=r"expiry: .*at least 5 years.*s\.17\(2\)"):
        add(loaded, operator, short)
    assert row_counts(loaded) == before


def test_an_order_for_an_unknown_nominal_is_refused(loaded: Engine, operator: Principal) -> None:
    before = row_counts(loaded)
    with pytest.raises(NotFound, match="subject: operation 'C1' has no nominal 'N9'"):
        add(loaded, operator, subject=Subject("Cleveland", "C1", "N9"))
    with pytest.raises(NotFound, match="operation"):
        add(loaded, operator, subject=Subject("Cleveland", "X9", "N1"))
    assert row_counts(loaded) == before


def test_variation_keeps_every_earlier_version(loaded: Engine, operator: Principal) -> None:
    order_id = add(loaded, operator)
    with loaded.begin() as conn:
        version = vary_order(
            conn,
            operator,
            order_id,
            VariationKind.VARIATION,
            date(2019, 1, 10),
            "Teesside Crown Court",
            "Extended on application",
            TermChanges(until_further_order=True),
        )
    assert version == 2
    with loaded.begin() as conn:
        detail = order_detail(conn, operator, order_id)
    assert detail["expires"] == "until further order"
    history = detail["history"]
    assert [h["version"] for h in history] == [1, 2]
    assert history[0]["snapshot"]["expires_on"] == "2023-03-01"
    assert history[1]["snapshot"]["until_further_order"] is True
    assert [v["kind"] for v in detail["variations"]] == ["variation"]


def test_travel_ban_renewal_is_counted_from_the_renewal(
    loaded: Engine, operator: Principal
) -> None:
    order_id = add(
        loaded, operator, OrderTerms(**{**STPO.__dict__, "expires_on": date(2030, 3, 1)})
    )
    later = TermChanges(travel_ban_ends=date(2025, 1, 1))
    before = row_counts(loaded)
    with (
        pytest.raises(InvalidInput, match=r"travel ban end: .*at most 5 years"),
        loaded.begin() as c,
    ):
        vary_order(
            c,
            operator,
            order_id,
            VariationKind.VARIATION,
            date(2021, 2, 1),
            "Teesside",
            "longer ban",
            later,
        )
    assert row_counts(loaded) == before
    with loaded.begin() as conn:
        assert (
            vary_order(
                conn,
                operator,
                order_id,
                VariationKind.RENEWAL,
                date(2021, 2, 1),
                "Teesside",
                "ban renewed",
                later,
            )
            == 2
        )


def test_breach_and_outcome_are_recorded(loaded: Engine, operator: Principal) -> None:
    order_id = add(loaded, operator)
    with loaded.begin() as conn:
        record_breach(
            conn,
            operator,
            order_id,
            date(2019, 5, 1),
            "Travelled to Romania",
            BreachOutcome.CHARGED,
            date(2019, 5, 3),
        )
    with loaded.begin() as conn:
        rows = list_orders(conn, operator)
        detail = order_detail(conn, operator, order_id)
    assert rows[0]["breaches"] == 1
    assert detail["breach_records"][0]["outcome"] == "charged"
    before = row_counts(loaded)
    with pytest.raises(InvalidInput, match="outcome date"), loaded.begin() as conn:
        record_breach(
            conn, operator, order_id, date(2019, 5, 1), "x", BreachOutcome.CHARGED, date(2019, 4, 1)
        )
    assert row_counts(loaded) == before


def test_scope_force_sees_its_own_orders_only_and_pcc_none(
    loaded: Engine,
    operator: Principal,
    force_user: Principal,
    durham_user: Principal,
    pcc: Principal,
) -> None:
    add(loaded, operator)
    add(loaded, operator, subject=Subject("Durham", "D1", "N2"))
    with loaded.begin() as conn:
        assert {r["organisation"] for r in list_orders(conn, force_user)} == {"Cleveland"}
        assert {r["organisation"] for r in list_orders(conn, operator)} == {"Cleveland", "Durham"}
        with pytest.raises(AccessDenied):
            list_orders(conn, pcc)
    with pytest.raises(AccessDenied), loaded.begin() as conn:
        add_order(conn, durham_user, SUBJECT, STPO)


def test_orders_ending_soon_are_listed(loaded: Engine, operator: Principal) -> None:
    order_id = add(loaded, operator)
    with loaded.begin() as conn:
        soon = expiring_orders(conn, operator, date(2021, 1, 1), 90)
        later = expiring_orders(conn, operator, date(2022, 12, 1), 90)
        none = expiring_orders(conn, operator, date(2018, 3, 2), 30)
    assert [(r["id"], r["ending"], r["days_left"]) for r in soon] == [(order_id, "travel ban", 59)]
    assert [(r["ending"], r["ends_on"]) for r in later] == [("order", date(2023, 3, 1))]
    assert none == []


def test_library_is_anonymised_and_audited_as_a_disclosure(
    loaded: Engine, operator: Principal
) -> None:
    add(loaded, operator)
    with loaded.begin() as conn:
        rows = library(conn, operator, "reference library for CPS")
        events = conn.execute(select(audit_event.c.action, audit_event.c.object_ref)).all()
    assert len(rows) == 1
    text = json.dumps(rows, default=str)
    for identifying in ("C1", "N1", "Cleveland", "2018-03-01"):
        assert identifying not in text
    assert rows[0]["court"] == "Teesside Crown Court"
    assert rows[0]["made"] == "2018-Q1"
    assert rows[0]["duration_years"] == "5"
    assert "No employment agency work" in rows[0]["prohibitions"]
    assert ("collection", "Cleveland/order/1") in [tuple(e) for e in events]
    assert any(e.action == "disclosure" for e in events)
    assert all("N1" not in e.object_ref for e in events)
