"""The s.62 audit trail: one row per act on personal data, numbered, hash-chained and keyed.

`seq` numbers the entries 1, 2, 3 … with no gaps, in the order they were appended; `hash` chains
each entry to the one before; `mac` is an HMAC of (seq, hash) under the key named by `key_id`,
held in a file outside the database (both null on entries made before keys: "unkeyed legacy").
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from msops.store.schema.base import metadata

audit_event = Table(
    "audit_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(), nullable=False),  # UTC
    Column("actor", String(120), nullable=False),
    Column("role", String(30), nullable=False),
    Column("action", String(20), nullable=False),
    Column("object_type", String(40), nullable=False),
    Column("object_ref", String(200), nullable=False),
    Column("purpose", Text),
    Column("recipient", Text),
    Column("detail", Text),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("key_id", String(16)),
    Column("mac", String(64)),
    Index("ix_audit_event_actor_at", "actor", "at"),
    Index("ix_audit_event_seq", "seq", unique=True),
)
