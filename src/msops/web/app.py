"""The application factory: `create_app(engine)` wires pages, API, static files and security."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from starlette.middleware.trustedhost import TrustedHostMiddleware

from msops.domain import settings
from msops.store.engine import make_engine
from msops.web import (
    api,
    api_threads,
    errors,
    observe,
    pages_account,
    pages_admin,
    pages_auth,
    pages_map,
    pages_ops,
    pages_performance,
    pages_picture,
    pages_profile,
    pages_reports,
    pages_retention,
    pages_returns,
    pages_subject,
    pages_threads,
)
from msops.web.body_limit import BodyLimitMiddleware
from msops.web.casework import (
    action_plan,
    common,
    debriefs,
    europol,
    nrm_referrals,
    orders,
    peer_reviews,
)
from msops.web.clients import Network, trusted_proxies
from msops.web.picture import PictureCache
from msops.web.security import HeadMiddleware, SecurityMiddleware
from msops.web.services import (
    MAX_BODY_BYTES,
    UPLOAD_PATHS,
    FiguresCache,
    too_large_message,
    upload_body_bytes,
)

DESCRIPTION = (
    "The msops JSON API: operations, return status and submission, casework registers,"
    " reports and the audit search, within the signed-in"
    " account's scope. Sign in with POST /api/session; send the returned csrf_token as"
    " X-CSRF-Token on every POST or DELETE. OFFICIAL-SENSITIVE."
)


TRUSTED_HOSTS_ENV = "MSOPS_TRUSTED_HOSTS"


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Requests run in worker threads that take turns holding Python's one lock: with dozens at
    # once, each query's answer waits for its thread's turn, and a page takes longer than its
    # work. A few at once, the others waiting in line, answer a burst sooner (docs/benchmarks.md).
    threads = anyio.to_thread.current_default_thread_limiter()
    threads.total_tokens = settings.current().web_threads
    yield


LOCAL_HOSTS = ("localhost", "127.0.0.1")


def trusted_hosts() -> list[str]:
    """The host names the application answers to: MSOPS_TRUSTED_HOSTS (comma-separated, e.g.
    "msops.police.example"), else this machine only. A request naming another host is refused
    (400), so that no redirect ever echoes a Host header an attacker chose."""
    return settings.split_list(settings.current().trusted_hosts) or list(LOCAL_HOSTS)


def create_app(
    engine: Engine,
    *,
    secure_cookies: bool = False,
    hosts: list[str] | None = None,
    proxies: tuple[Network, ...] | None = None,
) -> FastAPI:
    """The web application over `engine` (already migrated).

    `secure_cookies` marks cookies Secure and sends HSTS: set it whenever the application is
    served over HTTPS. `hosts`: the host names it answers to (default `trusted_hosts()`).
    `proxies`: the reverse proxies whose X-Forwarded-For is believed (default
    `clients.trusted_proxies()`, from MSOPS_TRUSTED_PROXIES; none when unset).
    """
    app = FastAPI(
        title="msops",
        version="1",
        description=DESCRIPTION,
        docs_url=None,  # the interactive docs load scripts from a CDN: not on a closed network
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.engine = engine
    app.state.secure_cookies = secure_cookies
    app.state.figures = FiguresCache()
    app.state.picture = PictureCache()  # the dashboard's and performance pages' figures
    observe.install(app, engine)  # /healthz, /readyz, /metrics, access log: before the middleware
    app.state.trusted_proxies = trusted_proxies() if proxies is None else proxies
    app.add_middleware(HeadMiddleware)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts or trusted_hosts())
    app.add_middleware(
        SecurityMiddleware, https_only=secure_cookies, failure_page=errors.failure_page
    )
    # Outermost: a body over its limit is refused before anything reads or stores it.
    app.add_middleware(
        BodyLimitMiddleware,
        default=MAX_BODY_BYTES,
        limits=dict.fromkeys(UPLOAD_PATHS, upload_body_bytes()),
        messages=dict.fromkeys(UPLOAD_PATHS, too_large_message()),
    )
    app.mount("/static", StaticFiles(packages=[("msops.web", "static")]), name="static")
    for router in (
        pages_auth.router,
        pages_account.router,
        pages_account.api_router,
        pages_picture.router,
        pages_ops.router,
        pages_map.router,
        pages_performance.router,
        pages_returns.router,
        pages_admin.router,
        pages_reports.router,
        pages_reports.api_router,
        pages_profile.router,
        pages_threads.router,
        pages_retention.router,
        pages_subject.router,
        api.router,
        api_threads.router,
        # the casework registers: one line each (pages and API)
        *common.routers,
        *orders.routers,
        *nrm_referrals.routers,
        *europol.routers,
        *debriefs.routers,
        *peer_reviews.routers,
        *action_plan.routers,
    ):
        app.include_router(router)
    errors.install(app)
    return app


SECURE_COOKIES_ENV = "MSOPS_SECURE_COOKIES"


def app_from_environment() -> FastAPI:
    """The application for one Uvicorn worker process (`msops serve --workers N`).

    Each worker opens its own engine from MSOPS_DATABASE_URL; nothing is shared between
    workers but the database (sessions, sign-in throttling and the audit trail all live there).
    """
    return create_app(make_engine(), secure_cookies=settings.current().secure_cookies)
