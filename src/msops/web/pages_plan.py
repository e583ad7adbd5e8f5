"""The national action plan: its items, a force's RAG assessments over time and its position
(movement and national comparison), the assess form, and the position summary download that
`msops report position` writes (a disclosure in the audit trail)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response

from msops.analytics.casework import action_plan as cp
from msops.domain.casework.action_plan import Rag, action_plan
from msops.domain.errors import InvalidInput
from msops.domain.principal import Role
from msops.reports.documents import render_position
from msops.store.casework.action_plan import history, record_position_disclosure
from msops.web import casework_input as ci
from msops.web.casework_forms import FormSpec, Input, choices, show_form, submit_form
from msops.web.pages_reviews import forces_in_scope
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.services import organisation_name
from msops.web.session import Viewer, allow, engine_of

router = APIRouter(include_in_schema=False)
PLANNERS = frozenset({Role.NATIONAL_ANALYST, Role.REGIONAL_ANALYST, Role.FORCE_USER})
Planner = Annotated[Viewer, Depends(allow(PLANNERS))]
HISTORY_COLUMNS = [
    ("item_id", "Item"),
    ("assessed_on", "Assessed"),
    ("rag", "RAG"),
    ("assessor", "Assessor"),
    ("evidence", "Evidence"),
]


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
        model=ci.AssessmentIn,
        apply=ci.assessment_from,
        done=lambda body, _id: f"/casework/action-plan?org={quote(getattr(body, 'org', ''))}",
        note=f"Action plan {plan.version} ({plan.status}). Earlier assessments are kept: the"
        " latest by date is the force's current position.",
        submit="Record the assessment",
        back=(("/casework", "Casework"), ("/casework/action-plan", "Action plan")),
        defaults={"org": own} if own else {},
    )


@router.get("/casework/action-plan")
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


@router.get("/casework/action-plan/assess")
def assess_form(request: Request, viewer: Planner) -> Response:
    return show_form(request, viewer, assess_spec(viewer))


@router.post("/casework/action-plan/assess")
async def assess_item(request: Request, viewer: Planner) -> Response:
    return await submit_form(request, viewer, assess_spec(viewer))


@router.post("/casework/action-plan/position")
def position_download(
    request: Request,
    viewer: Planner,
    csrf_token: Annotated[str, Form()],
    purpose: Annotated[str, Form(max_length=500)],
    org: Annotated[str, Form(max_length=120)] = "",
    recipient: Annotated[str, Form(max_length=200)] = "",
    fmt: Annotated[Literal["html", "md"], Form(alias="format")] = "html",
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
