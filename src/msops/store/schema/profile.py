"""Saved themes of thematic profiles (`msops.domain.profile`): a named set of filters, kept so
that the same profile is re-run each month. A theme belongs to the organisation, region or
national team of the person who saved it, and its analysts share it; it holds no personal data.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, String, Table, Text, UniqueConstraint

from msops.store.schema.base import metadata

profile_theme = Table(
    "profile_theme",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("owner", String(120), nullable=False),  # organisation, region or "national"
    Column("name", String(80), nullable=False),
    Column("definition", Text, nullable=False),  # JSON: the filters as typed
    Column("saved_by", String(120), nullable=False),
    Column("saved_at", DateTime(), nullable=False),  # UTC
    UniqueConstraint("owner", "name", name="uq_profile_theme_owner_name"),
)
