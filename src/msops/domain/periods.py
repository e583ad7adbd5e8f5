"""Calendar months, the unit of the monthly return."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from msops.domain.errors import InvalidInput

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Period:
    """A calendar month, written YYYY-MM."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1900 <= self.year <= 2999:
            raise InvalidInput(f"{self.year:04d}-{self.month:02d} is not a month (YYYY-MM)")

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text.strip())
        if not match:
            raise InvalidInput(f"period {text!r} is not in the form YYYY-MM, e.g. 2018-02")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Period:
        return cls(day.year, day.month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def contains(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months_between(first: Period, last: Period) -> list[Period]:
    """Every month from first to last inclusive, in order."""
    out: list[Period] = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out
