"""Debriefs of significant operations and the lessons they yield."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from msops.domain.errors import InvalidInput


class Method(StrEnum):
    HOT = "hot"  # immediately after a phase, by the team
    STRUCTURED = "structured"  # facilitated, against the national debrief template
    MULTI_AGENCY = "multi_agency"
    PEER_REVIEW = "peer_review"


THEMES: tuple[str, ...] = (
    "recruitment",
    "coercion and control",
    "transit routes",
    "money flows",
    "exploitation methods",
    "disruption",
    "victim care",
    "partnership",
    "intelligence",
    "investigation",
    "prosecution",
)

_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")


def clean_themes(values: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for value in values:
        theme = value.strip().casefold()
        if theme not in THEMES:
            raise InvalidInput(f"theme: {value!r} is not one of: {', '.join(THEMES)}")
        out.append(theme)
    if not out:
        raise InvalidInput(f"theme: give at least one ({', '.join(THEMES)})")
    return tuple(dict.fromkeys(out))


def clean_tags(values: tuple[str, ...]) -> tuple[str, ...]:
    tags = [v.strip().casefold() for v in values if v.strip()]
    for tag in tags:
        if len(tag) > 40:
            raise InvalidInput(f"tag: {tag[:20]!r}... is longer than 40 characters")
    return tuple(dict.fromkeys(tags))


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Quarter:
        match = _QUARTER.match(text.strip().upper())
        if not match:
            raise InvalidInput(f"quarter: {text!r} is not in the form YYYY-Qn, e.g. 2018-Q1")
        year = int(match.group(1))
        if not 1900 <= year <= 2999:
            raise InvalidInput(f"quarter: {text!r} is not a quarter of the years 1900 to 2999")
        return cls(year, int(match.group(2)))

    @property
    def first_day(self) -> date:
        return date(self.year, 3 * self.number - 2, 1)

    @property
    def last_day(self) -> date:
        if self.number == 4:
            return date(self.year, 12, 31)
        return date(self.year, 3 * self.number + 1, 1) - timedelta(days=1)

    def __str__(self) -> str:
        return f"{self.year}-Q{self.number}"
