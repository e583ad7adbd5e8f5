"""Submitting a return: validate the whole file, then store it as one transaction, or nothing."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from msops.domain.errors import NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import Organisation, find_organisation
from msops.domain.return_spec import OPERATIONS
from msops.returns.cells import CellError, cleaner
from msops.returns.files import read_return
from msops.returns.raw import Issue, RawReturn
from msops.returns.validate import validate_return
from msops.store.returns_repo import SubmissionMeta, current_version, prior_states, store_return
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
    engine: Engine, principal: Principal, path: Path, org_name: str, period: Period
) -> SubmitResult:
    """Read, validate and (if clean) store a return file."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else _dir_digest(path)
    return submit_raw(engine, principal, read_return(path), org_name, period, digest)


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
) -> SubmitResult:
    """Validate `raw` against the reference data and earlier months; store it if it is clean."""
    org = require_organisation(org_name)
    require_submit(principal, org.short_name)
    with engine.begin() as conn:
        org_id = organisation_id(conn, org.short_name)
        prior = prior_states(conn, org_id, period, operation_refs(raw))
        checked = validate_return(raw, org, period, prior)
        result = SubmitResult(
            Outcome.REJECTED,
            org,
            period,
            issues=checked.issues,
            n_operations=len(checked.content.operations),
            n_nominals=len(checked.content.nominals),
        )
        if not checked.ok:
            return result
        current = current_version(conn, org_id, period)
        content_sha256 = checked.content.canonical_sha256()
        if current is not None and current.content_sha256 == content_sha256:
            result.outcome, result.version = Outcome.UNCHANGED, int(current.version)
            return result
        meta = SubmissionMeta(raw.source, file_sha256, content_sha256)
        result.version = store_return(
            conn, principal, org.short_name, period, checked.content, meta
        )
        result.outcome = Outcome.ACCEPTED
        return result
