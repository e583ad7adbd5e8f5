"""What every casework register shares: scope checks, the append-only change log, links to
operations and nominals, and the audit entry written with each act."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, insert, select

from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal, Role
from msops.domain.reference import canonical_organisation
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.casework import casework_change
from msops.store.scope import organisation_id, visible_organisations

Row = dict[str, Any]


def utc_now() -> datetime:
    """Now, as naive UTC (how every backend stores it)."""
    return datetime.now(UTC).replace(tzinfo=None)


def require_personal_scope(principal: Principal, what: str) -> None:
    """Record-level casework is personal or operational data: never for PCC or administrators."""
    if not principal.may_see_personal_data:
        raise AccessDenied(f"{principal.describe()} may not see {what}: they hold personal data")


def writable_org_id(conn: Connection, principal: Principal, org_name: str, what: str) -> int:
    """The organisation's id, when the principal may record `what` for it."""
    org_id = organisation_id(conn, org_name)
    if principal.role in (Role.SYSTEM, Role.NATIONAL_ANALYST):
        return org_id
    short = org_short_name(conn, org_id)
    if principal.role in (Role.FORCE_USER, Role.PARTNER_USER) and principal.organisation == short:
        return org_id
    raise AccessDenied(f"{principal.describe()} may not record {what} for {short}")


def readable_org_id(conn: Connection, principal: Principal, org_name: str) -> int:
    org_id = organisation_id(conn, org_name)
    allowed = conn.execute(
        select(s.organisation.c.id).where(
            s.organisation.c.id == org_id, visible_organisations(principal)
        )
    ).first()
    if allowed is None:
        raise AccessDenied(f"{principal.describe()} may not see this organisation's records")
    return org_id


def in_scope(principal: Principal, table: Table) -> ColumnElement[bool]:
    """A WHERE clause limiting a register's rows to the principal's organisations."""
    org = s.organisation
    return table.c.organisation_id.in_(select(org.c.id).where(visible_organisations(principal)))


def scoped_rows(principal: Principal, table: Table) -> Select[Any]:
    """A register's rows in the principal's scope, each with its organisation's short name."""
    org = s.organisation
    return (
        select(table, org.c.short_name.label("organisation"))
        .join(org, org.c.id == table.c.organisation_id)
        .where(in_scope(principal, table))
    )


def org_short_name(conn: Connection, org_id: int) -> str:
    return str(
        conn.execute(
            select(s.organisation.c.short_name).where(s.organisation.c.id == org_id)
        ).scalar_one()
    )


def require_operation(conn: Connection, org_id: int, operation_ref: str) -> None:
    found = conn.execute(
        select(s.operation.c.id).where(
            s.operation.c.organisation_id == org_id, s.operation.c.ref == operation_ref
        )
    ).first()
    if found is None:
        raise NotFound(
            f"operation: {org_short_name(conn, org_id)} has no operation with reference"
            f" {operation_ref!r} in its returns"
        )


def require_nominal(conn: Connection, org_id: int, operation_ref: str, nominal_ref: str) -> None:
    """The nominal must appear in a current return of the operation."""
    require_operation(conn, org_id, operation_ref)
    om, op, nm = s.operation_month, s.operation, s.nominal
    found = conn.execute(
        select(nm.c.id)
        .join(om, om.c.id == nm.c.operation_month_id)
        .join(op, op.c.id == om.c.operation_id)
        .where(
            op.c.organisation_id == org_id,
            op.c.ref == operation_ref,
            om.c.is_current,
            nm.c.nominal_ref == nominal_ref,
        )
        .limit(1)
    ).first()
    if found is None:
        raise NotFound(
            f"subject: operation {operation_ref!r} has no nominal {nominal_ref!r} in its returns"
        )


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(conn: Connection, table: Table, record_id: int) -> Row:
    row = conn.execute(select(table).where(table.c.id == record_id)).mappings().one()
    return {k: _jsonable(v) for k, v in row.items() if k != "search"}


def log_change(
    conn: Connection,
    principal: Principal,
    register: str,
    table: Table,
    record_id: int,
    change: str,
    action: Action = Action.ALTERATION,
    reason: str | None = None,
) -> int:
    """Append the record as it now stands to the change log, and audit the act (with the
    reason, when one is given). Returns the version number written."""
    state = snapshot(conn, table, record_id)
    version = int(state["version"])
    conn.execute(
        insert(casework_change).values(
            register=register,
            record_id=record_id,
            version=version,
            change=change,
            changed_at=utc_now(),
            changed_by=principal.name,
            snapshot=json.dumps(state, sort_keys=True),
        )
    )
    org = org_short_name(conn, int(state["organisation_id"]))
    record(
        conn,
        principal,
        AuditEntry(
            action, register, f"{org}/{register}/{record_id}", reason, detail=f"{change} v{version}"
        ),
    )
    return version


def record_history(conn: Connection, register: str, record_id: int) -> list[Row]:
    """Every version of a record, oldest first, each with its snapshot decoded."""
    rows = conn.execute(
        select(casework_change)
        .where(casework_change.c.register == register, casework_change.c.record_id == record_id)
        .order_by(casework_change.c.version)
    ).mappings()
    return [{**dict(r), "snapshot": json.loads(r["snapshot"])} for r in rows]


def audit_read(
    conn: Connection,
    principal: Principal,
    register: str,
    ref: str,
    count: int,
    purpose: str | None = None,
    action: Action = Action.CONSULTATION,
    recipient: str | None = None,
) -> None:
    record(
        conn,
        principal,
        AuditEntry(action, register, ref, purpose, recipient, detail=f"{count} records"),
    )


def require_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidInput(f"{field}: a value is required")
    if len(text) > limit:
        raise InvalidInput(f"{field}: at most {limit} characters (got {len(text)})")
    return text


def amend_reason(reason: str) -> str:
    """Why an entry is amended: required, at most 500 characters."""
    return require_text(reason, "reason", 500)


def entry_with_org(conn: Connection, table: Any, record_id: int, what: str) -> Any:
    """A register's entry with its organisation's short name; NotFound names the entry."""
    row = conn.execute(
        select(table, s.organisation.c.short_name.label("organisation"))
        .join(s.organisation, s.organisation.c.id == table.c.organisation_id)
        .where(table.c.id == record_id)
    ).first()
    if row is None:
        raise NotFound(f"{what}: there is no {what} {record_id}")
    return row


def org_label(org: str | None, default: str = "all") -> str:
    """How an organisation a person named appears in the audit trail: its one short name, so
    that "who looked at this?" finds every act whatever spelling reached it."""
    return canonical_organisation(org).short_name if org else default
