"""Tables of the data subject's rights (DPA 2018 Part 3, ss.45-47): what a rectification
replaced, kept so that a correction can be shown and undone by a person entitled to see it."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text

from msops.store.schema.base import metadata

nominal_rectification = Table(
    "nominal_rectification",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("nominal_id", ForeignKey("nominal.id"), nullable=False, index=True),
    Column("field", String(40), nullable=False),
    Column("old_value", Text),  # personal data: never logged or shown in a message
    Column("reason", Text, nullable=False),
    Column("rectified_by", String(120), nullable=False),
    Column("rectified_at", DateTime(), nullable=False),  # UTC
)
