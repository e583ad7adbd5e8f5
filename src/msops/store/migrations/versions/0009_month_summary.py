"""monthly totals of the current returns, for the overview's trend

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-28

One row per organisation, month and lead organisation of the current returns: operation months,
live (Live or Reopened), opened in the month, closed. Kept up to date at each submission by
`msops.store.summary_repo`; filled here from the returns already stored, so that an upgraded
database gives the same trend at once. The backfill is written out in SQL (not imported from the
package) so that this migration keeps doing what it did when later code changes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
INSERT INTO month_summary
  (period, organisation_id, lead_org_id, return_version_id, operations, live, opened, closed)
SELECT om.period, o.organisation_id, om.lead_org_id, om.return_version_id,
       count(*),
       count(*) FILTER (WHERE om.status IN ('live', 'reopened')),
       count(*) FILTER (WHERE substr(CAST(om.opened_date AS VARCHAR), 1, 7) = om.period),
       count(*) FILTER (WHERE om.status = 'closed')
FROM operation_month om
JOIN operation o ON o.id = om.operation_id
WHERE om.is_current
GROUP BY om.period, o.organisation_id, om.lead_org_id, om.return_version_id
"""


def upgrade() -> None:
    op.create_table(
        "month_summary",
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("lead_org_id", sa.Integer(), nullable=False),
        sa.Column("return_version_id", sa.Integer(), nullable=False),
        sa.Column("operations", sa.Integer(), nullable=False),
        sa.Column("live", sa.Integer(), nullable=False),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.Column("closed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_month_summary_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_org_id"],
            ["organisation.id"],
            name=op.f("fk_month_summary_lead_org_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["return_version_id"],
            ["return_version.id"],
            name=op.f("fk_month_summary_return_version_id_return_version"),
        ),
        sa.PrimaryKeyConstraint(
            "period", "organisation_id", "lead_org_id", name=op.f("pk_month_summary")
        ),
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_table("month_summary")
