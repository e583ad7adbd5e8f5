"""The accounts themselves: who may sign in, with which role and scope.

An account is never deleted, only disabled: the audit trail names it. Creating and disabling
one is recorded in the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, delete, insert, select, update

from msops.domain.errors import InvalidInput, NotFound
from msops.domain.principal import Principal, Role
from msops.domain.reference import REGIONS, find_organisation
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.web import web_session, web_user
from msops.store.users_repo.hashing import new_password_hash

WEB_ROLES = tuple(r for r in Role if r != Role.SYSTEM)


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


def now_utc() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def user_from_row(row: object) -> User:
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
            raise InvalidInput(f"a {role.value} account needs an organisation, a known one")
        if role == Role.PCC and org.kind != "territorial_force":
            raise InvalidInput("a pcc account's organisation must be a territorial police force")
        return org.short_name, None
    if role == Role.REGIONAL_ANALYST:
        if region not in REGIONS or organisation:
            raise InvalidInput(f"a regional_analyst needs a region, one of: {', '.join(REGIONS)}")
        return None, region
    if organisation or region:
        scope = f"a {role.value} account has national scope"
        raise InvalidInput(f"{scope}: give it no organisation or region")
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
    hashed = new_password_hash(password, name)
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
    return user_from_row(row)


def list_users(conn: Connection) -> list[User]:
    return [user_from_row(r) for r in conn.execute(select(web_user).order_by(web_user.c.name))]


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
