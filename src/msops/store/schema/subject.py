"""Tables of the data subject's rights (DPA 2018 Part 3, ss.45-47): what a rectification
replaced, kept so that a correction can be shown and undone by a person entitled to see it."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Table, Text

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

# A nominal whose processing is restricted (s.47(2)): by organisation, operation and nominal
# reference, so that it holds in every version, the next month's return included. Active while
# `lifted_at` is empty.
nominal_restriction = Table(
    "nominal_restriction",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False),
    Column("operation_ref", String(80), nullable=False),
    Column("nominal_ref", String(80), nullable=False),
    Column("reason", Text, nullable=False),
    Column("restricted_by", String(120), nullable=False),
    Column("restricted_at", DateTime(), nullable=False),  # UTC
    Column("lifted_by", String(120)),
    Column("lifted_at", DateTime()),
    Index("ix_nominal_restriction_ref", "organisation_id", "operation_ref", "nominal_ref"),
)
