"""`msops users`: the accounts of the web application (run on the server by an operator)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.errors import InvalidInput
from msops.domain.principal import Role
from msops.store.users_repo.accounts import WEB_ROLES, add_user, disable_user, list_users
from msops.store.users_repo.passwords import reset_password

app = typer.Typer(
    help="Accounts of the web application. Start with: msops users add NAME --role admin",
    no_args_is_help=True,
)

ROLE_HELP = ", ".join(r.value for r in WEB_ROLES)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = typer.prompt("Password", hide_input=True)
    if typer.prompt("Repeat the password", hide_input=True) != first:
        raise InvalidInput("the two passwords differ; nothing was changed")
    return str(first)


def _role(value: str) -> Role:
    try:
        role = Role(value)
    except ValueError:
        role = Role.SYSTEM
    if role not in WEB_ROLES:
        raise InvalidInput(f"role must be one of: {ROLE_HELP}")
    return role


@app.command("add")
@friendly
def add_cmd(
    name: Annotated[str, typer.Argument(help="Account name used to sign in.")],
    role: Annotated[str, typer.Option("--role", help=ROLE_HELP)],
    org: Annotated[
        str | None, typer.Option("--org", help="Organisation: force, partner and pcc accounts.")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="Region: regional analysts.")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create an account (the password is prompted for unless --password-stdin)."""
    the_role = _role(role)
    password = _password(password_stdin)
    engine = open_database()
    with engine.begin() as conn:
        user = add_user(conn, current_principal(), name, the_role, password, org, region)
    where = user.organisation or user.region or "national"
    console.print(f"created {user.name}: {user.role.value}, {where}")


@app.command("list")
@friendly
def list_cmd(
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List the accounts (never their passwords)."""
    engine = open_database()
    with engine.connect() as conn:
        users = list_users(conn)
    rows = [
        {
            "name": u.name,
            "role": u.role.value,
            "organisation": u.organisation,
            "region": u.region,
            "created_at": u.created_at,
            "disabled": "yes" if u.disabled else "",
        }
        for u in users
    ]
    if not rows and fmt == OutputFormat.table:
        console.print(
            "no accounts yet: create the first administrator with"
            " `msops users add NAME --role admin`, then sign in at `msops serve`"
        )
        return
    emit(rows, ["name", "role", "organisation", "region", "created_at", "disabled"], fmt)


@app.command("disable")
@friendly
def disable_cmd(name: Annotated[str, typer.Argument()]) -> None:
    """Disable an account and end its sessions (accounts are kept: the audit trail names them)."""
    engine = open_database()
    with engine.begin() as conn:
        disable_user(conn, current_principal(), name)
    console.print(f"disabled {name}")


@app.command("reset-password")
@friendly
def reset_password_cmd(
    name: Annotated[str, typer.Argument(help="The account whose password is forgotten.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the new password from standard input.")
    ] = False,
) -> None:
    """Set a new password for an account (give it to the holder in person); its sessions end."""
    password = _password(password_stdin)
    engine = open_database()
    with engine.begin() as conn:
        reset_password(conn, current_principal(), name, password)
    console.print(f"new password set for {name}; their sessions have ended")
