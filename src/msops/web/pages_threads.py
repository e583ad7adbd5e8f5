"""Golden threads in the browser: the alerts of one's organisations, the threads in scope, one
thread explained (people only after a stated purpose), and the review (confirm, dismiss, unsure)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response

from msops.domain.errors import InvalidInput
from msops.linkage.explain import describe_link
from msops.store.linkage_repo import JUDGEMENTS, STATUSES, list_threads, review_thread
from msops.store.linkage_repo import thread_detail as load_thread
from msops.store.linkage_repo.alerts import list_alerts
from msops.store.linkage_repo.threads import ThreadDetail
from msops.web.gates import Operational
from msops.web.paging import window
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)
Key = Annotated[str, Path(max_length=20)]
Token = Annotated[str, Form()]
ALERTS_PAGE_SIZE = 25  # above the threads: a short page, so the threads stay in reach


@router.get("/threads")
def threads_page(
    request: Request,
    viewer: Operational,
    status: Annotated[str | None, Query(max_length=12)] = None,
    every: Annotated[bool, Query(alias="all")] = False,
) -> Response:
    with engine_of(request).connect() as conn:
        alerts = list_alerts(conn, viewer.principal, unreviewed_only=True)
        threads = list_threads(conn, viewer.principal, None, status or None, every)
    alerts, alert_paging = window(request, alerts, ALERTS_PAGE_SIZE, key="alerts_page")
    shown, paging = window(request, threads)
    return page(
        request,
        "threads.html",
        viewer,
        alerts=alerts,
        alert_paging=alert_paging,
        threads=shown,
        paging=paging,
        statuses=STATUSES,
        form={"status": status or "", "all": every},
    )


def explained(detail: ThreadDetail) -> list[dict[str, Any]]:
    """Each link with its evidence in words (no values: the evidence never holds any)."""
    out = []
    for link in detail.links:
        lines = describe_link(
            link["kind"], link["probability"], link["match_weight"], link["evidence"]
        )
        out.append(
            {"left": link["left"], "right": link["right"], "head": lines[0], "why": lines[1:]}
        )
    return out


def _thread_page(
    request: Request,
    viewer: Viewer,
    detail: ThreadDetail,
    personal: bool = False,
    problem: str = "",
    review: dict[str, str] | None = None,
) -> Response:
    return page(
        request,
        "thread.html",
        viewer,
        400 if problem else 200,
        detail=detail,
        links=explained(detail),
        personal=personal,
        judgements=JUDGEMENTS,
        problem=problem,
        review=review or {"judgement": "", "reason": ""},
    )


@router.get("/threads/{key}")
def thread_page(request: Request, viewer: Operational, key: Key) -> Response:
    with engine_of(request).begin() as conn:  # the view is recorded
        detail = load_thread(conn, viewer.principal, key)
    return _thread_page(request, viewer, detail)


@router.post("/threads/{key}/people")
def thread_people(
    request: Request,
    viewer: Operational,
    key: Key,
    purpose: Annotated[str, Form(max_length=500)],
    csrf_token: Token,
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    with engine_of(request).begin() as conn:
        detail = load_thread(conn, viewer.principal, key, purpose)
    return _thread_page(request, viewer, detail, personal=True)


@router.post("/threads/{key}/review")
def thread_review(
    request: Request,
    viewer: Operational,
    key: Key,
    judgement: Annotated[str, Form(max_length=12)],
    reason: Annotated[str, Form(max_length=2000)],
    csrf_token: Token,
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    engine = engine_of(request)
    try:
        with engine.begin() as conn:
            review_thread(conn, viewer.principal, key, judgement, reason)
    except InvalidInput as err:
        with engine.begin() as conn:
            detail = load_thread(conn, viewer.principal, key)
        entered = {"judgement": judgement, "reason": reason}
        return _thread_page(request, viewer, detail, problem=str(err), review=entered)
    return RedirectResponse(f"/threads/{key}", status_code=303)
