"""Saved themes of thematic profiles: save, find, list and delete, within the person's scope.

A theme is shared by the analysts of its owner (the organisation, region or national team of
the person who saved it, `owner_of`): they may run, replace or delete it. Saving and deleting
are recorded in the audit trail; a theme holds filters, not personal data.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, Row, delete, insert, select, update

from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.profile import profile_theme

OBJECT = "profile theme"
NAME_MAX = 80
Definition = Mapping[str, str | bool | None]


@dataclass(frozen=True)
class SavedTheme:
    name: str
    definition: dict[str, str | bool | None]
    saved_by: str
    saved_at: datetime


def owner_of(principal: Principal) -> str:
    """Whose themes a person shares: their organisation's, region's or the national team's."""
    return principal.organisation or principal.region or "national"


def checked_name(name: str) -> str:
    text = " ".join(name.split())
    if not text or len(text) > NAME_MAX or not text.isprintable():
        raise InvalidInput(f"a theme's name is 1 to {NAME_MAX} printable characters")
    return text


def save_theme(conn: Connection, principal: Principal, name: str, definition: Definition) -> bool:
    """Save (or replace) the theme `name`; True when it was new."""
    name, owner, t = checked_name(name), owner_of(principal), profile_theme
    text = json.dumps(dict(definition), sort_keys=True)
    values = {
        "definition": text,
        "saved_by": principal.name,
        "saved_at": datetime.now(UTC).replace(tzinfo=None),
    }
    where = (t.c.owner == owner) & (t.c.name == name)
    new = conn.execute(select(t.c.id).where(where)).first() is None
    if new:
        conn.execute(insert(t).values(owner=owner, name=name, **values))
    else:
        conn.execute(update(t).where(where).values(**values))
    action = Action.COLLECTION if new else Action.ALTERATION
    record(conn, principal, AuditEntry(action, OBJECT, f"{owner}: {name}", detail=text))
    return new


def find_theme(conn: Connection, principal: Principal, name: str) -> SavedTheme:
    """The saved theme `name` of the person's owner, or a one-line error naming the command
    that lists them."""
    t = profile_theme
    row = conn.execute(
        select(t).where(t.c.owner == owner_of(principal), t.c.name == checked_name(name))
    ).first()
    if row is None:
        raise InvalidInput(
            f"no saved theme is named {name.strip()[:NAME_MAX]!r}: msops report themes lists them"
        )
    return _saved(row)


def list_themes(conn: Connection, principal: Principal) -> list[SavedTheme]:
    t = profile_theme
    rows = conn.execute(select(t).where(t.c.owner == owner_of(principal)).order_by(t.c.name))
    return [_saved(r) for r in rows]


def delete_theme(conn: Connection, principal: Principal, name: str) -> None:
    found = find_theme(conn, principal, name)
    t, owner = profile_theme, owner_of(principal)
    conn.execute(delete(t).where(t.c.owner == owner, t.c.name == found.name))
    record(conn, principal, AuditEntry(Action.ERASURE, OBJECT, f"{owner}: {found.name}"))


def _saved(row: Row[tuple[object, ...]]) -> SavedTheme:
    return SavedTheme(
        name=row.name,
        definition=json.loads(row.definition),
        saved_by=row.saved_by,
        saved_at=row.saved_at,
    )
