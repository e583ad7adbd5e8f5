"""audit trail: a gapless sequence number, and a keyed MAC on each entry

Revision ID: 0010
Revises: 0001
Create Date: 2026-12-02

`seq` numbers the entries 1, 2, 3 … in the order they were appended, assigned under the append
lock, so that a missing, inserted or reordered entry shows as a gap or a repeat; the entries
already stored are numbered in the order of their ids. `key_id` and `mac` hold the HMAC-SHA256
made with a key kept outside the database; entries already stored have neither and verify by
their plain hash as unkeyed legacy entries.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NUMBER_BY_ID = """
UPDATE audit_event SET seq = numbered.n
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_event) AS numbered
WHERE numbered.id = audit_event.id
"""


def upgrade() -> None:
    op.add_column("audit_event", sa.Column("seq", sa.Integer(), nullable=True))
    op.add_column("audit_event", sa.Column("key_id", sa.String(length=16), nullable=True))
    op.add_column("audit_event", sa.Column("mac", sa.String(length=64), nullable=True))
    op.execute(NUMBER_BY_ID)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.alter_column("seq", existing_type=sa.Integer(), nullable=False)
        batch_op.create_index("ix_audit_event_seq", ["seq"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_seq")
        batch_op.drop_column("mac")
        batch_op.drop_column("key_id")
        batch_op.drop_column("seq")
