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
from itertools import islice
from typing import NamedTuple

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


class PersonInput(NamedTuple):
    """One record of a person as a source holds it (raw values, any may be missing). A tuple:
    a million are made from a file, and a frozen dataclass takes three times as long to build."""

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


# The name columns, in `COLUMNS` order (from "given" to "surname_sdx").
_NAME_COLUMNS = COLUMNS[COLUMNS.index("given") : COLUMNS.index("surname_sdx") + 1]


@lru_cache(maxsize=500_000)
def _clean_name_columns(given: str | None, surname: str | None) -> tuple[object, ...]:
    """The name columns of cleaned names, in `_NAME_COLUMNS` order (names repeat, in many
    spellings: cached)."""
    key = name_key(given, surname)
    full = " ".join(n for n in (given, surname) if n) or None
    return (
        given,
        surname,
        first_token(given),
        full,
        # the full name again, under its own term frequencies: how many people have a name one
        # letter away (see `training.nearby_tf`)
        full,
        key,
        name_core(key),
        phonetic_key(given, surname),
        soundex(first_token(given) or "") or None,
        soundex(last_token(surname) or "") or None,
    )


@lru_cache(maxsize=100_000)
def _dob_columns(
    raw: str | None,
) -> tuple[str | None, str | None, str | None, str | None, int | None, float | None]:
    """dob, dob_swapped, dob_unordered, dob_md, birth year and decimal year of a written date."""
    dob = parse_dob(raw)
    if dob is None:
        return None, None, None, None, None, None
    when = decimal_year(date(dob.year, dob.month, dob.day))
    return dob.iso, dob.swapped, dob.unordered, dob.iso[5:], dob.year, when


def _row(person: PersonInput) -> tuple[object, ...]:
    """The model's columns for one record, in `COLUMNS` order."""
    dob, swapped, unordered, md, year, when = _dob_columns(person.dob)
    exact = dob is not None
    if not exact:
        when = estimated_birth_when(person.estimated_age, person.age_on)
        year = _year(when)
    postcode, district = clean_postcode(person.postcode)
    return (
        person.record_id,
        person.source,
        *_clean_name_columns(clean_name(person.given_name), clean_name(person.surname)),
        clean_name(person.alias),
        dob,
        swapped,
        unordered,
        md,
        year,
        exact,
        when,
        clean_gender(person.gender),
        clean_name(person.nationality),
        clean_phone(person.phone),
        postcode,
        district,
        clean_address(person.address),
    )


def prepare_one(person: PersonInput) -> dict[str, object]:
    """The model's columns for one record."""
    return dict(zip(COLUMNS, _row(person), strict=True))


def _year(when: float | None) -> int | None:
    return None if when is None else int(when)


def prepare(people: Iterable[PersonInput]) -> dict[str, list[object]]:
    """Columns (name -> values) for a batch of records, in input order (rows are turned into
    columns a chunk at a time: one C-level transpose instead of an append per value)."""
    columns: dict[str, list[object]] = {c: [] for c in COLUMNS}
    lists = [columns[c] for c in COLUMNS]
    rows = map(_row, people)
    while chunk := list(islice(rows, 10_000)):
        for values, column in zip(zip(*chunk, strict=True), lists, strict=True):
            column.extend(values)
    return columns
