"""Europol (SIENA) in the browser and the API: the operations due a check, the checks, meetings
and JITs recorded, recording one, and the year's counts per organisation."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from msops.analytics.casework.europol import annual
from msops.domain.casework.europol import CheckOutcome, EventKind
from msops.domain.casework.nrm_referrals import (
    clean_enum,
)
from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.domain.reference import organisations
from msops.domain.typed_text import require_date
from msops.store.casework.europol import list_events, prompts, record_event
from msops.store.operations_repo import latest_period
from msops.web.casework.common import (
    Code,
    Column,
    Created,
    Day,
    Org,
    Ref,
    created,
    enum_choices,
    go_to,
    org_defaults,
    org_filter,
    org_input,
    table_page,
    today_year_month,
    writes,
)
from msops.web.forms import FormSpec, Input, form_routes
from msops.web.gates import (
    ERRORS,
    SUBMITTERS,
    Csrf,
    MonthQuery,
    Operational,
    OrgQuery,
    Rows,
    Submitter,
    jsonable,
)
from msops.web.services import organisation_name, parse_period
from msops.web.session import Viewer, engine_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/casework", tags=["casework"])
routers = (pages, api)


PROMPT_COLUMNS: list[Column] = [
    ("period", "Month"),
    ("operation_ref", "Operation"),
    ("name", "Name"),
    ("opened_date", "Opened"),
    ("reasons", "Why a check is due"),
]


EVENT_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("event_on", "Date"),
    ("kind", "Kind"),
    ("operation_ref", "Operation"),
    ("outcome", "Outcome"),
]


ANNUAL_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("checks_recorded", "Checks recorded here"),
    ("checks_in_returns", "Operations with a check date in returns"),
    ("operational_meetings_recorded", "Operational meetings recorded"),
    ("jits_recorded", "JITs recorded here"),
    ("operations_with_jit", "Operations reporting a JIT in returns"),
]


class EuropolIn(BaseModel):
    org: Org = ""
    kind: Code = Field("check", description="check, operational_meeting or jit")
    date: Day = ""
    operation: Ref = ""
    outcome: Code = Field("", description="For a check: no_trace, trace or pending")


def europol_from(conn: Connection, principal: Principal, body: EuropolIn) -> int:
    outcome = clean_enum(CheckOutcome, body.outcome, "outcome") if body.outcome.strip() else None
    return record_event(
        conn,
        principal,
        body.org,
        clean_enum(EventKind, body.kind, "kind"),
        require_date(body.date, "date"),
        body.operation.strip() or None,
        outcome,
    )


def europol_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Record a Europol check, operational meeting or JIT",
        action="/casework/europol/record",
        fields=(
            org_input(viewer),
            Input("kind", "Kind", "select", enum_choices(EventKind)),
            Input("date", "Date", "date", max_length=10),
            Input("operation", "Operation reference (a check or JIT needs one)", max_length=80),
            Input("outcome", "Outcome (checks only)", "select", enum_choices(CheckOutcome)),
        ),
        model=EuropolIn,
        apply=europol_from,
        done=go_to("/casework/europol/events"),
        submit="Record",
        back=(("/casework", "Casework"), ("/casework/europol", "Europol checks due")),
        defaults={**org_defaults(viewer), "kind": "check"},
    )


def default_year(conn: Connection) -> int:
    latest = latest_period(conn)
    return latest.year if latest else today_year_month()[0]


def _europol_org(viewer: Viewer, org: str | None) -> str | None:
    return viewer.user.organisation or organisation_name(org)


def _orgs_in_scope(viewer: Viewer) -> list[str]:
    region = viewer.user.region
    return [o.short_name for o in organisations() if region is None or o.region == region]


@pages.get("/casework/europol")
def europol_page(
    request: Request,
    viewer: Operational,
    org: OrgQuery = None,
    period: MonthQuery = None,
) -> Response:
    chosen = _europol_org(viewer, org)
    rows: list[dict[str, Any]] = []
    if chosen:
        with engine_of(request).begin() as conn:
            rows = prompts(conn, viewer.principal, chosen, parse_period(period))
        if writes(viewer):
            for row in rows:
                query = urlencode({"org": chosen, "operation": row["operation_ref"]})
                row["links"] = [("record a check", f"/casework/europol/record?{query}")]
    choices = [] if viewer.user.organisation else _orgs_in_scope(viewer)
    fields: list[tuple[str, str, Any]] = [("period", "Month (YYYY-MM)", period or "")]
    return table_page(
        request,
        viewer,
        title=f"Europol checks due{f': {chosen}' if chosen else ''}",
        columns=PROMPT_COLUMNS,
        rows=rows,
        note="Live operations with an international dimension or a non-UK national and no"
        " Europol (SIENA) check." + ("" if chosen else " Choose an organisation."),
        form={"action": "/casework/europol", "fields": fields, "orgs": choices, "org": chosen},
        row_links=True,
        actions=[("/casework/europol/events", "Checks, meetings and JITs recorded")],
    )


@pages.get("/casework/europol/events")
def events_page(request: Request, viewer: Operational, org: OrgQuery = None) -> Response:
    chosen = organisation_name(org)
    with engine_of(request).begin() as conn:
        rows = list_events(conn, viewer.principal, chosen)
    return table_page(
        request,
        viewer,
        title="Europol checks, operational meetings and JITs recorded",
        columns=EVENT_COLUMNS,
        coded={"kind": "europol_event", "outcome": "europol_outcome"},
        rows=rows,
        form=org_filter(viewer, "/casework/europol/events", chosen),
        note="Newest first.",
        actions=[("/casework/europol/record", "Record a check, meeting or JIT")]
        if writes(viewer)
        else [],
    )


form_routes(pages, "/casework/europol/record", SUBMITTERS, europol_spec)


@pages.get("/casework/europol/annual")
def europol_annual(
    request: Request,
    viewer: Operational,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
) -> Response:
    with engine_of(request).connect() as conn:
        chosen = year or default_year(conn)
        rows = annual(conn, viewer.principal, chosen)
    return table_page(
        request,
        viewer,
        title=f"Europol activity {chosen}",
        columns=ANNUAL_COLUMNS,
        rows=rows,
        note="Per organisation in your scope and in total: checks, operational meetings and JITs"
        " recorded here, beside operations with a Europol check date or a JIT in that year's"
        " returns. The two sources are shown side by side, not added.",
        form={"action": "/casework/europol/annual", "fields": [("year", "Year", chosen)]},
        actions=[
            ("/casework/europol", "Checks due"),
            ("/casework/europol/events", "Checks, meetings and JITs recorded"),
        ],
    )


@api.get("/europol", response_model=Rows, responses=ERRORS)
def api_europol(
    request: Request, viewer: Operational, org: OrgQuery = None, period: MonthQuery = None
) -> Any:
    """Live operations of an organisation (default: the user's own) due a Europol check."""
    chosen = viewer.user.organisation or organisation_name(org)
    if chosen is None:
        raise InvalidInput("org: say which organisation's operations to check")
    with engine_of(request).begin() as conn:
        return jsonable(prompts(conn, viewer.principal, chosen, parse_period(period)))


@api.get("/europol/events", response_model=Rows, responses=ERRORS)
def api_events(request: Request, viewer: Operational, org: OrgQuery = None) -> Any:
    """Europol checks, operational meetings and JITs recorded in scope, newest first."""
    with engine_of(request).begin() as conn:
        return jsonable(list_events(conn, viewer.principal, organisation_name(org)))


@api.post("/europol/events", response_model=Created, status_code=201, responses=ERRORS)
def api_record_event(
    request: Request, viewer: Submitter, body: EuropolIn, csrf: Csrf = None
) -> Any:
    """Record a Europol check (with its outcome), an operational meeting or a JIT."""
    return created(request, viewer, csrf, europol_from, body)


@api.get("/europol/annual", response_model=list[dict[str, Any]], responses=ERRORS)
def api_europol_annual(
    request: Request,
    viewer: Operational,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
) -> Any:
    """The year's Europol checks, operational meetings and JITs per organisation in scope and
    in total (default: the year of the latest returns)."""
    with engine_of(request).connect() as conn:
        return annual(conn, viewer.principal, year or default_year(conn))
