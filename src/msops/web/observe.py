"""What a monitor reads: `/healthz`, `/readyz`, Prometheus metrics at `/metrics`, the access log.

- `/healthz`: the process answers (200, `ok`). `/readyz`: the database answers and is at the
  schema this code expects (200), else 503; the body is `{"database": ..., "schema": ...}`
  and nothing more. Both are open without signing in, and say nothing else.
- `/metrics` exists only when MSOPS_METRICS=1 (else 404): requests and their latency by route
  template (never the path, which may hold an operation reference), returns by outcome and
  rejections by rule, audit entries appended, refused sign-ins. Under several Uvicorn workers
  set PROMETHEUS_MULTIPROC_DIR (an empty folder, emptied at each start) and every worker's
  counts are added up at each scrape (`docs/operations.md`).
- One access-log line per request on the `msops.access` logger: method, route template, status
  and duration; never the path, the query string or a body.

Counters live in this module's registry, once per process, whichever application reads them.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy import Engine, event
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msops.domain import settings
from msops.returns.submit import Outcome, SubmitResult
from msops.store.health import is_ready, readiness
from msops.web.session import engine_of

METRICS_ENV = "MSOPS_METRICS"
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's own setting

access_log = logging.getLogger("msops.access")

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "msops_http_requests",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "msops_http_request_duration_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    registry=REGISTRY,
)
RETURNS = Counter(
    "msops_returns",
    "Returns submitted through the web application, by outcome (accepted, unchanged, rejected).",
    ["outcome"],
    registry=REGISTRY,
)
REJECTION_RULES = Counter(
    "msops_return_rejections_by_rule",
    "Rejected returns, counted once for each rule a return broke.",
    ["rule"],
    registry=REGISTRY,
)
AUDIT_APPENDS = Counter(
    "msops_audit_appends",
    "Audit trail entries committed by this process.",
    registry=REGISTRY,
)
SIGN_IN_FAILURES = Counter(
    "msops_sign_in_failures",
    "Sign-ins refused (wrong name or password: refused) or held back (throttled).",
    ["reason"],
    registry=REGISTRY,
)

# POST routes that answer 401 for a wrong password and 429 when throttled (a wrong current
# password on the password change counts as a failed sign-in).
SIGN_IN_ROUTES = frozenset(
    {"/sign-in", "/api/session", "/account/password", "/api/account/password"}
)
UNMATCHED = "unmatched"  # the route label of a request no route took (e.g. a 404)
_RULE = re.compile(r"[a-z][a-z0-9_]{0,59}")


def metrics_enabled() -> bool:
    return settings.current().metrics


def install(app: FastAPI, engine: Engine) -> None:
    """Health and readiness routes, the access log, and (when MSOPS_METRICS=1) metrics.

    Call it before the other middleware is added, so that the route is known when a request
    is observed (the middleware added first runs innermost, after the routing).
    """
    enabled = metrics_enabled()
    app.include_router(health)
    app.add_middleware(ObserveMiddleware, metrics=enabled)
    if enabled:
        app.add_api_route("/metrics", metrics_page, methods=["GET"], include_in_schema=False)
        count_audit_appends(engine)


# --- health and readiness -------------------------------------------------------------------

health = APIRouter(include_in_schema=False)


@health.get("/healthz", response_class=PlainTextResponse)
async def healthz() -> str:
    """The process answers."""
    return "ok"


@health.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema is the one this code expects."""
    state = readiness(engine_of(request))
    return JSONResponse(state, status_code=200 if is_ready(state) else 503)


# --- metrics --------------------------------------------------------------------------------


def exposition() -> bytes:
    """The metrics in Prometheus' text format: this process's, or every worker's when
    PROMETHEUS_MULTIPROC_DIR is set."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry)
    return generate_latest(REGISTRY)


async def metrics_page() -> Response:
    return Response(exposition(), media_type=CONTENT_TYPE_LATEST)


def count_submission(result: SubmitResult) -> None:
    """Count a return submitted through the web application (and the rules a rejection broke)."""
    RETURNS.labels(outcome=result.outcome.value).inc()
    if result.outcome is Outcome.REJECTED:
        for rule in {issue.rule for issue in result.issues}:
            REJECTION_RULES.labels(rule=rule if _RULE.fullmatch(rule) else "other").inc()


_PENDING = "msops_audit_appends_pending"


def count_audit_appends(engine: Engine) -> None:
    """Count the audit entries each transaction on `engine` commits (rolled back: not counted)."""
    if not event.contains(engine, "after_cursor_execute", _after_execute):
        event.listen(engine, "after_cursor_execute", _after_execute)
        event.listen(engine, "commit", _committed)
        event.listen(engine, "rollback", _rolled_back)


def _after_execute(
    conn: Any, _cursor: Any, statement: str, params: Any, _context: Any, executemany: bool
) -> None:
    if statement.startswith("INSERT INTO audit_event"):
        added = len(params) if executemany else 1
        conn.info[_PENDING] = conn.info.get(_PENDING, 0) + added


def _committed(conn: Any) -> None:
    added = conn.info.pop(_PENDING, 0)
    if added:
        AUDIT_APPENDS.inc(added)


def _rolled_back(conn: Any) -> None:
    conn.info.pop(_PENDING, None)


# --- the middleware -------------------------------------------------------------------------


class ObserveMiddleware:
    """Times each request, logs one line for it and, with metrics on, counts it."""

    def __init__(self, app: ASGIApp, metrics: bool = False) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # unless a response starts: an exception escaping is answered with 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            self.observe(scope, status, time.perf_counter() - started)

    def observe(self, scope: Scope, status: int, seconds: float) -> None:
        method = str(scope.get("method", ""))
        route = getattr(scope.get("route"), "path", None) or UNMATCHED
        access_log.info(
            "%s %s %d %.1fms",
            method,
            route,
            status,
            seconds * 1000,
            extra={
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            },
        )
        if not self.metrics:
            return
        REQUESTS.labels(method=method, route=route, status=str(status)).inc()
        LATENCY.labels(method=method, route=route).observe(seconds)
        if method == "POST" and route in SIGN_IN_ROUTES and status in (401, 429):
            SIGN_IN_FAILURES.labels(reason="refused" if status == 401 else "throttled").inc()
