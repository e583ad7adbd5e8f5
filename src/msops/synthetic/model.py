"""The generator's records: what it yields, and the plan of each operation it is built from."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from msops.domain.periods import Period
from msops.domain.reference import Organisation

Value = str | int | None
Row = dict[str, Value]


@dataclass(frozen=True)
class MonthlyReturn:
    """One organisation's return for one month: part name -> rows, column -> value as typed."""

    period: Period
    organisation: str
    parts: dict[str, list[dict[str, str | int | None]]]


@dataclass
class Span:
    """A stretch of months an operation is in the returns: from start to the month it closes."""

    start: Period
    end: Period | None = None  # the month it appears as Closed; None while still open
    closed_on: date | None = None
    reopened: bool = False  # the span began with a reopening


@dataclass
class SharedRole:
    """A person of the national ground truth who also appears in another organisation's work."""

    person_id: str
    role: str  # "victim" or "suspect"
    order: int  # which of the operation's slots the person takes (shared people come first)


@dataclass(frozen=True)
class VictimSlot:
    """One potential victim as the counts see them."""

    nationality: str
    child: bool
    gender: str  # Female, Male or Unknown

    @property
    def column(self) -> str:
        return f"victims_{'child' if self.child else 'adult'}_{self.gender.lower()}"


@dataclass
class OpPlan:
    """Everything decided about an operation before its rows are written."""

    uid: int
    police: bool
    opened: date
    spans: list[Span] = field(default_factory=list)
    org: Organisation | None = None
    ref: str = ""
    name: str = ""
    category: str = ""  # typology category code
    type_code: str = ""
    sector: str | None = None  # sector code
    victim_nat: str = "UK"
    suspect_nat: str = "UK"
    victims: int = 0
    suspects: int = 0
    ramp: int = 0  # months until every victim and suspect is counted
    shared: list[SharedRole] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # "ORG / REF" of linked operations

    @property
    def opened_period(self) -> Period:
        return Period.of(self.opened)

    @property
    def last_period(self) -> Period | None:
        """The last month the operation appears, or None if it is still open at the end."""
        return self.spans[-1].end

    def span_at(self, period: Period) -> Span | None:
        for span in self.spans:
            if span.start <= period and (span.end is None or period <= span.end):
                return span
        return None

    def is_live(self, period: Period) -> bool:
        span = self.span_at(period)
        return span is not None and span.end != period

    def shared_count(self, role: str) -> int:
        return sum(1 for s in self.shared if s.role == role)


def age_in_months(opened: date, period: Period) -> int:
    """Whole months from the month an operation opened to period."""
    return (period.year - opened.year) * 12 + period.month - opened.month
