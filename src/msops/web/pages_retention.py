"""Review under MoPI in the web application: the operations due for review, and a decision on
one (retain with a reason and the next review date, or dispose of its personal data after a
confirmation). The same store functions as `msops retention`, scoped and audited the same way:
a retain is an alteration, a disposal an erasure."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from msops.domain.errors import InvalidInput
from msops.domain.reference import canonical_organisation
from msops.domain.retention import rules
from msops.domain.typed_text import parse_date, require_date
from msops.store.retention_repo import DISPOSE, RETAIN, Review, dispose, due, retain, review_of
from msops.web.gates import (
    RETENTION_DECIDERS,
    FormCsrf,
    OrgQuery,
    RetentionDecider,
    RetentionReader,
)
from msops.web.paging import window
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
RefText = Annotated[str, Form(max_length=120)]
Reason = Annotated[str, Form(max_length=500)]


def _as_of(text: str | None) -> date:
    return parse_date(text, "as of") or date.today()


@router.get("/retention")
def due_list(
    request: Request,
    viewer: RetentionReader,
    org: OrgQuery = None,
    group: Annotated[str | None, Query(max_length=60)] = None,
    as_of: Annotated[str | None, Query(max_length=10)] = None,
) -> Response:
    """The operations in scope whose review date has come, soonest first, PAGE_SIZE a page."""
    day = _as_of(as_of)
    short_name = canonical_organisation(org).short_name if org else None
    with engine_of(request).connect() as conn:
        found = due(conn, viewer.principal, day, short_name)
    if group:
        found = [r for r in found if r.group == group]
    shown, paging = window(request, found, PAGE_SIZE)
    groups = rules().groups
    form = {"org": short_name or "", "group": group or "", "as_of": day.isoformat()}
    return page(
        request,
        "retention.html",
        viewer,
        rows=shown,
        total=len(found),
        paging=paging,
        form=form,
        groups=groups,
        labels={g.name: g.label for g in groups},
        may_decide=viewer.user.role in RETENTION_DECIDERS,
    )


def _review_page(
    request: Request,
    viewer: Viewer,
    review: Review,
    values: dict[str, str],
    message: str | None = None,
    status: int = 200,
    confirm: bool = False,
) -> Response:
    group = rules().group(review.group)
    return page(
        request,
        "retention_review.html",
        viewer,
        status,
        review=review,
        group=group,
        values=values,
        message=message,
        confirm=confirm,
    )


def _review(request: Request, viewer: Viewer, org: str, operation: str) -> Review:
    with engine_of(request).connect() as conn:
        return review_of(conn, viewer.principal, org, operation)


@router.get("/retention/review")
def review_form(
    request: Request,
    viewer: RetentionDecider,
    org: Annotated[str, Query(max_length=120)],
    operation: Annotated[str, Query(max_length=120)],
) -> Response:
    """The decision form for one operation its organisation (or a national analyst) reviews."""
    review = _review(request, viewer, org, operation)
    values = {"decision": "", "reason": "", "next_review": ""}
    return _review_page(request, viewer, review, values)


@router.post("/retention/review")
def review_decide(
    request: Request,
    viewer: RetentionDecider,
    org: RefText,
    operation: RefText,
    csrf_token: FormCsrf,
    decision: Annotated[str, Form(max_length=10)] = "",
    reason: Reason = "",
    next_review: Annotated[str, Form(max_length=10)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Retain (an alteration) or, once confirmed, dispose (an erasure). A disposal not yet
    confirmed shows what it erases and asks again; nothing is stored until then."""
    check_csrf(viewer.csrf_token, csrf_token)
    review = _review(request, viewer, org, operation)
    values = {"decision": decision, "reason": reason, "next_review": next_review}
    try:
        if decision in (RETAIN, DISPOSE) and not reason.strip():
            raise InvalidInput("give the reason for the decision")
        if decision == RETAIN:
            when = require_date(next_review, "next review")
            with engine_of(request).begin() as conn:
                retain(conn, viewer.principal, review.organisation, review.ref, reason, when)
            done = f"{review.organisation}/{review.ref} retained; next review {when.isoformat()}."
        elif decision == DISPOSE:
            if confirm != "yes":
                return _review_page(request, viewer, review, values, confirm=True)
            with engine_of(request).begin() as conn:
                erased = dispose(conn, viewer.principal, review.organisation, review.ref, reason)
            done = f"{review.organisation}/{review.ref} disposed of: erased {erased.describe()}."
        else:
            raise InvalidInput("choose retain or dispose")
    except InvalidInput as err:
        return _review_page(request, viewer, review, values, str(err), 422)
    return page(request, "retention_done.html", viewer, message=done)
