"""Amending entries of the registers after the fact: a debrief's findings, a lesson (here), a
peer review's ratings (`casework_reviews.amend_review`). Nothing is overwritten without trace:
each amendment writes a new version (the record as it now stands) to the change log, with who,
when and why, and to the audit trail.
Only someone who may record the entry may amend it, and the amended entry passes the same rules.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, cast, func, select, update
from sqlalchemy.dialects.postgresql import REGCONFIG

from msops.domain.debriefs import Method, clean_tags, clean_themes
from msops.domain.errors import InvalidInput, NotFound
from msops.domain.principal import Principal
from msops.store import schema as s
from msops.store.casework_common import log_change, require_text, writable_org_id
from msops.store.casework_lessons import DEBRIEF, LESSON
from msops.store.schema_casework import casework_debrief, casework_lesson


def amend_reason(reason: str) -> str:
    return require_text(reason, "reason", 500)


def entry_with_org(conn: Connection, table: Any, record_id: int, what: str) -> Any:
    row = conn.execute(
        select(table, s.organisation.c.short_name.label("organisation"))
        .join(s.organisation, s.organisation.c.id == table.c.organisation_id)
        .where(table.c.id == record_id)
    ).first()
    if row is None:
        raise NotFound(f"{what}: there is no {what} {record_id}")
    return row


def amend_debrief(
    conn: Connection,
    principal: Principal,
    debrief_id: int,
    reason: str,
    *,
    findings: str | None = None,
    method: Method | None = None,
    on: date | None = None,
) -> int:
    """Change a debrief's findings, method or date; returns the new version."""
    why = amend_reason(reason)
    row = entry_with_org(conn, casework_debrief, debrief_id, "debrief")
    writable_org_id(conn, principal, row.organisation, "debriefs")
    values: dict[str, Any] = {}
    if findings is not None:
        values["findings"] = require_text(findings, "findings", 20000)
    if method is not None:
        values["method"] = method.value
    if on is not None:
        values["debriefed_on"] = on
    if not values:
        raise InvalidInput("say what to change: --findings, --method or --date")
    t = casework_debrief
    conn.execute(update(t).where(t.c.id == debrief_id).values(version=row.version + 1, **values))
    return log_change(conn, principal, DEBRIEF, t, debrief_id, "amended", reason=why)


@dataclass(frozen=True)
class LessonChange:
    title: str | None = None
    body: str | None = None
    themes: tuple[str, ...] | None = None
    tags: tuple[str, ...] | None = None


def amend_lesson(
    conn: Connection, principal: Principal, lesson_id: int, reason: str, change: LessonChange
) -> int:
    """Change a lesson's title, text, themes or tags; the search index follows."""
    why = amend_reason(reason)
    row = entry_with_org(conn, casework_lesson, lesson_id, "lesson")
    writable_org_id(conn, principal, row.organisation, "lessons")
    title = require_text(change.title, "title", 200) if change.title is not None else row.title
    body = require_text(change.body, "lesson", 20000) if change.body is not None else row.body
    themes = clean_themes(change.themes) if change.themes is not None else None
    tags = clean_tags(change.tags) if change.tags is not None else None
    if (change.title, change.body, themes, tags) == (None, None, None, None):
        raise InvalidInput("say what to change: --title, --text, --theme or --tag")
    themes = themes if themes is not None else tuple(json.loads(row.themes))
    tags = tags if tags is not None else tuple(json.loads(row.tags))
    values: dict[str, Any] = {"title": title, "body": body, "version": row.version + 1}
    values |= {"themes": json.dumps(list(themes)), "tags": json.dumps(list(tags))}
    if conn.dialect.name == "postgresql":
        document = " ".join((title, body, " ".join(themes), " ".join(tags)))
        values["search"] = func.to_tsvector(cast("english", REGCONFIG), document)
    t = casework_lesson
    conn.execute(update(t).where(t.c.id == lesson_id).values(**values))
    return log_change(conn, principal, LESSON, t, lesson_id, "amended", reason=why)
