"""Opening the database: a SQLite file by default, any SQLAlchemy URL through MSOPS_DATABASE_URL."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlalchemy import Engine, create_engine, event, exc, make_url

from msops.domain import settings

ENV_URL = "MSOPS_DATABASE_URL"


def default_database_path() -> Path:
    """The embedded database file: msops.sqlite3 in the data directory (MSOPS_DATA_DIR, else the
    user's data directory)."""
    return settings.data_dir() / "msops.sqlite3"


def database_url() -> str:
    url = settings.current().database_url
    if url:
        return url
    return f"sqlite:///{default_database_path()}"


def describe_url(url: str) -> str:
    """The URL with any password hidden, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def make_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for `url` (default: database_url()), with SQLite set up for safe concurrent use.

    `create=False` opens an SQLite file only if it exists (a mistyped path is an error, not a
    new empty database). Errors never show the statement's parameters: they may be personal data.
    """
    url = url or database_url()
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            if create:
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            elif "uri" not in parsed.query:
                path = quote(str(Path(parsed.database).absolute()))
                parsed = parsed.set(
                    database=f"file:{path}", query={**parsed.query, "mode": "rw", "uri": "true"}
                )
        engine = create_engine(parsed, connect_args={"timeout": 30}, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    # A web worker answers up to its thread pool's 40 requests at once. Connections past the
    # pool's size are opened and closed per request (on PostgreSQL a new server process and a
    # SCRAM exchange each): keep enough open that a burst of 20 users reuses them.
    return create_engine(
        parsed, pool_pre_ping=True, pool_size=20, max_overflow=10, hide_parameters=True
    )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Checkpoint the WAL every ~40 MB rather than every 4 MB: a monthly return rewrites the
    # same index pages, which a checkpoint then copies once instead of several times.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.close()


def is_postgres(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def is_busy(err: exc.DBAPIError) -> bool:
    """Whether the database refused because another transaction held a lock too long."""
    sqlstate = getattr(err.orig, "sqlstate", None)  # psycopg
    if sqlstate in ("55P03", "40P01", "40001"):  # lock timeout, deadlock, serialization
        return True
    name = str(getattr(err.orig, "sqlite_errorname", ""))
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED"))
