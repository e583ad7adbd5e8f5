"""review decisions under MoPI: retain (with the next review date) or dispose

Revision ID: 0012_retention
Revises: 0010
Create Date: 2026-12-07

One row per decision on an operation's review (`msops retention review`), append-only; the
latest decision of an operation is the one in force.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_retention"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "retention_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("operation_id", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("review_group", sa.String(length=40), nullable=False),
        sa.Column("next_review", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["operation_id"],
            ["operation.id"],
            name=op.f("fk_retention_decision_operation_id_operation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_decision")),
    )
    with op.batch_alter_table("retention_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_retention_decision_operation_id"), ["operation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("retention_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_decision_operation_id"))
    op.drop_table("retention_decision")
