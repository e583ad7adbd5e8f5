"""Europol register: checks per operation, meetings and JITs; prompts for unchecked operations."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, exists, extract, func, insert, select

from msops.domain.europol import DOMESTIC_NATIONALITIES, CheckOutcome, EventKind, check_event
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.return_spec import LIVE_STATUSES
from msops.store import schema as s
from msops.store.audit import Action
from msops.store.casework_common import (
    Row,
    audit_read,
    in_scope,
    log_change,
    readable_org_id,
    require_operation,
    require_personal_scope,
    scoped_rows,
    writable_org_id,
)
from msops.store.operations_repo import latest_period
from msops.store.schema_casework import casework_europol_event
from msops.store.scope import visible_organisations

REGISTER = "europol"
LIVE = LIVE_STATUSES


def record_event(
    conn: Connection,
    principal: Principal,
    org: str,
    kind: EventKind,
    on: date,
    operation_ref: str | None = None,
    outcome: CheckOutcome | None = None,
) -> int:
    """Record a Europol check (with outcome), an operational meeting or a JIT."""
    org_id = writable_org_id(conn, principal, org, "Europol events")
    check_event(kind, operation_ref, outcome)
    if operation_ref:
        require_operation(conn, org_id, operation_ref.strip())
    t = casework_europol_event
    event_id = conn.execute(
        insert(t)
        .values(
            organisation_id=org_id,
            operation_ref=operation_ref.strip() if operation_ref else None,
            kind=kind.value,
            event_on=on,
            outcome=outcome.value if outcome else None,
            version=1,
        )
        .returning(t.c.id)
    ).scalar_one()
    log_change(conn, principal, REGISTER, t, event_id, kind.value, Action.COLLECTION)
    return int(event_id)


def prompts(
    conn: Connection, principal: Principal, org: str, period: Period | None = None
) -> list[Row]:
    """Live operations of `org` in the month's current returns with an international dimension
    or a non-UK national, and no Europol check (neither recorded here nor dated in the return)."""
    org_id = readable_org_id(conn, principal, org)
    month = period or latest_period(conn)
    if month is None:
        return []
    om, op, nat, ev = (
        s.operation_month,
        s.operation,
        s.operation_nationality,
        casework_europol_event,
    )
    foreign = select(nat.c.operation_month_id).where(
        nat.c.operation_month_id == om.c.id,
        nat.c.nationality.not_in(sorted(DOMESTIC_NATIONALITIES)),
        nat.c.count > 0,
    )
    checked = select(ev.c.id).where(
        ev.c.organisation_id == org_id, ev.c.operation_ref == op.c.ref, ev.c.kind == "check"
    )
    rows = conn.execute(
        select(
            op.c.ref,
            om.c.operation_name,
            om.c.opened_date,
            om.c.international_dimension,
            om.c.id.label("month_id"),
        )
        .join(op, op.c.id == om.c.operation_id)
        .where(
            op.c.organisation_id == org_id,
            om.c.is_current,
            om.c.period == str(month),
            om.c.status.in_(LIVE),
            om.c.europol_check_date.is_(None),
            (om.c.international_dimension == "yes") | exists(foreign),
            ~exists(checked),
        )
        .order_by(op.c.ref)
    ).all()
    nationalities = _foreign_nationalities(conn, [r.month_id for r in rows])
    out = [
        {
            "period": str(month),
            "operation_ref": r.ref,
            "name": r.operation_name,
            "opened_date": r.opened_date,
            "reasons": "; ".join(_reasons(r.international_dimension, nationalities[r.month_id])),
        }
        for r in rows
    ]
    audit_read(conn, principal, REGISTER, f"{org} prompts {month}", len(out))
    return out


def _foreign_nationalities(conn: Connection, month_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    if not month_ids:
        return found
    nat = s.operation_nationality
    for r in conn.execute(
        select(nat.c.operation_month_id, nat.c.nationality)
        .where(
            nat.c.operation_month_id.in_(month_ids),
            nat.c.nationality.not_in(sorted(DOMESTIC_NATIONALITIES)),
            nat.c.count > 0,
        )
        .distinct()
        .order_by(nat.c.nationality)
    ):
        found[r.operation_month_id].append(r.nationality)
    return found


def _reasons(international: str, nationalities: list[str]) -> list[str]:
    reasons = ["international dimension"] if international == "yes" else []
    if nationalities:
        reasons.append("non-UK nationals: " + ", ".join(nationalities))
    return reasons


def annual(conn: Connection, principal: Principal, year: int) -> list[Row]:
    """Per organisation in scope, then in total: the year's Europol queries (recorded checks and
    check dates in returns), operational meetings and JITs (recorded and reported in returns)."""
    ev, o = casework_europol_event, s.organisation
    counts: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for r in conn.execute(
        select(o.c.short_name, ev.c.kind, func.count())
        .join(o, o.c.id == ev.c.organisation_id)
        .where(in_scope(principal, ev), extract("year", ev.c.event_on) == year)
        .group_by(o.c.short_name, ev.c.kind)
    ):
        counts[r[0]][f"{r[1]}s_recorded"] = int(r[2])
    for name, column, value in (
        ("checks_in_returns", "europol_check_date", None),
        ("operations_with_jit", "jit", "yes"),
    ):
        for org_name, n in _from_returns(principal, year, column, value, conn):
            counts[org_name][name] = n
    columns = [
        "checks_recorded",
        "checks_in_returns",
        "operational_meetings_recorded",
        "jits_recorded",
        "operations_with_jit",
    ]
    rows = [
        {"organisation": k, **{c: v.get(c, 0) for c in columns}} for k, v in sorted(counts.items())
    ]
    rows.append({"organisation": "Total", **{c: sum(r[c] for r in rows) for c in columns}})
    return rows


def _from_returns(
    principal: Principal, year: int, column: str, value: str | None, conn: Connection
) -> list[tuple[str, int]]:
    om, op, o = s.operation_month, s.operation, s.organisation
    if value is None:
        condition = and_(om.c[column].is_not(None), extract("year", om.c[column]) == year)
    else:
        condition = and_(om.c[column] == value, om.c.period.like(f"{year:04d}-%"))
    rows = conn.execute(
        select(o.c.short_name, func.count(func.distinct(op.c.id)))
        .join(op, op.c.id == om.c.operation_id)
        .join(o, o.c.id == op.c.organisation_id)
        .where(om.c.is_current, condition, visible_organisations(principal, o))
        .group_by(o.c.short_name)
    ).all()
    return [(r[0], int(r[1])) for r in rows]


def list_events(
    conn: Connection, principal: Principal, org: str | None = None, limit: int = 500
) -> list[Row]:
    """Recorded checks, meetings and JITs in scope, newest first (audited consultation)."""
    require_personal_scope(principal, "Europol events")
    ev = casework_europol_event
    query = scoped_rows(principal, ev).order_by(ev.c.event_on.desc(), ev.c.id.desc()).limit(limit)
    if org:
        query = query.where(ev.c.organisation_id == readable_org_id(conn, principal, org))
    rows = [dict(r) for r in conn.execute(query).mappings()]
    audit_read(conn, principal, REGISTER, f"events {org or 'all'}", len(rows))
    return rows
