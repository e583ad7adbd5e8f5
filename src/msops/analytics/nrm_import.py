"""`msops nrm import`: read an NRM table, check it against every margin it publishes, store it.

A file whose details do not add up to each of its published totals is refused whole; nothing
is stored. An accepted file is stored as detail rows only, with a record of the import.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from msops.analytics.nrm import TOTAL, NrmFileError, NrmRow, read_nrm_file
from msops.analytics.nrm_margins import CheckedNrmFile, MarginMismatch, check_margins
from msops.domain.principal import Principal
from msops.store.nrm_repo import (
    ImportOutcome,
    NrmDetail,
    NrmImportMeta,
    NrmImportRecord,
    store_nrm_import,
)


class NrmMarginError(NrmFileError):
    """The detail rows of an NRM table do not add up to some of its published totals."""

    def __init__(self, source_name: str, mismatches: tuple[MarginMismatch, ...]) -> None:
        super().__init__(
            f"{source_name}: {len(mismatches)} published totals do not equal the sum of their"
            " detail rows; nothing was stored",
            tuple(m.describe() for m in mismatches),
        )
        self.mismatches = mismatches


@dataclass(frozen=True)
class NrmImportResult:
    outcome: ImportOutcome
    checked: CheckedNrmFile
    record: NrmImportRecord

    def summary(self) -> str:
        r = self.record
        if self.outcome is ImportOutcome.UNCHANGED:
            return (
                f"unchanged: {r.source_name} is already the current `{r.publication_table}` table"
                f" (import {r.id}, {r.imported_at:%Y-%m-%d %H:%M}); nothing stored"
            )
        return (
            f"accepted: `{r.publication_table}` table {r.first_quarter}-{r.last_quarter},"
            f" {r.n_rows:,} rows: {r.n_detail_rows:,} detail rows stored ({r.people:,} people),"
            f" {r.n_margin_rows:,} published totals checked and all equal to their details"
            f" (import {r.id})"
        )


def check_nrm_file(path: Path) -> CheckedNrmFile:
    """The file read and checked; NrmFileError (or NrmMarginError) when it is refused."""
    checked = check_margins(read_nrm_file(path))
    if not checked.ok:
        raise NrmMarginError(checked.file.source_name, checked.mismatches)
    return checked


def import_nrm_file(engine: Engine, principal: Principal, path: Path) -> NrmImportResult:
    checked = check_nrm_file(path)
    file = checked.file
    quarters = file.quarters
    meta = NrmImportMeta(
        publication_table=file.publication_table,
        source_name=file.source_name,
        file_sha256=file.sha256,
        first_quarter=quarters[0],
        last_quarter=quarters[-1],
        n_rows=len(file.rows),
        n_margin_rows=len(checked.margins),
    )
    details = [_detail(r, checked.broken_down[r.responder_type]) for r in checked.details]
    outcome, stored = store_nrm_import(engine, principal, meta, details)
    return NrmImportResult(outcome, checked, stored)


def _detail(row: NrmRow, broken_down: tuple[str, ...]) -> NrmDetail:
    def value(dim: str, text: str) -> str | None:
        return text if dim in broken_down and text != TOTAL else None

    return NrmDetail(
        year=row.year,
        quarter=row.quarter,
        responder_type=row.responder_type,
        responder=value("responder", row.responder),
        exploitation=value("exploitation", row.exploitation),
        age=value("age", row.age),
        gender=value("gender", row.gender),
        nationality=value("nationality", row.nationality),
        people=row.people,
    )
