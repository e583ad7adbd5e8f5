"""`msops debrief`: candidates for a debrief, debrief records, lessons and their search;
`lessons` is the `msops report lessons` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from msops.analytics.casework.debriefs import (
    debrief_candidates,
    lessons_summary,
    load_rules,
)
from msops.cli.casework.common import FmtOpt, OrgOpt, out_suffix
from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.casework.debriefs import Method, Quarter
from msops.domain.periods import Period
from msops.domain.typed_text import parse_date, require_date
from msops.reports.documents import render_lessons
from msops.store.casework.debriefs import (
    LessonChange,
    add_debrief,
    add_lesson,
    amend_debrief,
    amend_lesson,
    search_lessons,
)

debrief = typer.Typer(
    help="Debriefs of significant operations and the lessons learnt.", no_args_is_help=True
)


@debrief.command("candidates")
@friendly
def candidates_cmd(
    period: Annotated[str, typer.Option("--period", help="YYYY-MM.")],
    rules: Annotated[
        Path | None, typer.Option("--rules", help="TOML overriding the rules.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit")] = 20,
    fmt: FmtOpt = OutputFormat.table,
) -> None:
    """Rank the month's operations that merit a debrief, with the reasons."""
    month = Period.parse(period)
    with open_database().connect() as conn:
        ranking = debrief_candidates(conn, current_principal(), month, load_rules(rules))
    rows = [{**c.__dict__, "reasons": "; ".join(c.reasons)} for c in ranking.candidates[:limit]]
    emit(
        rows,
        ["score", "organisation", "operation_ref", "name", "status", "reasons"],
        fmt,
        title=f"Debrief candidates {month}",
    )
    if fmt == OutputFormat.table:
        console.print(f"{len(ranking.candidates)} operations meet the threshold")


@debrief.command("record")
@friendly
def record_cmd(
    org: OrgOpt,
    operation: Annotated[str, typer.Option("--operation")],
    method: Annotated[Method, typer.Option("--method")],
    on: Annotated[str, typer.Option("--date")],
    findings: Annotated[str, typer.Option("--findings")],
) -> None:
    """Record a debrief: method, date and findings."""
    with open_database().begin() as conn:
        debrief_id = add_debrief(
            conn, current_principal(), org, operation, method, require_date(on, "date"), findings
        )
    console.print(f"debrief {debrief_id} recorded")


@debrief.command("lesson")
@friendly
def lesson_cmd(
    org: OrgOpt,
    title: Annotated[str, typer.Option("--title")],
    body: Annotated[str, typer.Option("--text", help="The lesson.")],
    theme: Annotated[list[str], typer.Option("--theme", help="Repeat for more.")],
    on: Annotated[str, typer.Option("--date")],
    tag: Annotated[list[str] | None, typer.Option("--tag")] = None,
    debrief_id: Annotated[int | None, typer.Option("--debrief")] = None,
) -> None:
    """Record a lesson with its themes and tags."""
    with open_database().begin() as conn:
        lesson_id = add_lesson(
            conn,
            current_principal(),
            org,
            require_date(on, "date"),
            title,
            body,
            tuple(theme),
            tuple(tag or ()),
            debrief_id,
        )
    console.print(f"lesson {lesson_id} recorded")


ReasonOpt = Annotated[str, typer.Option("--reason", help="Why it changes (kept with it).")]


@debrief.command("amend")
@friendly
def amend_cmd(
    debrief_id: Annotated[int, typer.Argument(help="The debrief's number.")],
    reason: ReasonOpt,
    findings: Annotated[str | None, typer.Option("--findings")] = None,
    method: Annotated[Method | None, typer.Option("--method")] = None,
    on: Annotated[str | None, typer.Option("--date")] = None,
) -> None:
    """Amend a debrief record; the earlier version is kept."""
    with open_database().begin() as conn:
        version = amend_debrief(
            conn,
            current_principal(),
            debrief_id,
            reason,
            findings=findings,
            method=method,
            on=parse_date(on, "date"),
        )
    console.print(f"debrief {debrief_id} amended (version {version})")


@debrief.command("amend-lesson")
@friendly
def amend_lesson_cmd(
    lesson_id: Annotated[int, typer.Argument(help="The lesson's number.")],
    reason: ReasonOpt,
    title: Annotated[str | None, typer.Option("--title")] = None,
    body: Annotated[str | None, typer.Option("--text")] = None,
    theme: Annotated[list[str] | None, typer.Option("--theme", help="Replaces the themes.")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Replaces the tags.")] = None,
) -> None:
    """Amend a lesson (title, text, themes, tags); the earlier version is kept."""
    change = LessonChange(title, body, tuple(theme) if theme else None, tuple(tag) if tag else None)
    with open_database().begin() as conn:
        version = amend_lesson(conn, current_principal(), lesson_id, reason, change)
    console.print(f"lesson {lesson_id} amended (version {version})")


@debrief.command("search")
@friendly
def search_cmd(query: Annotated[str, typer.Argument()], fmt: FmtOpt = OutputFormat.table) -> None:
    """Search the lessons in full text (all words, stemmed), best first."""
    with open_database().begin() as conn:
        rows = search_lessons(conn, current_principal(), query)
    emit(
        rows,
        ["id", "organisation", "recorded_on", "title", "themes", "tags"],
        fmt,
        title=f"Lessons matching {query!r}",
    )


@friendly
def lessons(
    quarter: Annotated[str, typer.Option("--quarter", help="YYYY-Qn.")],
    out: Annotated[Path, typer.Option("--out", help="A .md or .html file.")],
) -> None:
    """Write the quarterly lessons summary."""
    q = Quarter.parse(quarter)
    suffix = out_suffix(out)
    with open_database().begin() as conn:
        summary = lessons_summary(conn, current_principal(), q)
    out.write_text(render_lessons(summary, "html" if suffix == ".html" else "md"), encoding="utf-8")
    console.print(f"lessons summary for {q} written to {out} ({len(summary.lessons)} lessons)")
