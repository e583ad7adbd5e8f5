"""The application factory: `create_app(engine)` wires pages, API, static files and security."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine

from msops.web import api, errors, pages_admin, pages_auth, pages_ops, pages_returns
from msops.web.security import SecurityMiddleware
from msops.web.services import FiguresCache

DESCRIPTION = (
    "The msops JSON API: operations, return status and submission, within the signed-in"
    " account's scope. Sign in with POST /api/session; send the returned csrf_token as"
    " X-CSRF-Token on every POST or DELETE. OFFICIAL-SENSITIVE."
)


def create_app(engine: Engine, *, secure_cookies: bool = False) -> FastAPI:
    """The web application over `engine` (already migrated).

    `secure_cookies` marks cookies Secure: set it whenever the application is served over HTTPS.
    """
    app = FastAPI(
        title="msops",
        version="1",
        description=DESCRIPTION,
        docs_url=None,  # the interactive docs load scripts from a CDN: not on a closed network
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.engine = engine
    app.state.secure_cookies = secure_cookies
    app.state.figures = FiguresCache()
    app.add_middleware(SecurityMiddleware)
    app.mount("/static", StaticFiles(packages=[("msops.web", "static")]), name="static")
    for router in (
        pages_auth.router,
        pages_ops.router,
        pages_returns.router,
        pages_admin.router,
        api.router,
    ):
        app.include_router(router)
    errors.install(app)
    return app
