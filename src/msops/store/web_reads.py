"""Reads the web application needs beyond the repositories: audited operation views, and the
aggregate-only scope of a police and crime commissioner (PCC).

Kept out of scope.py on purpose: `aggregate_scope` must only ever feed functions that return
counts (e.g. `msops.analytics.headline`), never rows.
"""

from __future__ import annotations

from sqlalchemy import Connection

from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal, Role
from msops.store.audit import Action, AuditEntry, record
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
