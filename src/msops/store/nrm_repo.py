"""Storing checked NRM statistics tables and reading their detail rows back.

One publication table (`police`, `govt`, `la`, `ngo`, `all`) has at most one current import; a new
file for the same table supersedes the previous one (kept, no longer current), an identical file
changes nothing. Readers name the table they read, so the `all` table never adds to the others.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import Connection, Engine, func, insert, select, update

from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.nrm import nrm_import, nrm_referral


class ImportOutcome(StrEnum):
    ACCEPTED = "accepted"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class NrmDetail:
    year: int
    quarter: int
    responder_type: str
    responder: str | None  # None: the table does not break this dimension down
    exploitation: str | None
    age: str | None
    gender: str | None
    nationality: str | None
    people: int


@dataclass(frozen=True)
class NrmImportMeta:
    publication_table: str
    source_name: str
    file_sha256: str
    first_quarter: str
    last_quarter: str
    n_rows: int
    n_margin_rows: int


@dataclass(frozen=True)
class NrmImportRecord:
    id: int
    publication_table: str
    source_name: str
    file_sha256: str
    imported_by: str
    imported_at: datetime
    first_quarter: str
    last_quarter: str
    n_rows: int
    n_detail_rows: int
    n_margin_rows: int
    people: int


@dataclass(frozen=True)
class NrmCount:
    year: int
    quarter: int
    responder_type: str
    exploitation: str | None
    age: str | None
    nationality: str | None
    people: int


def _require_importer(principal: Principal) -> None:
    if not principal.sees_everything:
        raise AccessDenied(f"{principal.describe()} may not import national statistics")


def store_nrm_import(
    engine: Engine, principal: Principal, meta: NrmImportMeta, details: Sequence[NrmDetail]
) -> tuple[ImportOutcome, NrmImportRecord]:
    """Store a checked table as the current import of its publication table, in one transaction."""
    _require_importer(principal)
    with engine.begin() as conn:
        current = current_import(conn, meta.publication_table)
        if current is not None and current.file_sha256 == meta.file_sha256:
            return ImportOutcome.UNCHANGED, current
        conn.execute(
            update(nrm_import)
            .where(nrm_import.c.publication_table == meta.publication_table)
            .values(is_current=False)
        )
        import_id = _insert_import(conn, principal, meta, details)
        if details:
            conn.execute(
                insert(nrm_referral), [{"import_id": import_id, **d.__dict__} for d in details]
            )
        stored = _record(conn, import_id)
        record(
            conn,
            principal,
            AuditEntry(
                Action.COLLECTION,
                "nrm_statistics",
                f"{meta.publication_table}/{meta.source_name}",
                purpose="NRM statistics import (Home Office, OGL v3)",
                detail=(
                    f"import {import_id}: {meta.n_rows} rows, {len(details)} detail rows stored,"
                    f" {meta.n_margin_rows} margins checked, sha256 {meta.file_sha256}"
                ),
            ),
        )
        return ImportOutcome.ACCEPTED, stored


def _insert_import(
    conn: Connection, principal: Principal, meta: NrmImportMeta, details: Sequence[NrmDetail]
) -> int:
    values = {
        **meta.__dict__,
        "is_current": True,
        "imported_by": principal.name,
        "imported_at": datetime.now(UTC),
        "n_detail_rows": len(details),
        "people": sum(d.people for d in details),
    }
    result = conn.execute(insert(nrm_import).values(values).returning(nrm_import.c.id))
    return int(result.scalar_one())


def _record(conn: Connection, import_id: int) -> NrmImportRecord:
    row = conn.execute(select(nrm_import).where(nrm_import.c.id == import_id)).mappings().one()
    return _to_record(dict(row))


def _to_record(row: dict[str, object]) -> NrmImportRecord:
    row.pop("is_current", None)
    return NrmImportRecord(**row)  # type: ignore[arg-type]


def current_import(conn: Connection, publication_table: str) -> NrmImportRecord | None:
    row = (
        conn.execute(
            select(nrm_import).where(
                nrm_import.c.publication_table == publication_table, nrm_import.c.is_current
            )
        )
        .mappings()
        .first()
    )
    return None if row is None else _to_record(dict(row))


def current_imports(conn: Connection) -> list[NrmImportRecord]:
    rows = (
        conn.execute(
            select(nrm_import)
            .where(nrm_import.c.is_current)
            .order_by(nrm_import.c.publication_table)
        )
        .mappings()
        .all()
    )
    return [_to_record(dict(r)) for r in rows]


def referral_counts(
    conn: Connection,
    publication_table: str,
    quarters: Sequence[tuple[int, int]],
    responder_type: str | None = None,
) -> list[NrmCount]:
    """People in the current import of a table for the given quarters, by quarter, responder
    type, exploitation, age and nationality (summed over responders and gender)."""
    r = nrm_referral
    group = (r.c.year, r.c.quarter, r.c.responder_type, r.c.exploitation, r.c.age, r.c.nationality)
    query = (
        select(*group, func.sum(r.c.people).label("people"))
        .join(nrm_import, nrm_import.c.id == r.c.import_id)
        .where(nrm_import.c.publication_table == publication_table, nrm_import.c.is_current)
        .group_by(*group)
        .order_by(*group)
    )
    if responder_type is not None:
        query = query.where(r.c.responder_type == responder_type)
    wanted = set(quarters)
    return [
        NrmCount(
            row.year,
            row.quarter,
            row.responder_type,
            row.exploitation,
            row.age,
            row.nationality,
            int(row.people),
        )
        for row in conn.execute(query)
        if (row.year, row.quarter) in wanted
    ]
