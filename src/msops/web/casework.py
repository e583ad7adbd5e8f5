"""What the casework pages show: the registers' functions, called as the CLI calls them, and
the disclosure control of a PCC's compliance figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from msops.analytics.casework.nrm_referrals import Compliance
from msops.analytics.disclosure import SUPPRESSED, round_half_up
from msops.domain.errors import InvalidInput

Column = tuple[str, str]  # (key in the row, heading)

ORDER_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("operation_ref", "Operation"),
    ("nominal_ref", "Subject"),
    ("order_type", "Type"),
    ("court", "Court"),
    ("made_on", "Made"),
    ("expires", "Expires"),
    ("travel_countries", "Travel ban"),
    ("status", "Status"),
    ("version", "Version"),
    ("breaches", "Breaches"),
]
EXPIRING_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("operation_ref", "Operation"),
    ("nominal_ref", "Subject"),
    ("order_type", "Type"),
    ("ending", "Ending"),
    ("ends_on", "Ends on"),
    ("days_left", "Days left"),
]
PROMPT_COLUMNS: list[Column] = [
    ("period", "Month"),
    ("operation_ref", "Operation"),
    ("name", "Name"),
    ("opened_date", "Opened"),
    ("reasons", "Why a check is due"),
]
DEBRIEF_COLUMNS: list[Column] = [
    ("score", "Score"),
    ("organisation", "Organisation"),
    ("operation_ref", "Operation"),
    ("name", "Name"),
    ("status", "Status"),
    ("reasons", "Reasons"),
]
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


def parse_day(text: str | None, field: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field}: give a date as YYYY-MM-DD") from None


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


REFERRAL_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("referral_ref", "Referral"),
    ("operation_ref", "Operation"),
    ("first_responder", "First responder"),
    ("referred_at", "Referred"),
    ("age_group", "Age group"),
    ("gender", "Gender"),
    ("nationality", "Nationality"),
    ("exploitation", "Exploitation"),
    ("rg_decided_on", "RG decided"),
    ("rg_outcome", "RG"),
    ("cg_decided_on", "CG decided"),
    ("cg_outcome", "CG"),
    ("crime_ref", "Crime"),
    ("crime_recorded_at", "Crime recorded"),
    ("version", "Version"),
]
NOTIFY_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("submitted_on", "Submitted"),
    ("operation_ref", "Operation"),
    ("gender", "Gender"),
    ("nationality", "Nationality"),
    ("exploitation", "Exploitation"),
]
EVENT_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("event_on", "Date"),
    ("kind", "Kind"),
    ("operation_ref", "Operation"),
    ("outcome", "Outcome"),
]
DEBRIEF_RECORD_COLUMNS: list[Column] = [
    ("id", "Debrief"),
    ("organisation", "Organisation"),
    ("operation_ref", "Operation"),
    ("method", "Method"),
    ("debriefed_on", "Date"),
    ("findings", "Findings"),
]
LESSON_COLUMNS: list[Column] = [
    ("id", "Lesson"),
    ("organisation", "Organisation"),
    ("recorded_on", "Recorded"),
    ("title", "Title"),
    ("body", "Lesson"),
    ("themes", "Themes"),
    ("tags", "Tags"),
    ("debrief_id", "Debrief"),
]
