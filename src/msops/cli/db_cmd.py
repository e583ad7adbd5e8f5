"""`msops db`: create or upgrade the database schema."""

from __future__ import annotations

import typer
from sqlalchemy.exc import SQLAlchemyError

from msops.cli.context import console, engine_for, friendly, unusable
from msops.domain.errors import DatabaseUnavailable
from msops.store.engine import database_url, describe_url
from msops.store.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="Create or upgrade the database.", no_args_is_help=True)


@app.command("upgrade")
@friendly
def upgrade_cmd() -> None:
    """Create the database's tables, or apply pending migrations, and load the shipped reference
    data. The only command that creates a database (an SQLite file) where none is."""
    url = database_url()
    engine = engine_for(url, create=True)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    except SQLAlchemyError as err:
        raise DatabaseUnavailable(unusable(url, err)) from err
    finally:
        engine.dispose()
    console.print(f"database {describe_url(url)}: revision {before or 'none'} -> {after}")


@app.command("status")
@friendly
def status_cmd() -> None:
    """Show which database is in use and whether it is up to date."""
    url = database_url()
    engine = engine_for(url, create=False)
    try:
        current, head = current_revision(engine), head_revision()
    except SQLAlchemyError as err:
        raise DatabaseUnavailable(unusable(url, err)) from err
    finally:
        engine.dispose()
    state = "up to date" if current == head else "needs `msops db upgrade`"
    console.print(f"database {describe_url(url)}: revision {current or 'none'} ({state})")
