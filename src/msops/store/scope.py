"""Access scope, enforced once here: which organisations a principal may read or write for."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from sqlalchemy import ColumnElement, Connection, Engine, Table, select, true

from msops.domain.errors import AccessDenied, NotFound
from msops.domain.principal import Principal, Role
from msops.domain.reference import canonical_organisation
from msops.store.schema import organisation


def visible_organisations(principal: Principal, org: Table = organisation) -> ColumnElement[bool]:
    """A WHERE clause on the organisation table limiting rows to the principal's scope."""
    if principal.sees_everything:
        return true()
    if principal.role == Role.REGIONAL_ANALYST and principal.region:
        return org.c.region == principal.region
    if principal.role in (Role.FORCE_USER, Role.PARTNER_USER) and principal.organisation:
        return org.c.short_name == principal.organisation
    return org.c.id.is_(None)  # PCC and admin: no operational rows through this path


# Per engine, the ids of the organisations already looked up: an organisation's row is
# reference data, written by migrations and never renumbered, and an operation's page asked for
# its organisation's id twice (on PostgreSQL a round trip each time).
_IDS: WeakKeyDictionary[Engine, dict[str, int]] = WeakKeyDictionary()


def organisation_id(conn: Connection, name: str) -> int:
    """The database id of an organisation named by any of its spellings."""
    known = canonical_organisation(name).short_name
    ids = _IDS.setdefault(conn.engine, {})
    if known in ids:
        return ids[known]
    found = conn.execute(
        select(organisation.c.id).where(organisation.c.short_name == known)
    ).scalar_one_or_none()
    if found is None:
        raise NotFound("the database has no reference data yet: run `msops db upgrade`")
    ids[known] = int(found)
    return ids[known]


def require_read(conn: Connection, principal: Principal, org_id: int) -> None:
    """Refuse an organisation (by id, from `organisation_id`) outside the principal's scope."""
    if principal.sees_everything:
        return  # every organisation is in scope: no need to ask the database
    allowed = conn.execute(
        select(organisation.c.id).where(
            organisation.c.id == org_id, visible_organisations(principal)
        )
    ).first()
    if allowed is None:
        raise AccessDenied(f"{principal.describe()} may not see this organisation's returns")


def require_submit(principal: Principal, short_name: str) -> None:
    """Only the organisation itself (or a national operator) submits its return."""
    if principal.role in (Role.SYSTEM, Role.NATIONAL_ANALYST):
        return
    if principal.role in (Role.FORCE_USER, Role.PARTNER_USER) and (
        principal.organisation == short_name
    ):
        return
    raise AccessDenied(f"{principal.describe()} may not submit a return for {short_name}")
