"""Golden threads in the JSON API: alerts, threads in scope, one thread, people, review."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field

from msops.store.linkage_repo import list_threads, review_thread, thread_detail
from msops.store.linkage_repo.alerts import list_alerts
from msops.store.linkage_repo.threads import ThreadDetail
from msops.web.api import Purpose
from msops.web.gates import ERRORS, Csrf, Operational
from msops.web.pages_threads import explained
from msops.web.security import check_csrf
from msops.web.session import engine_of

router = APIRouter(prefix="/api/threads", tags=["threads"])
Key = Annotated[str, Path(max_length=20)]
Status = Literal["new", "confirmed", "dismissed", "unsure"]


class ThreadRow(BaseModel):
    thread: str
    status: str
    active: bool
    organisations: str
    operations: int
    records: int
    last_run: str


class AlertRow(BaseModel):
    thread: str
    status: str
    active: bool
    records: int
    organisations: int
    raised_for: str
    reason: str
    raised_at: str


class Link(BaseModel):
    left: str
    right: str
    head: str
    why: list[str]


class ThreadOut(BaseModel):
    key: str
    status: str
    active: bool
    first_seen: str
    last_seen: str
    organisations: list[str]
    operations: list[dict[str, Any]]
    members: list[dict[str, Any]]
    links: list[Link]
    judgements: list[dict[str, Any]]
    alerts: list[dict[str, Any]]


class Review(BaseModel):
    judgement: Literal["confirmed", "dismissed", "unsure"]
    reason: str = Field(min_length=1, max_length=2000)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k not in ("nominal_id", "cluster_id")}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


def _out(detail: ThreadDetail) -> ThreadOut:
    fields = _plain({k: v for k, v in asdict(detail).items() if k != "links"})
    fields.pop("thread_id", None)
    return ThreadOut(links=[Link(**link) for link in explained(detail)], **fields)


@router.get("", response_model=list[ThreadRow], responses=ERRORS)
def api_threads(
    request: Request,
    viewer: Operational,
    status: Status | None = None,
    every: Annotated[bool, Query(alias="all")] = False,
) -> list[Any]:
    """Threads touching an organisation in scope (with `all`, also those no longer found)."""
    with engine_of(request).connect() as conn:
        rows = list_threads(conn, viewer.principal, None, status, every)
    return [_plain(r) for r in rows]


@router.get("/alerts", response_model=list[AlertRow], responses=ERRORS)
def api_alerts(request: Request, viewer: Operational, waiting: bool = True) -> list[Any]:
    """Alerts raised for organisations in scope, newest first (default: those still unreviewed)."""
    with engine_of(request).connect() as conn:
        rows = list_alerts(conn, viewer.principal, unreviewed_only=waiting)
    return [_plain(r) for r in rows]


@router.get("/{key}", response_model=ThreadOut, responses=ERRORS)
def api_thread(request: Request, viewer: Operational, key: Key) -> ThreadOut:
    """One thread explained: records (without names), operations, evidence per link, review."""
    with engine_of(request).begin() as conn:  # the view is recorded
        return _out(thread_detail(conn, viewer.principal, key))


@router.post("/{key}/people", response_model=ThreadOut, responses=ERRORS)
def api_thread_people(
    request: Request, viewer: Operational, key: Key, body: Purpose, csrf: Csrf = None
) -> ThreadOut:
    """The thread with names and dates of birth; the purpose is stored in the audit trail."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        return _out(thread_detail(conn, viewer.principal, key, body.purpose))


@router.post("/{key}/review", response_model=ThreadOut, responses=ERRORS)
def api_thread_review(
    request: Request, viewer: Operational, key: Key, body: Review, csrf: Csrf = None
) -> ThreadOut:
    """Record a judgement (confirmed, dismissed, unsure) with its reason; returns the thread."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        review_thread(conn, viewer.principal, key, body.judgement, body.reason)
        return _out(thread_detail(conn, viewer.principal, key))
