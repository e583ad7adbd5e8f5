"""Signing in: a password checked against the account, after the attempt has been counted.

Every attempt, right or wrong, is recorded in the audit trail: a failed or refused one under
the name tried (never the password).
"""

from __future__ import annotations

from sqlalchemy import Engine, select

from msops.domain.errors import MsopsError
from msops.domain.principal import Principal, Role
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.web import web_user
from msops.store.users_repo.accounts import User, user_from_row
from msops.store.users_repo.hashing import dummy_hash, verify_password
from msops.store.users_repo.throttle import (
    SignInThrottled,
    clear,
    client_key,
    count_attempt,
    give_back,
    give_back_all,
    user_key,
)

SIGN_IN = Principal("sign-in", Role.SYSTEM)  # who records an attempt nobody is signed in for


class SignInRefused(MsopsError):
    """Wrong name or password, or a disabled account (the message never says which)."""


def sign_in(engine: Engine, name: str, password: str, client: str) -> User:
    """The account if `password` is right; failures are counted per account and per client.

    The attempt is counted before the password is checked (a locked account or client is
    refused with SignInThrottled before anything is hashed), then given back if it was right:
    a right password clears the account's count and leaves the client's as it was before.
    SignInBusy (given back too) when no hashing slot comes in time.
    """
    account_key = user_key(name)
    try:
        charges = count_attempt(engine, [account_key, client_key(client)])
    except SignInThrottled:
        _record_access(engine, name, "sign-in refused: locked after repeated failures")
        raise
    try:
        with engine.connect() as conn:
            row = conn.execute(select(web_user).where(web_user.c.name == name)).first()
        stored = row._mapping["password_hash"] if row is not None else None
        # Verify against a dummy hash for unknown names so that timing does not reveal them.
        ok = verify_password(stored or dummy_hash(), password) and row is not None
    except BaseException:
        give_back_all(engine, charges)
        raise
    if not ok or row is None or row._mapping["disabled"]:
        locked = any(c.locked_until is not None for c in charges)
        _record_access(engine, name, "failed sign-in" + ("; now locked" if locked else ""))
        raise SignInRefused("wrong account name or password, or the account is disabled")
    user = user_from_row(row)
    with engine.begin() as conn:
        clear(conn, account_key)
        for charge in charges[1:]:
            give_back(conn, charge)
        record(
            conn,
            user.principal(),
            AuditEntry(Action.ACCESS, "account", user.name, detail="signed in"),
        )
    return user


def _record_access(engine: Engine, name_tried: str, what: str) -> None:
    """A failed or refused sign-in, under the name tried (never the password)."""
    with engine.begin() as conn:
        record(conn, SIGN_IN, AuditEntry(Action.ACCESS, "account", name_tried[:120], detail=what))
