"""Sessions, kept server-side: the browser holds a random token, the table only its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Connection, delete, insert, select

from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.web import web_session, web_user
from msops.store.users_repo.accounts import User, now_utc, user_from_row

SESSION_LIFETIME = timedelta(hours=8)


@dataclass(frozen=True)
class Session:
    user: User
    csrf_token: str


def token_sha(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(conn: Connection, user: User) -> tuple[str, str]:
    """A new session for `user`: (token for the cookie, CSRF token for the forms)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = now_utc()
    conn.execute(delete(web_session).where(web_session.c.expires_at < now))
    conn.execute(
        insert(web_session).values(
            token_sha256=token_sha(token),
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
            web_session.c.token_sha256 == token_sha(token),
            web_session.c.expires_at > now_utc(),
            ~web_user.c.disabled,
        )
    ).first()
    return None if row is None else Session(user_from_row(row), row._mapping["csrf_token"])


def end_session(conn: Connection, token: str, user: User | None = None) -> None:
    """End the session behind `token`; signing out is recorded under the account."""
    conn.execute(delete(web_session).where(web_session.c.token_sha256 == token_sha(token)))
    if user is not None:
        entry = AuditEntry(Action.ACCESS, "account", user.name, detail="signed out")
        record(conn, user.principal(), entry)
