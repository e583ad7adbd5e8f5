"""casework registers: orders, NRM referrals and duty to notify, Europol, debriefs and lessons

Revision ID: 0005
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "casework_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=30), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=30), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_change")),
        sa.UniqueConstraint(
            "register",
            "record_id",
            "version",
            name=op.f("uq_casework_change_register_record_id_version"),
        ),
    )

    op.create_table(
        "casework_setting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_setting")),
        sa.UniqueConstraint("name", name=op.f("uq_casework_setting_name")),
    )

    op.create_table(
        "casework_debrief",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("operation_ref", sa.String(length=80), nullable=False),
        sa.Column("method", sa.String(length=40), nullable=False),
        sa.Column("debriefed_on", sa.Date(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_casework_debrief_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_debrief")),
    )

    with op.batch_alter_table("casework_debrief", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_debrief_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "casework_duty_to_notify",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("operation_ref", sa.String(length=80), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("nationality", sa.String(length=80), nullable=False),
        sa.Column("exploitation", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_casework_duty_to_notify_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_duty_to_notify")),
    )

    with op.batch_alter_table("casework_duty_to_notify", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_duty_to_notify_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "casework_europol_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("operation_ref", sa.String(length=80), nullable=True),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_casework_europol_event_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_europol_event")),
    )

    with op.batch_alter_table("casework_europol_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_europol_event_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "casework_nrm_referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("referral_ref", sa.String(length=80), nullable=False),
        sa.Column("operation_ref", sa.String(length=80), nullable=True),
        sa.Column("first_responder", sa.String(length=60), nullable=False),
        sa.Column("referred_at", sa.DateTime(), nullable=False),
        sa.Column("age_group", sa.String(length=10), nullable=False),
        sa.Column("gender", sa.String(length=10), nullable=False),
        sa.Column("nationality", sa.String(length=80), nullable=False),
        sa.Column("exploitation", sa.String(length=40), nullable=False),
        sa.Column("rg_decided_on", sa.Date(), nullable=True),
        sa.Column("rg_outcome", sa.String(length=10), nullable=True),
        sa.Column("cg_decided_on", sa.Date(), nullable=True),
        sa.Column("cg_outcome", sa.String(length=10), nullable=True),
        sa.Column("crime_ref", sa.String(length=80), nullable=True),
        sa.Column("crime_recorded_at", sa.DateTime(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_casework_nrm_referral_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_nrm_referral")),
        sa.UniqueConstraint(
            "organisation_id",
            "referral_ref",
            name=op.f("uq_casework_nrm_referral_organisation_id_referral_ref"),
        ),
    )

    with op.batch_alter_table("casework_nrm_referral", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_nrm_referral_organisation_id"),
            ["organisation_id"],
            unique=False,
        )

    op.create_table(
        "casework_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("operation_ref", sa.String(length=80), nullable=False),
        sa.Column("nominal_ref", sa.String(length=80), nullable=False),
        sa.Column("order_type", sa.String(length=4), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("until_further_order", sa.Boolean(), nullable=False),
        sa.Column("prohibitions", sa.Text(), nullable=False),
        sa.Column("travel_countries", sa.Text(), nullable=False),
        sa.Column("travel_ban_ends", sa.Date(), nullable=True),
        sa.Column("notification_requirements", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_casework_order_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_order")),
    )

    with op.batch_alter_table("casework_order", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_order_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "casework_lesson",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("debrief_id", sa.Integer(), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("themes", sa.Text(), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column(
            "search", sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"), nullable=True
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["debrief_id"],
            ["casework_debrief.id"],
            name=op.f("fk_casework_lesson_debrief_id_casework_debrief"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_casework_lesson_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_lesson")),
    )

    with op.batch_alter_table("casework_lesson", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_lesson_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index(
            "ix_casework_lesson_search", ["search"], unique=False, postgresql_using="gin"
        )

    op.create_table(
        "casework_order_breach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("breach_on", sa.Date(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("outcome_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["casework_order.id"],
            name=op.f("fk_casework_order_breach_order_id_casework_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_order_breach")),
    )

    with op.batch_alter_table("casework_order_breach", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_order_breach_order_id"), ["order_id"], unique=False
        )

    op.create_table(
        "casework_order_variation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("varied_on", sa.Date(), nullable=False),
        sa.Column("court", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["casework_order.id"],
            name=op.f("fk_casework_order_variation_order_id_casework_order"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_casework_order_variation")),
    )

    with op.batch_alter_table("casework_order_variation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_casework_order_variation_order_id"), ["order_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("casework_order_variation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_order_variation_order_id"))

    op.drop_table("casework_order_variation")

    with op.batch_alter_table("casework_order_breach", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_order_breach_order_id"))

    op.drop_table("casework_order_breach")

    with op.batch_alter_table("casework_lesson", schema=None) as batch_op:
        batch_op.drop_index("ix_casework_lesson_search", postgresql_using="gin")
        batch_op.drop_index(batch_op.f("ix_casework_lesson_organisation_id"))

    op.drop_table("casework_lesson")

    with op.batch_alter_table("casework_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_order_organisation_id"))

    op.drop_table("casework_order")

    with op.batch_alter_table("casework_nrm_referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_nrm_referral_organisation_id"))

    op.drop_table("casework_nrm_referral")

    with op.batch_alter_table("casework_europol_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_europol_event_organisation_id"))

    op.drop_table("casework_europol_event")

    with op.batch_alter_table("casework_duty_to_notify", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_duty_to_notify_organisation_id"))

    op.drop_table("casework_duty_to_notify")

    with op.batch_alter_table("casework_debrief", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_casework_debrief_organisation_id"))

    op.drop_table("casework_debrief")

    op.drop_table("casework_setting")

    op.drop_table("casework_change")
