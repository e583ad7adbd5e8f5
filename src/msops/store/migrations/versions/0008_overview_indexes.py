"""index operation months for the overview's figures over every month

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-28

Two covering indexes (every column the query reads is in the index, so the wide rows of
operation_month are not read): the trend of live, opened and closed operations month by month,
and "held to date", one probe per operation for a current police-led month up to the period.
They lead with the columns of the two indexes they replace ((period, is_current) from 0001 and
(operation_id, period) from 0006), so those are dropped: every index costs each submission.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TREND = ["is_current", "period", "status", "lead_org_id", "opened_date", "operation_id"]
HELD = ["operation_id", "is_current", "period", "lead_org_id"]


def upgrade() -> None:
    op.create_index("ix_operation_month_trend", "operation_month", TREND)
    op.create_index("ix_operation_month_held", "operation_month", HELD)
    op.drop_index("ix_operation_month_period_current", table_name="operation_month")
    op.drop_index("ix_operation_month_operation_period", table_name="operation_month")


def downgrade() -> None:
    op.create_index(
        "ix_operation_month_operation_period", "operation_month", ["operation_id", "period"]
    )
    op.create_index(
        "ix_operation_month_period_current", "operation_month", ["period", "is_current"]
    )
    op.drop_index("ix_operation_month_held", table_name="operation_month")
    op.drop_index("ix_operation_month_trend", table_name="operation_month")
