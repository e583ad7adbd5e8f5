"""`msops serve`: the web application on Uvicorn, in one or several worker processes."""

from __future__ import annotations

import os
from enum import StrEnum
from typing import Annotated

import typer

from msops.cli.context import console, friendly, open_database
from msops.store.engine import ENV_URL, database_url
from msops.store.users_repo.accounts import count_admins


class LogFormat(StrEnum):
    json = "json"
    plain = "plain"


@friendly
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="Worker processes (about one per CPU core; use PostgreSQL for many).",
        ),
    ] = 1,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (serving over HTTPS).")
    ] = False,
    log_format: Annotated[
        LogFormat,
        typer.Option(
            "--log-format",
            help="Logs on standard error: JSON lines (for a log collector) or plain text.",
        ),
    ] = LogFormat.json,
) -> None:
    """Start the web application (pages and the JSON API at /api, described at /openapi.json)."""
    import uvicorn
    from fastapi import FastAPI

    from msops.web.app import SECURE_COOKIES_ENV, create_app
    from msops.web.logs import log_config

    engine = open_database()
    with engine.connect() as conn:
        if count_admins(conn) == 0:
            console.print(
                "no administrator yet: create one with `msops users add NAME --role admin`"
                " (other accounts can then be made on the Accounts page)"
            )
    console.print(
        f"msops on http://{host}:{port}/  ({workers} worker{'s' if workers > 1 else ''};"
        " OFFICIAL-SENSITIVE; Ctrl-C stops)"
    )
    if workers == 1:
        target: FastAPI | str = create_app(engine, secure_cookies=secure_cookies)
    else:
        engine.dispose()
        # Worker processes import the application by name and open the same database.
        os.environ[ENV_URL] = database_url()
        os.environ[SECURE_COOKIES_ENV] = "1" if secure_cookies else "0"
        target = "msops.web.app:app_from_environment"
    uvicorn.run(
        target,
        factory=workers > 1,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        log_config=log_config(log_format.value),
        access_log=False,  # it would log paths and query strings: msops.access logs the route
        server_header=False,
        # The sign-in throttle reads X-Forwarded-For itself, and only from the proxies named in
        # MSOPS_TRUSTED_PROXIES; Uvicorn's own reading would trust it from any local peer.
        proxy_headers=False,
        # A spawned worker first re-imports the `msops` command (seconds on a busy machine)
        # before it answers the supervisor's health check.
        timeout_worker_healthcheck=60,
    )
