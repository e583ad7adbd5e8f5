"""The JSON API to add to the casework registers and list what they hold.

The bodies are the forms' models (`casework_input`) and the calls the same functions, so the API
answers with the pages' messages: 400 with the register's sentence for bad input (nothing
stored), 403 outside the account's scope, 404 for a record not in scope."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from pydantic import BaseModel

from msops.analytics.casework import action_plan as cp
from msops.analytics.casework import peer_reviews as cr
from msops.analytics.tables import Audience
from msops.domain.casework.action_plan import action_plan
from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.store.casework.action_plan import history
from msops.store.casework.debriefs import list_debriefs, recent_lessons, search_lessons
from msops.store.casework.europol import list_events
from msops.store.casework.nrm_referrals import list_notifications, list_referrals
from msops.store.casework.peer_reviews import list_reviews, show_review
from msops.web import casework_input as ci
from msops.web.api_casework import ERRORS, jsonable
from msops.web.pages_plan import PLANNERS, chosen_force
from msops.web.pages_reviews import REVIEWERS
from msops.web.security import check_csrf
from msops.web.services import organisation_name
from msops.web.session import OPERATIONAL, SUBMITTERS, Viewer, allow, engine_of

router = APIRouter(prefix="/api/casework", tags=["casework"])
Operational = Annotated[Viewer, Depends(allow(OPERATIONAL))]
Submitter = Annotated[Viewer, Depends(allow(SUBMITTERS))]
Reviewer = Annotated[Viewer, Depends(allow(REVIEWERS))]
Planner = Annotated[Viewer, Depends(allow(PLANNERS))]
Csrf = Annotated[str | None, Header(alias="X-CSRF-Token")]
Org = Annotated[str | None, Query(max_length=120)]
Id = Annotated[int, Path(ge=1, le=2**31)]
Rows = list[dict[str, Any]]
M = TypeVar("M", bound=BaseModel)


class Created(BaseModel):
    id: int


class Changed(BaseModel):
    version: int


def _store(
    request: Request,
    viewer: Viewer,
    csrf: str | None,
    apply: Callable[[Any, Principal, M], int],
    body: M,
) -> int:
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        return apply(conn, viewer.principal, body)


def _created(request: Request, viewer: Viewer, csrf: str | None, apply: Any, body: Any) -> Any:
    return Created(id=_store(request, viewer, csrf, apply, body))


# --- orders ---------------------------------------------------------------------------------


@router.post("/orders", response_model=Created, status_code=201, responses=ERRORS)
def api_add_order(request: Request, viewer: Submitter, body: ci.OrderIn, csrf: Csrf = None) -> Any:
    """Add a prevention (STPO) or risk (STRO) order; the Act's minimums are enforced."""
    return _created(request, viewer, csrf, ci.add_order_from, body)


@router.post("/orders/{order_id}/variations", response_model=Changed, responses=ERRORS)
def api_vary_order(
    request: Request, viewer: Submitter, order_id: Id, body: ci.VariationIn, csrf: Csrf = None
) -> Any:
    """Record a variation, renewal or discharge; returns the order's new version."""

    def apply(conn: Any, who: Principal, b: ci.VariationIn) -> int:
        return ci.vary_order_from(conn, who, order_id, b)

    return Changed(version=_store(request, viewer, csrf, apply, body))


@router.post("/orders/{order_id}/breaches", response_model=Changed, responses=ERRORS)
def api_breach(
    request: Request, viewer: Submitter, order_id: Id, body: ci.BreachIn, csrf: Csrf = None
) -> Any:
    """Record a breach of an order and its outcome; returns the order's new version."""

    def apply(conn: Any, who: Principal, b: ci.BreachIn) -> int:
        return ci.breach_from(conn, who, order_id, b)

    return Changed(version=_store(request, viewer, csrf, apply, body))


# --- NRM referrals and duty to notify -------------------------------------------------------


@router.get("/nrm-referrals", response_model=Rows, responses=ERRORS)
def api_referrals(request: Request, viewer: Operational, org: Org = None) -> Any:
    """NRM referrals in scope (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_referrals(conn, viewer.principal, organisation_name(org)))


@router.post("/nrm-referrals", response_model=Created, status_code=201, responses=ERRORS)
def api_add_referral(
    request: Request, viewer: Submitter, body: ci.ReferralIn, csrf: Csrf = None
) -> Any:
    """Add an NRM referral (the force's reference and the statistics' categories, no names)."""
    return _created(request, viewer, csrf, ci.add_referral_from, body)


@router.post("/nrm-referrals/decisions", response_model=Changed, responses=ERRORS)
def api_decision(
    request: Request, viewer: Submitter, body: ci.DecisionIn, csrf: Csrf = None
) -> Any:
    """Record a reasonable (rg) or conclusive (cg) grounds decision on a referral."""
    return Changed(version=_store(request, viewer, csrf, ci.decision_from, body))


@router.post("/nrm-referrals/crime-records", response_model=Changed, responses=ERRORS)
def api_crime(request: Request, viewer: Submitter, body: ci.CrimeIn, csrf: Csrf = None) -> Any:
    """Record the crime a referral was recorded as, and when."""
    return Changed(version=_store(request, viewer, csrf, ci.crime_from, body))


@router.get("/duty-to-notify", response_model=Rows, responses=ERRORS)
def api_notifications(request: Request, viewer: Operational) -> Any:
    """Duty-to-notify (MS1) submissions in scope (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_notifications(conn, viewer.principal))


@router.post("/duty-to-notify", response_model=Created, status_code=201, responses=ERRORS)
def api_notify(request: Request, viewer: Submitter, body: ci.NotifyIn, csrf: Csrf = None) -> Any:
    """Record a duty-to-notify (MS1) submission: no identifying details."""
    return _created(request, viewer, csrf, ci.notify_from, body)


# --- Europol, debriefs and lessons ----------------------------------------------------------


@router.get("/europol/events", response_model=Rows, responses=ERRORS)
def api_events(request: Request, viewer: Operational, org: Org = None) -> Any:
    """Europol checks, operational meetings and JITs recorded in scope, newest first."""
    with engine_of(request).begin() as conn:
        return jsonable(list_events(conn, viewer.principal, organisation_name(org)))


@router.post("/europol/events", response_model=Created, status_code=201, responses=ERRORS)
def api_record_event(
    request: Request, viewer: Submitter, body: ci.EuropolIn, csrf: Csrf = None
) -> Any:
    """Record a Europol check (with its outcome), an operational meeting or a JIT."""
    return _created(request, viewer, csrf, ci.europol_from, body)


@router.get("/debrief-records", response_model=Rows, responses=ERRORS)
def api_debriefs_recorded(request: Request, viewer: Operational) -> Any:
    """Debriefs recorded in scope, newest first (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_debriefs(conn, viewer.principal))


@router.post("/debrief-records", response_model=Created, status_code=201, responses=ERRORS)
def api_add_debrief(
    request: Request, viewer: Submitter, body: ci.DebriefIn, csrf: Csrf = None
) -> Any:
    """Record a debrief: method, date and findings."""
    return _created(request, viewer, csrf, ci.debrief_from, body)


@router.get("/lessons", response_model=Rows, responses=ERRORS)
def api_lessons(
    request: Request, viewer: Operational, q: Annotated[str, Query(max_length=200)] = ""
) -> Any:
    """Lessons in scope matching every word of `q` (stemmed, best first); without `q`, the
    latest lessons."""
    with engine_of(request).begin() as conn:
        if q.strip():
            return jsonable(search_lessons(conn, viewer.principal, q))
        return jsonable(recent_lessons(conn, viewer.principal))


@router.post("/lessons", response_model=Created, status_code=201, responses=ERRORS)
def api_add_lesson(
    request: Request, viewer: Submitter, body: ci.LessonIn, csrf: Csrf = None
) -> Any:
    """Add a lesson with its themes and tags."""
    return _created(request, viewer, csrf, ci.lesson_from, body)


# --- peer reviews and the action plan -------------------------------------------------------


@router.get("/peer-reviews", response_model=Rows, responses=ERRORS)
def api_reviews(request: Request, viewer: Operational, org: Org = None) -> Any:
    """Peer reviews in scope (confidential to the force reviewed)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_reviews(conn, viewer.principal, organisation_name(org)))


@router.post("/peer-reviews", response_model=Created, status_code=201, responses=ERRORS)
def api_add_review(request: Request, viewer: Reviewer, body: ci.ReviewIn, csrf: Csrf = None) -> Any:
    """Record a peer review: a rating (and findings where needed) for every criterion."""
    return _created(request, viewer, csrf, ci.review_from, body)


@router.get("/peer-reviews/summary", response_model=dict[str, Any], responses=ERRORS)
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


@router.get("/peer-reviews/{review_id}", response_model=dict[str, Any], responses=ERRORS)
def api_review(request: Request, viewer: Operational, review_id: Id) -> Any:
    """One review with its ratings, findings and versions."""
    with engine_of(request).begin() as conn:
        return jsonable(show_review(conn, viewer.principal, review_id))


@router.get("/action-plan/items", response_model=Rows, responses=ERRORS)
def api_plan_items(viewer: Planner) -> Any:
    """The action plan's items (the version shipped)."""
    plan = action_plan()
    return [{"version": plan.version, **i.__dict__} for i in plan.items]


@router.get("/action-plan/assessments", response_model=Rows, responses=ERRORS)
def api_assessments(request: Request, viewer: Planner, org: Org = None) -> Any:
    """A force's RAG assessments, per item oldest first (a force user: their own force)."""
    force = chosen_force(viewer, org)
    if force is None:
        raise InvalidInput("org: say which force's assessments to list")
    with engine_of(request).begin() as conn:
        return jsonable(history(conn, viewer.principal, force))


@router.post("/action-plan/assessments", response_model=Created, status_code=201, responses=ERRORS)
def api_assess(request: Request, viewer: Planner, body: ci.AssessmentIn, csrf: Csrf = None) -> Any:
    """Record a force's RAG assessment of one item (earlier ones are kept)."""
    return _created(request, viewer, csrf, ci.assessment_from, body)


@router.get("/action-plan/position", response_model=Rows, responses=ERRORS)
def api_position(request: Request, viewer: Planner, org: Org = None) -> Any:
    """A force's position per item: current RAG, movement and the national comparison."""
    force = chosen_force(viewer, org)
    if force is None:
        raise InvalidInput("org: say which force's position to show")
    with engine_of(request).begin() as conn:
        return jsonable(cp.table_rows(cp.position_summary(conn, viewer.principal, force)))
