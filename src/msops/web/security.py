"""Security headers on every response, and a plain error instead of any unhandled exception."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from msops.domain.errors import AccessDenied
from msops.domain.marking import OFFICIAL_SENSITIVE

log = logging.getLogger("msops.web")

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
        " form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=()",
    "cache-control": "no-store",
}

PLAIN_500 = (
    "<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Error</title></head>"
    f"<body><p>{OFFICIAL_SENSITIVE}</p><h1>Something went wrong</h1>"
    "<p>The request could not be completed. Nothing was changed by it. If it happens again,"
    " tell the msops administrator the time it happened.</p></body></html>"
)


HSTS = "max-age=31536000; includeSubDomains"  # with Secure cookies, the site is HTTPS only


class SecurityMiddleware:
    """Adds the security headers (and HSTS when `https_only`); turns an unhandled exception
    into a plain 500 page.

    Only the exception's type and the route are logged: its message may hold personal data.
    """

    def __init__(
        self,
        app: ASGIApp,
        https_only: bool = False,
        failure_page: Callable[[Request], Response] | None = None,
    ) -> None:
        self.app = app
        self.failure_page = failure_page  # the 500 page, when it can be drawn
        self.headers = dict(SECURITY_HEADERS)
        if https_only:
            self.headers["strict-transport-security"] = HSTS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as err:
            route = scope.get("route")
            where = getattr(route, "path", "unknown route")
            log.error("unhandled %s on %s %s", type(err).__name__, scope.get("method"), where)
            if started:
                return
            response = await self._failure(scope)
            await response(scope, receive, send_with_headers)

    async def _failure(self, scope: Scope) -> Response:
        path = str(scope.get("path", ""))
        if self.failure_page is None or path.startswith("/api/"):
            return server_error(path)
        try:
            return await run_in_threadpool(self.failure_page, Request(scope))
        except Exception:  # drawing the page failed too: the plain page has no parts to fail
            return server_error(path)


def server_error(path: str) -> Response:
    if path.startswith("/api/"):
        return JSONResponse({"detail": "internal error; nothing was changed"}, status_code=500)
    return HTMLResponse(PLAIN_500, status_code=500)


def check_csrf(expected: str, given: str | None) -> None:
    if not given or not secrets.compare_digest(expected.encode(), given.encode()):
        raise AccessDenied("the form has expired or did not come from this site: reload and retry")


class HeadMiddleware:
    """HEAD answers as GET would, without the body (RFC 9110 s.9.3.2).

    FastAPI's routes, unlike Starlette's own, do not add HEAD to GET routes; a monitor or a
    proxy asking HEAD got 405. Written here because no installed library does it: the request
    runs as a GET (so it is scoped and audited as one) and only the body is dropped.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)
