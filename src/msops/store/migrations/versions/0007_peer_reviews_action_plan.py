"""Casework: peer reviews of investigations and the action plan's RAG assessments

Revision ID: 0007
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "casework_peer_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("operation_ref", sa.String(length=80), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewers", sa.Text(), nullable=False),
        sa.Column("criteria_version", sa.String(length=30), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_casework_peer_review_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_peer_review")),
    )
    with op.batch_alter_table("casework_peer_review", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_peer_review_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "casework_peer_review_rating",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("criterion", sa.String(length=60), nullable=False),
        sa.Column("rating", sa.String(length=30), nullable=False),
        sa.Column("findings", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["casework_peer_review.id"],
            name=op.f("fk_casework_peer_review_rating_review_id_casework_peer_review"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_peer_review_rating")),
        sa.UniqueConstraint(
            "review_id",
            "criterion",
            name=op.f("uq_casework_peer_review_rating_review_id_criterion"),
        ),
    )
    with op.batch_alter_table("casework_peer_review_rating", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_peer_review_rating_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "casework_plan_assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("plan_version", sa.String(length=30), nullable=False),
        sa.Column("item_id", sa.String(length=20), nullable=False),
        sa.Column("rag", sa.String(length=5), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("assessor", sa.String(length=120), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_casework_plan_assessment_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_plan_assessment")),
    )
    with op.batch_alter_table("casework_plan_assessment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_plan_assessment_organisation_id"),
            ["organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_casework_plan_assessment_item",
            ["plan_version", "item_id", "assessed_on"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("casework_plan_assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_casework_plan_assessment_item")
        batch_op.drop_index(batch_op.f("ix_casework_plan_assessment_organisation_id"))
    op.drop_table("casework_plan_assessment")

    with op.batch_alter_table("casework_peer_review_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_peer_review_rating_review_id"))
    op.drop_table("casework_peer_review_rating")

    with op.batch_alter_table("casework_peer_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_peer_review_organisation_id"))
    op.drop_table("casework_peer_review")
