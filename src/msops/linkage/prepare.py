"""Preparing person records for matching: every value cleaned once, in the columns the model reads.

A record may come from the database (a nominal) or from any person file (`msops link dedupe`).
Either way it becomes a `PersonInput`, and `prepare` turns a batch of them into columns.
"""

from __future__ import annotations

import re
from calendar import isleap
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any, NamedTuple, TypeVar

from msops.domain.identifiers import clean_identifier, clean_postcode_district
from msops.linkage.names import NameParts, clean_name, first_token, name_keys, name_parts

_DATE_RE = re.compile(r"^\s*(\d{4})-?(\d{2})-?(\d{2})\s*$")
_GENDERS = {"f": "f", "female": "f", "w": "f", "m": "m", "male": "m"}
_ADDRESS_JUNK = re.compile(r"[^a-z0-9 ]+")
_E164 = re.compile(r"^\+[1-9][0-9]{7,14}$")
# an estimated age above this is a slip, not an age
MAX_AGE = 120
_T = TypeVar("_T")
_U = TypeVar("_U")

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


def written_as_date(raw: str) -> bool:
    """Whether a value is written as a date is here (YYYY-MM-DD or YYYYMMDD), whether or not
    the date exists: "23/06/1993" is not, "1990-02-30" is."""
    return _DATE_RE.match(raw) is not None


def parse_dob(raw: str | None) -> DateParts | None:
    """The parts of a date of birth; None if blank or not a real date (never an error). A date
    after today is not a birth but a placeholder ("9999-12-31") or a slip."""
    if not raw:
        return None
    match = _DATE_RE.match(raw)
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    try:
        born = date(year, month, day)
    except ValueError:
        return None
    if born > date.today():
        return None
    return DateParts(f"{year:04d}-{month:02d}-{day:02d}", year, month, day)


def decimal_year(day: date) -> float:
    """The date as a year with its fraction (1 July 2000 is about 2000.5)."""
    days = 366 if isleap(day.year) else 365  # not date(year + 1, 1, 1): 9999 is the last year
    return day.year + (day - date(day.year, 1, 1)).days / days


def estimated_birth_when(age: int | None, age_on: date | None) -> float | None:
    """When someone said to be `age` (whole years) on `age_on` was likeliest born, as a
    decimal year: halfway through the year of ages that `age` covers. Comparing these, rather
    than whole years, keeps the rounding of two calendar years out of the comparison."""
    if age is None or age_on is None or not 0 <= age <= MAX_AGE:
        return None
    return decimal_year(age_on) - age - 0.5


def clean_phone(raw: str | None) -> str | None:
    if not raw or not raw.strip():
        return None
    if len(set(re.sub(r"\D", "", raw)[-7:])) <= 1:
        return None  # "00000000000", "07777 777777": a placeholder, nobody's number
    if _E164.match(raw):
        return raw  # already E.164 (most records of a large file): no parsing needed
    try:
        return clean_identifier("phone", raw)
    except ValueError:
        digits = re.sub(r"\D", "", raw)
        return digits or None


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
        # another country's postcode has digits: "NFA", "N/A" or "UNKNOWN" is no place
        return (value, None) if any(c.isdigit() for c in value) else (None, None)


# What systems write for no address (after cleaning): people sharing it share no home.
_NO_ADDRESS = frozenset(
    {"nfa", "no fixed abode", "no fixed address", "unknown", "not known", "nk", "n k", "n a"}
    | {"na", "none", "nil", "tbc", "no address", "address unknown", "unknown address"}
)


def clean_address(raw: str | None) -> str | None:
    if not raw:
        return None
    value = _ADDRESS_JUNK.sub(" ", raw.lower())
    value = " ".join(value.split())
    return value if value and value not in _NO_ADDRESS else None


def clean_gender(raw: str | None) -> str | None:
    if not raw:
        return None
    return _GENDERS.get(raw.strip().lower())


# The name columns, in `COLUMNS` order (from "given" to "surname_sdx").
_NAME_COLUMNS = COLUMNS[COLUMNS.index("given") : COLUMNS.index("surname_sdx") + 1]
# The date columns, in `COLUMNS` order (from "dob" to "dob_md").
_DATE_COLUMNS = COLUMNS[COLUMNS.index("dob") : COLUMNS.index("dob_md") + 1]


def _name_columns(
    given: str | None, surname: str | None, given_parts: NameParts, surname_parts: NameParts
) -> tuple[object, ...]:
    """The name columns of cleaned names, in `_NAME_COLUMNS` order."""
    full = f"{given} {surname}" if given and surname else given or surname
    key, core, phonetic = name_keys(given_parts, surname_parts)
    return (
        given,
        surname,
        first_token(given),
        full,
        # the full name again, under its own term frequencies: how many people have a name one
        # letter away (see `training.nearby_tf`)
        full,
        key,
        core,
        phonetic,
        given_parts.first_code,
        surname_parts.last_code,
    )


def _names(given: list[str | None], surname: list[str | None]) -> list[tuple[object, ...]]:
    """The name columns of every record (as rows), from each distinct name's parts."""
    parts = {name: name_parts(name) for name in {*given, *surname}}
    return _by_value(
        lambda pair: _name_columns(*pair, parts[pair[0]], parts[pair[1]]),
        list(zip(given, surname, strict=True)),
    )


def _date_columns(raw: str | None) -> tuple[object, ...]:
    """dob, dob_swapped, dob_unordered, dob_md, birth year and decimal year of a written date."""
    dob = parse_dob(raw)
    if dob is None:
        return None, None, None, None, None, None
    when = decimal_year(date(dob.year, dob.month, dob.day))
    return dob.iso, dob.swapped, dob.unordered, dob.iso[5:], dob.year, when


def _by_value(clean: Callable[[_T], _U], values: Sequence[_T]) -> list[_U]:
    """`clean` of every value, computed once per distinct value: names, dates and places repeat
    across a file, and a lookup costs a fraction of a call."""
    done = {value: clean(value) for value in set(values)}
    return list(map(done.__getitem__, values))


def _transposed(rows: Iterable[tuple[object, ...]], width: int) -> list[list[Any]]:
    """Rows as columns, a chunk at a time (one C-level transpose instead of an append per value,
    and the rows are never all in memory at once)."""
    columns: list[list[Any]] = [[] for _ in range(width)]
    rows = iter(rows)
    while chunk := list(islice(rows, 10_000)):
        for values, column in zip(zip(*chunk, strict=True), columns, strict=True):
            column.extend(values)
    return columns


def _births(
    years: list[Any], whens: list[Any], ages: list[Any], said_on: list[Any]
) -> list[object]:
    """Fill in, where a record has no date of birth, the birth year and decimal year from its
    estimated age (in place); whether each record's birth is from a date."""
    exact: list[object] = [year is not None for year in years]
    for at in (i for i, dated in enumerate(exact) if not dated):
        when = estimated_birth_when(ages[at], said_on[at])
        years[at], whens[at] = _year(when), when
    return exact


def prepare(people: Iterable[PersonInput]) -> dict[str, list[object]]:
    """Columns (name -> values) for a batch of records, in input order. Each column is cleaned
    a column at a time, once per distinct value (the raw values are let go as they are used)."""
    raw = dict(zip(PersonInput._fields, _transposed(people, len(PersonInput._fields)), strict=True))
    columns: dict[str, list[object]] = {
        "unique_id": raw.pop("record_id"),
        "source": raw.pop("source"),
    }
    given = _by_value(clean_name, raw.pop("given_name"))
    surname = _by_value(clean_name, raw.pop("surname"))
    names = _transposed(_names(given, surname), len(_NAME_COLUMNS))
    columns.update(zip(_NAME_COLUMNS, names, strict=True))
    columns["alias"] = _by_value(clean_name, raw.pop("alias"))
    dates = _transposed(_by_value(_date_columns, raw.pop("dob")), 6)
    columns.update(zip(_DATE_COLUMNS, dates[:4], strict=True))
    years, whens = dates[4:]
    exact = _births(years, whens, raw.pop("estimated_age"), raw.pop("age_on"))
    columns["birth_year"], columns["birth_year_exact"], columns["birth_when"] = years, exact, whens
    columns["gender"] = _by_value(clean_gender, raw.pop("gender"))
    columns["nationality"] = _by_value(clean_name, raw.pop("nationality"))
    columns["phone"] = _by_value(clean_phone, raw.pop("phone"))
    places = _by_value(clean_postcode, raw.pop("postcode"))
    columns["postcode"] = [p for p, _ in places]
    columns["postcode_district"] = [d for _, d in places]
    columns["address"] = _by_value(clean_address, raw.pop("address"))
    return {c: columns[c] for c in COLUMNS}


def prepare_one(person: PersonInput) -> dict[str, object]:
    """The model's columns for one record."""
    return {name: values[0] for name, values in prepare([person]).items()}


def _year(when: float | None) -> int | None:
    return None if when is None else int(when)
