"""Preparing person records for matching: every value cleaned once, in the columns the model reads.

A record may come from the database (a nominal) or from any person file (`msops link dedupe`).
Either way it becomes a `PersonInput`, and `prepare` turns a batch of them into columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from msops.domain.identifiers import clean_identifier, clean_postcode_district
from msops.linkage.names import (
    clean_name,
    first_token,
    last_token,
    name_core,
    name_key,
    phonetic_key,
    soundex,
)

_DATE_RE = re.compile(r"^\s*(\d{4})-?(\d{2})-?(\d{2})\s*$")
_GENDERS = {"f": "f", "female": "f", "w": "f", "m": "m", "male": "m"}
_ADDRESS_JUNK = re.compile(r"[^a-z0-9 ]+")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")

COLUMNS = (
    "unique_id",
    "source",
    "given",
    "surname",
    "given_first",
    "full_name",
    "name_nearby",
    "name_key",
    "name_core",
    "name_sdx",
    "given_sdx",
    "surname_sdx",
    "alias",
    "dob",
    "dob_swapped",
    "dob_unordered",
    "dob_md",
    "birth_year",
    "birth_year_exact",
    "birth_when",
    "gender",
    "nationality",
    "phone",
    "postcode",
    "postcode_district",
    "address",
)


@dataclass(frozen=True)
class PersonInput:
    """One record of a person as a source holds it (raw values, any may be missing)."""

    record_id: str
    source: str | None = None
    given_name: str | None = None
    surname: str | None = None
    dob: str | None = None  # YYYY-MM-DD or YYYYMMDD
    estimated_age: int | None = None
    age_on: date | None = None  # when the estimated age was given
    gender: str | None = None
    nationality: str | None = None
    phone: str | None = None
    postcode: str | None = None
    address: str | None = None
    alias: str | None = None


@dataclass(frozen=True)
class DateParts:
    iso: str
    year: int
    month: int
    day: int

    @property
    def swapped(self) -> str | None:
        """The date with day and month exchanged, when that is a date too."""
        if self.day > 12 or self.day == self.month:
            return None
        return f"{self.year:04d}-{self.day:02d}-{self.month:02d}"

    @property
    def unordered(self) -> str:
        """Year with month and day in either order: equal for a date and its swap."""
        low, high = sorted((self.month, self.day))
        return f"{self.year:04d}:{low:02d}:{high:02d}"


def parse_dob(raw: str | None) -> DateParts | None:
    """The parts of a date of birth; None if blank or not a real date (never an error)."""
    if not raw:
        return None
    match = _DATE_RE.match(raw)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return None
    return DateParts(f"{year:04d}-{month:02d}-{day:02d}", year, month, day)


def decimal_year(day: date) -> float:
    """The date as a year with its fraction (1 July 2000 is about 2000.5)."""
    start = date(day.year, 1, 1)
    return day.year + (day - start).days / (date(day.year + 1, 1, 1) - start).days


def estimated_birth_when(age: int | None, age_on: date | None) -> float | None:
    """When someone said to be `age` (whole years) on `age_on` was likeliest born, as a
    decimal year: halfway through the year of ages that `age` covers. Comparing these, rather
    than whole years, keeps the rounding of two calendar years out of the comparison."""
    if age is None or age_on is None or not 0 <= age <= 120:
        return None
    return decimal_year(age_on) - age - 0.5


def clean_phone(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    if _E164.match(raw):
        return raw  # already E.164 (most records of a large file): no parsing needed
    try:
        return clean_identifier("phone", raw)
    except ValueError:
        digits = re.sub(r"\D", "", raw)
        return digits or None


@lru_cache(maxsize=200_000)
def clean_postcode(raw: str | None) -> tuple[str | None, str | None]:
    """(postcode, district): UK postcodes normalised; others kept as upper-case text."""
    if not raw or not raw.strip():
        return None, None
    try:
        full = clean_identifier("postcode", raw)
        return full, full.split()[0]
    except ValueError:
        pass
    try:
        return None, clean_postcode_district(raw)
    except ValueError:
        value = re.sub(r"\s+", "", raw).upper()
        return value or None, None


def clean_address(raw: str | None) -> str | None:
    if not raw:
        return None
    value = _ADDRESS_JUNK.sub(" ", raw.lower())
    value = " ".join(value.split())
    return value or None


def clean_gender(raw: str | None) -> str | None:
    if not raw:
        return None
    return _GENDERS.get(raw.strip().lower())


def _name_columns(raw_given: str | None, raw_surname: str | None) -> dict[str, object]:
    """Every name column of a (given name, surname) as written."""
    return _clean_name_columns(clean_name(raw_given), clean_name(raw_surname))


@lru_cache(maxsize=500_000)
def _clean_name_columns(given: str | None, surname: str | None) -> dict[str, object]:
    """The name columns of cleaned names (names repeat, in many spellings: cached)."""
    key = name_key(given, surname)
    full = " ".join(n for n in (given, surname) if n) or None
    return {
        "given": given,
        "surname": surname,
        "given_first": first_token(given),
        "full_name": full,
        # the full name again, under its own term frequencies: how many people have a name one
        # letter away (see `matcher._nearby_tf`)
        "name_nearby": full,
        "name_key": key,
        "name_core": name_core(key),
        "name_sdx": phonetic_key(given, surname),
        "given_sdx": soundex(first_token(given) or "") or None,
        "surname_sdx": soundex(last_token(surname) or "") or None,
    }


@lru_cache(maxsize=100_000)
def _dob_columns(raw: str | None) -> dict[str, object]:
    dob = parse_dob(raw)
    return {
        "dob": dob.iso if dob else None,
        "dob_swapped": dob.swapped if dob else None,
        "dob_unordered": dob.unordered if dob else None,
        "dob_md": dob.iso[5:] if dob else None,
        "birth_year": dob.year if dob else None,
        "birth_year_exact": dob is not None,
        "birth_when": decimal_year(date(dob.year, dob.month, dob.day)) if dob else None,
    }


def prepare_one(person: PersonInput) -> dict[str, object]:
    """The model's columns for one record."""
    dob = _dob_columns(person.dob)
    estimated = estimated_birth_when(person.estimated_age, person.age_on)
    postcode, district = clean_postcode(person.postcode)
    return {
        "unique_id": person.record_id,
        "source": person.source,
        **_name_columns(person.given_name, person.surname),
        "alias": clean_name(person.alias),
        **dob,
        "birth_year": dob["birth_year"] if dob["birth_year_exact"] else _year(estimated),
        "birth_when": dob["birth_when"] if dob["birth_year_exact"] else estimated,
        "gender": clean_gender(person.gender),
        "nationality": clean_name(person.nationality),
        "phone": clean_phone(person.phone),
        "postcode": postcode,
        "postcode_district": district,
        "address": clean_address(person.address),
    }


def _year(when: float | None) -> int | None:
    return None if when is None else int(when)


def prepare(people: Iterable[PersonInput]) -> dict[str, list[object]]:
    """Columns (name -> values) for a batch of records, in input order."""
    columns: dict[str, list[object]] = {c: [] for c in COLUMNS}
    for person in people:
        row = prepare_one(person)
        for name in COLUMNS:
            columns[name].append(row[name])
    return columns
