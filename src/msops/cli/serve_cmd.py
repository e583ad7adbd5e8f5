"""`msops serve`: the web application on Uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from msops.cli.context import console, friendly, open_database
from msops.store.users_repo import count_admins


@friendly
def serve_cmd(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Mark cookies Secure (serving over HTTPS).")
    ] = False,
) -> None:
    """Start the web application (pages and the JSON API at /api, described at /openapi.json)."""
    import uvicorn

    from msops.web import create_app

    engine = open_database()
    with engine.connect() as conn:
        if count_admins(conn) == 0:
            console.print(
                "no administrator yet: create one with `msops users add NAME --role admin`"
                " (other accounts can then be made on the Accounts page)"
            )
    console.print(f"msops on http://{host}:{port}/  (OFFICIAL-SENSITIVE; Ctrl-C stops)")
    uvicorn.run(
        create_app(engine, secure_cookies=secure_cookies),
        host=host,
        port=port,
        log_level="info",
        server_header=False,
    )
