"""`msops config`: the settings in force, where each came from, secrets masked."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import typer

from msops.cli.context import console, friendly
from msops.cli.output import OutputFormat, emit
from msops.domain import settings

app = typer.Typer(
    help="The service's settings (environment and MSOPS_SETTINGS_FILE; docs/operations.md).",
    no_args_is_help=True,
)

COLUMNS = ["name", "value", "origin", "env", "description"]


@app.command("show")
@friendly
def show_cmd(
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Print every setting's effective value and its origin (default, env or file).

    The database URL's password is shown as ***; key files are named, never read."""
    rows = [asdict(s) for s in settings.shown()]
    emit(rows, COLUMNS, fmt, title="Settings")
    if fmt == OutputFormat.table:
        path = settings.settings_file()
        console.print(f"settings file: {path if path else f'none ({settings.FILE_ENV} unset)'}")
