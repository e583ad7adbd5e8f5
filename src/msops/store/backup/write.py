"""Taking a backup: a consistent copy of the database in a new file, never overwritten.

The file is written under a temporary name, readable by its owner only, and takes its name
only once it is complete.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from msops.domain.errors import InvalidInput, MsopsError, NotFound
from msops.store.backup.kinds import Kind, database_kind, open_existing_sqlite, sqlite_file
from msops.store.backup.pg_tools import pg_tool, run_pg, server_major
from msops.store.engine import describe_url, make_engine


@dataclass(frozen=True)
class BackupResult:
    kind: Kind
    path: Path
    size: int


def backup_database(url: str, out: Path) -> BackupResult:
    """A consistent copy of the database at `url` in the new file `out` (never overwritten)."""
    kind = database_kind(url)
    if out.exists():
        raise InvalidInput(f"{out} already exists: name a new file (a backup never overwrites)")
    if not out.parent.is_dir():
        raise NotFound(f"there is no folder {out.parent}")
    with _partial_file(out) as partial:
        if kind is Kind.SQLITE:
            _sqlite_backup(sqlite_file(url), partial)
        else:
            _pg_dump(url, partial)
    return BackupResult(kind, out, out.stat().st_size)


@contextmanager
def _partial_file(out: Path) -> Iterator[Path]:
    """An empty file beside `out`, readable by its owner only, that becomes `out` on success
    (a hard link, so an `out` made meanwhile is never replaced) and is removed on failure."""
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        yield partial
        os.link(partial, out)
    except FileExistsError:
        raise InvalidInput(f"{out} appeared while the backup ran: nothing was replaced") from None
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_backup(source: Path, target: Path) -> None:
    try:
        with (
            closing(open_existing_sqlite(source)) as src,
            closing(sqlite3.connect(target, timeout=30)) as dst,
        ):
            src.backup(dst)  # all pages in one step: one read transaction, one consistent state
            # One self-contained file: no -wal beside it to be forgotten when it is copied away.
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA quick_check")]
    except sqlite3.Error as err:  # SQLite's messages name no data ("disk I/O error", ...)
        raise MsopsError(f"the SQLite backup of {source} failed: {err}") from None
    if problems != ["ok"]:
        raise MsopsError("the copy failed SQLite's quick_check: the backup was not kept")


def _pg_dump(url: str, partial: Path) -> None:
    engine = make_engine(url)
    try:
        major = server_major(engine)
    except SQLAlchemyError:
        raise MsopsError(f"cannot connect to {describe_url(url)}") from None
    finally:
        engine.dispose()
    tool = pg_tool("pg_dump", major)
    args = ["--format=custom", "--no-password", f"--file={partial}", "--dbname", "{dbname}"]
    run_pg(tool, args, url, "pg_dump")
