"""The organisations and their monthly returns: versions, operations, their months and nominals."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from msops.domain.return_spec import OPERATIONS
from msops.store.schema.base import metadata

organisation = Table(
    "organisation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("short_name", String(80), nullable=False, unique=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("kind", String(30), nullable=False),
    Column("region", String(40)),
    Column("ons_code", String(12)),
)

return_version = Table(
    "return_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False),
    Column("period", String(7), nullable=False),
    Column("version", Integer, nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("submitted_by", String(120), nullable=False),
    Column("submitted_at", DateTime(timezone=True), nullable=False),
    Column("source_name", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("content_sha256", String(64), nullable=False),
    Column("n_operations", Integer, nullable=False),
    Column("n_nominals", Integer, nullable=False),
    UniqueConstraint("organisation_id", "period", "version"),
    Index("ix_return_version_period_current", "period", "is_current"),
)

operation = Table(
    "operation",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("organisation_id", ForeignKey("organisation.id"), nullable=False),
    Column("ref", String(80), nullable=False),
    UniqueConstraint("organisation_id", "ref"),
)

_TEXT_COLUMNS = {
    "operation_name": 200,
    "status": 20,
    "primary_category": 40,
    "primary_type": 40,
    "ocg_involved": 10,
    "international_dimension": 10,
    "jit": 10,
    "disruption_outcome": 40,
    "correction": 200,
}


def _operation_month_columns() -> list[Column[object]]:
    cols: list[Column[object]] = []
    for spec_col in OPERATIONS.columns:
        name = spec_col.name
        if name in ("operation_ref", "lead_org"):
            continue
        if spec_col.kind == "int":
            cols.append(Column(name, Integer, nullable=False, default=0))
        elif spec_col.kind == "date":
            cols.append(Column(name, Date, nullable=not spec_col.required))
        else:
            cols.append(Column(name, String(_TEXT_COLUMNS[name]), nullable=not spec_col.required))
    return cols


operation_month = Table(
    "operation_month",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("return_version_id", ForeignKey("return_version.id"), nullable=False, index=True),
    Column("operation_id", ForeignKey("operation.id"), nullable=False, index=True),
    Column("period", String(7), nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("lead_org_id", ForeignKey("organisation.id"), nullable=False),
    *_operation_month_columns(),
    # Covering indexes: the overview's trend reads every month through the first; the
    # month-to-month rules (latest earlier month of each listed operation) and "held to date"
    # probe the second.
    Index(
        "ix_operation_month_trend",
        "is_current",
        "period",
        "status",
        "lead_org_id",
        "opened_date",
        "operation_id",
    ),
    Index("ix_operation_month_held", "operation_id", "is_current", "period", "lead_org_id"),
)

operation_detail = Table(
    "operation_detail",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("operation_month_id", ForeignKey("operation_month.id"), nullable=False, index=True),
    Column("detail", String(40), nullable=False),
    Column("value", String(200), nullable=False),
)

operation_nationality = Table(
    "operation_nationality",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("operation_month_id", ForeignKey("operation_month.id"), nullable=False, index=True),
    Column("grp", String(10), nullable=False),
    Column("nationality", String(80), nullable=False),
    Column("count", Integer, nullable=False),
)

nominal = Table(
    "nominal",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("operation_month_id", ForeignKey("operation_month.id"), nullable=False, index=True),
    Column("nominal_ref", String(80), nullable=False),
    Column("role", String(10), nullable=False),
    Column("given_name", String(200)),
    Column("family_name", String(200)),
    Column("aliases", Text),
    Column("date_of_birth", Date),
    Column("estimated_age", Integer),
    Column("gender", String(10)),
    Column("nationality", String(80)),
)

identifier = Table(
    "identifier",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("nominal_id", ForeignKey("nominal.id"), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("value", String(200), nullable=False),
    Column("value_norm", String(200), nullable=False, index=True),
)
