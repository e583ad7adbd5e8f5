"""Review and disposal under MoPI on a real database: what is due, decisions and their audit,
and disposal that erases the people of an operation while every figure of the overview stays."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from msops.analytics.overview import overview
from msops.domain.casework.orders import OrderTerms, OrderType
from msops.domain.errors import AccessDenied, InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.linkage.matcher import MatcherConfig
from msops.linkage.run import RUN_THRESHOLD, run_linkage
from msops.store import retention_repo as rr
from msops.store import schema as s
from msops.store.casework.orders import Subject, add_order
from msops.store.operations_repo import consult_operation
from msops.store.schema.casework import casework_change, casework_order
from msops.store.schema.linkage import link_member, link_pair, link_thread
from msops.store.schema.retention import retention_decision
from msops.store.schema.summary import month_summary
from tests.builders import load_operations
from tests.conftest import row_counts
from tests.linkage.people_returns import load, national_picture

FEB, MAR = Period(2018, 2), Period(2018, 3)
NATIONAL = Principal("information.manager", Role.NATIONAL_ANALYST)
TODAY = date(2026, 12, 7)
CLOSED = {"status": "Closed", "closed_date": "2018-03-20", "disruption_outcome": "safeguarding"}
# Every operation of the picture closes in March; Durham's D1 with a conviction (group 1,
# reviewed 2028), the rest without a charge (group 3, reviewed March 2024: due).
DUE = [
    ("Cleveland", "C1"), ("Durham", "D2"), ("GLAA", "G1"), ("Kent", "K1"),
    ("Metropolitan", "M1"), ("Metropolitan", "M2"),
]  # fmt: skip


def closed_in_march(feb: dict[str, dict[str, list[Any]]]) -> dict[str, dict[str, list[Any]]]:
    out = {}
    for org, rows in feb.items():
        ops = [dict(o, **CLOSED) for o in rows["operations"]]
        for o in ops:
            if o["operation_ref"] == "D1":
                o.update(charges=1, convictions=1, disruption_outcome="convicted")
        out[org] = dict(rows, operations=ops)
    return out


@pytest.fixture
def picture(engine: Engine, operator: Principal) -> Engine:
    """The linkage tests' people in February (live) and March (closed), linked, with an order
    on the Metropolitan suspect of M2."""
    feb = national_picture(with_background=False)
    load(engine, operator, feb)
    load(engine, operator, closed_in_march(feb), MAR)
    with engine.begin() as conn:
        run_linkage(conn, operator, MatcherConfig(seed=42, threshold=RUN_THRESHOLD))
        terms = OrderTerms(
            OrderType.STPO, "Southwark Crown Court", date(2018, 3, 1), None, True, ("No contact",)
        )
        add_order(conn, operator, Subject("Metropolitan", "M2", "AND"), terms)
    return engine


def figures(engine: Engine, period: Period) -> Any:
    with engine.connect() as conn:
        return overview(conn, NATIONAL, period)


def due(engine: Engine, as_of: date = TODAY, org: str | None = None) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        return [(r.organisation, r.ref) for r in rr.due(conn, NATIONAL, as_of, org)]


def test_due_lists_exactly_the_operations_past_review(picture: Engine) -> None:
    with picture.connect() as conn:
        found = {(r.organisation, r.ref): r for r in rr.reviews(conn, NATIONAL)}
    assert found[("Durham", "D1")].group == "group_1"
    assert found[("Durham", "D1")].review_date == date(2028, 3, 20)
    assert found[("Kent", "K1")].group == "group_3"
    assert found[("Kent", "K1")].review_date == date(2024, 3, 20)
    assert sorted(due(picture)) == DUE
    assert due(picture, date(2024, 3, 19)) == []
    assert due(picture, org="Durham") == [("Durham", "D2")]
    force = Principal("kent.analyst", Role.FORCE_USER, organisation="Kent")
    with picture.connect() as conn:
        assert [r.ref for r in rr.due(conn, force, TODAY)] == ["K1"]
        with pytest.raises(AccessDenied):
            rr.due(conn, force, TODAY, "Durham")


def test_a_retain_decision_moves_the_next_review_and_is_audited(picture: Engine) -> None:
    with picture.begin() as conn:
        rr.retain(conn, NATIONAL, "Kent", "K1", "linked intelligence", date(2030, 1, 1), TODAY)
    assert ("Kent", "K1") not in due(picture)
    assert ("Kent", "K1") in due(picture, date(2030, 1, 1))
    with picture.connect() as conn:
        decision = conn.execute(select(retention_decision)).one()
        a = s.audit_event
        entry = conn.execute(select(a).where(a.c.object_ref == "Kent/K1")).one()
    assert (decision.decision, decision.next_review, decision.review_group) == (
        "retain", date(2030, 1, 1), "group_3",
    )  # fmt: skip
    assert (entry.action, entry.purpose) == ("alteration", "linked intelligence")
    with pytest.raises(InvalidInput, match="future"), picture.begin() as conn:
        rr.retain(conn, NATIONAL, "Kent", "K1", "again", date(2020, 1, 1), TODAY)
    other_force = Principal("durham.user", Role.FORCE_USER, organisation="Durham")
    with pytest.raises(AccessDenied), picture.begin() as conn:
        rr.retain(conn, other_force, "Kent", "K1", "not ours", date(2030, 1, 1), TODAY)


def nominal_ids(engine: Engine, org: str, ref: str) -> list[int]:
    nm, om, op, o = s.nominal, s.operation_month, s.operation, s.organisation
    with engine.connect() as conn:
        query = (
            select(nm.c.id)
            .join(om, om.c.id == nm.c.operation_month_id)
            .join(op, op.c.id == om.c.operation_id)
            .join(o, o.c.id == op.c.organisation_id)
            .where(o.c.short_name == org, op.c.ref == ref)
        )
        return list(conn.execute(query).scalars())


def test_disposal_erases_the_people_and_keeps_every_figure(picture: Engine) -> None:
    before = {p: figures(picture, p) for p in (FEB, MAR)}
    counts_before = row_counts(picture)
    with picture.connect() as conn:
        summary_before = sorted(tuple(r) for r in conn.execute(select(month_summary)))
        assert conn.execute(select(func.count()).where(link_thread.c.active)).scalar_one() == 2
    disposed_ids = {ref: nominal_ids(picture, org, ref) for org, ref in DUE}
    assert all(disposed_ids.values())  # each has people in February and March

    for org, ref in due(picture):
        with picture.begin() as conn:
            rr.dispose(conn, NATIONAL, org, ref, "past review, no need to retain")

    assert due(picture) == []
    every_id = [i for ids in disposed_ids.values() for i in ids]
    with picture.connect() as conn:
        nm, idf = s.nominal, s.identifier
        assert conn.execute(select(func.count()).where(nm.c.id.in_(every_id))).scalar_one() == 0
        left = conn.execute(select(func.count()).where(idf.c.nominal_id.in_(every_id)))
        assert left.scalar_one() == 0
        members = select(func.count()).where(link_member.c.nominal_id.in_(every_id))
        assert conn.execute(members).scalar_one() == 0
        pairs = select(func.count()).where(
            link_pair.c.left_nominal_id.in_(every_id) | link_pair.c.right_nominal_id.in_(every_id)
        )
        assert conn.execute(pairs).scalar_one() == 0
        # Lan is left in Durham's D1 only, Andrei nowhere: neither thread joins two forces now
        assert conn.execute(select(func.count()).where(link_thread.c.active)).scalar_one() == 0
        order = conn.execute(select(casework_order)).one()
        snapshots = conn.execute(select(casework_change.c.snapshot)).scalars().all()
        a = s.audit_event
        erasures = conn.execute(
            select(a.c.object_ref, a.c.detail).where(a.c.action == "erasure").order_by(a.c.seq)
        ).all()
        summary_after = sorted(tuple(r) for r in conn.execute(select(month_summary)))
    assert order.nominal_ref == "" and order.operation_ref == "M2"
    assert all('"AND"' not in snap for snap in snapshots)
    assert sorted(ref for ref, _ in erasures) == sorted(f"{o}/{r}" for o, r in DUE)
    assert all(detail.startswith(("1 nominals", "2 nominals")) for _, detail in erasures)
    assert nominal_ids(picture, "Durham", "D1")  # not due: kept

    assert summary_after == summary_before
    counts_after = row_counts(picture)
    for table in ("operation", "operation_month", "operation_detail", "operation_nationality",
                  "return_version", "month_summary"):  # fmt: skip
        assert counts_after[table] == counts_before[table], table
    for period, was in before.items():
        now = figures(picture, period)
        for field in was.__dataclass_fields__:
            assert getattr(now, field) == getattr(was, field), (period, field)


def test_a_disposed_operation_cannot_be_decided_on_again(picture: Engine) -> None:
    with picture.begin() as conn:
        erased = rr.dispose(conn, NATIONAL, "Kent", "K1", "no need to retain")
    assert (erased.nominals, erased.identifiers) == (2, 2)  # February and March
    with pytest.raises(InvalidInput, match="disposed"), picture.begin() as conn:
        rr.dispose(conn, NATIONAL, "Kent", "K1", "again")
    with picture.begin() as conn:  # the operation is still there, month by month, without people
        history = consult_operation(conn, NATIONAL, "Kent", "K1", "check after disposal")
    assert len(history.months) == 2 and history.nominals == []


def test_a_live_operation_is_not_reviewed(engine: Engine, operator: Principal) -> None:
    load_operations(engine, operator, "Cleveland", "Cleveland Police", ["C9"])
    assert due(engine, date(2100, 1, 1)) == []
    with pytest.raises(InvalidInput, match="once it is closed"), engine.begin() as conn:
        rr.dispose(conn, NATIONAL, "Cleveland", "C9", "too early")
    assert nominal_ids(engine, "Cleveland", "C9")


def test_an_erasure_that_cannot_be_recorded_erases_nothing(
    picture: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_record(*_args: object) -> None:
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(rr, "record", failing_record)
    before = nominal_ids(picture, "Kent", "K1")
    with pytest.raises(RuntimeError), picture.begin() as conn:  # the transaction rolls back
        rr.dispose(conn, NATIONAL, "Kent", "K1", "no need to retain")
    assert nominal_ids(picture, "Kent", "K1") == before
    assert ("Kent", "K1") in due(picture)
