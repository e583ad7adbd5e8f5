"""Reports to download (overview HTML/PDF, tables as CSV) and the audit search."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from msops.analytics.tables import Audience
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Role
from msops.domain.reference import REGIONS, organisations
from msops.store.audit import Action
from msops.store.audit_query import search_audit
from msops.store.operations_repo import latest_period
from msops.web.gates import ERRORS, Auditor, Csrf, Reader, Rows, jsonable
from msops.web.paging import PAGE_SIZE, asked_page, fetched
from msops.web.render import page
from msops.web.reports import ReportKind, ReportRequest, produce_report
from msops.web.security import check_csrf
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"])
PAGE_LIMIT = 200  # audit entries listed at most, newest first


@router.get("/reports")
def reports_form(request: Request, viewer: Reader) -> Response:
    with engine_of(request).connect() as conn:
        latest = latest_period(conn)
    pcc = viewer.user.role == Role.PCC
    return page(
        request,
        "reports.html",
        viewer,
        period=str(latest or ""),
        pcc=pcc,
        regions=REGIONS if viewer.user.role == Role.NATIONAL_ANALYST else [],
        organisations=_area_choices(viewer),
        kinds=list(ReportKind),
    )


def _area_choices(viewer: Viewer) -> list[str]:
    if viewer.user.role == Role.NATIONAL_ANALYST:
        return [o.short_name for o in organisations()]
    if viewer.user.role == Role.REGIONAL_ANALYST:
        return [o.short_name for o in organisations() if o.region == viewer.user.region]
    return []


@router.post("/reports")
def report_download(
    request: Request,
    viewer: Reader,
    period: Annotated[str, Form(max_length=7)],
    kind: Annotated[ReportKind, Form()],
    purpose: Annotated[str, Form(max_length=500)],
    recipient: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form()],
    audience: Annotated[Audience, Form()] = Audience.PUBLIC,
    region: Annotated[str, Form(max_length=40)] = "",
    org: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    req = ReportRequest(
        Period.parse(period), kind, audience, region or None, org or None, purpose, recipient
    )
    found = produce_report(engine_of(request), viewer.principal, req)
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"content-disposition": f'attachment; filename="{found.filename}"'},
    )


def parse_since(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput("since: give a date as YYYY-MM-DD") from None


@router.get("/audit")
def audit_page(
    request: Request,
    viewer: Auditor,
    user: Annotated[str | None, Query(max_length=120)] = None,
    since: Annotated[str | None, Query(max_length=20)] = None,
    action: Annotated[str | None, Query(max_length=20)] = None,
    ref: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    if action and action not in {a.value for a in Action}:
        raise InvalidInput(f"action must be one of: {', '.join(a.value for a in Action)}")
    number = asked_page(request)
    with engine_of(request).begin() as conn:
        rows = search_audit(
            conn,
            viewer.principal,
            user or None,
            parse_since(since),
            action or None,
            ref or None,
            limit=PAGE_SIZE,
            offset=(number - 1) * PAGE_SIZE,
        )
    form = {"user": user or "", "since": since or "", "action": action or "", "ref": ref or ""}
    return page(
        request,
        "audit.html",
        viewer,
        rows=rows,
        paging=fetched(request, rows, number, PAGE_SIZE),
        form=form,
        actions=[a.value for a in Action],
    )


@api_router.get("/audit", response_model=Rows, responses=ERRORS)
def api_audit(
    request: Request,
    viewer: Auditor,
    user: Annotated[str | None, Query(max_length=120)] = None,
    since: Annotated[str | None, Query(max_length=20)] = None,
    action: Annotated[Action | None, Query()] = None,
    ref: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    """The audit trail, newest first (200 at most); the search itself is recorded."""
    with engine_of(request).begin() as conn:
        what = action.value if action else None
        rows = search_audit(
            conn, viewer.principal, user, parse_since(since), what, ref, limit=PAGE_LIMIT
        )
    return jsonable(rows)


class ReportIn(BaseModel):
    period: str = Field(pattern=r"^\d{4}-\d{2}$")
    kind: ReportKind
    audience: Audience = Audience.PUBLIC
    region: str | None = Field(default=None, max_length=40)
    org: str | None = Field(default=None, max_length=120)
    purpose: str = Field(min_length=1, max_length=500)
    recipient: str = Field(min_length=1, max_length=200)


@api_router.post("/reports", responses={**ERRORS, 200: {"description": "The file"}})
def api_report(
    request: Request,
    viewer: Reader,
    body: ReportIn,
    csrf: Csrf = None,
) -> Response:
    """The overview (HTML or PDF) or its tables (ZIP of CSV); recorded as a disclosure."""
    check_csrf(viewer.csrf_token, csrf)
    req = ReportRequest(
        Period.parse(body.period),
        body.kind,
        body.audience,
        body.region,
        body.org,
        body.purpose,
        body.recipient,
    )
    found = produce_report(engine_of(request), viewer.principal, req)
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"content-disposition": f'attachment; filename="{found.filename}"'},
    )
