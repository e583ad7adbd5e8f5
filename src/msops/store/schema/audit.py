"""The s.62 audit trail: one hash-chained row per act on personal data."""

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
    Index("ix_audit_event_actor_at", "actor", "at"),
)
