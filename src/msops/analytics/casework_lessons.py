"""The quarterly lessons summary, as Markdown or HTML (no external assets)."""

from __future__ import annotations

import html
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from msops.domain.debriefs import Quarter
from msops.domain.principal import Principal
from msops.store.casework_lessons import debriefs_in_quarter, lessons_in_quarter

MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class LessonsSummary:
    quarter: Quarter
    debriefs: list[dict[str, Any]]
    lessons: list[dict[str, Any]]

    @property
    def themes(self) -> list[tuple[str, int]]:
        counts = Counter(t for lesson in self.lessons for t in lesson["themes"])
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def lessons_summary(conn: Connection, principal: Principal, quarter: Quarter) -> LessonsSummary:
    return LessonsSummary(
        quarter,
        debriefs_in_quarter(conn, principal, quarter),
        lessons_in_quarter(conn, principal, quarter),
    )


def to_markdown(summary: LessonsSummary) -> str:
    q = summary.quarter
    lines = [
        f"<!-- {MARKING} -->",
        f"# Lessons learnt, {q}",
        "",
        f"**{MARKING}**",
        "",
        f"{len(summary.debriefs)} debriefs and {len(summary.lessons)} lessons recorded"
        f" from {q.first_day} to {q.last_day}.",
        "",
        "## Themes",
        "",
    ]
    lines += [f"- {theme}: {n}" for theme, n in summary.themes] or ["- none"]
    lines += ["", "## Lessons", ""]
    for theme, _n in summary.themes:
        lines += [f"### {theme.capitalize()}", ""]
        for lesson in summary.lessons:
            if theme in lesson["themes"]:
                tags = f" _(tags: {', '.join(lesson['tags'])})_" if lesson["tags"] else ""
                lines.append(
                    f"- **{lesson['title']}** ({lesson['organisation']},"
                    f" {lesson['recorded_on']}): {lesson['body']}{tags}"
                )
        lines.append("")
    lines += ["## Debriefs", ""]
    lines += [
        f"- {d['debriefed_on']} {d['organisation']} {d['operation_ref']} ({d['method']})"
        for d in summary.debriefs
    ] or ["- none"]
    return "\n".join(lines) + "\n"


def to_html(summary: LessonsSummary) -> str:
    e = html.escape
    q = summary.quarter
    parts = [
        f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Lessons learnt {e(str(q))}</title></head><body>",
        f"<p><strong>{MARKING}</strong></p><h1>Lessons learnt, {e(str(q))}</h1>",
        f"<p>{len(summary.debriefs)} debriefs and {len(summary.lessons)} lessons.</p>",
        "<h2>Themes</h2><ul>",
    ]
    parts += [f"<li>{e(t)}: {n}</li>" for t, n in summary.themes]
    parts.append("</ul><h2>Lessons</h2>")
    for theme, _n in summary.themes:
        parts.append(f"<h3>{e(theme.capitalize())}</h3><ul>")
        parts += [
            f"<li><strong>{e(lesson['title'])}</strong> ({e(lesson['organisation'])},"
            f" {lesson['recorded_on']}): {e(lesson['body'])}</li>"
            for lesson in summary.lessons
            if theme in lesson["themes"]
        ]
        parts.append("</ul>")
    parts.append("<h2>Debriefs</h2><ul>")
    parts += [
        f"<li>{d['debriefed_on']} {e(d['organisation'])} {e(d['operation_ref'])}"
        f" ({e(d['method'])})</li>"
        for d in summary.debriefs
    ]
    parts.append(f"</ul><p><strong>{MARKING}</strong></p></body></html>")
    return "\n".join(parts) + "\n"
