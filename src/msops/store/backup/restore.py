"""Restoring a backup into an empty database, or over one when asked to replace what it holds.

A backup is checked before the database is touched: SQLite's quick_check, or pg_restore reading
the archive's table of contents.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy import Connection, text
from sqlalchemy.exc import SQLAlchemyError

from msops.domain.errors import InvalidInput, MsopsError
from msops.store.backup.kinds import (
    Kind,
    database_kind,
    file_kind,
    open_existing_sqlite,
    sqlite_file,
)
from msops.store.backup.pg_tools import pg_tool, run_pg, server_major, tool_error
from msops.store.engine import describe_url, make_engine


def restore_database(url: str, source: Path, *, replace_existing: bool = False) -> Kind:
    """Put the backup `source` into the database at `url`, which must be empty unless
    `replace_existing` (then what the backup holds replaces what the database held)."""
    kind = file_kind(source)
    target = database_kind(url)
    if kind is not target:
        raise InvalidInput(
            f"{source} is {kind.label}, but the database at {describe_url(url)} is"
            f" {target.product}: restore it into a {kind.product} database (MSOPS_DATABASE_URL)"
        )
    if kind is Kind.SQLITE:
        _sqlite_restore(source, sqlite_file(url), url, replace_existing)
    else:
        _pg_restore(source, url, replace_existing)
    return kind


def _refuse_nonempty(url: str, tables: int) -> None:
    raise InvalidInput(
        f"the database at {describe_url(url)} is not empty ({tables} tables): restore into an"
        " empty database, or give --replace-existing-data to replace everything it holds"
    )


def _sqlite_restore(source: Path, target: Path, url: str, replace_existing: bool) -> None:
    try:
        _sqlite_restore_checked(source, target, url, replace_existing)
    except sqlite3.Error as err:  # SQLite's messages name no data ("disk I/O error", ...)
        raise MsopsError(f"the SQLite restore from {source} failed: {err}") from None


def _sqlite_restore_checked(source: Path, target: Path, url: str, replace_existing: bool) -> None:
    with closing(open_existing_sqlite(source, read_only=True)) as src:
        damaged = InvalidInput(f"{source} is damaged (SQLite's quick_check): nothing was restored")
        try:
            checked = [row[0] for row in src.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError:
            raise damaged from None
        if checked != ["ok"]:
            raise damaged
        if not _sqlite_tables(src) & {"alembic_version"}:
            raise InvalidInput(f"{source} is a SQLite database but not an msops one")
        if target.exists():
            with closing(open_existing_sqlite(target)) as existing:
                tables = _sqlite_tables(existing)
            if tables and not replace_existing:
                _refuse_nonempty(url, len(tables))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        # The backup API writes into the live file under SQLite's own locks, so a connection
        # that is open meanwhile sees the old database or the new one, never a mixture.
        with closing(sqlite3.connect(target, timeout=30)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")


def _sqlite_tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows if not row[0].startswith("sqlite_")}


def _pg_restore(source: Path, url: str, replace_existing: bool) -> None:
    engine = make_engine(url)
    try:
        major = server_major(engine)
        with engine.connect() as conn:
            tables = _pg_table_count(conn)
    except SQLAlchemyError:
        raise MsopsError(f"cannot connect to {describe_url(url)}") from None
    finally:
        engine.dispose()
    tool = pg_tool("pg_restore", major)
    # Read the archive's table of contents first: a damaged or too-new archive is refused
    # before the database is touched.
    answer = subprocess.run(
        [tool.path, "--list", str(source)], capture_output=True, text=True, check=False
    )
    if answer.returncode != 0:
        reason = tool_error(answer.stderr, "pg_restore", url)
        raise InvalidInput(f"{source} cannot be read by pg_restore: {reason}")
    if tables and not replace_existing:
        _refuse_nonempty(url, tables)
    args = [
        "--no-password",
        "--exit-on-error",
        "--single-transaction",  # all of it or nothing
        "--no-owner",  # objects belong to the role restoring (the owner role)
        "--no-acl",  # grants come from deploy/postgres-roles.sql, run again after a restore
    ]
    if replace_existing:
        args += ["--clean", "--if-exists"]
    run_pg(tool, [*args, "--dbname", "{dbname}", str(source)], url, "pg_restore")


def _pg_table_count(conn: Connection) -> int:
    query = text(
        "SELECT count(*) FROM pg_catalog.pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
    )
    return int(conn.execute(query).scalar_one())
