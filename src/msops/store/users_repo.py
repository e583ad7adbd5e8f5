"""Accounts of the web application: who may sign in, with which role and scope, and sessions.

Passwords are stored as argon2id hashes and must pass `msops.domain.passwords`. Repeated
failed sign-ins lock the account and the client for a window that doubles with every further
failure. Sessions are kept server-side: the browser holds a random token, the table holds only
its SHA-256.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, insert, select, update

from msops.domain.errors import AccessDenied, InvalidInput, MsopsError, NotFound
from msops.domain.passwords import MIN_LENGTH, check_password
from msops.domain.principal import Principal, Role
from msops.domain.reference import REGIONS, find_organisation
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.web import sign_in_throttle, web_session, web_user

MIN_PASSWORD_LENGTH = MIN_LENGTH
FREE_FAILURES = 5  # failures allowed before the first lockout
FIRST_LOCKOUT = timedelta(seconds=30)
LONGEST_LOCKOUT = timedelta(minutes=30)
SESSION_LIFETIME = timedelta(hours=8)
WEB_ROLES = tuple(r for r in Role if r != Role.SYSTEM)

_hasher = PasswordHasher()


class SignInRefused(MsopsError):
    """Wrong name or password, or a disabled account (the message never says which)."""


class SignInThrottled(MsopsError):
    """Too many failed sign-ins for this account or from this client: wait and try again."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"too many failed sign-ins: try again in {seconds} seconds")
        self.seconds = seconds


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


def _lockout(failures: int) -> timedelta:
    if failures < FREE_FAILURES:
        return timedelta(0)
    lockout: timedelta = FIRST_LOCKOUT * 2 ** min(failures - FREE_FAILURES, 16)
    return min(lockout, LONGEST_LOCKOUT)


def _check_throttle(conn: Connection, keys: list[str], now: datetime) -> None:
    rows = conn.execute(
        select(sign_in_throttle.c.locked_until).where(sign_in_throttle.c.key.in_(keys))
    ).scalars()
    waits = [(until - now).total_seconds() for until in rows if until is not None and until > now]
    if waits:
        raise SignInThrottled(int(max(waits)) + 1)


def _note_failure(conn: Connection, key: str, now: datetime) -> None:
    t = sign_in_throttle
    failures = conn.execute(select(t.c.failures).where(t.c.key == key)).scalar_one_or_none()
    count = (failures or 0) + 1
    lock = _lockout(count)
    values = {
        "failures": count,
        "last_failed_at": now,
        "locked_until": now + lock if lock else None,
    }
    if failures is None:
        conn.execute(insert(t).values(key=key, **values))
    else:
        conn.execute(update(t).where(t.c.key == key).values(values))


def sign_in(engine: Engine, name: str, password: str, client: str) -> User:
    """The account if `password` is right; failures are counted per account and per client.

    A failure is committed before SignInRefused is raised, so that it counts.
    """
    keys = [f"user:{name[:150]}", f"client:{client[:150]}"]
    with engine.begin() as conn:
        _check_throttle(conn, keys, now_utc())
        row = conn.execute(select(web_user).where(web_user.c.name == name)).first()
    stored = row._mapping["password_hash"] if row is not None else None
    try:
        # Verify against a dummy hash for unknown names so that timing does not reveal them.
        ok = _hasher.verify(stored or _DUMMY_HASH, password) and row is not None
    except (VerificationError, InvalidHashError):
        ok = False
    with engine.begin() as conn:
        if not ok or row is None or row._mapping["disabled"]:
            for key in keys:
                _note_failure(conn, key, now_utc())
        else:
            conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key.in_(keys)))
            return _user(row)
    raise SignInRefused("wrong account name or password, or the account is disabled")


_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


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


def end_session(conn: Connection, token: str) -> None:
    conn.execute(delete(web_session).where(web_session.c.token_sha256 == _token_sha(token)))


def _new_password(password: str, name: str) -> str:
    """The hash of a new password for the account `name`, once the rules accept it."""
    check_password(password, name)
    return _hasher.hash(password)


def change_password(engine: Engine, user: User, current: str, new: str, session_token: str) -> None:
    """The account holder replaces their password; every other session of theirs ends.

    A wrong current password counts as a failed sign-in (a borrowed session cannot be used to
    guess it), and the new one must differ from it.
    """
    key = f"user:{user.name[:150]}"
    with engine.begin() as conn:
        _check_throttle(conn, [key], now_utc())
        stored = conn.execute(
            select(web_user.c.password_hash).where(web_user.c.id == user.id)
        ).scalar_one()
    try:
        ok = bool(_hasher.verify(stored, current))
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        with engine.begin() as conn:
            _note_failure(conn, key, now_utc())
        raise InvalidInput("the current password is not right")
    if new == current:
        raise InvalidInput("the new password must differ from the current one")
    hashed = _new_password(new, user.name)
    with engine.begin() as conn:
        conn.execute(update(web_user).where(web_user.c.id == user.id).values(password_hash=hashed))
        conn.execute(
            delete(web_session).where(
                web_session.c.user_id == user.id,
                web_session.c.token_sha256 != _token_sha(session_token),
            )
        )
        conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key == key))
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
    conn.execute(delete(sign_in_throttle).where(sign_in_throttle.c.key == f"user:{name[:150]}"))
    entry = AuditEntry(Action.ALTERATION, "account", name, detail="password reset")
    record(conn, actor, entry)
