"""What every command needs: the database, the person running it, and plain error output."""

from __future__ import annotations

import getpass
import json
import os
import re
import secrets
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from functools import wraps
from pathlib import Path
from typing import ParamSpec, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape
from sqlalchemy import Engine, inspect, make_url
from sqlalchemy.exc import (
    ArgumentError,
    DataError,
    DBAPIError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    SQLAlchemyError,
)

from msops.domain import settings
from msops.domain.errors import DatabaseUnavailable, MsopsError
from msops.domain.principal import Principal, system_principal
from msops.store.engine import ENV_URL, database_url, describe_url, is_busy, make_engine
from msops.store.migrate import is_up_to_date, upgrade

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
ERROR_LOG_ENV = "MSOPS_ERROR_LOG"

P = ParamSpec("P")
R = TypeVar("R")


PACKAGE_DIR = str(Path(__file__).resolve().parents[1]) + os.sep  # src/msops/


def current_principal() -> Principal:
    """The operator running the command on the server: national scope, named in the audit trail.

    MSOPS_USER names them when the login name is shared (e.g. a service account).
    """
    return system_principal(settings.current().user or f"cli:{getpass.getuser()}")


def open_database() -> Engine:
    """The database msops works in, which must answer and hold msops's tables.

    `MSOPS_DATABASE_URL` names it; only `msops db upgrade` creates a database there, so a
    mistyped SQLite path is an error rather than a new empty database. Unset, msops uses the
    embedded SQLite file, created and brought up to date on first use.
    """
    url = database_url()
    configured = settings.current().database_url is not None
    engine = engine_for(url, create=not configured)
    try:
        current = is_up_to_date(engine)
        fresh = not current and not inspect(engine).has_table("alembic_version")
        if fresh and not configured:
            upgrade(engine)
            current, fresh = True, False
    except SQLAlchemyError as err:
        engine.dispose()
        raise DatabaseUnavailable(unusable(url, err)) from err
    if fresh:
        engine.dispose()
        raise DatabaseUnavailable(
            f"the database at {describe_url(url)} has no msops tables: check {ENV_URL}, or run"
            " `msops db upgrade` to create them there"
        )
    if not current:
        engine.dispose()
        raise DatabaseUnavailable(
            f"the database at {describe_url(url)} needs upgrading: run `msops db upgrade`"
        )
    if _IN_COMMAND.get():
        _OPENED.append(engine)
    return engine


def engine_for(url: str, create: bool) -> Engine:
    """An engine for `url` if it names a database msops can use; `create=False` refuses an SQLite
    file that does not exist. Raises DatabaseUnavailable saying what to change."""
    scheme = _scheme(url)
    if scheme == "postgres":
        raise DatabaseUnavailable(
            f"{ENV_URL} begins postgres://, which SQLAlchemy does not read: write postgresql://"
        )
    if scheme not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(
            f"msops keeps its data in SQLite or PostgreSQL, and {ENV_URL} names {scheme!r}:"
            " give sqlite:///PATH or postgresql://USER:PASSWORD@HOST/DATABASE"
        )
    if scheme == "sqlite" and not create and (path := _missing_file(url)):
        raise DatabaseUnavailable(
            f"there is no database at {path}: check {ENV_URL}, or run `msops db upgrade`"
            " to create one there"
        )
    try:
        return make_engine(url, create=create)
    except (ArgumentError, ImportError) as err:  # a driver msops does not ship
        raise DatabaseUnavailable(
            f"cannot use {describe_url(url)}: {_first_line(err)}; give sqlite:///PATH or"
            " postgresql://USER:PASSWORD@HOST/DATABASE"
        ) from err


def _missing_file(url: str) -> str | None:
    """The path of an SQLite URL's file if there is no such file."""
    parsed = make_url(url)
    path = parsed.database
    if not path or path == ":memory:" or "uri" in parsed.query or Path(path).is_file():
        return None
    return path


def _scheme(url: str) -> str:
    try:
        return make_url(url).drivername.partition("+")[0]
    except ArgumentError:
        raise DatabaseUnavailable(
            f"{ENV_URL} is not a database URL: give sqlite:///PATH or"
            " postgresql://USER:PASSWORD@HOST/DATABASE"
        ) from None


def unusable(url: str, err: Exception) -> str:
    """One line saying that the database at `url` cannot be used, and why (the driver's first
    line: opening a database or reading its revision involves no personal data)."""
    orig = err.orig if isinstance(err, DBAPIError) else None
    reason = _first_line(orig or err)
    return f"cannot use the database at {describe_url(url)}: {reason} (check {ENV_URL})"


def _first_line(err: BaseException) -> str:
    lines = [line.strip() for line in str(err).splitlines() if line.strip()]
    return (lines[0] if lines else type(err).__name__)[:300]


# What the command is doing, for its error messages: set with `doing`.
_OPERATION: ContextVar[str | None] = ContextVar("msops_operation", default=None)
# Whether a command is running (one may call another), and the databases it opened, which are
# closed when it ends: a command run in-process (tests, the demo) leaves no connection open.
_IN_COMMAND: ContextVar[bool] = ContextVar("msops_in_command", default=False)
_OPENED: list[Engine] = []


def doing(description: str) -> None:
    """Name what the command is doing ("submitting Cleveland Police 2018-03"): a database
    error is reported as having happened while doing it."""
    _OPERATION.set(description)


def _operation() -> str:
    described = _OPERATION.get()
    if described:
        return described
    context = click.get_current_context(silent=True)
    return f"running `{context.command_path if context else 'msops'}`"


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn msops errors into one red sentence and exit status 1 (2 when the database cannot be
    used), and a database's own error into one line with a reference to the error log: never a
    traceback, never the SQL or its values."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        previous = _exit_on_terminate()
        outermost = not _IN_COMMAND.get()
        running = _IN_COMMAND.set(True)
        if outermost:
            _OPERATION.set(None)
        try:
            return func(*args, **kwargs)
        except MsopsError as err:
            errors.print(f"[red]error:[/red] {escape(str(err))}")
            raise typer.Exit(2 if isinstance(err, DatabaseUnavailable) else 1) from None
        except SQLAlchemyError as err:
            errors.print(f"[red]error:[/red] {escape(database_error_line(err))}")
            raise typer.Exit(2) from None
        except KeyboardInterrupt:
            errors.print("interrupted")
            sys.exit(130)
        except (
            typer.Exit,
            typer.Abort,
            click.exceptions.Exit,
            click.exceptions.Abort,
            click.ClickException,
        ):
            raise  # the command's own exit status, or a usage error click reports itself
        except Exception as fault:
            # the exit raised on SIGTERM may land inside a library's callback (DuckDB reading
            # an Arrow table) and come out as that library's error: still a termination
            if _TERMINATING.is_set():
                sys.exit(143)
            # a fault of msops itself: one line, and where it happened in the error log (its
            # message may quote a value, so neither the line nor the log repeats it)
            errors.print(f"[red]error:[/red] {escape(unexpected_error_line(fault))}")
            raise typer.Exit(3) from None
        finally:
            _IN_COMMAND.reset(running)
            if outermost:
                while _OPENED:
                    _OPENED.pop().dispose()
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper


def database_error_line(err: SQLAlchemyError) -> str:
    """The one line a person sees for a database error; the details go to the error log."""
    if isinstance(err, DBAPIError) and is_busy(err):
        return f"{_operation()}: the database is busy: try again"
    if isinstance(err, (IntegrityError, DataError)):
        what = "the database refused the write"
    elif isinstance(err, (OperationalError, InterfaceError)):
        what = "the database stopped answering or refused"
    else:
        what = "the database reported an error"
    return f"{_operation()}: {what} ({log_error(err)})"


def unexpected_error_line(err: BaseException) -> str:
    """The one line a person sees when msops itself fails; where it failed goes to the log."""
    return (
        f"{_operation()}: msops failed unexpectedly ({_append(_entry(err, secrets.token_hex(4)))})"
    )


def _entry(err: BaseException, ref: str) -> dict[str, object]:
    return {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "ref": ref,
        "operation": _operation(),
        "error": type(err).__name__,
        "where": _where(err),
    }


def _where(err: BaseException) -> list[str]:
    """Where in msops it happened: file, line and function only (no message, no locals)."""
    return [
        f"{Path(f.filename).name}:{f.lineno} {f.name}"
        for f in traceback.extract_tb(err.__traceback__)
        if f.filename.startswith(PACKAGE_DIR)  # msops's own code, not its libraries'
    ][-8:]


def _append(entry: dict[str, object]) -> str:
    """Append an entry to the error log; returns "log ref REF in PATH" to show."""
    path = error_log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    except OSError:
        return f"log ref {entry['ref']}; the error log {path} could not be written"
    return f"log ref {entry['ref']} in {path}"


def error_log_path() -> Path:
    """Where database errors are logged: MSOPS_ERROR_LOG, or errors.log in the user's log
    directory. Entries hold no SQL parameters and no values from the database's messages."""
    return settings.error_log()


def log_error(err: SQLAlchemyError) -> str:
    """Append a database error to the error log; returns "log ref REF in PATH" to show."""
    ref = secrets.token_hex(4)
    orig = err.orig if isinstance(err, DBAPIError) else None
    diag = getattr(orig, "diag", None)
    primary = getattr(diag, "message_primary", None) or (_first_line(orig) if orig else "")
    entry = _entry(err, ref) | {
        "driver_error": type(orig).__name__ if orig is not None else None,
        "code": getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None),
        # quoted parts of a message may be values (invalid input syntax for type integer: "x")
        "message": _QUOTED.sub('"…"', primary)[:300],
        "table": getattr(diag, "table_name", None),
        "column": getattr(diag, "column_name", None),
        "constraint": getattr(diag, "constraint_name", None),
        "statement": _statement_kind(getattr(err, "statement", None)),
    }
    return _append(entry)


_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')
_STATEMENT = re.compile(r"^\s*(insert\s+into|update|delete\s+from|select|\w+)(?:\s+(\w+))?", re.I)


def _statement_kind(statement: str | None) -> str | None:
    """The kind of statement and its table ("INSERT INTO nominal"), never the statement: enough
    to find the code, and no room for a value."""
    match = _STATEMENT.match(statement or "")
    if match is None:
        return None
    verb, table = match.group(1), match.group(2)
    if verb.lower() == "select" or table is None:
        return " ".join(verb.upper().split())
    return f"{' '.join(verb.upper().split())} {table}"


# Set once SIGTERM has arrived (see `_exit_on_terminate`).
_TERMINATING = threading.Event()


def _exit_on_terminate() -> signal.Handlers | Callable[..., object] | int | None:
    """Make a polite kill (SIGTERM, as `kill` and job schedulers send) unwind the command like
    Ctrl-C does, so its temporary files are removed: a linkage run spills records, personal
    data, to a temporary folder. Returns the handler it replaced (None off the main thread,
    where Python cannot set one)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def terminated(_signum: int, _frame: object) -> None:
        _TERMINATING.set()
        errors.print("terminated")
        sys.exit(143)

    return signal.signal(signal.SIGTERM, terminated)
