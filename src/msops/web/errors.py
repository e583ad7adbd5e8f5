"""How errors reach a user: a plain page (JSON under /api/) saying what to do, never a trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from msops.domain.errors import (
    AccessDenied,
    Conflict,
    DatabaseBusy,
    DatabaseUnavailable,
    InvalidInput,
    MsopsError,
    NotFound,
)
from msops.store.audit import Action, AuditEntry, record
from msops.store.users_repo.hashing import SignInBusy
from msops.store.users_repo.sign_in import SignInRefused
from msops.store.users_repo.throttle import SignInThrottled
from msops.web.render import page
from msops.web.session import NotSignedIn, Viewer, current_viewer, engine_of

log = logging.getLogger("msops.web")

TITLES = {
    400: "Not accepted",
    401: "Sign in",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    413: "Too large",
    422: "Not accepted",
    409: "Stored meanwhile",
    429: "Please wait",
    500: "Something went wrong",
    503: "Try again",
}


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _status(err: MsopsError) -> int:
    if isinstance(err, NotFound):
        return 404
    if isinstance(err, AccessDenied):
        return 403
    if isinstance(err, SignInThrottled):
        return 429
    if isinstance(err, SignInBusy):
        return 503
    if isinstance(err, SignInRefused):
        return 401
    if isinstance(err, Conflict):
        return 409  # another submission of the same return was stored first
    if isinstance(err, DatabaseBusy | DatabaseUnavailable):
        return 503
    return 400  # InvalidInput and every other refusal of bad input


def record_refusal(request: Request) -> None:
    """A signed-in person refused (403) is recorded with what they asked for (the method and the
    path: organisation, reference or id, never a query string); an anonymous one is not."""
    try:
        viewer = current_viewer(request)
    except NotSignedIn:
        return
    asked = f"{request.method} {request.url.path}"[:200]
    entry = AuditEntry(Action.ACCESS, "route", asked, detail="refused (403)")
    try:
        with engine_of(request).begin() as conn:
            record(conn, viewer.principal, entry)
    except Exception as failure:  # the refusal stands; the log says the record failed
        log.error("refusal not recorded: %s on %s", type(failure).__name__, request.method)


def signed_in(request: Request) -> Viewer | None:
    """The signed-in person, so that an error page keeps their navigation; None when nobody is
    signed in or the session cannot be read (the database may be what failed)."""
    try:
        return current_viewer(request)
    except Exception:  # any failure here only costs the navigation bar
        return None


def error_response(request: Request, status: int, message: str) -> Response:
    """The answer to a refused or failed request. Reads the session (blocking): call it in a
    worker thread from async code."""
    if _is_api(request):
        return JSONResponse({"detail": message}, status_code=status)
    title = TITLES.get(status, "Error")
    return page(request, "error.html", signed_in(request), status, title=title, message=message)


def failure_page(request: Request) -> Response:
    """The page for a request that failed unexpectedly (500): SecurityMiddleware's, which logs
    the failure. With the navigation when the session can still be read."""
    return error_response(request, 500, FAILED)


FAILED = (
    "The request could not be completed. Nothing was changed by it. If it happens again, tell"
    " the msops administrator the time it happened."
)


def install(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, _err: NotSignedIn) -> Response:
        if _is_api(request):
            return JSONResponse({"detail": "sign in first (POST /api/session)"}, status_code=401)
        return RedirectResponse("/sign-in", status_code=303)

    @app.exception_handler(MsopsError)
    async def msops_error(request: Request, err: MsopsError) -> Response:
        if isinstance(err, AccessDenied):
            await run_in_threadpool(record_refusal, request)
        response = await run_in_threadpool(error_response, request, _status(err), str(err))
        if isinstance(err, SignInThrottled | SignInBusy):
            response.headers["retry-after"] = str(err.seconds)
        return response

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, err: HTTPException) -> Response:
        message = {404: "There is no such page.", 405: "That action is not possible here."}
        text = message.get(err.status_code, str(err.detail))
        return await run_in_threadpool(error_response, request, err.status_code, text)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, err: RequestValidationError) -> Response:
        # Say which fields were wrong, never echo their values (they may be personal data).
        fields = sorted(
            {".".join(str(p) for p in e.get("loc", ())[1:]) or "body" for e in err.errors()}
        )
        message = f"missing or invalid: {', '.join(fields)}"
        status = 422 if _is_api(request) else 400
        return await run_in_threadpool(error_response, request, status, message)


__all__ = ["InvalidInput", "error_response", "install"]
