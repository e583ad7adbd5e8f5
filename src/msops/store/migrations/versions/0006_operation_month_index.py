"""index operation months by operation and period

Revision ID: 0006
Revises: 0001
Create Date: 2026-11-28
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_operation_month_operation_period", "operation_month", ["operation_id", "period"]
    )


def downgrade() -> None:
    op.drop_index("ix_operation_month_operation_period", table_name="operation_month")
