"""Submitting a folder of returns in one go: each file as its own submission, for its own
organisation (by what the file says it is, or by a mapping of file names), for one month."""

from __future__ import annotations

import glob
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatch
from pathlib import Path

from sqlalchemy import Engine

from msops.domain.errors import DatabaseBusy, DatabaseUnavailable, InvalidInput, MsopsError
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import Organisation, canonical_organisation, find_organisation
from msops.returns.files import XLSX_SUFFIXES, read_return
from msops.returns.raw import FILE_TOO_LARGE, Issue, RawReturn
from msops.returns.submit import Outcome, SubmitResult, file_digest, submit_raw

RETURN_SUFFIXES = (*XLSX_SUFFIXES, ".csv", ".zip")


@dataclass
class BulkItem:
    """One file of a bulk submission: its organisation (None when unknown), and what became
    of it: a `result`, or a `refusal` when it could not be submitted at all."""

    path: Path
    organisation: Organisation | None
    period: Period
    result: SubmitResult | None = None
    refusal: str | None = None
    issues: list[Issue] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.result is None or self.result.outcome == Outcome.REJECTED

    @property
    def name(self) -> str:
        return self.organisation.short_name if self.organisation else "(organisation unknown)"


def return_files(target: str) -> list[Path]:
    """The returns `target` names: a folder's return files (.xlsx, .xlsm, .csv, .zip) and
    sub-folders of CSV files (holding operations.csv), or the files a glob pattern matches."""
    folder = Path(target)
    if folder.is_dir():
        found = [
            p
            for p in folder.iterdir()
            if not p.name.startswith((".", "~$"))
            and (
                (p.is_file() and p.suffix.lower() in RETURN_SUFFIXES)
                or (p.is_dir() and any(c.name.lower() == "operations.csv" for c in p.iterdir()))
            )
        ]
    else:
        found = [Path(p) for p in glob.glob(target)]  # a pattern, as the shell would expand
    return sorted(found, key=lambda p: p.name)


def parse_mapping(pairs: list[str]) -> dict[str, Organisation]:
    """'PATTERN=ORG' pairs (PATTERN a file name or a glob such as 'durham*') -> organisation."""
    mapping: dict[str, Organisation] = {}
    for pair in pairs:
        pattern, sep, org = pair.partition("=")
        if not sep or not pattern.strip() or not org.strip():
            raise InvalidInput(f"--map takes FILE=ORGANISATION, e.g. durham.xlsx=Durham ({pair!r})")
        mapping[pattern.strip()] = canonical_organisation(org)
    return mapping


def organisation_of(
    path: Path, raw: RawReturn, mapping: Mapping[str, Organisation]
) -> Organisation | None:
    """The organisation a file is submitted as: the mapping's, else the file's own."""
    for pattern, org in mapping.items():
        if fnmatch(path.name, pattern) or path.name == pattern:
            return org
    for declared in raw.declared:
        named = find_organisation(declared.organisation) if declared.organisation else None
        if named is not None:
            return named
    return None


def submit_many(
    engine: Engine,
    principal: Principal,
    paths: list[Path],
    period: Period,
    mapping: Mapping[str, Organisation],
) -> Iterator[BulkItem]:
    """Submit each file as `submit_file` would, one after another; yields each as it is done.

    A file is refused, and the others still submitted, when it does not say whose return it
    is, when its submitter may not submit it, or when another submission was stored first. A
    database that cannot be used stops the whole run."""
    for path in paths:
        raw = read_return(path)
        org = organisation_of(path, raw, mapping)
        item = BulkItem(path, org, period)
        too_large = [i for i in raw.issues if i.rule == FILE_TOO_LARGE]
        if org is None and too_large:
            item.refusal = too_large[0].message
            yield item
            continue
        if org is None:
            item.refusal = (
                "the file does not say whose return it is (About sheet, README.txt): give it"
                f" with --map {path.name}=ORGANISATION"
            )
            yield item
            continue
        try:
            item.result = submit_raw(
                engine, principal, raw, org.short_name, period, file_digest(path)
            )
            item.issues = item.result.issues
        except DatabaseBusy as err:
            item.refusal = str(err)
        except DatabaseUnavailable:
            raise
        except MsopsError as err:  # not allowed, stored meanwhile, unknown name
            item.refusal = str(err)
        yield item
