"""Accounts of the web application: who may sign in, with which role and scope, and sessions.

Passwords are stored as argon2id hashes and must pass `msops.domain.passwords`. Failed
sign-ins are counted per account and per client address; past an allowance, each further
failure locks that account or client for a window that doubles with every failure. Sessions are
kept server-side: the browser holds a random token, the table holds only its SHA-256.

A sign-in is counted as a failure before its password is checked, in one atomic statement per
key (an upsert that adds one unless the key is locked), and the count is given back when the
password is right. So however many attempts arrive at once, no count is lost and no more than
the allowance are ever checked: every attempt past it is refused before anything is hashed.
Hashing itself is bounded: argon2id at the library's default cost takes 64 MiB for each hash,
so at most `HASH_SLOTS` run at once in a process, a few more wait their turn, and the rest are
told the server is busy.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, case, delete, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from msops.domain import settings
from msops.domain.errors import AccessDenied, InvalidInput, MsopsError, NotFound
from msops.domain.passwords import MIN_LENGTH, check_password
from msops.domain.principal import Principal, Role
from msops.domain.reference import REGIONS, find_organisation
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.web import sign_in_throttle, web_session, web_user

MIN_PASSWORD_LENGTH = MIN_LENGTH
FREE_FAILURES = 5  # failures of one account allowed before its first lockout
CLIENT_FREE_FAILURES = 20  # failures from one client address, over any accounts
CLIENT_MEMORY = timedelta(hours=1)  # a client's count starts again after an hour with no failure
FIRST_LOCKOUT = timedelta(seconds=30)
LONGEST_LOCKOUT = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=8)
WEB_ROLES = tuple(r for r in Role if r != Role.SYSTEM)

HASH_SLOTS_ENV = "MSOPS_HASH_SLOTS"


def _hash_slots() -> int:
    """Hashes at once, per process (MSOPS_HASH_SLOTS). Read as the module loads: a bad value
    leaves the default here and is reported by the first command or request that reads settings."""
    try:
        return settings.current().hash_slots
    except InvalidInput:
        return int(settings.default("hash_slots"))


HASH_SLOTS = _hash_slots()
HASH_QUEUE = 16  # sign-ins that may wait for a slot; more are told the server is busy
HASH_WAIT = 5.0  # seconds one waits for a slot before being told so
BUSY_RETRY = 2  # seconds: the Retry-After of a busy answer

_hasher = PasswordHasher()


class SignInRefused(MsopsError):
    """Wrong name or password, or a disabled account (the message never says which)."""


class SignInThrottled(MsopsError):
    """Too many failed sign-ins for this account or from this client: wait and try again."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {seconds} seconds")
        self.seconds = seconds


class SignInBusy(MsopsError):
    """Every password-hashing slot is taken and the queue is full or too slow: try again."""

    def __init__(self) -> None:
        super().__init__(
            f"the server is busy checking other sign-ins: try again in {BUSY_RETRY} seconds"
        )
        self.seconds = BUSY_RETRY


class HashGate:
    """At most `slots` password hashes at once; up to `queue` callers wait, each at most `wait`
    seconds, and any other caller gets SignInBusy at once (nothing is hashed for it)."""

    def __init__(self, slots: int, queue: int, wait: float) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._waiting = 0
        self.queue = queue
        self.wait = wait

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self._waiting >= self.queue:
                raise SignInBusy()
            self._waiting += 1
        try:
            acquired = self._slots.acquire(timeout=self.wait)
        finally:
            with self._lock:
                self._waiting -= 1
        if not acquired:
            raise SignInBusy()
        try:
            yield
        finally:
            self._slots.release()


hash_gate = HashGate(HASH_SLOTS, HASH_QUEUE, HASH_WAIT)


def _verify(stored: str, password: str) -> bool:
    """`password` against the stored hash, in a hashing slot (SignInBusy if none comes)."""
    with hash_gate.slot():
        try:
            return bool(_hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: Role
    organisation: str | None
    region: str | None
    created_at: datetime
    disabled: bool

    def principal(self) -> Principal:
        return Principal(self.name, self.role, self.organisation, self.region)


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _user(row: object) -> User:
    r = row._mapping  # type: ignore[attr-defined]
    return User(
        r["id"],
        r["name"],
        Role(r["role"]),
        r["organisation"],
        r["region"],
        r["created_at"],
        bool(r["disabled"]),
    )


def check_scope(role: Role, organisation: str | None, region: str | None) -> tuple[str | None, ...]:
    """The (organisation short name, region) an account of `role` needs; raises if wrong."""
    if role == Role.SYSTEM:
        raise InvalidInput("the system role is for jobs on the server, not for accounts")
    if role in (Role.FORCE_USER, Role.PARTNER_USER, Role.PCC):
        org = find_organisation(organisation or "")
        if org is None or region:
            raise InvalidInput(f"a {role.value} account needs --org with a known organisation")
        if role == Role.PCC and org.kind != "territorial_force":
            raise InvalidInput("a pcc account needs --org naming a territorial police force")
        return org.short_name, None
    if role == Role.REGIONAL_ANALYST:
        if region not in REGIONS or organisation:
            raise InvalidInput(f"a regional_analyst needs --region, one of: {', '.join(REGIONS)}")
        return None, region
    if organisation or region:
        raise InvalidInput(f"a {role.value} account has national scope: give no --org or --region")
    return None, None


def add_user(
    conn: Connection,
    actor: Principal,
    name: str,
    role: Role,
    password: str,
    organisation: str | None = None,
    region: str | None = None,
) -> User:
    """Create an account; the creation is recorded in the audit trail."""
    name = name.strip()
    if not name or len(name) > 120 or any(c.isspace() for c in name):
        raise InvalidInput("an account name is 1 to 120 characters without spaces")
    org, reg = check_scope(role, organisation, region)
    hashed = _new_password(password, name)
    if conn.execute(select(web_user.c.id).where(web_user.c.name == name)).first():
        raise InvalidInput(f"an account called {name!r} already exists")
    conn.execute(
        insert(web_user).values(
            name=name,
            role=role.value,
            organisation=org,
            region=reg,
            password_hash=hashed,
            created_at=now_utc(),
            disabled=False,
        )
    )
    where = org or reg or "national"
    record(
        conn,
        actor,
        AuditEntry(Action.ALTERATION, "account", name, detail=f"created: {role.value}, {where}"),
    )
    return get_user(conn, name)


def get_user(conn: Connection, name: str) -> User:
    row = conn.execute(select(web_user).where(web_user.c.name == name)).first()
    if row is None:
        raise NotFound(f"no account is called {name!r}; `msops users list` lists them")
    return _user(row)


def list_users(conn: Connection) -> list[User]:
    return [_user(r) for r in conn.execute(select(web_user).order_by(web_user.c.name))]


def count_admins(conn: Connection) -> int:
    rows = conn.execute(
        select(web_user.c.id).where(web_user.c.role == Role.ADMIN.value, ~web_user.c.disabled)
    ).all()
    return len(rows)


def disable_user(conn: Connection, actor: Principal, name: str) -> None:
    """Disable an account and end its sessions (never deleted: the audit trail names it)."""
    user = get_user(conn, name)
    conn.execute(update(web_user).where(web_user.c.id == user.id).values(disabled=True))
    conn.execute(delete(web_session).where(web_session.c.user_id == user.id))
    record(conn, actor, AuditEntry(Action.ALTERATION, "account", name, detail="disabled"))


@dataclass(frozen=True)
class _Key:
    """A sign-in throttle key: "user:NAME" or "client:ADDRESS", with its allowance."""

    key: str
    allowance: int  # failures before the first lockout
    memory: timedelta | None  # a count older than this (since its last failure) starts again


@dataclass(frozen=True)
class _Charge:
    """One attempt counted against a key before its password was checked."""

    key: _Key
    locked_until: datetime | None  # the lock this charge set, if it reached the allowance


def _user_key(name: str) -> _Key:
    return _Key(f"user:{name[:150]}", FREE_FAILURES, None)


def _client_key(client: str) -> _Key:
    return _Key(f"client:{client[:150]}", CLIENT_FREE_FAILURES, CLIENT_MEMORY)


def _lockout(failures: int, allowance: int = FREE_FAILURES) -> timedelta:
    if failures < allowance:
        return timedelta(0)
    lockout: timedelta = FIRST_LOCKOUT * 2 ** min(failures - allowance, 16)
    return min(lockout, LONGEST_LOCKOUT)


class _Locked(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _count_failure(conn: Connection, key: _Key, now: datetime) -> _Charge:
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
        return _Charge(key, None)
    until = now + lock
    conn.execute(update(t).where(t.c.key == key.key).values(locked_until=until))
    return _Charge(key, until)


def _charge(engine: Engine, keys: Sequence[_Key]) -> list[_Charge]:
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


def _give_back(conn: Connection, charge: _Charge) -> None:
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


def _give_back_all(engine: Engine, charges: Sequence[_Charge]) -> None:
    with engine.begin() as conn:
        for charge in charges:
            _give_back(conn, charge)


def sign_in(engine: Engine, name: str, password: str, client: str) -> User:
    """The account if `password` is right; failures are counted per account and per client.

    The attempt is counted before the password is checked (a locked account or client is
    refused with SignInThrottled before anything is hashed), then given back if it was right:
    a right password clears the account's count and leaves the client's as it was before.
    SignInBusy (given back too) when no hashing slot comes in time.
    """
    user_key = _user_key(name)
    try:
        charges = _charge(engine, [user_key, _client_key(client)])
    except SignInThrottled:
        _record_access(engine, name, "sign-in refused: locked after repeated failures")
        raise
    try:
        with engine.connect() as conn:
            row = conn.execute(select(web_user).where(web_user.c.name == name)).first()
        stored = row._mapping["password_hash"] if row is not None else None
        # Verify against a dummy hash for unknown names so that timing does not reveal them.
        ok = _verify(stored or _dummy_hash(), password) and row is not None
    except BaseException:
        _give_back_all(engine, charges)
        raise
    if not ok or row is None or row._mapping["disabled"]:
        locked = any(c.locked_until is not None for c in charges)
        _record_access(engine, name, "failed sign-in" + ("; now locked" if locked else ""))
        raise SignInRefused("wrong account name or password, or the account is disabled")
    user = _user(row)
    with engine.begin() as conn:
        conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key == user_key.key))
        for charge in charges[1:]:
            _give_back(conn, charge)
        record(
            conn,
            user.principal(),
            AuditEntry(Action.ACCESS, "account", user.name, detail="signed in"),
        )
    return user


SIGN_IN = Principal("sign-in", Role.SYSTEM)  # who records an attempt nobody is signed in for


def _record_access(engine: Engine, name_tried: str, what: str) -> None:
    """A failed or refused sign-in, under the name tried (never the password)."""
    with engine.begin() as conn:
        record(conn, SIGN_IN, AuditEntry(Action.ACCESS, "account", name_tried[:120], detail=what))


# Hashed on first use, not at import: Argon2 at its production cost takes half a second, which
# every `msops` command would otherwise pay. When set (the tests set a cheap one), it is used.
_DUMMY_HASH: str | None = None


def _dummy_hash() -> str:
    """The hash unknown names are verified against; two threads racing both hash, harmlessly."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
    return _DUMMY_HASH


def _token_sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(conn: Connection, user: User) -> tuple[str, str]:
    """A new session for `user`: (token for the cookie, CSRF token for the forms)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = now_utc()
    conn.execute(delete(web_session).where(web_session.c.expires_at < now))
    conn.execute(
        insert(web_session).values(
            token_sha256=_token_sha(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token, csrf


def find_session(conn: Connection, token: str) -> Session | None:
    """The live session behind `token`, or None (expired, ended, unknown or account disabled)."""
    row = conn.execute(
        select(web_user, web_session.c.csrf_token)
        .join(web_session, web_session.c.user_id == web_user.c.id)
        .where(
            web_session.c.token_sha256 == _token_sha(token),
            web_session.c.expires_at > now_utc(),
            ~web_user.c.disabled,
        )
    ).first()
    return None if row is None else Session(_user(row), row._mapping["csrf_token"])


def end_session(conn: Connection, token: str, user: User | None = None) -> None:
    """End the session behind `token`; signing out is recorded under the account."""
    conn.execute(delete(web_session).where(web_session.c.token_sha256 == _token_sha(token)))
    if user is not None:
        entry = AuditEntry(Action.ACCESS, "account", user.name, detail="signed out")
        record(conn, user.principal(), entry)


def _new_password(password: str, name: str) -> str:
    """The hash of a new password for the account `name`, once the rules accept it."""
    check_password(password, name)
    with hash_gate.slot():
        return _hasher.hash(password)


def change_password(engine: Engine, user: User, current: str, new: str, session_token: str) -> None:
    """The account holder replaces their password; every other session of theirs ends.

    A wrong current password counts as a failed sign-in (a borrowed session cannot be used to
    guess it), and the new one must differ from it and pass the password rules (checked first,
    so a refused new password costs no hashing).
    """
    if new == current:
        raise InvalidInput("the new password must differ from the current one")
    check_password(new, user.name)
    key = _user_key(user.name)
    charges = _charge(engine, [key])
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                select(web_user.c.password_hash).where(web_user.c.id == user.id)
            ).scalar_one()
        ok = _verify(stored, current)
        hashed = _new_password(new, user.name) if ok else ""
    except BaseException:
        _give_back_all(engine, charges)
        raise
    if not ok:
        raise InvalidInput("the current password is not right")
    with engine.begin() as conn:
        conn.execute(update(web_user).where(web_user.c.id == user.id).values(password_hash=hashed))
        conn.execute(
            delete(web_session).where(
                web_session.c.user_id == user.id,
                web_session.c.token_sha256 != _token_sha(session_token),
            )
        )
        conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key == key.key))
        entry = AuditEntry(Action.ALTERATION, "account", user.name, detail="password changed")
        record(conn, user.principal(), entry)


def reset_password(conn: Connection, actor: Principal, name: str, new: str) -> None:
    """An administrator sets a new password (given to the holder in person); sessions end."""
    if actor.role not in (Role.ADMIN, Role.SYSTEM):
        raise AccessDenied(f"{actor.describe()} may not reset passwords")
    user = get_user(conn, name)
    hashed = _new_password(new, user.name)
    conn.execute(update(web_user).where(web_user.c.id == user.id).values(password_hash=hashed))
    conn.execute(delete(web_session).where(web_session.c.user_id == user.id))
    conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key == _user_key(name).key))
    entry = AuditEntry(Action.ALTERATION, "account", name, detail="password reset")
    record(conn, actor, entry)
