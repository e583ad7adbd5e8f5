"""Peer reviews of investigations: the list in scope, one review, the add form and the
summary of anonymised findings. Confidentiality is the register's (store): a review is seen
by the force reviewed, its region's analysts and national roles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import Response

from msops.analytics.casework import peer_reviews as cr
from msops.analytics.tables import Audience
from msops.domain.casework.action_plan import FORCE_KINDS
from msops.domain.casework.peer_reviews import criteria_set
from msops.domain.principal import Role
from msops.domain.reference import organisations
from msops.reports.documents import render_reviews
from msops.store.casework.peer_reviews import list_reviews, show_review
from msops.web import casework_input as ci
from msops.web.casework_forms import FormSpec, Input, choices, show_form, submit_form
from msops.web.pages_casework import table_page
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.services import organisation_name
from msops.web.session import OPERATIONAL, Viewer, allow, engine_of

router = APIRouter(include_in_schema=False)
REVIEWERS = frozenset({Role.NATIONAL_ANALYST, Role.REGIONAL_ANALYST})
Operational = Annotated[Viewer, Depends(allow(OPERATIONAL))]
Reviewer = Annotated[Viewer, Depends(allow(REVIEWERS))]
BACK = (("/casework", "Casework"), ("/casework/peer-reviews", "Peer reviews"))
COLUMNS = [
    ("id", "Review"),
    ("organisation", "Force"),
    ("operation_ref", "Investigation"),
    ("reviewed_on", "Reviewed"),
    ("reviewers", "Reviewers"),
    ("ratings", "Ratings"),
]


def forces_in_scope(viewer: Viewer) -> list[str]:
    """The forces this viewer may name: their own, their region's, or every force."""
    user = viewer.user
    return [
        o.short_name
        for o in organisations()
        if o.kind in FORCE_KINDS
        and (user.organisation is None or o.short_name == user.organisation)
        and (user.region is None or o.region == user.region)
    ]


def review_to_input(values: dict[str, str]) -> dict[str, Any]:
    codes = criteria_set().criterion_codes
    return {
        "org": values.get("org", ""),
        "operation": values.get("operation", ""),
        "date": values.get("date", ""),
        "reviewers": values.get("reviewers", ""),
        "ratings": {c: values.get(f"rating.{c}", "") for c in codes},
        "findings": {c: values.get(f"findings.{c}", "") for c in codes},
    }


def review_spec(viewer: Viewer) -> FormSpec:
    c = criteria_set()
    scale = tuple((r.code, r.label) for r in c.scale)
    per_criterion: list[Input] = []
    for criterion in c.criteria:
        per_criterion += [
            Input(f"rating.{criterion.code}", criterion.title, "select", scale, criterion.question),
            Input(f"findings.{criterion.code}", "Findings", "textarea", max_length=5000),
        ]
    return FormSpec(
        title="Record a peer review of an investigation",
        action="/casework/peer-reviews/new",
        fields=(
            Input("org", "Force reviewed", "select", choices(forces_in_scope(viewer))),
            Input("operation", "Investigation (operation reference)", max_length=80),
            Input("date", "Reviewed on", "date", max_length=10),
            Input("reviewers", "Reviewers, one per line", "lines", max_length=2000),
            *per_criterion,
        ),
        model=ci.ReviewIn,
        apply=ci.review_from,
        done=lambda _body, review_id: f"/casework/peer-reviews/{review_id}",
        note=f"Criteria {c.version} ({c.status}). Rate every criterion; requires improvement"
        " and inadequate need findings. Write findings without names.",
        submit="Record the review",
        back=BACK,
        to_input=review_to_input,
    )


@router.get("/casework/peer-reviews")
def reviews_page(
    request: Request, viewer: Operational, org: Annotated[str | None, Query(max_length=120)] = None
) -> Response:
    chosen = organisation_name(org)
    with engine_of(request).begin() as conn:
        rows = list_reviews(conn, viewer.principal, chosen)
    actions = [
        ("/casework/peer-reviews/summary", "Summary of findings"),
        ("/casework/peer-reviews/criteria", "Criteria and rating scale"),
    ]
    if viewer.user.role in REVIEWERS:
        actions.insert(0, ("/casework/peer-reviews/new", "Record a review"))
    return table_page(
        request,
        viewer,
        title=f"Peer reviews of investigations{f': {chosen}' if chosen else ''}",
        columns=COLUMNS,
        rows=rows,
        link=("id", "/casework/peer-reviews/"),
        note="Confidential to the force reviewed (OFFICIAL-SENSITIVE).",
        actions=actions,
    )


@router.get("/casework/peer-reviews/new")
def review_form(request: Request, viewer: Reviewer) -> Response:
    return show_form(request, viewer, review_spec(viewer))


@router.post("/casework/peer-reviews/new")
async def review_add(request: Request, viewer: Reviewer) -> Response:
    return await submit_form(request, viewer, review_spec(viewer))


@router.get("/casework/peer-reviews/summary")
def summary_page(request: Request, viewer: Operational) -> Response:
    with engine_of(request).begin() as conn:
        summary = cr.review_summary(conn, viewer.principal, Audience.INTERNAL)
    return page(request, "reviews_summary.html", viewer, summary=summary, back=BACK)


@router.post("/casework/peer-reviews/summary")
def summary_download(
    request: Request,
    viewer: Operational,
    csrf_token: Annotated[str, Form()],
    audience: Annotated[Audience, Form()] = Audience.INTERNAL,
    purpose: Annotated[str, Form(max_length=500)] = "",
    recipient: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """The summary as a self-contained HTML file; a public one is a disclosure (purpose)."""
    check_csrf(viewer.csrf_token, csrf_token)
    with engine_of(request).begin() as conn:
        summary = cr.review_summary(
            conn, viewer.principal, audience, 10, purpose or None, recipient or None
        )
    name = f"peer-reviews-{summary.scope}-{audience.value}.html".replace(" ", "-")
    return Response(
        render_reviews(summary, "html"),
        media_type="text/html; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@router.get("/casework/peer-reviews/{review_id}")
def review_page(
    request: Request, viewer: Operational, review_id: Annotated[int, Path(ge=1, le=2**31)]
) -> Response:
    with engine_of(request).begin() as conn:
        review = show_review(conn, viewer.principal, review_id)
    c = criteria_set()
    labels = {r.code: r.label for r in c.scale}
    titles = {x.code: x.title for x in c.criteria}
    return page(
        request, "review.html", viewer, review=review, labels=labels, titles=titles, back=BACK
    )
