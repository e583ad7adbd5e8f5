"""Who is signed in: the session cookie, looked up server-side, and `allow`, the dependency the
role gates (`msops.web.gates`) are made of."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request, Response
from sqlalchemy import Engine

from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal, Role
from msops.store.users_repo.accounts import User
from msops.store.users_repo.sessions import SESSION_LIFETIME, find_session

COOKIE = "msops_session"
SIGN_IN_COOKIE = "msops_sign_in"  # CSRF token of the sign-in form, before any session exists


class NotSignedIn(Exception):
    """No valid session: pages redirect to the sign-in page, the API answers 401."""


@dataclass(frozen=True)
class Viewer:
    user: User
    csrf_token: str
    token: str

    @property
    def principal(self) -> Principal:
        return self.user.principal()


def engine_of(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


def current_viewer(request: Request) -> Viewer:
    token = request.cookies.get(COOKIE)
    if not token:
        raise NotSignedIn
    with engine_of(request).connect() as conn:
        session = find_session(conn, token)
    if session is None:
        raise NotSignedIn
    return Viewer(session.user, session.csrf_token, token)


def allow(roles: frozenset[Role]) -> Callable[[Request], Viewer]:
    """A dependency: the signed-in viewer, if their role may use the route."""

    def dependency(request: Request) -> Viewer:
        viewer = current_viewer(request)
        if viewer.user.role not in roles:
            raise AccessDenied(f"{viewer.principal.describe()} may not use this page")
        return viewer

    return dependency


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=bool(request.app.state.secure_cookies),
        path="/",
    )
