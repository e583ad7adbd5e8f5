"""Debrief records and the lessons-learnt database, searchable in full text.

One function, `search_lessons`, hides the engine: PostgreSQL matches a tsvector column kept by
this module (GIN index, `websearch_to_tsquery`, ranked by `ts_rank`); SQLite builds an FTS5 index
of the lessons in scope in a TEMP table on the connection and ranks by bm25. The SQLite index is
temporary on purpose: an FTS5 table and its shadow tables in the main schema cannot be described
by the shared SQLAlchemy metadata, so the schema-versus-migration check would fail; rebuilding
takes milliseconds at the size of a national lessons database (thousands of rows).
"""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, cast, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import REGCONFIG

from msops.domain.casework.debriefs import Method, Quarter, clean_tags, clean_themes
from msops.domain.errors import InvalidInput, NotFound
from msops.domain.principal import Principal
from msops.store.audit import Action
from msops.store.casework.common import (
    Row,
    amend_reason,
    audit_read,
    entry_with_org,
    log_change,
    require_operation,
    require_personal_scope,
    require_text,
    scoped_rows,
    writable_org_id,
)
from msops.store.schema.casework import casework_debrief, casework_lesson

DEBRIEF = "debrief"
LESSON = "lesson"
_WORD = re.compile(r"\w+", re.UNICODE)


def add_debrief(
    conn: Connection,
    principal: Principal,
    org: str,
    operation_ref: str,
    method: Method,
    on: date,
    findings: str,
) -> int:
    org_id = writable_org_id(conn, principal, org, "debriefs")
    require_operation(conn, org_id, operation_ref)
    debrief_id = conn.execute(
        insert(casework_debrief)
        .values(
            organisation_id=org_id,
            operation_ref=operation_ref,
            method=method.value,
            debriefed_on=on,
            findings=require_text(findings, "findings", 20000),
            version=1,
        )
        .returning(casework_debrief.c.id)
    ).scalar_one()
    log_change(
        conn, principal, DEBRIEF, casework_debrief, debrief_id, "debriefed", Action.COLLECTION
    )
    return int(debrief_id)


def _document(title: str, body: str, themes: tuple[str, ...], tags: tuple[str, ...]) -> str:
    return " ".join((title, body, " ".join(themes), " ".join(tags)))


def add_lesson(
    conn: Connection,
    principal: Principal,
    org: str,
    on: date,
    title: str,
    body: str,
    themes: tuple[str, ...],
    tags: tuple[str, ...] = (),
    debrief_id: int | None = None,
) -> int:
    org_id = writable_org_id(conn, principal, org, "lessons")
    title = require_text(title, "title", 200)
    body = require_text(body, "lesson", 20000)
    themes, tags = clean_themes(themes), clean_tags(tags)
    if debrief_id is not None:
        found = conn.execute(
            select(casework_debrief.c.id).where(
                casework_debrief.c.id == debrief_id, casework_debrief.c.organisation_id == org_id
            )
        ).first()
        if found is None:
            raise NotFound(f"debrief: {org} has no debrief {debrief_id}")
    lesson_id = conn.execute(
        insert(casework_lesson)
        .values(
            organisation_id=org_id,
            debrief_id=debrief_id,
            recorded_on=on,
            title=title,
            body=body,
            themes=json.dumps(list(themes)),
            tags=json.dumps(list(tags)),
            version=1,
        )
        .returning(casework_lesson.c.id)
    ).scalar_one()
    if conn.dialect.name == "postgresql":
        document = _document(title, body, themes, tags)
        conn.execute(
            update(casework_lesson)
            .where(casework_lesson.c.id == lesson_id)
            .values(search=func.to_tsvector(cast("english", REGCONFIG), document))
        )
    log_change(conn, principal, LESSON, casework_lesson, lesson_id, "recorded", Action.COLLECTION)
    return int(lesson_id)


def _present(row: Any) -> Row:
    values = {k: v for k, v in row._mapping.items() if k != "search"}
    values["themes"] = json.loads(row.themes)
    values["tags"] = json.loads(row.tags)
    return values


def _base(principal: Principal) -> Any:
    require_personal_scope(principal, "lessons")
    return scoped_rows(principal, casework_lesson)


def search_lessons(
    conn: Connection, principal: Principal, query: str, limit: int = 50
) -> list[Row]:
    """Lessons in scope matching every word of `query` (stemmed), best match first."""
    words = _WORD.findall(query)
    if not words:
        raise InvalidInput("search: give at least one word to search for")
    if conn.dialect.name == "postgresql":
        rows = _search_postgres(conn, principal, query, limit)
    else:
        rows = _search_sqlite(conn, principal, words, limit)
    audit_read(conn, principal, LESSON, "search", len(rows))
    return rows


def _search_postgres(conn: Connection, principal: Principal, query: str, limit: int) -> list[Row]:
    t = casework_lesson
    tsq = func.websearch_to_tsquery(cast("english", REGCONFIG), query)
    rank = func.ts_rank(t.c.search, tsq)
    found = conn.execute(
        _base(principal).where(t.c.search.op("@@")(tsq)).order_by(rank.desc(), t.c.id).limit(limit)
    )
    return [_present(r) for r in found]


def _search_sqlite(
    conn: Connection, principal: Principal, words: list[str], limit: int
) -> list[Row]:
    rows = {r.id: r for r in conn.execute(_base(principal))}
    conn.execute(text("DROP TABLE IF EXISTS temp.lesson_fts"))
    conn.execute(
        text(
            "CREATE VIRTUAL TABLE temp.lesson_fts USING fts5("
            "title, body, themes, tags, tokenize='porter unicode61')"
        )
    )
    for r in rows.values():
        conn.execute(
            text(
                "INSERT INTO temp.lesson_fts(rowid, title, body, themes, tags)"
                " VALUES (:id, :title, :body, :themes, :tags)"
            ),
            {
                "id": r.id,
                "title": r.title,
                "body": r.body,
                "themes": " ".join(json.loads(r.themes)),
                "tags": " ".join(json.loads(r.tags)),
            },
        )
    match = " ".join('"' + w.replace('"', "") + '"' for w in words)
    ids = (
        conn.execute(
            text(
                "SELECT rowid FROM temp.lesson_fts WHERE lesson_fts MATCH :q"
                " ORDER BY bm25(lesson_fts), rowid LIMIT :n"
            ),
            {"q": match, "n": limit},
        )
        .scalars()
        .all()
    )
    conn.execute(text("DROP TABLE temp.lesson_fts"))
    return [_present(rows[i]) for i in ids]


def lessons_in_quarter(conn: Connection, principal: Principal, quarter: Quarter) -> list[Row]:
    t = casework_lesson
    found = conn.execute(
        _base(principal)
        .where(t.c.recorded_on >= quarter.first_day, t.c.recorded_on <= quarter.last_day)
        .order_by(t.c.recorded_on, t.c.id)
    )
    out = [_present(r) for r in found]
    audit_read(conn, principal, LESSON, f"quarter {quarter}", len(out))
    return out


def debriefs_in_quarter(conn: Connection, principal: Principal, quarter: Quarter) -> list[Row]:
    require_personal_scope(principal, "debriefs")
    t = casework_debrief
    found = conn.execute(
        scoped_rows(principal, t)
        .where(t.c.debriefed_on >= quarter.first_day, t.c.debriefed_on <= quarter.last_day)
        .order_by(t.c.debriefed_on, t.c.id)
    ).mappings()
    return [dict(r) for r in found]


def debriefs_of(
    conn: Connection,
    principal: Principal,
    operations: Collection[tuple[str, str]],
    first: date,
    last: date,
) -> tuple[list[Row], list[Row]]:
    """The debriefs in scope of `operations` (organisation short name, reference) held between
    `first` and `last`, and the lessons drawn from them (audited consultation). The findings and
    lesson texts are not read: a profile names the debriefs, it does not quote them."""
    require_personal_scope(principal, "debriefs")
    wanted = set(operations)
    t, lesson = casework_debrief, casework_lesson
    found = conn.execute(
        scoped_rows(principal, t)
        .where(t.c.debriefed_on >= first, t.c.debriefed_on <= last)
        .order_by(t.c.debriefed_on, t.c.id)
    ).mappings()
    debriefs = [
        {k: r[k] for k in ("id", "organisation", "operation_ref", "method", "debriefed_on")}
        for r in found
        if (r["organisation"], r["operation_ref"]) in wanted
    ]
    ids = [d["id"] for d in debriefs]
    lessons = [
        {**dict(r._mapping), "themes": json.loads(r.themes), "tags": json.loads(r.tags)}
        for r in conn.execute(
            select(lesson.c.id, lesson.c.debrief_id, lesson.c.recorded_on, lesson.c.title)
            .add_columns(lesson.c.themes, lesson.c.tags)
            .where(lesson.c.debrief_id.in_(ids))
            .order_by(lesson.c.recorded_on, lesson.c.id)
        )
    ]
    audit_read(conn, principal, DEBRIEF, "profile", len(debriefs) + len(lessons))
    return debriefs, lessons


def recent_lessons(conn: Connection, principal: Principal, limit: int = 50) -> list[Row]:
    """The latest lessons in scope, newest first (audited consultation)."""
    t = casework_lesson
    found = conn.execute(
        _base(principal).order_by(t.c.recorded_on.desc(), t.c.id.desc()).limit(limit)
    )
    out = [_present(r) for r in found]
    audit_read(conn, principal, LESSON, "recent", len(out))
    return out


def list_debriefs(conn: Connection, principal: Principal, limit: int = 500) -> list[Row]:
    """Debrief records in scope, newest first (audited consultation)."""
    require_personal_scope(principal, "debriefs")
    t = casework_debrief
    found = conn.execute(
        scoped_rows(principal, t).order_by(t.c.debriefed_on.desc(), t.c.id.desc()).limit(limit)
    ).mappings()
    out = [dict(r) for r in found]
    audit_read(conn, principal, DEBRIEF, "list", len(out))
    return out


# Amending entries after the fact: nothing is overwritten without trace. Each amendment writes a
# new version (the entry as it now stands) to the change log, with who, when and why, and to the
# audit trail; only someone who may record the entry may amend it, under the same rules.
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
