"""NRM statistics: checked imports of the Home Office tables and their detail rows

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "nrm_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("publication_table", sa.String(length=10), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("source_name", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("imported_by", sa.String(length=120), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_quarter", sa.String(length=6), nullable=False),
        sa.Column("last_quarter", sa.String(length=6), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("n_detail_rows", sa.Integer(), nullable=False),
        sa.Column("n_margin_rows", sa.Integer(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nrm_import")),
    )
    with op.batch_alter_table("nrm_import", schema=None) as batch_op:
        batch_op.create_index(
            "ix_nrm_import_publication_table_current",
            ["publication_table", "is_current"],
            unique=False,
        )

    op.create_table(
        "nrm_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("quarter", sa.Integer(), nullable=False),
        sa.Column("responder_type", sa.String(length=60), nullable=False),
        sa.Column("responder", sa.String(length=120), nullable=True),
        sa.Column("exploitation", sa.String(length=120), nullable=True),
        sa.Column("age", sa.String(length=60), nullable=True),
        sa.Column("gender", sa.String(length=30), nullable=True),
        sa.Column("nationality", sa.String(length=120), nullable=True),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["nrm_import.id"],
            name=op.f("fk_nrm_referral_import_id_nrm_import"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nrm_referral")),
    )
    with op.batch_alter_table("nrm_referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nrm_referral_import_id"), ["import_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("nrm_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nrm_referral_import_id"))

    op.drop_table("nrm_referral")
    with op.batch_alter_table("nrm_import", schema=None) as batch_op:
        batch_op.drop_index("ix_nrm_import_publication_table_current")

    op.drop_table("nrm_import")
