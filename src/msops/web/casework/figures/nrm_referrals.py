"""The NRM referrals register's compliance figures as its page and API show them: the window of
referral dates judged, and the table, disclosure-controlled for a PCC (counts under 10
suppressed, the rest rounded to 5)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from msops.analytics.casework.nrm_referrals import Compliance
from msops.analytics.disclosure import SUPPRESSED, round_half_up
from msops.web.casework.common import Column, parse_day

COMPLIANCE_COLUMNS: list[Column] = [
    ("organisation", "Force"),
    ("referrals", "Referrals"),
    ("crime_on_time", "Crime recorded on time"),
    ("crime_late", "late"),
    ("crime_overdue", "overdue"),
    ("crime_not_yet_due", "not yet due"),
    ("crime_on_time_pct", "% on time"),
    ("rg_decided", "RG decisions"),
    ("rg_within_target", "within target"),
    ("rg_within_target_pct", "% within target"),
]


COUNTS = (
    "referrals",
    "crime_on_time",
    "crime_late",
    "crime_overdue",
    "crime_not_yet_due",
    "rg_decided",
    "rg_within_target",
)


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    now: datetime


def compliance_window(start: str | None, end: str | None) -> Window:
    """The referral dates to judge (default: the last 365 days), judged as at now."""
    now = datetime.now(UTC).replace(tzinfo=None)
    last = parse_day(end, "to") or now.date()
    first = parse_day(start, "from") or last - timedelta(days=364)
    return Window(first, last, now)


def _controlled(value: int) -> str:
    return SUPPRESSED if value < 10 else f"{round_half_up(value, 5):,}"


def compliance_rows(figures: list[Compliance], protect: bool) -> list[dict[str, Any]]:
    """The compliance table; for a PCC, counts under 10 suppressed and the rest rounded to 5,
    and a percentage only where its base is 10 or more."""
    rows = []
    for f in figures:
        row = f.as_row()
        if protect:
            for key in COUNTS:
                row[key] = _controlled(int(row[key]))
            if f.crime_due < 10:
                row["crime_on_time_pct"] = SUPPRESSED
            if f.rg_decided < 10:
                row["rg_within_target_pct"] = SUPPRESSED
        rows.append(row)
    return rows
