"""One's own account: change the password (the page and the API). Administrators reset
forgotten passwords on the accounts page (`pages_admin`) or with `msops users reset-password`."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Header, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from msops.domain.errors import InvalidInput
from msops.store.users_repo.hashing import MIN_PASSWORD_LENGTH
from msops.store.users_repo.passwords import change_password
from msops.web.gates import ERRORS, Anyone
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api", tags=["api"])
Secret = Annotated[str, Form(max_length=1000)]


def _page(request: Request, viewer: Viewer, status: int = 200, **context: str) -> Response:
    context.setdefault("problem", "")
    context.setdefault("done", "")
    return page(
        request, "password.html", viewer, status, min_length=str(MIN_PASSWORD_LENGTH), **context
    )


@router.get("/account/password")
def password_page(request: Request, viewer: Anyone) -> Response:
    return _page(request, viewer)


@router.post("/account/password")
def password_change(
    request: Request,
    viewer: Anyone,
    current: Secret,
    new: Secret,
    repeat: Secret,
    csrf_token: Annotated[str, Form()],
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    try:
        if new != repeat:
            raise InvalidInput("the two new passwords differ")
        change_password(engine_of(request), viewer.user, current, new, viewer.token)
    except InvalidInput as err:
        return _page(request, viewer, 400, problem=str(err))
    return _page(request, viewer, done="Your password has been changed; your other sessions ended.")


class PasswordChange(BaseModel):
    current: str = Field(min_length=1, max_length=1000)
    new: str = Field(min_length=1, max_length=1000)


@api_router.post("/account/password", status_code=204, responses=ERRORS)
def api_password_change(
    request: Request,
    viewer: Anyone,
    body: PasswordChange,
    csrf: Annotated[str | None, Header(alias="X-CSRF-Token")] = None,
) -> Response:
    """Change one's own password; the account's other sessions end."""
    check_csrf(viewer.csrf_token, csrf)
    change_password(engine_of(request), viewer.user, body.current, body.new, viewer.token)
    return Response(status_code=204)
