"""Is the database reachable, and at the schema this code expects? What `/readyz` asks.

The answer names states only ("ok", "unreachable", "behind"): never a URL, a version or a count,
so that an unauthenticated probe learns nothing else about the service.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from msops.store.migrate import current_revision, head_revision


@cache
def expected_revision() -> str | None:
    """The revision a fully upgraded database is at (read once from the shipped migrations)."""
    return head_revision()


def readiness(engine: Engine) -> dict[str, str]:
    """{"database": "ok" | "unreachable", "schema": "ok" | "behind" | "unknown"}.

    "behind": the database is not at the revision this code expects (never migrated, or
    waiting for `msops db upgrade`); "unknown": the database could not be asked.
    """
    try:
        current = current_revision(engine)
    except SQLAlchemyError:
        return {"database": "unreachable", "schema": "unknown"}
    return {"database": "ok", "schema": "ok" if current == expected_revision() else "behind"}


def is_ready(state: dict[str, str]) -> bool:
    return all(value == "ok" for value in state.values())
