"""Which kind of database a URL names, and which kind of backup a file holds."""

from __future__ import annotations

import sqlite3
from enum import StrEnum
from pathlib import Path

from sqlalchemy import make_url

from msops.domain.errors import InvalidInput, NotFound

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # the first bytes of a pg_dump custom-format archive


class Kind(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"

    @property
    def product(self) -> str:
        return "SQLite" if self is Kind.SQLITE else "PostgreSQL"

    @property
    def label(self) -> str:
        return "a SQLite database" if self is Kind.SQLITE else "a PostgreSQL backup (pg_dump)"


def database_kind(url: str) -> Kind:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return Kind.SQLITE
    if backend == "postgresql":
        return Kind.POSTGRESQL
    raise InvalidInput(f"msops backs up SQLite and PostgreSQL databases, not {backend}")


def file_kind(path: Path) -> Kind:
    """What a backup file holds, from its first bytes."""
    if not path.is_file():
        raise NotFound(f"there is no file {path}")
    with path.open("rb") as f:
        start = f.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return Kind.SQLITE
    if start.startswith(PG_DUMP_MAGIC):
        return Kind.POSTGRESQL
    raise InvalidInput(
        f"{path} is neither a SQLite database nor a pg_dump custom-format archive"
        " (the two kinds of file `msops db backup` writes)"
    )


def sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise InvalidInput("only a SQLite database in a file can be backed up or restored")
    return Path(database)


def open_existing_sqlite(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the SQLite file `path`, which must exist (connecting never creates it)."""
    if not path.is_file():
        raise NotFound(f"there is no database file {path}")
    mode = "ro" if read_only else "rw"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30)
