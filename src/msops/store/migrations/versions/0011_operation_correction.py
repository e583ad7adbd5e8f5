"""the columns an operation month corrects

Revision ID: 0011
Revises: 0009
Create Date: 2026-11-30

An operation's opened date, lead organisation and primary category do not change from month to
month; a return's row may change them only as a correction, naming the columns corrected. The
names are kept with the month (NULL: no correction), so that the return's history and export
show which months corrected what.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("operation_month", sa.Column("correction", sa.String(length=200), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN on both (SQLite since 3.35): a batch copy of the table would
    # have to drop operation_month, which every part of a return refers to.
    op.drop_column("operation_month", "correction")
