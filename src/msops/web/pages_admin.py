"""Accounts, for administrators (who see no operational data)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from msops.domain.errors import InvalidInput
from msops.domain.principal import Role
from msops.domain.reference import REGIONS, organisations
from msops.store.users_repo.accounts import WEB_ROLES, add_user, disable_user, list_users
from msops.store.users_repo.passwords import reset_password
from msops.web.gates import Admin
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)


def _accounts_page(
    request: Request, viewer: Viewer, message: str | None = None, status: int = 200
) -> Response:
    with engine_of(request).connect() as conn:
        users = list_users(conn)
    return page(
        request,
        "accounts.html",
        viewer,
        status,
        users=users,
        roles=WEB_ROLES,
        regions=REGIONS,
        organisations=organisations(),
        message=message,
    )


@router.get("/accounts")
def accounts(request: Request, viewer: Admin) -> Response:
    return _accounts_page(request, viewer)


@router.post("/accounts")
def add_account(
    request: Request,
    viewer: Admin,
    name: Annotated[str, Form(max_length=120)],
    role: Annotated[str, Form(max_length=30)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()],
    org: Annotated[str, Form(max_length=120)] = "",
    region: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    if role not in {r.value for r in WEB_ROLES}:
        raise InvalidInput(f"role must be one of: {', '.join(r.value for r in WEB_ROLES)}")
    with engine_of(request).begin() as conn:
        add_user(conn, viewer.principal, name, Role(role), password, org or None, region or None)
    return RedirectResponse("/accounts", status_code=303)


@router.post("/accounts/disable")
def disable_account(
    request: Request,
    viewer: Admin,
    name: Annotated[str, Form(max_length=120)],
    csrf_token: Annotated[str, Form()],
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    with engine_of(request).begin() as conn:
        disable_user(conn, viewer.principal, name)
    return RedirectResponse("/accounts", status_code=303)


@router.post("/accounts/password")
def reset_account_password(
    request: Request,
    viewer: Admin,
    name: Annotated[str, Form(max_length=120)],
    password: Annotated[str, Form(max_length=1000)],
    csrf_token: Annotated[str, Form()],
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    try:
        with engine_of(request).begin() as conn:
            reset_password(conn, viewer.principal, name, password)
    except InvalidInput as err:
        return _accounts_page(request, viewer, str(err), 400)
    return _accounts_page(request, viewer, f"New password set for {name}; their sessions ended.")
