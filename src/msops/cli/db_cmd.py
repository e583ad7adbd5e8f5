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


# --- backup, restore and check (store/backup/) -----------------------------------------------
# Imported here rather than at the top so that this block stands apart from the commands above.
from pathlib import Path  # noqa: E402
from typing import Annotated  # noqa: E402

from msops.cli.context import errors  # noqa: E402
from msops.store.backup.check import CannotCheck, check_database  # noqa: E402
from msops.store.backup.restore import restore_database  # noqa: E402
from msops.store.backup.write import backup_database  # noqa: E402


@app.command("backup")
@friendly
def backup_cmd(
    out: Annotated[
        Path, typer.Option("--out", help="The new backup file (never overwritten; mode 0600).")
    ],
) -> None:
    """Copy the database to FILE while the service runs: one consistent moment.

    SQLite: SQLite's online backup API; PostgreSQL: pg_dump --format=custom (the client must be
    as new as the server). The file holds personal data: keep it as the database is kept.
    """
    url = database_url()
    result = backup_database(url, out)
    console.print(
        f"database {describe_url(url)} backed up to {result.path}"
        f" ({result.kind.value}, {result.size:,} bytes)"
    )


@app.command("restore")
@friendly
def restore_cmd(
    file: Annotated[Path, typer.Argument(help="A file written by `msops db backup`.")],
    replace_existing_data: Annotated[
        bool,
        typer.Option(
            "--replace-existing-data",
            help="Restore even though the database holds data: what it holds is replaced by the"
            " backup and lost.",
        ),
    ] = False,
) -> None:
    """Restore a backup into the database (MSOPS_DATABASE_URL), which must be empty.

    The kind of file (SQLite, or a pg_dump archive) must match the database. Stop the service
    first; run `msops db check` afterwards.
    """
    url = database_url()
    kind = restore_database(url, file, replace_existing=replace_existing_data)
    console.print(f"restored {file} ({kind.value}) into {describe_url(url)}")
    console.print("next: `msops db check`, then `msops db upgrade` if it says the schema is behind")


@app.command("check")
@friendly
def check_cmd() -> None:
    """Check the database: integrity, schema revision, the audit trail, rows per table.

    Exit status 0: clean; 1: problems found (listed); 2: the database could not be checked.
    """
    url = database_url()
    try:
        report = check_database(url)
    except CannotCheck as err:
        errors.print(f"[red]cannot check:[/red] {err}")
        raise typer.Exit(2) from None
    console.print(f"database {report.database}: revision {report.revision or 'none'}")
    console.print(f"checked: {', '.join(report.checked)}")
    width = max((len(name) for name in report.counts), default=0)
    for name, count in sorted(report.counts.items()):
        console.print(f"  {name:<{width}}  {count:>10,}", highlight=False)
    if report.ok:
        console.print(f"clean (audit trail: {report.audit_entries:,} entries verified)")
        return
    errors.print(f"[red]{len(report.problems)} problems:[/red]")
    for problem in report.problems:
        errors.print(f"  - {problem}", highlight=False)
    raise typer.Exit(1)
