"""Europol register: checks per operation, meetings and JITs; prompts for unchecked operations."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import ColumnElement, Connection, exists, insert, or_, select

from msops.domain.casework.europol import (
    DOMESTIC_NATIONALITIES,
    CheckOutcome,
    EventKind,
    check_event,
)
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.return_spec import LIVE_STATUSES
from msops.store import schema as s
from msops.store.audit import Action
from msops.store.casework.common import (
    Row,
    audit_read,
    log_change,
    org_label,
    readable_org_id,
    require_operation,
    require_personal_scope,
    scoped_rows,
    writable_org_id,
)
from msops.store.operations_repo import latest_period
from msops.store.schema.casework import casework_europol_event

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


def foreign_nationals() -> ColumnElement[bool]:
    """The operation month lists a victim or suspect whose nationality is neither UK nor unknown."""
    om, nat = s.operation_month, s.operation_nationality
    return exists().where(
        nat.c.operation_month_id == om.c.id,
        nat.c.nationality.not_in(sorted(DOMESTIC_NATIONALITIES)),
        nat.c.count > 0,
    )


def due_a_check() -> ColumnElement[bool]:
    """The Europol rule as a condition on `operation_month`: an international dimension, or a
    non-UK national among its victims or suspects. The prompts and the overview both use it."""
    return or_(s.operation_month.c.international_dimension == "yes", foreign_nationals())


def prompts(
    conn: Connection, principal: Principal, org: str, period: Period | None = None
) -> list[Row]:
    """Live operations of `org` in the month's current returns with an international dimension
    or a non-UK national, and no Europol check (neither recorded here nor dated in the return)."""
    org_id = readable_org_id(conn, principal, org)
    month = period or latest_period(conn)
    if month is None:
        return []
    om, op, ev = s.operation_month, s.operation, casework_europol_event
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
            due_a_check(),
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
    audit_read(conn, principal, REGISTER, f"{org_label(org)} prompts {month}", len(out))
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
    audit_read(conn, principal, REGISTER, f"events {org_label(org)}", len(rows))
    return rows
