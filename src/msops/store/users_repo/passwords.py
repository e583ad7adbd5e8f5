"""Changing a password: by its holder (who must give the current one), or reset by an
administrator. Either way the account's other sessions end and its failed sign-ins are forgotten."""

from __future__ import annotations

from sqlalchemy import Connection, Engine, delete, select, update

from msops.domain.errors import AccessDenied, InvalidInput
from msops.domain.passwords import check_password
from msops.domain.principal import Principal, Role
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.web import web_session, web_user
from msops.store.users_repo.accounts import User, get_user
from msops.store.users_repo.hashing import new_password_hash, verify_password
from msops.store.users_repo.sessions import token_sha
from msops.store.users_repo.throttle import clear, count_attempt, give_back_all, user_key


def change_password(engine: Engine, user: User, current: str, new: str, session_token: str) -> None:
    """The account holder replaces their password; every other session of theirs ends.

    A wrong current password counts as a failed sign-in (a borrowed session cannot be used to
    guess it), and the new one must differ from it and pass the password rules (checked first,
    so a refused new password costs no hashing).
    """
    if new == current:
        raise InvalidInput("the new password must differ from the current one")
    check_password(new, user.name)
    key = user_key(user.name)
    charges = count_attempt(engine, [key])
    try:
        with engine.connect() as conn:
            stored = conn.execute(
                select(web_user.c.password_hash).where(web_user.c.id == user.id)
            ).scalar_one()
        ok = verify_password(stored, current)
        hashed = new_password_hash(new, user.name) if ok else ""
    except BaseException:
        give_back_all(engine, charges)
        raise
    if not ok:
        raise InvalidInput("the current password is not right")
    with engine.begin() as conn:
        conn.execute(update(web_user).where(web_user.c.id == user.id).values(password_hash=hashed))
        conn.execute(
            delete(web_session).where(
                web_session.c.user_id == user.id,
                web_session.c.token_sha256 != token_sha(session_token),
            )
        )
        clear(conn, key)
        entry = AuditEntry(Action.ALTERATION, "account", user.name, detail="password changed")
        record(conn, user.principal(), entry)


def reset_password(conn: Connection, actor: Principal, name: str, new: str) -> None:
    """An administrator sets a new password (given to the holder in person); sessions end."""
    if actor.role not in (Role.ADMIN, Role.SYSTEM):
        raise AccessDenied(f"{actor.describe()} may not reset passwords")
    user = get_user(conn, name)
    hashed = new_password_hash(new, user.name)
    conn.execute(update(web_user).where(web_user.c.id == user.id).values(password_hash=hashed))
    conn.execute(delete(web_session).where(web_session.c.user_id == user.id))
    clear(conn, user_key(name))
    entry = AuditEntry(Action.ALTERATION, "account", name, detail="password reset")
    record(conn, actor, entry)
