"""Peer reviews of investigations with an HMICFRS-style method: criteria, ratings, findings.

The criteria and the rating scale are data (`data/peer_review_criteria.toml`), versioned: a
review is checked against, and stored with, the version it was made under. The shipped set is
msops's working set, not an official HMICFRS text.

`anonymise` strips organisation, region and operation names from finding texts for the national
summary. It is a text filter, not disclosure control: see `docs/casework.md` for its limits.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from msops.domain.errors import InvalidInput

MAX_REVIEWERS = 12
MAX_FINDINGS = 5000


@dataclass(frozen=True)
class Rating:
    code: str
    label: str
    findings_required: bool


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    question: str


@dataclass(frozen=True)
class CriteriaSet:
    version: str
    status: str
    scale: tuple[Rating, ...]
    criteria: tuple[Criterion, ...]

    @property
    def rating_codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.scale)

    @property
    def criterion_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.criteria)

    def rating(self, code: str) -> Rating:
        return next(r for r in self.scale if r.code == code)

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)


def _load(text: str) -> CriteriaSet:
    raw: dict[str, Any] = tomllib.loads(text)
    return CriteriaSet(
        version=str(raw["version"]),
        status=str(raw.get("status", "")),
        scale=tuple(
            Rating(str(r["code"]), str(r["label"]), bool(r["findings_required"]))
            for r in raw["scale"]
        ),
        criteria=tuple(
            Criterion(str(c["code"]), str(c["title"]), str(c["question"])) for c in raw["criteria"]
        ),
    )


@cache
def criteria_set() -> CriteriaSet:
    """The current criteria and rating scale shipped in the package."""
    data = resources.files("msops.domain.data").joinpath("peer_review_criteria.toml")
    return _load(data.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class CriterionRating:
    criterion: str
    rating: str
    findings: str | None


@dataclass(frozen=True)
class ReviewInput:
    """A peer review as entered, cleaned: reviewers, date and one rating per criterion."""

    reviewed_on: date
    reviewers: tuple[str, ...]
    criteria_version: str
    ratings: tuple[CriterionRating, ...]


def parse_pairs(values: Iterable[str], field: str) -> dict[str, str]:
    """`CRITERION=VALUE` entries (as given with --rate or --finding) as a mapping."""
    out: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        key = key.strip().casefold()
        if not sep or not key:
            raise InvalidInput(f"{field}: {value[:40]!r} is not in the form CRITERION=VALUE")
        if key in out:
            raise InvalidInput(f"{field}: criterion {key!r} is given twice")
        out[key] = rest.strip()
    return out


def clean_reviewers(reviewers: Sequence[str]) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(r.strip() for r in reviewers if r.strip()))
    if not names:
        raise InvalidInput("reviewer: name at least one reviewer")
    if len(names) > MAX_REVIEWERS:
        raise InvalidInput(f"reviewer: at most {MAX_REVIEWERS} reviewers (got {len(names)})")
    for name in names:
        if len(name) > 120:
            raise InvalidInput(f"reviewer: at most 120 characters (got {len(name)})")
    return names


def clean_ratings(
    ratings: Mapping[str, str], findings: Mapping[str, str], criteria: CriteriaSet
) -> tuple[CriterionRating, ...]:
    """One rating per criterion of the set, each from the scale, with findings where the
    rating needs them. Names the criterion and the rule when something is wrong."""
    codes = criteria.criterion_codes
    for field, given in (("rating", ratings), ("findings", findings)):
        unknown = [k for k in given if k not in codes]
        if unknown:
            raise InvalidInput(
                f"{field}: {unknown[0]!r} is not a criterion of {criteria.version};"
                f" criteria: {', '.join(codes)}"
            )
    missing = [c for c in codes if c not in ratings]
    if missing:
        raise InvalidInput(
            f"rating: every criterion is rated (use not_applicable where it does not apply);"
            f" missing: {', '.join(missing)}"
        )
    return tuple(_one(code, ratings[code], findings.get(code), criteria) for code in codes)


def _one(code: str, given: str, text: str | None, criteria: CriteriaSet) -> CriterionRating:
    rating = given.strip().casefold().replace(" ", "_")
    if rating not in criteria.rating_codes:
        raise InvalidInput(
            f"rating: {given!r} for {code} is not on the scale ({', '.join(criteria.rating_codes)})"
        )
    findings = (text or "").strip() or None
    if findings is None and criteria.rating(rating).findings_required:
        raise InvalidInput(f"findings: {code} rated {rating} needs findings that explain why")
    if findings is not None and len(findings) > MAX_FINDINGS:
        raise InvalidInput(
            f"findings: {code}: at most {MAX_FINDINGS} characters (got {len(findings)})"
        )
    return CriterionRating(code, rating, findings)


def review_input(
    reviewed_on: date,
    reviewers: Sequence[str],
    ratings: Mapping[str, str],
    findings: Mapping[str, str],
    criteria: CriteriaSet | None = None,
) -> ReviewInput:
    used = criteria or criteria_set()
    return ReviewInput(
        reviewed_on,
        clean_reviewers(reviewers),
        used.version,
        clean_ratings(ratings, findings, used),
    )


# --- anonymising finding texts -------------------------------------------------------------

FORCE_MARK = "[force]"
REGION_MARK = "[region]"
OPERATION_MARK = "[operation]"
# "Operation Aurora", "Op. Aurora", "Op Aurora-2": named operations in running text.
_NAMED_OPERATION = re.compile(r"\b(?:Operation|Op\.?)\s+[A-Z][\w'-]*", re.UNICODE)


@dataclass(frozen=True)
class Redactions:
    """What to strip from a finding: names of organisations and regions, and of the operation."""

    organisation_names: tuple[str, ...]
    region_names: tuple[str, ...]
    operation_terms: tuple[str, ...]


def _pattern(terms: Iterable[str]) -> re.Pattern[str] | None:
    unique = sorted({t.strip() for t in terms if t.strip()}, key=lambda t: (-len(t), t))
    if not unique:
        return None
    body = "|".join(re.escape(t) for t in unique)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE | re.UNICODE)


def anonymise(text: str, redactions: Redactions) -> str:
    """`text` with the operation's terms, named operations, organisation and region names
    replaced by markers. Longest names first, so "Cleveland Police" is one marker."""
    out = text
    for terms, mark in (
        (redactions.operation_terms, OPERATION_MARK),
        (redactions.organisation_names, FORCE_MARK),
        (redactions.region_names, REGION_MARK),
    ):
        pattern = _pattern(terms)
        if pattern is not None:
            out = pattern.sub(mark, out)
    return _NAMED_OPERATION.sub(OPERATION_MARK, out)
