"""The s.62 audit trail: append-only, each entry chained to the one before by a hash.

Entries are written in the same transaction as the act they record, so an act and its record
stand or fall together.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Connection, insert, select, text

from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.store.schema import audit_event

GENESIS = "0" * 64


class Action(StrEnum):
    """The kinds of processing that DPA 2018 s.62 requires to be logged."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"


@dataclass(frozen=True)
class AuditEntry:
    action: Action
    object_type: str
    object_ref: str
    purpose: str | None = None
    recipient: str | None = None
    detail: str | None = None


# The fields an entry's hash covers, besides its time and the previous entry's hash.
HASHED_FIELDS = (
    "actor",
    "role",
    "action",
    "object_type",
    "object_ref",
    "purpose",
    "recipient",
    "detail",
)


def entry_hash(prev_hash: str, fields: dict[str, str | None]) -> str:
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def row_hash(prev_hash: str, values: Mapping[str, Any]) -> str:
    """The hash of an entry with these values (`at` a naive UTC datetime), chained to prev."""
    fields: dict[str, str | None] = {name: values[name] for name in HASHED_FIELDS}
    fields["at"] = values["at"].isoformat(timespec="microseconds")
    return entry_hash(prev_hash, fields)


def record(conn: Connection, principal: Principal, entry: AuditEntry) -> None:
    """Append one entry to the trail, inside the caller's transaction."""
    if conn.dialect.name == "postgresql":
        # One writer at a time extends the chain; the lock ends with the transaction.
        conn.execute(text("SELECT pg_advisory_xact_lock(62)"))
    last = conn.execute(
        select(audit_event.c.hash).order_by(audit_event.c.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev_hash = last or GENESIS
    values: dict[str, Any] = {
        "at": datetime.now(UTC).replace(tzinfo=None),  # stored as naive UTC on every backend
        "actor": principal.name,
        "role": principal.role.value,
        "action": entry.action.value,
        "object_type": entry.object_type,
        "object_ref": entry.object_ref,
        "purpose": entry.purpose,
        "recipient": entry.recipient,
        "detail": entry.detail,
    }
    values["prev_hash"] = prev_hash
    values["hash"] = row_hash(prev_hash, values)
    conn.execute(insert(audit_event).values(values))


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
