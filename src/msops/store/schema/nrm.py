"""Tables of the NRM statistics: each checked import of a Home Office table, and its detail rows.

A publication table is one responder scope of the Home Office release (`police`, `govt`, `la`,
`ngo`, or `all`). Each import of a table is kept; only the current one is read, so the `all`
table and the per-responder tables never mix in one query (the `all` file repeats the others).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String, Table

from msops.store.schema.base import metadata

nrm_import = Table(
    "nrm_import",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("publication_table", String(10), nullable=False),
    Column("is_current", Boolean, nullable=False),
    Column("source_name", String(255), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("imported_by", String(120), nullable=False),
    Column("imported_at", DateTime(timezone=True), nullable=False),
    Column("first_quarter", String(6), nullable=False),  # e.g. 2022Q2
    Column("last_quarter", String(6), nullable=False),
    Column("n_rows", Integer, nullable=False),
    Column("n_detail_rows", Integer, nullable=False),
    Column("n_margin_rows", Integer, nullable=False),
    Column("people", Integer, nullable=False),  # sum of the detail rows
    Index("ix_nrm_import_publication_table_current", "publication_table", "is_current"),
)

# Labels are stored as the Home Office publishes them; a NULL dimension means the table does not
# break that dimension down for this responder type (the `all` table gives police referrals by
# nationality only).
nrm_referral = Table(
    "nrm_referral",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", ForeignKey("nrm_import.id"), nullable=False, index=True),
    Column("year", Integer, nullable=False),
    Column("quarter", Integer, nullable=False),
    Column("responder_type", String(60), nullable=False),
    Column("responder", String(120)),
    Column("exploitation", String(120)),
    Column("age", String(60)),
    Column("gender", String(30)),
    Column("nationality", String(120)),
    Column("people", Integer, nullable=False),
)
