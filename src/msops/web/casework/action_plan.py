"""The national action plan in the browser and the API: its items, a force's RAG assessments
over time and its position (movement and national comparison), the assess form, and the
position summary download that `msops report position` writes (a disclosure)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from msops.analytics.casework import action_plan as cp
from msops.domain.casework.action_plan import Rag, action_plan, parse_rag
from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.domain.typed_text import require_date
from msops.reports.documents import DocumentFormat, render_position
from msops.store.casework.action_plan import assess, history, record_position_disclosure
from msops.web.casework.common import Code, Created, Day, Org, Prose, Text, created
from msops.web.casework.peer_reviews import forces_in_scope
from msops.web.forms import FormSpec, Input, choices, form_routes
from msops.web.gates import ERRORS, PLANNERS, Csrf, OrgQuery, Planner, Rows, jsonable
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.services import organisation_name
from msops.web.session import Viewer, engine_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/casework", tags=["casework"])
routers = (pages, api)


HISTORY_COLUMNS = [
    ("item_id", "Item"),
    ("assessed_on", "Assessed"),
    ("rag", "RAG"),
    ("assessor", "Assessor"),
    ("evidence", "Evidence"),
]


class AssessmentIn(BaseModel):
    org: Org = ""
    item: Code = ""
    rag: Code = Field("", description="red, amber or green")
    date: Day = ""
    assessor: Text = ""
    evidence: Prose = ""


def assessment_from(conn: Connection, principal: Principal, body: AssessmentIn) -> int:
    rag = parse_rag(body.rag)
    on = require_date(body.date, "date")
    return assess(conn, principal, body.org, body.item, rag, on, body.assessor, body.evidence)


def chosen_force(viewer: Viewer, org: str | None) -> str | None:
    """A force user's own force; for analysts, the force they named (if any)."""
    return viewer.user.organisation or organisation_name(org)


def assess_spec(viewer: Viewer) -> FormSpec:
    plan = action_plan()
    items = tuple((i.id, f"{i.id} {i.theme}: {i.text}"[:140]) for i in plan.items)
    own = viewer.user.organisation
    return FormSpec(
        title="Assess an action plan item",
        action="/casework/action-plan/assess",
        fields=(
            Input("org", "Force", "select", choices(forces_in_scope(viewer))),
            Input("item", "Item", "select", items),
            Input("rag", "RAG", "select", choices([r.value for r in Rag])),
            Input("date", "Assessed on", "date", max_length=10),
            Input("assessor", "Assessor", max_length=120),
            Input("evidence", "Evidence", "textarea", max_length=5000),
        ),
        model=AssessmentIn,
        apply=assessment_from,
        done=lambda body, _id: f"/casework/action-plan?org={quote(getattr(body, 'org', ''))}",
        note=f"Action plan {plan.version} ({plan.status}). Earlier assessments are kept: the"
        " latest by date is the force's current position.",
        submit="Record the assessment",
        back=(("/casework", "Casework"), ("/casework/action-plan", "Action plan")),
        defaults={"org": own} if own else {},
    )


@pages.get("/casework/action-plan")
def plan_page(
    request: Request, viewer: Planner, org: Annotated[str | None, Query(max_length=120)] = None
) -> Response:
    force = chosen_force(viewer, org)
    rows: list[dict[str, object]] = []
    assessments: list[dict[str, object]] = []
    if force:
        with engine_of(request).begin() as conn:
            summary = cp.position_summary(conn, viewer.principal, force)
            assessments = list(reversed(history(conn, viewer.principal, force)))
        rows = cp.table_rows(summary)
    return page(
        request,
        "action_plan.html",
        viewer,
        plan=action_plan(),
        force=force,
        forces=[] if viewer.user.organisation else forces_in_scope(viewer),
        columns=cp.COLUMNS,
        rows=rows,
        history_columns=HISTORY_COLUMNS,
        assessments=assessments,
    )


form_routes(pages, "/casework/action-plan/assess", PLANNERS, assess_spec)


@pages.post("/casework/action-plan/position")
def position_download(
    request: Request,
    viewer: Planner,
    csrf_token: Annotated[str, Form()],
    purpose: Annotated[str, Form(max_length=500)],
    org: Annotated[str, Form(max_length=120)] = "",
    recipient: Annotated[str, Form(max_length=200)] = "",
    fmt: Annotated[DocumentFormat, Form(alias="format")] = "html",
) -> Response:
    """The force position summary as a file, as `msops report position --out` writes it."""
    check_csrf(viewer.csrf_token, csrf_token)
    force = chosen_force(viewer, org)
    if force is None:
        raise InvalidInput("org: say which force's position to download")
    name = f"position-{force}.{fmt}".replace(" ", "-")
    with engine_of(request).begin() as conn:
        summary = cp.position_summary(conn, viewer.principal, force)
        record_position_disclosure(
            conn,
            viewer.principal,
            summary.organisation,
            purpose,
            recipient or None,
            f"download {name}",
        )
    body = render_position(summary, fmt)
    media = "text/html" if fmt == "html" else "text/markdown"
    return Response(
        body,
        media_type=f"{media}; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@api.get("/action-plan/items", response_model=Rows, responses=ERRORS)
def api_plan_items(viewer: Planner) -> Any:
    """The action plan's items (the version shipped)."""
    plan = action_plan()
    return [{"version": plan.version, **i.__dict__} for i in plan.items]


@api.get("/action-plan/assessments", response_model=Rows, responses=ERRORS)
def api_assessments(request: Request, viewer: Planner, org: OrgQuery = None) -> Any:
    """A force's RAG assessments, per item oldest first (a force user: their own force)."""
    force = chosen_force(viewer, org)
    if force is None:
        raise InvalidInput("org: say which force's assessments to list")
    with engine_of(request).begin() as conn:
        return jsonable(history(conn, viewer.principal, force))


@api.post("/action-plan/assessments", response_model=Created, status_code=201, responses=ERRORS)
def api_assess(request: Request, viewer: Planner, body: AssessmentIn, csrf: Csrf = None) -> Any:
    """Record a force's RAG assessment of one item (earlier ones are kept)."""
    return created(request, viewer, csrf, assessment_from, body)


@api.get("/action-plan/position", response_model=Rows, responses=ERRORS)
def api_position(request: Request, viewer: Planner, org: OrgQuery = None) -> Any:
    """A force's position per item: current RAG, movement and the national comparison."""
    force = chosen_force(viewer, org)
    if force is None:
        raise InvalidInput("org: say which force's position to show")
    with engine_of(request).begin() as conn:
        return jsonable(cp.table_rows(cp.position_summary(conn, viewer.principal, force)))
