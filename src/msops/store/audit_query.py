"""Reading the s.62 audit trail: verify its hash chain, and answer "who looked at this?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal, Role
from msops.store.audit import GENESIS, Action, AuditEntry, record, row_hash
from msops.store.schema import audit_event

# Administrators keep the system; national analysts oversee the use of operational data.
AUDIT_READERS = (Role.SYSTEM, Role.ADMIN, Role.NATIONAL_ANALYST)


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    kind: str  # changed, removed, inserted
    message: str


def recomputed_hash(row: Any) -> str:
    """The hash `msops.store.audit.record` would have written for this row's fields."""
    return row_hash(row["prev_hash"], row)


def verify_chain(conn: Connection) -> list[ChainProblem]:
    """Every entry whose content no longer matches its hash, and every break in the chain.

    An entry edited in place no longer hashes to its stored hash ("changed"). An entry removed
    leaves the next entry pointing at a hash that is not its predecessor's ("removed"); one added
    out of band does the same ("inserted"). Removing the newest entries leaves no trace in the
    chain itself: compare `chain_head` with a copy kept elsewhere for that.
    """
    problems: list[ChainProblem] = []
    prev_id, prev_hash = None, GENESIS
    for row in conn.execute(select(audit_event).order_by(audit_event.c.id)).mappings():
        if recomputed_hash(row) != row["hash"]:
            problems.append(
                ChainProblem(
                    row["id"], "changed", f"entry {row['id']} was changed after it was written"
                )
            )
        if row["prev_hash"] != prev_hash:
            problems.append(_broken_link(row["id"], prev_id))
        prev_id, prev_hash = row["id"], row["hash"]
    return problems


def _broken_link(entry_id: int, prev_id: int | None) -> ChainProblem:
    if prev_id is None:
        return ChainProblem(
            entry_id, "removed", f"entries before {entry_id} (the first) were removed"
        )
    if entry_id - prev_id > 1:
        return ChainProblem(
            entry_id, "removed", f"entries between {prev_id} and {entry_id} were removed"
        )
    return ChainProblem(
        entry_id,
        "inserted",
        f"entry {entry_id} does not follow entry {prev_id}: entries were inserted or replaced",
    )


def chain_head(conn: Connection) -> tuple[int, str]:
    """(number of entries, hash of the newest): keep a copy to detect removal of the newest."""
    count = conn.execute(select(func.count()).select_from(audit_event)).scalar_one()
    last = conn.execute(
        select(audit_event.c.hash).order_by(audit_event.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    return int(count), last or GENESIS


def search_audit(
    conn: Connection,
    principal: Principal,
    user: str | None = None,
    since: datetime | None = None,
    action: str | None = None,
    object_ref: str | None = None,
    limit: int = 1000,
) -> list[dict[str, Any]]:
    """ "Who looked at what?": entries, newest first, by actor, time (naive UTC), action and
    object (prefix match), for an administrator or a national analyst. The search is itself
    recorded as a consultation of the audit trail."""
    if principal.role not in AUDIT_READERS:
        raise AccessDenied(f"{principal.describe()} may not search the audit trail")
    a = audit_event
    query = select(a).order_by(a.c.id.desc()).limit(limit)
    if user:
        query = query.where(a.c.actor == user)
    if since:
        query = query.where(a.c.at >= since)
    if action:
        query = query.where(a.c.action == action)
    if object_ref:
        query = query.where(a.c.object_ref.startswith(object_ref, autoescape=True))
    rows = [dict(r) for r in conn.execute(query).mappings()]
    asked = ", ".join(
        f"{k}={v}"
        for k, v in (("user", user), ("since", since), ("action", action), ("ref", object_ref))
        if v
    )
    entry = AuditEntry(
        Action.CONSULTATION, "audit_trail", asked or "all", detail=f"{len(rows)} entries listed"
    )
    record(conn, principal, entry)
    return rows
