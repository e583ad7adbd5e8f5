"""Tables of the linkage capability, on the shared metadata (imported by msops.store.schema).

A link run reads the nominals of current returns, clusters them and stores what it found:
clusters of two or more records with their members and the links that joined them (with the
evidence), and threads. A thread is a cluster joining operations of two or more organisations;
unlike a cluster it lives across runs (opaque `key`, matched run to run by member overlap), so
that analysts' judgements (append-only) and alerts (one per organisation involved) attach to it.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from msops.store.schema.base import metadata

link_run = Table(
    "link_run",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("started_at", DateTime(), nullable=False),  # UTC
    Column("finished_at", DateTime(), nullable=False),
    Column("run_by", String(120), nullable=False),
    Column("role", String(30), nullable=False),
    Column("parameters", Text, nullable=False),  # JSON: threshold, seed, identifier kinds...
    Column("n_records", Integer, nullable=False),
    Column("n_model_links", Integer, nullable=False),
    Column("n_exact_links", Integer, nullable=False),
    Column("n_clusters", Integer, nullable=False),  # clusters of two or more records
    Column("n_threads", Integer, nullable=False),
    Column("n_new_threads", Integer, nullable=False),
    Column("n_alerts", Integer, nullable=False),
)

link_thread = Table(
    "link_thread",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(20), nullable=False, unique=True),  # opaque, random
    Column("status", String(12), nullable=False),  # new, confirmed, dismissed, unsure
    Column("active", Boolean, nullable=False),  # found (or kept by confirmation) in the last run
    Column("first_run_id", ForeignKey("link_run.id"), nullable=False),
    Column("last_run_id", ForeignKey("link_run.id"), nullable=False),
    Column("n_members", Integer, nullable=False),
    Column("n_organisations", Integer, nullable=False),
)

link_cluster = Table(
    "link_cluster",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("run_id", ForeignKey("link_run.id"), nullable=False, index=True),
    Column("thread_id", ForeignKey("link_thread.id"), index=True),
    Column("n_members", Integer, nullable=False),
    Column("n_organisations", Integer, nullable=False),
)

link_member = Table(
    "link_member",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("link_cluster.id"), nullable=False, index=True),
    Column("nominal_id", ForeignKey("nominal.id"), nullable=False),
    Column("operation_id", ForeignKey("operation.id"), nullable=False),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("nominal_ref", String(80), nullable=False),
)

link_pair = Table(
    "link_pair",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("cluster_id", ForeignKey("link_cluster.id"), nullable=False, index=True),
    Column("left_nominal_id", ForeignKey("nominal.id"), nullable=False),
    Column("right_nominal_id", ForeignKey("nominal.id"), nullable=False),
    Column("kind", String(20), nullable=False),  # model, confirmed, or an identifier kind
    Column("probability", Float, nullable=False),
    Column("match_weight", Float),
    Column("evidence", Text, nullable=False),  # JSON [[field, level, weight], ...]; no values
)

link_judgement = Table(
    "link_judgement",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("thread_id", ForeignKey("link_thread.id"), nullable=False, index=True),
    Column("judgement", String(12), nullable=False),  # confirmed, dismissed, unsure
    Column("reason", Text, nullable=False),
    Column("judged_by", String(120), nullable=False),
    Column("role", String(30), nullable=False),
    Column("judged_at", DateTime(), nullable=False),  # UTC
    Column("members", Text, nullable=False),  # JSON member keys the judgement was about
)

link_alert = Table(
    "link_alert",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("thread_id", ForeignKey("link_thread.id"), nullable=False, index=True),
    Column("run_id", ForeignKey("link_run.id"), nullable=False),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False, index=True),
    Column("raised_at", DateTime(), nullable=False),  # UTC
    Column("reason", String(60), nullable=False),
    UniqueConstraint("thread_id", "run_id", "organisation_id"),
)
