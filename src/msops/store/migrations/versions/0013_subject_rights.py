"""data subject's rights: the values a rectification replaced

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-07

`nominal_rectification` keeps, for each field of a nominal corrected at the data subject's
request (DPA 2018 s.46), the value it replaced, why, by whom and when. `nominal_restriction`
marks a nominal whose processing is restricted (s.47(2)), by its references.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nominal_rectification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nominal_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("rectified_by", sa.String(length=120), nullable=False),
        sa.Column("rectified_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["nominal_id"], ["nominal.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_nominal_rectification_nominal_id", "nominal_rectification", ["nominal_id"])
    op.create_table(
        "nominal_restriction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("operation_ref", sa.String(length=80), nullable=False),
        sa.Column("nominal_ref", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("restricted_by", sa.String(length=120), nullable=False),
        sa.Column("restricted_at", sa.DateTime(), nullable=False),
        sa.Column("lifted_by", sa.String(length=120), nullable=True),
        sa.Column("lifted_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisation.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_nominal_restriction_ref",
        "nominal_restriction",
        ["organisation_id", "operation_ref", "nominal_ref"],
    )


def downgrade() -> None:
    op.drop_index("ix_nominal_restriction_ref", table_name="nominal_restriction")
    op.drop_table("nominal_restriction")
    op.drop_index("ix_nominal_rectification_nominal_id", table_name="nominal_rectification")
    op.drop_table("nominal_rectification")
