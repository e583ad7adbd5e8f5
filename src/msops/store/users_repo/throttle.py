"""Failed sign-ins, counted per account and per client address, and the lockouts they bring.

Past an allowance, each further failure locks that account or client for a window that doubles
with every failure. A sign-in is counted as a failure before its password is checked, in one
atomic statement per key (an upsert that adds one unless the key is locked), and the count is
given back when the password is right. So however many attempts arrive at once, no count is
lost and no more than the allowance are ever checked: every attempt past it is refused before
anything is hashed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from msops.domain.errors import MsopsError
from msops.store.schema.web import sign_in_throttle
from msops.store.users_repo.accounts import now_utc

FREE_FAILURES = 5  # failures of one account allowed before its first lockout
CLIENT_FREE_FAILURES = 20  # failures from one client address, over any accounts
CLIENT_MEMORY = timedelta(hours=1)  # a client's count starts again after an hour with no failure
FIRST_LOCKOUT = timedelta(seconds=30)
LONGEST_LOCKOUT = timedelta(minutes=30)


class SignInThrottled(MsopsError):
    """Too many failed sign-ins for this account or from this client: wait and try again."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {seconds} seconds")
        self.seconds = seconds


@dataclass(frozen=True)
class Key:
    """A sign-in throttle key: "user:NAME" or "client:ADDRESS", with its allowance."""

    key: str
    allowance: int  # failures before the first lockout
    memory: timedelta | None  # a count older than this (since its last failure) starts again


@dataclass(frozen=True)
class Charge:
    """One attempt counted against a key before its password was checked."""

    key: Key
    locked_until: datetime | None  # the lock this charge set, if it reached the allowance


def user_key(name: str) -> Key:
    return Key(f"user:{name[:150]}", FREE_FAILURES, None)


def client_key(client: str) -> Key:
    return Key(f"client:{client[:150]}", CLIENT_FREE_FAILURES, CLIENT_MEMORY)


def _lockout(failures: int, allowance: int = FREE_FAILURES) -> timedelta:
    if failures < allowance:
        return timedelta(0)
    lockout: timedelta = FIRST_LOCKOUT * 2 ** min(failures - allowance, 16)
    return min(lockout, LONGEST_LOCKOUT)


class _Locked(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _count_failure(conn: Connection, key: Key, now: datetime) -> Charge:
    """Add one failure to `key` in one statement, unless it is locked (then raise _Locked).

    INSERT ... ON CONFLICT DO UPDATE ... WHERE not locked ... RETURNING: concurrent attempts
    queue on the row (PostgreSQL) or the database (SQLite), and each sees the count left by
    the one before, so none is lost. Reaching the allowance locks the key at once.
    """
    t = sign_in_throttle
    count = t.c.failures + 1
    if key.memory is not None:
        count = case((t.c.last_failed_at < now - key.memory, 1), else_=count)
    dialect_insert: Any = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
    statement = (
        dialect_insert(t)
        .values(key=key.key, failures=1, last_failed_at=now, locked_until=None)
        .on_conflict_do_update(
            index_elements=[t.c.key],
            set_={"failures": count, "last_failed_at": now},
            where=or_(t.c.locked_until.is_(None), t.c.locked_until <= now),
        )
        .returning(t.c.failures)
    )
    failures = conn.execute(statement).scalar_one_or_none()
    if failures is None:
        raise _Locked(key.key)
    lock = _lockout(failures, key.allowance)
    if not lock:
        return Charge(key, None)
    until = now + lock
    conn.execute(update(t).where(t.c.key == key.key).values(locked_until=until))
    return Charge(key, until)


def count_attempt(engine: Engine, keys: Sequence[Key]) -> list[Charge]:
    """Count the attempt as a failure against every key, before its password is checked.

    Raises SignInThrottled, counting nothing, when any key is locked.
    """
    now = now_utc()
    try:
        with engine.begin() as conn:
            return [_count_failure(conn, key, now) for key in keys]
    except _Locked as locked:
        with engine.connect() as conn:
            until = conn.execute(
                select(sign_in_throttle.c.locked_until).where(sign_in_throttle.c.key == locked.key)
            ).scalar_one_or_none()
        wait = (until - now).total_seconds() if until is not None else 0.0
        raise SignInThrottled(max(1, int(wait) + 1)) from None


def give_back(conn: Connection, charge: Charge) -> None:
    """Undo a charge: the attempt was not a failure (or was never checked)."""
    t = sign_in_throttle
    values: dict[str, object] = {"failures": t.c.failures - 1}
    if charge.locked_until is not None:  # lift the lock this charge set, if it still holds
        values["locked_until"] = case(
            (t.c.locked_until == charge.locked_until, None), else_=t.c.locked_until
        )
    conn.execute(update(t).where(t.c.key == charge.key.key, t.c.failures > 0).values(values))
    # A count back at nought is no count: no row stays behind for every client that signs in.
    conn.execute(
        delete(t).where(t.c.key == charge.key.key, t.c.failures <= 0, t.c.locked_until.is_(None))
    )


def give_back_all(engine: Engine, charges: Sequence[Charge]) -> None:
    with engine.begin() as conn:
        for charge in charges:
            give_back(conn, charge)


def clear(conn: Connection, key: Key) -> None:
    """Forget every failure counted against `key` (its password was right, or was reset)."""
    conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key == key.key))
