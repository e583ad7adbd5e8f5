"""`msops db`: create or upgrade the database schema."""

from __future__ import annotations

import typer

from msops.cli.context import console, friendly
from msops.store.engine import database_url, describe_url, make_engine
from msops.store.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="Create or upgrade the database.", no_args_is_help=True)


@app.command("upgrade")
@friendly
def upgrade_cmd() -> None:
    """Apply pending migrations and load the shipped reference data."""
    url = database_url()
    engine = make_engine(url)
    before = current_revision(engine)
    upgrade(engine)
    after = current_revision(engine)
    console.print(f"database {describe_url(url)}: revision {before or 'none'} -> {after}")


@app.command("status")
@friendly
def status_cmd() -> None:
    """Show which database is in use and whether it is up to date."""
    url = database_url()
    engine = make_engine(url)
    current, head = current_revision(engine), head_revision()
    state = "up to date" if current == head else "needs `msops db upgrade`"
    console.print(f"database {describe_url(url)}: revision {current or 'none'} ({state})")
