"""Reads the web application needs beyond the repositories: audited operation views, the
aggregate-only scope of a police and crime commissioner (PCC), report disclosures and the
audit search.

Kept out of scope.py on purpose: `aggregate_scope` must only ever feed functions that return
counts (e.g. `msops.analytics.headline`), never rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from msops.domain.errors import AccessDenied, InvalidInput
from msops.domain.principal import Principal, Role
from msops.store.audit import Action, AuditEntry, record
from msops.store.audit_query import search_audit
from msops.store.operations_repo import OperationHistory, operation_history


def aggregate_scope(principal: Principal) -> Principal:
    """The principal whose scope bounds the counts `principal` may see.

    A PCC sees counts for their force area (to be disclosure-controlled by the caller); an
    administrator sees none; everyone else sees counts within their own scope.
    """
    if principal.role == Role.PCC and principal.organisation:
        return Principal(principal.name, Role.FORCE_USER, organisation=principal.organisation)
    if principal.role in (Role.PCC, Role.ADMIN):
        raise AccessDenied(f"{principal.describe()} may not see operational figures")
    return principal


def consult_operation(
    conn: Connection,
    principal: Principal,
    org_name: str,
    ref: str,
    nominals_purpose: str | None = None,
) -> OperationHistory:
    """One operation month by month, its view recorded as a consultation (s.62)."""
    if not principal.may_see_personal_data and not principal.sees_everything:
        # PCC and admin: operation detail (free text, dates, nationalities) is not aggregate.
        raise AccessDenied(f"{principal.describe()} may not see an operation's detail")
    history = operation_history(conn, principal, org_name, ref, nominals_purpose)
    record(
        conn,
        principal,
        AuditEntry(
            Action.CONSULTATION,
            "operation",
            f"{history.organisation}/{ref}",
            detail=f"{len(history.months)} months viewed",
        ),
    )
    return history


def record_report_disclosure(
    conn: Connection,
    principal: Principal,
    ref: str,
    audience: str,
    purpose: str,
    recipient: str,
    filename: str,
) -> None:
    """A report downloaded from the web application, recorded as a disclosure (s.62)."""
    if not purpose.strip() or not recipient.strip():
        raise InvalidInput("say why the report is produced and who will receive it")
    entry = AuditEntry(
        Action.DISCLOSURE,
        "report",
        ref,
        purpose=purpose.strip(),
        recipient=recipient.strip(),
        detail=f"audience {audience}; file {filename}",
    )
    record(conn, principal, entry)


def audit_search(
    conn: Connection,
    principal: Principal,
    user: str | None = None,
    since: datetime | None = None,
    action: str | None = None,
    object_ref: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """ "Who looked at what?" for an administrator or a national analyst; the search is itself
    recorded as a consultation of the audit trail."""
    rows = search_audit(conn, principal, user, since, action, object_ref, limit)
    asked = ", ".join(
        f"{k}={v}"
        for k, v in (("user", user), ("since", since), ("action", action), ("ref", object_ref))
        if v
    )
    record(
        conn,
        principal,
        AuditEntry(
            Action.CONSULTATION,
            "audit_trail",
            asked or "all",
            detail=f"{len(rows)} entries listed",
        ),
    )
    return rows
