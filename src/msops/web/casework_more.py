"""What the casework downloads and settings pages and API share: the orders reference library
and the quarterly lessons summary as files (each download a disclosure with its purpose and
recipient, as /reports records it), the Europol annual counts and the NRM rule settings with
their history. Same functions as `msops orders library`, `msops report lessons`, `msops europol
annual`, `msops peer-review criteria` and `msops nrm-referrals setting`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Connection

from msops.analytics.casework import debriefs as cl
from msops.analytics.casework.orders import LIBRARY_COLUMNS, LIBRARY_MARKING, library
from msops.domain.casework.debriefs import Quarter
from msops.domain.casework.nrm_referrals import (
    CRIME_RECORDING_HOURS,
    DEFAULT_SETTINGS,
    RG_TARGET_WORKING_DAYS,
)
from msops.domain.casework.peer_reviews import criteria_set
from msops.domain.principal import Principal
from msops.reports.documents import render_lessons
from msops.reports.rows import rows_bytes
from msops.store.casework.common import require_text
from msops.store.casework.nrm_referrals import settings
from msops.store.operations_repo import latest_period
from msops.store.web_reads import record_report_disclosure
from msops.web.casework import Column
from msops.web.reports import Download

LibraryFormat = Literal["csv", "json"]
LessonsFormat = Literal["html", "md"]

LIBRARY_MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
LESSONS_MEDIA = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}

ANNUAL_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("checks_recorded", "Checks recorded here"),
    ("checks_in_returns", "Operations with a check date in returns"),
    ("operational_meetings_recorded", "Operational meetings recorded"),
    ("jits_recorded", "JITs recorded here"),
    ("operations_with_jit", "Operations reporting a JIT in returns"),
]

SETTING_MEANINGS = {
    CRIME_RECORDING_HOURS: "A referral's crime must be recorded within this many hours of the"
    " referral (NCRS: within 24 hours of the report; 72 where a force applies the longer limit"
    " allowed for further verification).",
    RG_TARGET_WORKING_DAYS: "Target for the reasonable grounds decision, in working days (Monday"
    " to Friday, not counting the bank holidays of England and Wales).",
}


def _purpose_and_recipient(purpose: str, recipient: str) -> tuple[str, str]:
    return require_text(purpose, "purpose", 500), require_text(recipient, "recipient", 200)


def library_file(
    conn: Connection, principal: Principal, fmt: LibraryFormat, purpose: str, recipient: str
) -> Download:
    """The anonymised orders library as a file; the register records the export as a
    disclosure with its purpose and recipient."""
    purpose, recipient = _purpose_and_recipient(purpose, recipient)
    rows = library(conn, principal, purpose, recipient)
    data = rows_bytes(rows, LIBRARY_COLUMNS, LIBRARY_MARKING, fmt)  # as `msops orders library`
    return Download(data, f"orders-library.{fmt}", LIBRARY_MEDIA[fmt])


def lessons_file(
    conn: Connection,
    principal: Principal,
    quarter: str,
    fmt: LessonsFormat,
    purpose: str,
    recipient: str,
) -> Download:
    """The quarter's lessons summary (OFFICIAL-SENSITIVE) as `msops report lessons` writes
    it; the download is a disclosure with its purpose and recipient."""
    q = Quarter.parse(quarter)
    purpose, recipient = _purpose_and_recipient(purpose, recipient)
    name = f"lessons-{q}.{fmt}"
    summary = cl.lessons_summary(conn, principal, q)
    body = render_lessons(summary, fmt)
    record_report_disclosure(
        conn, principal, f"lessons summary {q}", "internal", purpose, recipient, name
    )
    return Download(body.encode("utf-8"), name, LESSONS_MEDIA[fmt])


def default_quarter(conn: Connection) -> Quarter:
    """The quarter of the latest month with returns (else today's)."""
    latest = latest_period(conn)
    year, month = (latest.year, latest.month) if latest else _today_year_month()
    return Quarter(year, (month - 1) // 3 + 1)


def _today_year_month() -> tuple[int, int]:
    today = datetime.now(UTC).date()
    return today.year, today.month


def default_year(conn: Connection) -> int:
    latest = latest_period(conn)
    return latest.year if latest else _today_year_month()[0]


def criteria_in_force() -> dict[str, Any]:
    """The peer-review criteria and rating scale reviews are made against."""
    c = criteria_set()
    return {
        "version": c.version,
        "status": c.status,
        "scale": [r.__dict__ for r in c.scale],
        "criteria": [x.__dict__ for x in c.criteria],
    }


def settings_in_force(conn: Connection) -> list[dict[str, Any]]:
    values = settings(conn)
    return [
        {
            "name": name,
            "value": value,
            "default": DEFAULT_SETTINGS[name],
            "meaning": SETTING_MEANINGS.get(name, ""),
        }
        for name, value in values.items()
    ]
