"""A theme for a thematic profile: filters that combine, and the window of months they cover.

An operation belongs to a theme when it meets every filter given. Each filter is checked
against the code lists of the return (`reference`), so a mistyped value is refused with the
nearest valid one instead of matching nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum

from msops.domain.errors import InvalidInput
from msops.domain.periods import Period, months_between
from msops.domain.reference import Code, code_lists, find_code, suggest

DEFAULT_MONTHS = 12
_POSTCODE_PREFIX = re.compile(r"[A-Z]{1,2}(\d[A-Z\d]?)?")


class Group(StrEnum):
    """Whose nationality a nationality filter reads."""

    VICTIM = "victim"
    SUSPECT = "suspect"
    EITHER = "either"


@dataclass(frozen=True)
class Exploitation:
    """An exploitation category (all its types) or one type of the Home Office typology."""

    kind: str  # "category" or "type"
    code: str
    label: str


@dataclass(frozen=True)
class Theme:
    nationality: str | None = None  # a nationality label, e.g. "Romanian"
    group: Group = Group.EITHER
    children: bool = False  # at least one child among the potential victims
    exploitation: Exploitation | None = None
    sector: Code | None = None
    location: str | None = None  # a postcode area or district, upper case ("CF", "CF10")

    @property
    def is_everything(self) -> bool:
        return self == Theme(group=self.group)

    def describe(self) -> str:
        """The theme in words, for a title: 'Romanian (victims or suspects), Car washes'."""
        parts: list[str] = []
        if self.nationality:
            whose = {Group.VICTIM: "victims", Group.SUSPECT: "suspects"}.get(
                self.group, "victims or suspects"
            )
            parts.append(f"{self.nationality} ({whose})")
        if self.children:
            parts.append("child victims")
        if self.exploitation:
            parts.append(self.exploitation.label)
        if self.sector:
            parts.append(self.sector.label)
        if self.location:
            parts.append(f"in {self.location}")
        return ", ".join(parts) or "all operations"


@dataclass(frozen=True)
class Window:
    first: Period
    last: Period

    @property
    def months(self) -> list[Period]:
        return months_between(self.first, self.last)

    def describe(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first} to {self.last}"

    def previous(self) -> Window:
        """The same number of months, ending a month earlier."""
        return Window(self.first.previous(), self.last.previous())


def _lookup(list_name: str, value: str, what: str) -> Code:
    found = find_code(list_name, value)
    if found is None:
        near = suggest(value, (c.label for c in code_lists()[list_name]))
        hint = f" (did you mean {near!r}?)" if near else ""
        raise InvalidInput(f"{what}: {value.strip()[:80]!r} is not on the list{hint}")
    return found


def exploitation_of(value: str) -> Exploitation:
    """A category ('Sexual exploitation', 'sexual') or a type of the typology, by code or label."""
    category = find_code("exploitation_category", value)
    if category is not None:
        return Exploitation("category", category.code, category.label)
    found = _lookup("exploitation_type", value, "--exploitation")
    return Exploitation("type", found.code, found.label)


def location_of(value: str) -> str:
    """A postcode area ('CF') or district ('CF10', 'W1D')."""
    text = value.strip().upper().replace(" ", "")
    if not _POSTCODE_PREFIX.fullmatch(text):
        raise InvalidInput(f"--location: {value.strip()[:20]!r} is not a postcode area or district")
    return text


def theme_of(
    nationality: str | None = None,
    group: Group = Group.EITHER,
    children: bool = False,
    exploitation: str | None = None,
    sector: str | None = None,
    location: str | None = None,
) -> Theme:
    """A checked theme from the words a person typed."""
    return Theme(
        nationality=_lookup("nationality", nationality, "--nationality").label
        if nationality
        else None,
        group=group,
        children=children,
        exploitation=exploitation_of(exploitation) if exploitation else None,
        sector=_lookup("sector", sector, "--sector") if sector else None,
        location=location_of(location) if location else None,
    )


def window_of(first: str | None, last: str | None, latest: Period | None) -> Window:
    """The months from `first` to `last`; by default the twelve months up to the latest held."""
    end = Period.parse(last) if last else latest
    if end is None:
        raise InvalidInput("no return is held yet: give --to")
    start = Period.parse(first) if first else _back(end, DEFAULT_MONTHS - 1)
    if start > end:
        raise InvalidInput(f"--from {start} is after --to {end}")
    return Window(start, end)


def _back(period: Period, months: int) -> Period:
    for _ in range(months):
        period = period.previous()
    return period


@dataclass(frozen=True)
class Filters:
    """A theme's filters as a person typed them (what a saved theme keeps), and the area."""

    nationality: str | None = None
    group: str = Group.EITHER.value
    children: bool = False
    exploitation: str | None = None
    sector: str | None = None
    location: str | None = None
    region: str | None = None
    org: str | None = None

    @classmethod
    def of(cls, saved: Mapping[str, object]) -> Filters:
        """The filters of a saved theme (its JSON) or a form, each of its own type; empty text
        counts as not given."""

        def text(key: str) -> str | None:
            value = saved.get(key)
            return value.strip() or None if isinstance(value, str) else None

        return cls(
            text("nationality"),
            text("group") or Group.EITHER.value,
            saved.get("children") in (True, "on", "true", "1"),
            *(text(k) for k in ("exploitation", "sector", "location", "region", "org")),
        )

    @property
    def given(self) -> bool:
        return self != Filters(group=self.group)

    def theme(self) -> Theme:
        """The checked theme (a one-line error names a mistyped filter)."""
        if self.group not in {g.value for g in Group}:
            raise InvalidInput("--group must be victim, suspect or either")
        return theme_of(
            self.nationality,
            Group(self.group),
            self.children,
            self.exploitation,
            self.sector,
            self.location,
        )

    def as_dict(self) -> dict[str, str | bool | None]:
        return asdict(self)

    def describe(self) -> str:
        words = [f"{k} {v}" for k, v in asdict(self).items() if v and k != "group"]
        return "; ".join(words) or "-"
