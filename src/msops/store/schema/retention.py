"""Review decisions under MoPI (`msops.domain.retention`): one row per decision, append-only.

A retain decision sets the operation's next review date; a dispose decision records that the
operation's personal data was erased (its statistics stay). The latest decision of an operation
is the one in force.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text

from msops.store.schema.base import metadata

retention_decision = Table(
    "retention_decision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("operation_id", ForeignKey("operation.id"), nullable=False, index=True),
    Column("decision", String(10), nullable=False),  # retain, dispose
    Column("reason", Text, nullable=False),
    Column("review_group", String(40), nullable=False),  # the rules' group when decided
    Column("next_review", Date),  # retain: the next review date; dispose: none
    Column("decided_by", String(120), nullable=False),
    Column("role", String(30), nullable=False),
    Column("decided_at", DateTime(), nullable=False),  # UTC
)
