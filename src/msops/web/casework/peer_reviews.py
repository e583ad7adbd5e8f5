"""Peer reviews of investigations in the browser and the API: the list in scope, one review,
the add form, the criteria in force and the summary of anonymised findings. Confidentiality
is the register's (store): a review is seen by the force reviewed, its region and national roles."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from msops.analytics.casework import peer_reviews as cr
from msops.analytics.tables import Audience
from msops.domain.casework.action_plan import FORCE_KINDS
from msops.domain.casework.peer_reviews import criteria_set, review_input
from msops.domain.principal import Principal
from msops.domain.reference import organisations
from msops.domain.typed_text import require_date
from msops.reports.documents import render_reviews
from msops.store.casework.peer_reviews import add_review, list_reviews, show_review
from msops.web.casework.common import (
    Code,
    Created,
    Day,
    Lines,
    Org,
    Prose,
    Ref,
    created,
    org_filter,
    table_page,
)
from msops.web.forms import FormSpec, Input, choices, form_routes
from msops.web.gates import (
    ERRORS,
    REVIEWERS,
    Csrf,
    Operational,
    OrgQuery,
    RecordId,
    Reviewer,
    Rows,
    jsonable,
)
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.services import organisation_name
from msops.web.session import Viewer, engine_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/casework", tags=["casework"])
routers = (pages, api)


BACK = (("/casework", "Casework"), ("/casework/peer-reviews", "Peer reviews"))


COLUMNS = [
    ("id", "Review"),
    ("organisation", "Force"),
    ("operation_ref", "Investigation"),
    ("reviewed_on", "Reviewed"),
    ("reviewers", "Reviewers"),
    ("ratings", "Ratings"),
]


class ReviewIn(BaseModel):
    org: Org = ""
    operation: Ref = ""
    date: Day = ""
    reviewers: Lines = []
    ratings: dict[Code, Code] = Field({}, description="criterion code -> rating code")
    findings: dict[Code, Prose] = Field({}, description="criterion code -> findings")


def review_from(conn: Connection, principal: Principal, body: ReviewIn) -> int:
    def given(pairs: dict[str, str]) -> dict[str, str]:
        return {k.strip().casefold(): v for k, v in pairs.items() if v.strip()}

    review = review_input(
        require_date(body.date, "date"),
        body.reviewers,
        given(body.ratings),
        given(body.findings),
    )
    return add_review(conn, principal, body.org, body.operation, review)


def criteria_in_force() -> dict[str, Any]:
    """The peer-review criteria and rating scale reviews are made against."""
    c = criteria_set()
    return {
        "version": c.version,
        "status": c.status,
        "scale": [r.__dict__ for r in c.scale],
        "criteria": [x.__dict__ for x in c.criteria],
    }


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
        model=ReviewIn,
        apply=review_from,
        done=lambda _body, review_id: f"/casework/peer-reviews/{review_id}",
        note=f"Criteria {c.version} ({c.status}). Rate every criterion; requires improvement"
        " and inadequate need findings. Write findings without names.",
        submit="Record the review",
        back=BACK,
        to_input=review_to_input,
    )


@pages.get("/casework/peer-reviews")
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
        form=org_filter(viewer, "/casework/peer-reviews", chosen),
        link=("id", "/casework/peer-reviews/"),
        note="Confidential to the force reviewed (OFFICIAL-SENSITIVE).",
        actions=actions,
    )


form_routes(pages, "/casework/peer-reviews/new", REVIEWERS, review_spec)


@pages.get("/casework/peer-reviews/summary")
def summary_page(request: Request, viewer: Operational) -> Response:
    with engine_of(request).begin() as conn:
        summary = cr.review_summary(conn, viewer.principal, Audience.INTERNAL)
    return page(request, "reviews_summary.html", viewer, summary=summary, back=BACK)


@pages.post("/casework/peer-reviews/summary")
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
            conn, viewer.principal, audience, purpose=purpose or None, recipient=recipient or None
        )
    name = f"peer-reviews-{summary.scope}-{audience.value}.html".replace(" ", "-")
    return Response(
        render_reviews(summary, "html"),
        media_type="text/html; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


@pages.get("/casework/peer-reviews/criteria")
def criteria_page(request: Request, viewer: Operational) -> Response:
    return page(
        request,
        "review_criteria.html",
        viewer,
        criteria=criteria_in_force(),
        back=(("/casework", "Casework"), ("/casework/peer-reviews", "Peer reviews")),
    )


@pages.get("/casework/peer-reviews/{review_id}")
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


@api.get("/peer-reviews", response_model=Rows, responses=ERRORS)
def api_reviews(request: Request, viewer: Operational, org: OrgQuery = None) -> Any:
    """Peer reviews in scope (confidential to the force reviewed)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_reviews(conn, viewer.principal, organisation_name(org)))


@api.post("/peer-reviews", response_model=Created, status_code=201, responses=ERRORS)
def api_add_review(request: Request, viewer: Reviewer, body: ReviewIn, csrf: Csrf = None) -> Any:
    """Record a peer review: a rating (and findings where needed) for every criterion."""
    return created(request, viewer, csrf, review_from, body)


@api.get("/peer-reviews/summary", response_model=dict[str, Any], responses=ERRORS)
def api_review_summary(request: Request, viewer: Operational) -> Any:
    """Ratings per criterion over the reviews in scope, and their anonymised findings."""
    with engine_of(request).begin() as conn:
        s = cr.review_summary(conn, viewer.principal, Audience.INTERNAL)
    return {
        "scope": s.scope,
        "criteria_version": s.criteria.version,
        "reviews": s.reviews,
        "rows": s.rows(),
        "findings": [f.__dict__ for f in s.findings],
    }


@api.get("/peer-reviews/criteria", response_model=dict[str, Any], responses=ERRORS)
def api_review_criteria(viewer: Operational) -> Any:
    """The peer-review criteria and rating scale in force, with their version."""
    return criteria_in_force()


@api.get("/peer-reviews/{review_id}", response_model=dict[str, Any], responses=ERRORS)
def api_review(request: Request, viewer: Operational, review_id: RecordId) -> Any:
    """One review with its ratings, findings and versions."""
    with engine_of(request).begin() as conn:
        return jsonable(show_review(conn, viewer.principal, review_id))
