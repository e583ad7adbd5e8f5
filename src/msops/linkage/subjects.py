"""Finding one data subject in everything msops holds, for an access request (DPA 2018 s.45).

Names are compared the way the linkage compares them (`msops.linkage.names`): diacritics
dropped, other scripts transliterated, case, punctuation and order ignored, particles ("Thi",
"van") optional. A record matches when it holds every name token asked for (given names,
family names and aliases together), or, with `sounds_like`, a token with the same Soundex code
for each. A date of birth or an age narrows the match but never drops a record that holds
neither. An identifier (phone, postcode, ...) finds its records whatever their names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from msops.domain.errors import AccessDenied, InvalidInput
from msops.domain.identifiers import CLEANERS, clean_identifier
from msops.domain.principal import Principal
from msops.linkage.names import PARTICLES, clean_name, soundex
from msops.linkage.prepare import decimal_year, estimated_birth_when
from msops.store import subject_repo as repo
from msops.store.audit import Action, AuditEntry, record
from msops.store.subject_repo import THREAD_EXPORT, HeldRecord, NameTriple, NominalPerson
from msops.store.subject_rights import rectification_history

DEFAULT_AGE_TOLERANCE = 2


@dataclass(frozen=True)
class SubjectQuery:
    """What the requester gave to find themselves by; every part optional."""

    given: str | None = None
    family: str | None = None
    full: str | None = None
    dob: date | None = None
    age: int | None = None  # today
    age_tolerance: int = DEFAULT_AGE_TOLERANCE
    identifiers: tuple[tuple[str, str], ...] = ()  # (kind, raw value)
    sounds_like: bool = False

    def criteria(self) -> list[str]:
        """The kinds of criteria given (never their values): for the audit trail."""
        named = [
            ("given name", self.given),
            ("family name", self.family),
            ("full name", self.full),
            ("date of birth", self.dob),
            ("age", self.age),
        ]
        kinds = [label for label, value in named if value is not None]
        kinds += sorted({kind for kind, _ in self.identifiers})
        return kinds


@dataclass
class SubjectFindings:
    records: list[HeldRecord]
    orders: list[dict[str, Any]] = field(default_factory=list)
    disclosures: list[dict[str, Any]] = field(default_factory=list)
    rectifications: list[dict[str, Any]] = field(default_factory=list)

    def disclosures_of(self, held: HeldRecord) -> list[dict[str, Any]]:
        """The disclosures that covered this record: of its operation (or within it) or of the
        return's organisation and month, made while this version was the current one (an
        export after a correction disclosed the correction, not the version it replaced), or
        exports of golden threads made once it was in one."""
        refs = {held.operation, f"{held.organisation}/{held.period}"}
        return [
            d
            for d in self.disclosures
            if (
                (d["object_ref"] in refs or any(d["object_ref"].startswith(r + "/") for r in refs))
                and held.held_at(d["at"])
            )
            or (
                d["object_type"] == THREAD_EXPORT
                and held.threads_since is not None
                and d["at"] >= held.threads_since
            )
        ]


def _tokens(*names: str | None) -> set[str]:
    return {t for n in names if n for t in (clean_name(n) or "").split()}


def _core(tokens: set[str]) -> set[str]:
    return {t for t in tokens if t not in PARTICLES} or tokens


class _NameTest:
    def __init__(self, query: SubjectQuery) -> None:
        self.wanted = _core(_tokens(query.given, query.family, query.full))
        self.codes = {soundex(t) for t in self.wanted}
        self.sounds_like = query.sounds_like

    def __bool__(self) -> bool:
        return bool(self.wanted)

    def matches(self, person: NominalPerson) -> str | None:
        return self.matches_names((person.given_name, person.family_name, person.aliases))

    def matches_names(self, names: NameTriple) -> str | None:
        held = _tokens(*names)
        if self.wanted <= held:
            return "name"
        if self.sounds_like and self.codes <= {soundex(t) for t in held}:
            return "name sounds like"
        return None


def _birth_fits(query: SubjectQuery, person: NominalPerson, today: date) -> bool:
    """Whether the record's date of birth or age does not contradict what was asked."""
    if query.dob is None and query.age is None:
        return True
    if person.date_of_birth is not None:
        born = person.date_of_birth
        if query.dob is not None:
            swapped = (
                query.dob.day <= 12 and date(query.dob.year, query.dob.day, query.dob.month) == born
            )
            return born == query.dob or swapped
        assert query.age is not None
        age_now = decimal_year(today) - decimal_year(born)
        return abs(age_now - query.age) <= query.age_tolerance + 1
    if person.estimated_age is not None:
        year, month = (int(p) for p in person.period.split("-"))
        when = estimated_birth_when(person.estimated_age, date(year, month, 1))
        if when is None:
            return True
        asked = (
            decimal_year(query.dob)
            if query.dob is not None
            else decimal_year(today) - (query.age or 0) - 0.5
        )
        return abs(when - asked) <= query.age_tolerance + 0.5
    return True


def _by_name_and_birth(
    conn: Connection, query: SubjectQuery, names: _NameTest, today: date
) -> dict[int, str]:
    """The nominals whose names (if asked) and birth fit: nominal id -> how it matched. Names
    are tested once per distinct spelling; only the rows holding a match are then read."""
    matched: dict[int, str] = {}
    if names:
        spellings = {n: how for n in repo.name_triples(conn) if (how := names.matches_names(n))}
        for person in repo.people(conn, spellings):
            if _birth_fits(query, person, today):
                name = (person.given_name, person.family_name, person.aliases)
                matched[person.nominal_id] = spellings[name]
        return matched
    for person in repo.people(conn):  # a date of birth alone finds only records that hold one
        if person.date_of_birth is not None and _birth_fits(query, person, today):
            matched[person.nominal_id] = "date of birth"
    return matched


def normalised_identifiers(raw: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """Identifiers as msops stores them (`value_norm`); messages never repeat a value."""
    cleaned = []
    for kind, value in raw:
        if kind not in CLEANERS:
            raise InvalidInput(f"identifier kind must be one of: {', '.join(CLEANERS)}")
        try:
            cleaned.append((kind, clean_identifier(kind, value)))
        except ValueError as err:
            raise InvalidInput(f"the {kind} given {err}") from None
    return cleaned


def find_subject(
    conn: Connection,
    principal: Principal,
    query: SubjectQuery,
    purpose: str,
    today: date | None = None,
) -> SubjectFindings:
    """Every record held on the subject, with its orders and disclosures; the search is
    recorded as a CONSULTATION with its purpose and the kinds of criteria (never their values)."""
    if not principal.may_see_personal_data:
        raise AccessDenied(f"{principal.describe()} may not see personal data")
    if not purpose.strip():
        raise InvalidInput("say why you search for a data subject (--purpose, e.g. SAR 2026/123)")
    names = _NameTest(query)
    identifiers = normalised_identifiers(query.identifiers)
    if not names and not identifiers and query.dob is None:
        raise InvalidInput("give a name, a date of birth or an identifier to search by")
    today = today or date.today()
    matched: dict[int, str] = {}
    if names or query.dob is not None:
        matched = _by_name_and_birth(conn, query, names, today)
    for kind, value in identifiers:
        for nominal_id in repo.nominals_with_identifier(conn, kind, value):
            matched[nominal_id] = ", ".join(filter(None, (matched.get(nominal_id), kind)))
    records = repo.held_records(conn, matched)
    refs = {r.operation for r in records} | {f"{r.organisation}/{r.period}" for r in records}
    findings = SubjectFindings(
        records,
        repo.orders_for(conn, records),
        repo.disclosures_for(conn, refs, thread_exports=any(r.threads for r in records)),
        rectification_history(conn, [r.nominal_id for r in records]),
    )
    record(
        conn,
        principal,
        AuditEntry(
            Action.CONSULTATION,
            "data_subject",
            "subject search",
            purpose=purpose.strip(),
            detail=f"by {', '.join(query.criteria())}; {len(records)} records found",
        ),
    )
    return findings
