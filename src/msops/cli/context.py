"""What every command needs: the database, the person running it, and plain error output."""

from __future__ import annotations

import getpass
import os
import signal
import sys
import threading
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from sqlalchemy import Engine, inspect

from msops.domain.errors import MsopsError
from msops.domain.principal import Principal, system_principal
from msops.store.engine import database_url, describe_url, make_engine
from msops.store.migrate import is_up_to_date, upgrade

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")


def current_principal() -> Principal:
    """The operator running the command on the server: national scope, named in the audit trail.

    MSOPS_USER names them when the login name is shared (e.g. a service account).
    """
    return system_principal(os.environ.get("MSOPS_USER") or f"cli:{getpass.getuser()}")


def open_database() -> Engine:
    """The database, created on first use when it is the embedded SQLite file."""
    url = database_url()
    engine = make_engine(url)
    if not is_up_to_date(engine):
        fresh = not inspect(engine).has_table("alembic_version")
        if engine.dialect.name == "sqlite" and fresh:
            upgrade(engine)
        else:
            raise MsopsError(
                f"the database at {describe_url(url)} needs upgrading: run `msops db upgrade`"
            )
    return engine


def friendly(func: Callable[P, R]) -> Callable[P, R]:
    """Turn msops errors into one red sentence and exit status 1, never a traceback."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        previous = _exit_on_terminate()
        try:
            return func(*args, **kwargs)
        except MsopsError as err:
            errors.print(f"[red]error:[/red] {err}")
            raise typer.Exit(1) from None
        except KeyboardInterrupt:
            errors.print("interrupted")
            sys.exit(130)
        except Exception:
            # the exit raised on SIGTERM may land inside a library's callback (DuckDB reading
            # an Arrow table) and come out as that library's error: still a termination
            if _TERMINATING.is_set():
                sys.exit(143)
            raise
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper


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
