"""The JSON API for casework registers, reports and the audit search (same functions as pages)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from msops.analytics.casework.debriefs import debrief_candidates, load_rules
from msops.analytics.casework.nrm_referrals import compliance
from msops.analytics.tables import Audience
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Role
from msops.store.audit import Action
from msops.store.casework.europol import prompts
from msops.store.casework.orders import expiring_orders, list_orders, order_detail
from msops.store.operations_repo import latest_period
from msops.store.web_reads import audit_search
from msops.web.casework import compliance_rows, compliance_window
from msops.web.pages_reports import AUDIT_READERS, REPORT_READERS, parse_since
from msops.web.reports import ReportKind, ReportRequest, produce_report
from msops.web.security import check_csrf
from msops.web.services import organisation_name, parse_period
from msops.web.session import OPERATIONAL, Viewer, allow, engine_of

router = APIRouter(prefix="/api", tags=["api"])
Operational = Annotated[Viewer, Depends(allow(OPERATIONAL))]
Overseer = Annotated[Viewer, Depends(allow(OPERATIONAL | {Role.PCC}))]
Csrf = Annotated[str | None, Header(alias="X-CSRF-Token")]
Org = Annotated[str | None, Query(max_length=120)]
Month = Annotated[str | None, Query(max_length=7)]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input"},
    401: {"description": "Not signed in"},
    403: {"description": "Outside the account's scope"},
    404: {"description": "No such thing in scope"},
}
Rows = list[dict[str, Any]]


def jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


@router.get("/casework/orders", response_model=Rows, responses=ERRORS)
def api_orders(request: Request, viewer: Operational, org: Org = None) -> Any:
    """Prevention and risk orders in scope with their current terms (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_orders(conn, viewer.principal, organisation_name(org)))


@router.get("/casework/orders/expiring", response_model=Rows, responses=ERRORS)
def api_expiring(
    request: Request, viewer: Operational, within: Annotated[int, Query(ge=0, le=3650)] = 90
) -> Any:
    """Orders in force whose term or travel ban ends within `within` days of today (audited)."""
    today = datetime.now(UTC).date()
    with engine_of(request).begin() as conn:
        return jsonable(expiring_orders(conn, viewer.principal, today, within))


@router.get("/casework/orders/{order_id}", response_model=dict[str, Any], responses=ERRORS)
def api_order(
    request: Request, viewer: Operational, order_id: Annotated[int, Path(ge=1, le=2**31)]
) -> Any:
    """One order with its variations, breaches and versions (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(order_detail(conn, viewer.principal, order_id))


@router.get("/casework/europol", response_model=Rows, responses=ERRORS)
def api_europol(
    request: Request, viewer: Operational, org: Org = None, period: Month = None
) -> Any:
    """Live operations of an organisation (default: the user's own) due a Europol check."""
    chosen = viewer.user.organisation or organisation_name(org)
    if chosen is None:
        raise InvalidInput("org: say which organisation's operations to check")
    with engine_of(request).begin() as conn:
        return jsonable(prompts(conn, viewer.principal, chosen, parse_period(period)))


@router.get("/casework/debriefs", response_model=Rows, responses=ERRORS)
def api_debriefs(request: Request, viewer: Operational, period: Month = None) -> Any:
    """The month's operations that merit a debrief (default: the latest month), best first."""
    with engine_of(request).connect() as conn:
        month = parse_period(period) or latest_period(conn)
        if month is None:
            return []
        ranking = debrief_candidates(conn, viewer.principal, month, load_rules())
    return [{**c.__dict__, "reasons": c.reasons} for c in ranking.candidates]


@router.get("/casework/nrm-compliance", response_model=Rows, responses=ERRORS)
def api_compliance(
    request: Request,
    viewer: Overseer,
    start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10)] = None,
) -> Any:
    """Per force and in total: crime recorded on time, RG decisions within target (PCC:
    disclosure-controlled counts for their force area)."""
    window = compliance_window(start, end)
    with engine_of(request).connect() as conn:
        figures = compliance(conn, viewer.principal, window.start, window.end, window.now)
    return compliance_rows(figures, viewer.user.role == Role.PCC)


@router.get("/audit", response_model=Rows, responses=ERRORS)
def api_audit(
    request: Request,
    viewer: Annotated[Viewer, Depends(allow(AUDIT_READERS))],
    user: Annotated[str | None, Query(max_length=120)] = None,
    since: Annotated[str | None, Query(max_length=20)] = None,
    action: Annotated[Action | None, Query()] = None,
    ref: Annotated[str | None, Query(max_length=200)] = None,
) -> Any:
    """The audit trail, newest first (200 at most); the search itself is recorded."""
    with engine_of(request).begin() as conn:
        rows = audit_search(
            conn, viewer.principal, user, parse_since(since), action.value if action else None, ref
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


@router.post("/reports", responses={**ERRORS, 200: {"description": "The file"}})
def api_report(
    request: Request,
    viewer: Annotated[Viewer, Depends(allow(REPORT_READERS))],
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
