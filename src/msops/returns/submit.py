"""Submitting a return: validate the whole file, then store it as one transaction, or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from msops.domain.errors import Conflict, NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import Organisation, find_organisation
from msops.domain.return_spec import OPERATIONS
from msops.returns.cells import CellError, cleaner
from msops.returns.files import read_return
from msops.returns.raw import Issue, RawReturn, RawTable
from msops.returns.validate import Validation, validate_return
from msops.store.earlier_repo import earlier, held_mark
from msops.store.returns_repo import SubmissionMeta, current_version, locked_return, store_return
from msops.store.scope import organisation_id, require_submit


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    UNCHANGED = "unchanged"
    REJECTED = "rejected"


@dataclass
class SubmitResult:
    outcome: Outcome
    organisation: Organisation
    period: Period
    version: int | None = None
    issues: list[Issue] = field(default_factory=list)
    n_operations: int = 0
    n_nominals: int = 0

    def summary(self) -> str:
        where = f"{self.organisation.name}, {self.period}"
        if self.outcome == Outcome.ACCEPTED:
            return (
                f"accepted, version {self.version} ({where}: {self.n_operations} operations,"
                f" {self.n_nominals} nominals)"
            )
        if self.outcome == Outcome.UNCHANGED:
            return f"unchanged: identical to the current version {self.version} ({where})"
        return f"rejected: {len(self.issues)} problems; nothing was stored ({where})"


def require_organisation(name: str) -> Organisation:
    org = find_organisation(name)
    if org is None:
        raise NotFound(f"no organisation is called {name!r}; `msops orgs` lists them")
    return org


def submit_file(
    engine: Engine,
    principal: Principal,
    path: Path,
    org_name: str,
    period: Period,
    *,
    nil: bool = False,
) -> SubmitResult:
    """Read, validate and (if clean) store a return file; `nil`: declared a nil return."""
    return submit_raw(
        engine, principal, read_return(path), org_name, period, file_digest(path), nil=nil
    )


def submit_nil(engine: Engine, principal: Principal, org_name: str, period: Period) -> SubmitResult:
    """Store a nil return (nothing to report for the month) without a file."""
    raw = RawReturn(source="nil return")
    raw.tables[OPERATIONS.name] = RawTable(OPERATIONS.name, OPERATIONS.sheet)
    digest = hashlib.sha256(b"").hexdigest()
    return submit_raw(engine, principal, raw, org_name, period, digest, nil=True)


def file_digest(path: Path) -> str:
    """The SHA-256 of a return file, or of a folder's CSV files (names and contents)."""
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else _dir_digest(path)


def _dir_digest(folder: Path) -> str:
    sha = hashlib.sha256()
    for part in sorted(folder.glob("*.csv")):
        sha.update(part.name.encode())
        sha.update(part.read_bytes())
    return sha.hexdigest()


def operation_refs(raw: RawReturn) -> list[str]:
    """The operation references a return lists, cleaned as validation will clean them."""
    table = raw.tables.get("operations")
    if table is None:
        return []
    clean = cleaner(OPERATIONS.column("operation_ref"))
    refs: set[str] = set()
    for row in table.rows:
        try:
            ref = clean(row.cells.get("operation_ref"))
        except CellError:
            continue  # validation reports it
        if isinstance(ref, str):
            refs.add(ref)
    return sorted(refs)


def submit_raw(
    engine: Engine,
    principal: Principal,
    raw: RawReturn,
    org_name: str,
    period: Period,
    file_sha256: str,
    *,
    nil: bool = False,
) -> SubmitResult:
    """Validate `raw` against the reference data and earlier months; store it if it is clean.

    `nil`: the submitter declares a nil return (nothing to report), as the file itself may.
    Validation runs outside any write transaction. The store then waits for any other
    submission of the same return (`locked_return`), and stores the next version only if the
    return is still as it was when this one was validated: if another version was stored in the
    meantime, this one is refused with `Conflict` (unless it is identical, which is unchanged);
    if an earlier month (or anything else validation read) changed, the return is validated
    again against it.
    """
    org = require_organisation(org_name)
    require_submit(principal, org.short_name)
    refs = operation_refs(raw)
    with engine.connect() as conn:
        org_id = organisation_id(conn, org.short_name)
        seen = current_version(conn, org_id, period)
        mark = held_mark(conn)  # first: a version stored after it makes the mark differ
        before = earlier(conn, org_id, period, refs)
    checked = validate_return(raw, org, period, earlier=before, nil=nil)
    result = _result(org, period, checked)
    if not checked.ok:
        return result
    content_sha256 = checked.content.canonical_sha256()
    with locked_return(engine, org_id, period) as conn:
        current = current_version(conn, org_id, period)
        if current is not None and current.content_sha256 == content_sha256:
            result.outcome, result.version = Outcome.UNCHANGED, int(current.version)
            return result
        if _version(current) != _version(seen):
            raise Conflict(
                f"another submission of this return ({org.name}, {period}) was stored first"
                f" (version {_version(current)}): check it and submit again"
            )
        latest = before if held_mark(conn) == mark else earlier(conn, org_id, period, refs)
        if latest != before:  # an earlier month was re-submitted meanwhile
            checked = validate_return(raw, org, period, earlier=latest, nil=nil)
            result = _result(org, period, checked)
            if not checked.ok:
                return result
        meta = SubmissionMeta(raw.source, file_sha256, content_sha256)
        result.version = store_return(
            conn, principal, org.short_name, period, checked.content, meta
        )
        result.outcome = Outcome.ACCEPTED
        return result


def _result(org: Organisation, period: Period, checked: Validation) -> SubmitResult:
    return SubmitResult(
        Outcome.ACCEPTED if checked.ok else Outcome.REJECTED,
        org,
        period,
        issues=checked.issues,
        n_operations=len(checked.content.operations),
        n_nominals=len(checked.content.nominals),
    )


def _version(row: Any) -> int | None:
    return None if row is None else int(row.version)
