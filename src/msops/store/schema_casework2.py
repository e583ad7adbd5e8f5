"""Tables of the peer reviews and the action plan (casework step 5), on the shared metadata.

Like the other casework registers, every accepted change is also appended to `casework_change`.
Action-plan assessments are append-only: a new assessment is a new row, never an update.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from msops.store.schema import metadata

casework_peer_review = Table(
    "casework_peer_review",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("operation_ref", String(80), nullable=False),
    Column("reviewed_on", Date, nullable=False),
    Column("reviewers", Text, nullable=False),  # JSON list of names
    Column("criteria_version", String(30), nullable=False),
    Column("version", Integer, nullable=False),
)

casework_peer_review_rating = Table(
    "casework_peer_review_rating",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("review_id", ForeignKey("casework_peer_review.id"), nullable=False, index=True),
    Column("criterion", String(60), nullable=False),
    Column("rating", String(30), nullable=False),
    Column("findings", Text),
    UniqueConstraint("review_id", "criterion"),
)

casework_plan_assessment = Table(
    "casework_plan_assessment",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("plan_version", String(30), nullable=False),
    Column("item_id", String(20), nullable=False),
    Column("rag", String(5), nullable=False),
    Column("assessed_on", Date, nullable=False),
    Column("assessor", String(120), nullable=False),
    Column("evidence", Text, nullable=False),
    Column("version", Integer, nullable=False),
    Index("ix_casework_plan_assessment_item", "plan_version", "item_id", "assessed_on"),
)
