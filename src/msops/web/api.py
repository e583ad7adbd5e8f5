"""The JSON API under /api/: the same operations as the pages, described at /openapi.json."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field

from msops.domain.errors import InvalidInput
from msops.store.operations_repo import (
    OperationFilter,
    consult_operation,
    latest_period,
    return_status,
)
from msops.store.users_repo.sessions import end_session, start_session
from msops.store.users_repo.sign_in import sign_in
from msops.web.clients import client_address
from msops.web.gates import ERRORS, Anyone, Csrf, Operational, Submitter
from msops.web.security import check_csrf
from msops.web.services import (
    dashboard_figures,
    parse_period,
    search_operations,
    submit_upload,
)
from msops.web.session import COOKIE, engine_of, set_cookie

router = APIRouter(prefix="/api", tags=["api"])


class Credentials(BaseModel):
    name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=1, max_length=1000)


class SessionOut(BaseModel):
    name: str
    role: str
    organisation: str | None
    region: str | None
    csrf_token: str


class Purpose(BaseModel):
    purpose: str = Field(min_length=1, max_length=500)


class Figure(BaseModel):
    label: str
    value: str


class HeadlineOut(BaseModel):
    period: str | None
    area: str
    disclosure_controlled: bool
    figures: list[Figure]


class OperationRow(BaseModel):
    period: str
    organisation: str
    region: str | None
    ref: str
    name: str | None
    lead_org: str
    status: str
    opened_date: str | None
    closed_date: str | None
    primary_category: str | None
    primary_type: str | None
    victims: int
    suspects: int
    arrests: int
    charges: int


class OperationOut(BaseModel):
    organisation: str
    ref: str
    months: list[dict[str, Any]]
    details: list[dict[str, Any]]
    nationalities: list[dict[str, Any]]
    nominals: list[dict[str, Any]] | None = None


class StatusRow(BaseModel):
    organisation: str
    name: str
    kind: str
    region: str | None
    version: int | None
    submitted_at: str | None
    submitted_by: str | None
    n_operations: int | None


class IssueOut(BaseModel):
    sheet: str
    row: str
    column: str
    value: str
    rule: str
    message: str
    suggestion: str


class SubmitOut(BaseModel):
    outcome: str
    organisation: str
    period: str
    version: int | None
    summary: str
    issues: list[IssueOut]


@router.post("/session", response_model=SessionOut, responses=ERRORS)
def api_sign_in(request: Request, body: Credentials) -> Response:
    """Sign in: sets the session cookie and returns the CSRF token for later POSTs."""
    engine = engine_of(request)
    user = sign_in(engine, body.name, body.password, client_address(request))
    with engine.begin() as conn:
        token, csrf = start_session(conn, user)
    out = SessionOut(
        name=user.name,
        role=user.role.value,
        organisation=user.organisation,
        region=user.region,
        csrf_token=csrf,
    )
    response = JSONResponse(out.model_dump())
    set_cookie(request, response, COOKIE, token)
    return response


@router.delete("/session", status_code=204, responses=ERRORS)
def api_sign_out(request: Request, viewer: Anyone, csrf: Csrf = None) -> Response:
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        end_session(conn, viewer.token, viewer.user)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/headline", response_model=HeadlineOut, responses=ERRORS)
def api_headline(request: Request, viewer: Anyone, period: str | None = None) -> HeadlineOut:
    """Headline figures in scope; for a PCC, disclosure-controlled counts for their force area."""
    figures = dashboard_figures(
        engine_of(request), viewer.principal, parse_period(period), request.app.state.figures
    )
    return HeadlineOut(
        period=str(figures.period) if figures.period else None,
        area=figures.area,
        disclosure_controlled=figures.protected,
        figures=[Figure(label=label, value=value) for label, value in figures.rows],
    )


@router.get("/operations", response_model=list[OperationRow], responses=ERRORS)
def api_operations(
    request: Request,
    viewer: Operational,
    period: str | None = None,
    org: str | None = None,
    region: str | None = None,
    status: str | None = None,
    exploitation: str | None = None,
    lead: str | None = None,
    nationality: Annotated[str | None, Query(max_length=80)] = None,
    people: str | None = None,
    outcome: str | None = None,
    europol: str | None = None,
    q: str | None = None,
    limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[dict[str, Any]]:
    """Operations in a month's current returns (default: the latest month), within scope.

    Ordered by organisation and reference; `limit` and `offset` page through them.
    """
    drill = {"lead": lead, "nationality": nationality, "people": people}
    drill |= {"outcome": outcome, "europol": europol}
    flt = OperationFilter.from_text(period, org, region, status, exploitation, **drill)
    rows = search_operations(
        engine_of(request), viewer.principal, flt, q, limit=limit, offset=offset
    )
    return [_jsonable(r) for r in rows]


@router.get("/operations/{org}/{ref:path}", response_model=OperationOut, responses=ERRORS)
def api_operation(request: Request, viewer: Operational, org: str, ref: str) -> dict[str, Any]:
    """One operation month by month (recorded in the audit trail as a consultation)."""
    with engine_of(request).begin() as conn:
        history = consult_operation(conn, viewer.principal, org, ref)
    return _history(history)


@router.post("/operations/{org}/{ref:path}/nominals", response_model=OperationOut, responses=ERRORS)
def api_nominals(
    request: Request, viewer: Operational, org: str, ref: str, body: Purpose, csrf: Csrf = None
) -> dict[str, Any]:
    """The operation with its nominals; the purpose is stored in the audit trail."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        history = consult_operation(conn, viewer.principal, org, ref, nominals_purpose=body.purpose)
    return _history(history)


@router.get("/returns/status", response_model=list[StatusRow], responses=ERRORS)
def api_status(request: Request, viewer: Operational, period: str | None = None) -> list[Any]:
    """Each organisation in scope with its current return for the month, or none."""
    with engine_of(request).connect() as conn:
        the_period = parse_period(period) or latest_period(conn)
        rows = return_status(conn, viewer.principal, the_period) if the_period else []
    return [_jsonable(r.__dict__) for r in rows]


@router.post("/returns", response_model=SubmitOut, responses=ERRORS)
def api_submit(
    request: Request,
    viewer: Submitter,
    org: Annotated[str, Form(max_length=120)],
    period: Annotated[str, Form(max_length=7)],
    file: Annotated[UploadFile, File()],
    csrf: Csrf = None,
    nil: Annotated[bool, Form()] = False,
) -> SubmitOut:
    """Validate and (if clean) store a return; a rejected return changes nothing. `nil`: a nil
    return (nothing to report for the month)."""
    check_csrf(viewer.csrf_token, csrf)
    result = submit_upload(
        engine_of(request), viewer.principal, file.file, file.filename, org, period, nil
    )
    return SubmitOut(
        outcome=result.outcome.value,
        organisation=result.organisation.short_name,
        period=str(result.period),
        version=result.version,
        summary=result.summary(),
        issues=[IssueOut(**i.as_row()) for i in result.issues],
    )


def _jsonable(row: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()}


def _history(history: Any) -> dict[str, Any]:
    nominals = None
    if history.nominals is not None:
        nominals = [
            {k: v for k, v in _jsonable(p).items() if k not in ("id", "operation_month_id")}
            for p in history.nominals
        ]
    return {
        "organisation": history.organisation,
        "ref": history.ref,
        "months": [
            {k: v for k, v in _jsonable(m).items() if not k.endswith("id") and k != "id"}
            for m in history.months
        ],
        "details": [_jsonable(d) for d in history.details],
        "nationalities": [_jsonable(n) for n in history.nationalities],
        "nominals": nominals,
    }


__all__ = ["InvalidInput", "router"]
