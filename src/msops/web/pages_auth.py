"""Sign in and sign out; the site's icon, which browsers ask for before anyone signs in."""

from __future__ import annotations

import secrets
from functools import cache
from importlib import resources
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select

from msops.store.schema.web import web_user
from msops.store.users_repo.hashing import SignInBusy
from msops.store.users_repo.sessions import end_session, start_session
from msops.store.users_repo.sign_in import SignInRefused, sign_in
from msops.store.users_repo.throttle import SignInThrottled
from msops.web.clients import client_address
from msops.web.gates import Anyone
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.session import COOKIE, SIGN_IN_COOKIE, engine_of, set_cookie

router = APIRouter(include_in_schema=False)


@cache
def _icon() -> bytes:
    return resources.files("msops.web").joinpath("static", "favicon.ico").read_bytes()


@router.get("/favicon.ico")
def favicon() -> Response:
    """The icon browsers fetch from the site's root (the pages also link the SVG one)."""
    return Response(
        _icon(), media_type="image/x-icon", headers={"cache-control": "public, max-age=86400"}
    )


def _no_accounts(request: Request) -> bool:
    with engine_of(request).connect() as conn:
        return conn.execute(select(web_user.c.id).limit(1)).first() is None


def _sign_in_page(request: Request, status: int = 200, message: str | None = None) -> Response:
    token = secrets.token_urlsafe(32)
    response = page(
        request,
        "sign_in.html",
        None,
        status,
        csrf_token=token,
        message=message,
        first_run=_no_accounts(request),
    )
    set_cookie(request, response, SIGN_IN_COOKIE, token)
    return response


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    return _sign_in_page(request)


@router.post("/sign-in")
def sign_in_submit(
    request: Request,
    name: Annotated[str, Form(max_length=120)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()],
) -> Response:
    check_csrf(request.cookies.get(SIGN_IN_COOKIE, ""), csrf_token)
    engine = engine_of(request)
    try:
        user = sign_in(engine, name, password, client_address(request))
    except (SignInThrottled, SignInBusy) as err:
        status = 429 if isinstance(err, SignInThrottled) else 503
        response = _sign_in_page(request, status, str(err))
        response.headers["retry-after"] = str(err.seconds)
        return response
    except SignInRefused as err:
        return _sign_in_page(request, 401, str(err))
    with engine.begin() as conn:
        token, _csrf = start_session(conn, user)
    response = RedirectResponse("/", status_code=303)
    set_cookie(request, response, COOKIE, token)
    response.delete_cookie(SIGN_IN_COOKIE, path="/")
    return response


@router.post("/sign-out")
def sign_out(
    request: Request,
    viewer: Anyone,
    csrf_token: Annotated[str, Form()],
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    with engine_of(request).begin() as conn:
        end_session(conn, viewer.token, viewer.user)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
