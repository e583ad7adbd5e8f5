"""linkage: link runs, clusters with members and evidence, threads, judgements and alerts

Revision ID: 0003
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, column: str, referred: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{referred}.id"], name=op.f(f"fk_{table}_{column}_{referred}")
    )


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _index(table: str, column: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{table}_{column}"), [column], unique=False)


def upgrade() -> None:
    op.create_table(
        "link_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=False),
        sa.Column("run_by", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("parameters", sa.Text(), nullable=False),
        sa.Column("n_records", sa.Integer(), nullable=False),
        sa.Column("n_model_links", sa.Integer(), nullable=False),
        sa.Column("n_exact_links", sa.Integer(), nullable=False),
        sa.Column("n_clusters", sa.Integer(), nullable=False),
        sa.Column("n_threads", sa.Integer(), nullable=False),
        sa.Column("n_new_threads", sa.Integer(), nullable=False),
        sa.Column("n_alerts", sa.Integer(), nullable=False),
        _pk("link_run"),
    )
    op.create_table(
        "link_thread",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("first_run_id", sa.Integer(), nullable=False),
        sa.Column("last_run_id", sa.Integer(), nullable=False),
        sa.Column("n_members", sa.Integer(), nullable=False),
        sa.Column("n_organisations", sa.Integer(), nullable=False),
        _fk("link_thread", "first_run_id", "link_run"),
        _fk("link_thread", "last_run_id", "link_run"),
        _pk("link_thread"),
        sa.UniqueConstraint("key", name=op.f("uq_link_thread_key")),
    )
    op.create_table(
        "link_cluster",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=True),
        sa.Column("n_members", sa.Integer(), nullable=False),
        sa.Column("n_organisations", sa.Integer(), nullable=False),
        _fk("link_cluster", "run_id", "link_run"),
        _fk("link_cluster", "thread_id", "link_thread"),
        _pk("link_cluster"),
    )
    _index("link_cluster", "run_id")
    _index("link_cluster", "thread_id")
    op.create_table(
        "link_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("nominal_id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("nominal_ref", sa.String(length=80), nullable=False),
        _fk("link_member", "cluster_id", "link_cluster"),
        _fk("link_member", "nominal_id", "nominal"),
        _fk("link_member", "operation_id", "operation"),
        _fk("link_member", "organisation_id", "organisation"),
        _pk("link_member"),
    )
    _index("link_member", "cluster_id")
    _index("link_member", "organisation_id")
    op.create_table(
        "link_pair",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("cluster_id", sa.Integer(), nullable=False),
        sa.Column("left_nominal_id", sa.Integer(), nullable=False),
        sa.Column("right_nominal_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        _fk("link_pair", "cluster_id", "link_cluster"),
        _fk("link_pair", "left_nominal_id", "nominal"),
        _fk("link_pair", "right_nominal_id", "nominal"),
        _pk("link_pair"),
    )
    _index("link_pair", "cluster_id")
    op.create_table(
        "link_judgement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("judgement", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("judged_by", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("judged_at", sa.DateTime(), nullable=False),
        sa.Column("members", sa.Text(), nullable=False),
        _fk("link_judgement", "thread_id", "link_thread"),
        _pk("link_judgement"),
    )
    _index("link_judgement", "thread_id")
    op.create_table(
        "link_alert",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("thread_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("raised_at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.String(length=60), nullable=False),
        _fk("link_alert", "thread_id", "link_thread"),
        _fk("link_alert", "run_id", "link_run"),
        _fk("link_alert", "organisation_id", "organisation"),
        _pk("link_alert"),
        sa.UniqueConstraint(
            "thread_id",
            "run_id",
            "organisation_id",
            name=op.f("uq_link_alert_thread_id_run_id_organisation_id"),
        ),
    )
    _index("link_alert", "thread_id")
    _index("link_alert", "organisation_id")


def downgrade() -> None:
    for table in (
        "link_alert",
        "link_judgement",
        "link_pair",
        "link_member",
        "link_cluster",
        "link_thread",
        "link_run",
    ):
        op.drop_table(table)
