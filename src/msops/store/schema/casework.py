"""Tables of the casework capability, on the shared metadata (imported by msops.store.schema).

Each register keeps its current state in its own table and every accepted change as a full
snapshot in `casework_change` (append-only), so earlier versions are never lost.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import TSVECTOR

from msops.store.schema.base import metadata

casework_change = Table(
    "casework_change",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("register", String(30), nullable=False),
    Column("record_id", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("change", String(30), nullable=False),
    Column("changed_at", DateTime(), nullable=False),  # UTC
    Column("changed_by", String(120), nullable=False),
    Column("snapshot", Text, nullable=False),  # JSON of the record after the change
    UniqueConstraint("register", "record_id", "version"),
)

casework_setting = Table(
    "casework_setting",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(60), nullable=False, unique=True),
    Column("value", String(200), nullable=False),
    Column("version", Integer, nullable=False),
)

casework_order = Table(
    "casework_order",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("operation_ref", String(80), nullable=False),
    Column("nominal_ref", String(80), nullable=False),
    Column("order_type", String(4), nullable=False),
    Column("court", String(200), nullable=False),
    Column("made_on", Date, nullable=False),
    Column("expires_on", Date),
    Column("until_further_order", Boolean, nullable=False),
    Column("prohibitions", Text, nullable=False),  # JSON list of strings
    Column("travel_countries", Text, nullable=False),  # JSON list of ISO codes or ["ALL"]
    Column("travel_ban_ends", Date),
    Column("notification_requirements", Text),
    Column("status", String(20), nullable=False),
    Column("version", Integer, nullable=False),
)

casework_order_variation = Table(
    "casework_order_variation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("casework_order.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("varied_on", Date, nullable=False),
    Column("court", String(200), nullable=False),
    Column("summary", Text, nullable=False),
)

casework_order_breach = Table(
    "casework_order_breach",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("order_id", ForeignKey("casework_order.id"), nullable=False, index=True),
    Column("breach_on", Date, nullable=False),
    Column("summary", Text, nullable=False),
    Column("outcome", String(30), nullable=False),
    Column("outcome_on", Date),
)

casework_nrm_referral = Table(
    "casework_nrm_referral",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("referral_ref", String(80), nullable=False),
    Column("operation_ref", String(80)),
    Column("first_responder", String(60), nullable=False),
    Column("referred_at", DateTime(), nullable=False),
    Column("age_group", String(10), nullable=False),
    Column("gender", String(10), nullable=False),
    Column("nationality", String(80), nullable=False),
    Column("exploitation", String(40), nullable=False),
    Column("rg_decided_on", Date),
    Column("rg_outcome", String(10)),
    Column("cg_decided_on", Date),
    Column("cg_outcome", String(10)),
    Column("crime_ref", String(80)),
    Column("crime_recorded_at", DateTime()),
    Column("version", Integer, nullable=False),
    UniqueConstraint("organisation_id", "referral_ref"),
)

casework_duty_to_notify = Table(
    "casework_duty_to_notify",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("operation_ref", String(80)),
    Column("submitted_on", Date, nullable=False),
    Column("gender", String(10), nullable=False),
    Column("nationality", String(80), nullable=False),
    Column("exploitation", String(40), nullable=False),
    Column("version", Integer, nullable=False),
)

casework_europol_event = Table(
    "casework_europol_event",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("operation_ref", String(80)),
    Column("kind", String(30), nullable=False),
    Column("event_on", Date, nullable=False),
    Column("outcome", String(30)),
    Column("version", Integer, nullable=False),
)

casework_debrief = Table(
    "casework_debrief",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("operation_ref", String(80), nullable=False),
    Column("method", String(40), nullable=False),
    Column("debriefed_on", Date, nullable=False),
    Column("findings", Text, nullable=False),
    Column("version", Integer, nullable=False),
)

# PostgreSQL searches `search` (a tsvector kept by the repository, GIN-indexed); SQLite leaves it
# empty and searches an FTS5 index (see msops.store.casework.debriefs for why it is temporary).
casework_lesson = Table(
    "casework_lesson",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("debrief_id", ForeignKey("casework_debrief.id")),
    Column("recorded_on", Date, nullable=False),
    Column("title", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("themes", Text, nullable=False),  # JSON list
    Column("tags", Text, nullable=False),  # JSON list
    Column("search", Text().with_variant(TSVECTOR(), "postgresql")),
    Column("version", Integer, nullable=False),
    Index("ix_casework_lesson_search", "search", postgresql_using="gin"),
)

# Peer reviews and the action plan. Action-plan assessments are append-only: a new assessment
# is a new row, never an update.

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
