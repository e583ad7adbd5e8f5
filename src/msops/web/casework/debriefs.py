"""Debriefs and lessons learnt in the browser and the API: the month's debrief candidates, the
debriefs recorded, the lessons and their full-text search, and the quarterly lessons summary
(a download recorded as a disclosure). What the pages and API accept (input models and forms) is
in `forms/debriefs.py`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from msops.analytics.casework import debriefs as cl
from msops.analytics.casework.debriefs import debrief_candidates, load_rules
from msops.domain.casework.debriefs import Quarter
from msops.domain.principal import Principal
from msops.reports.documents import DocumentFormat, render_lessons
from msops.store.audit import record_report_disclosure
from msops.store.casework.debriefs import (
    list_debriefs,
    recent_lessons,
    search_lessons,
)
from msops.store.operations_repo import latest_period
from msops.web.casework.common import (
    FILE,
    Column,
    Created,
    DownloadPage,
    attachment,
    created,
    deliver,
    download_form,
    purpose_and_recipient,
    table_page,
    today_year_month,
    writes,
)
from msops.web.casework.forms.debriefs import (
    DebriefIn,
    LessonIn,
    debrief_from,
    debrief_spec,
    lesson_from,
    lesson_spec,
)
from msops.web.forms import form_routes
from msops.web.gates import (
    ERRORS,
    SUBMITTERS,
    Csrf,
    FormCsrf,
    MonthQuery,
    Operational,
    Purpose,
    Recipient,
    Rows,
    Submitter,
    jsonable,
)
from msops.web.reports import Download
from msops.web.security import check_csrf
from msops.web.services import parse_period
from msops.web.session import engine_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/casework", tags=["casework"])
routers = (pages, api)


DEBRIEF_COLUMNS: list[Column] = [
    ("score", "Score"),
    ("organisation", "Organisation"),
    ("operation_ref", "Operation"),
    ("name", "Name"),
    ("status", "Status"),
    ("reasons", "Reasons"),
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


LESSONS_MEDIA = {"html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


def lessons_file(
    conn: Connection,
    principal: Principal,
    quarter: str,
    fmt: DocumentFormat,
    purpose: str,
    recipient: str,
) -> Download:
    """The quarter's lessons summary (OFFICIAL-SENSITIVE) as `msops report lessons` writes
    it; the download is a disclosure with its purpose and recipient."""
    q = Quarter.parse(quarter)
    purpose, recipient = purpose_and_recipient(purpose, recipient)
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
    year, month = (latest.year, latest.month) if latest else today_year_month()
    return Quarter(year, (month - 1) // 3 + 1)


LESSONS_PAGE = DownloadPage(
    "Quarterly lessons summary",
    "/casework/lessons/summary",
    "The quarter's lessons in your scope by theme, with counts, and its debriefs"
    " (OFFICIAL-SENSITIVE): the file the command msops report lessons writes. The download is"
    " a disclosure: it is recorded in the audit trail with its purpose and recipient.",
    (("html", "HTML"), ("md", "Markdown")),
    (("quarter", "Quarter (YYYY-Qn)", 7),),
    (("/casework", "Casework"), ("/casework/lessons", "Lessons")),
)


@pages.get("/casework/debriefs")
def debriefs_page(
    request: Request,
    viewer: Operational,
    period: MonthQuery = None,
) -> Response:
    with engine_of(request).connect() as conn:
        month = parse_period(period) or latest_period(conn)
        ranking = debrief_candidates(conn, viewer.principal, month, load_rules()) if month else None
    rows = (
        []
        if ranking is None
        else [{**c.__dict__, "reasons": "; ".join(c.reasons)} for c in ranking.candidates]
    )
    return table_page(
        request,
        viewer,
        title=f"Debrief candidates{f', {month}' if month else ''}",
        columns=DEBRIEF_COLUMNS,
        coded={"status": "status"},
        rows=rows,
        note="Operations of the month that merit a debrief, best first.",
        form={
            "action": "/casework/debriefs",
            "fields": [("period", "Month (YYYY-MM)", period or "")],
        },
    )


@pages.get("/casework/debriefs/records")
def debrief_records(request: Request, viewer: Operational) -> Response:
    with engine_of(request).begin() as conn:
        rows = list_debriefs(conn, viewer.principal)
    actions = [("/casework/debriefs", "Candidates"), ("/casework/lessons", "Lessons")]
    if writes(viewer):
        actions.insert(0, ("/casework/debriefs/new", "Record a debrief"))
    return table_page(
        request,
        viewer,
        title="Debriefs recorded",
        columns=DEBRIEF_RECORD_COLUMNS,
        coded={"method": "debrief_method"},
        rows=rows,
        note="Newest first.",
        actions=actions,
    )


form_routes(pages, "/casework/debriefs/new", SUBMITTERS, debrief_spec)


def lesson_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "themes": ", ".join(r["themes"]),
            "tags": ", ".join(r["tags"]),
            "anchor": f"lesson-{r['id']}",
        }
        for r in rows
    ]


@pages.get("/casework/lessons")
def lessons_page(
    request: Request, viewer: Operational, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """Full-text search of the lessons in scope (every word, stemmed); without words, the
    latest lessons."""
    with engine_of(request).begin() as conn:
        if q.strip():
            rows = search_lessons(conn, viewer.principal, q)
        else:
            rows = recent_lessons(conn, viewer.principal)
    title = f"Lessons matching “{q.strip()}”" if q.strip() else "Lessons learnt: the latest"
    return table_page(
        request,
        viewer,
        title=title,
        columns=LESSON_COLUMNS,
        rows=lesson_rows(rows),
        note="Every word must match (with English stemming); best match first.",
        form={"action": "/casework/lessons", "fields": [("q", "Search", q)]},
        actions=[("/casework/lessons/new", "Add a lesson")] if writes(viewer) else [],
    )


form_routes(pages, "/casework/lessons/new", SUBMITTERS, lesson_spec)


@pages.get("/casework/lessons/summary")
def lessons_form(
    request: Request,
    viewer: Operational,
    quarter: Annotated[str | None, Query(max_length=7)] = None,
) -> Response:
    if not quarter:
        with engine_of(request).connect() as conn:
            quarter = str(default_quarter(conn))
    values = {"quarter": quarter, "purpose": "quarterly lessons summary", "format": "html"}
    return download_form(request, viewer, LESSONS_PAGE, values)


@pages.post("/casework/lessons/summary")
def lessons_download(
    request: Request,
    viewer: Operational,
    csrf_token: FormCsrf,
    quarter: Annotated[str, Form(max_length=7)] = "",
    purpose: Purpose = "",
    recipient: Recipient = "",
    fmt: Annotated[DocumentFormat, Form(alias="format")] = "html",
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    values = {"quarter": quarter, "purpose": purpose, "recipient": recipient, "format": fmt}

    def make(conn: Connection, who: Principal) -> Download:
        return lessons_file(conn, who, quarter, fmt, purpose, recipient)

    return deliver(request, viewer, LESSONS_PAGE, values, make)


@api.get("/debriefs", response_model=Rows, responses=ERRORS)
def api_debriefs(request: Request, viewer: Operational, period: MonthQuery = None) -> Any:
    """The month's operations that merit a debrief (default: the latest month), best first."""
    with engine_of(request).connect() as conn:
        month = parse_period(period) or latest_period(conn)
        if month is None:
            return []
        ranking = debrief_candidates(conn, viewer.principal, month, load_rules())
    return [{**c.__dict__, "reasons": c.reasons} for c in ranking.candidates]


@api.get("/debrief-records", response_model=Rows, responses=ERRORS)
def api_debriefs_recorded(request: Request, viewer: Operational) -> Any:
    """Debriefs recorded in scope, newest first (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_debriefs(conn, viewer.principal))


@api.post("/debrief-records", response_model=Created, status_code=201, responses=ERRORS)
def api_add_debrief(request: Request, viewer: Submitter, body: DebriefIn, csrf: Csrf = None) -> Any:
    """Record a debrief: method, date and findings."""
    return created(request, viewer, csrf, debrief_from, body)


@api.get("/lessons", response_model=Rows, responses=ERRORS)
def api_lessons(
    request: Request, viewer: Operational, q: Annotated[str, Query(max_length=200)] = ""
) -> Any:
    """Lessons in scope matching every word of `q` (stemmed, best first); without `q`, the
    latest lessons."""
    with engine_of(request).begin() as conn:
        if q.strip():
            return jsonable(search_lessons(conn, viewer.principal, q))
        return jsonable(recent_lessons(conn, viewer.principal))


@api.post("/lessons", response_model=Created, status_code=201, responses=ERRORS)
def api_add_lesson(request: Request, viewer: Submitter, body: LessonIn, csrf: Csrf = None) -> Any:
    """Add a lesson with its themes and tags."""
    return created(request, viewer, csrf, lesson_from, body)


class LessonsSummaryIn(BaseModel):
    quarter: str = Field("", max_length=7, description="YYYY-Qn")
    purpose: str = Field("", max_length=500, description="Why (recorded in the audit trail)")
    recipient: str = Field("", max_length=200, description="Who will receive it")
    format: DocumentFormat = "html"


@api.post("/lessons/summary", responses=FILE)
def api_lessons_summary(
    request: Request, viewer: Operational, body: LessonsSummaryIn, csrf: Csrf = None
) -> Response:
    """The quarter's lessons summary (HTML or Markdown, OFFICIAL-SENSITIVE); a disclosure."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        found = lessons_file(
            conn, viewer.principal, body.quarter, body.format, body.purpose, body.recipient
        )
    return attachment(found)
