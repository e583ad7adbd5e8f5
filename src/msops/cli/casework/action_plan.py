"""`msops action-plan`: the national action plan's items and forces' RAG assessments; `position`
is the `msops report position` command (a force's position against the plan)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from msops.analytics.casework import action_plan as cp
from msops.cli.casework.common import FmtOpt, OrgOpt, out_suffix, shown
from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.casework import action_plan as plan_data
from msops.domain.typed_text import parse_date, require_date
from msops.reports.documents import render_position
from msops.store.casework.action_plan import assess, history, record_position_disclosure

action_plan = typer.Typer(
    help="The national modern slavery action plan: items and forces' RAG assessments.",
    no_args_is_help=True,
)


@action_plan.command("items")
@friendly
def items_cmd(fmt: FmtOpt = OutputFormat.table) -> None:
    """The action plan's items (the shipped version)."""
    plan = plan_data.action_plan()
    rows = shown([i.__dict__ for i in plan.items], fmt)
    emit(rows, ["id", "theme", "text"], fmt, title=plan.version)
    if fmt == OutputFormat.table:
        console.print(plan.status)


@action_plan.command("assess")
@friendly
def assess_cmd(
    org: OrgOpt,
    item: Annotated[str, typer.Option("--item")],
    rag: Annotated[str, typer.Option("--rag", help="red, amber or green.")],
    on: Annotated[str, typer.Option("--date")],
    assessor: Annotated[str, typer.Option("--assessor")],
    evidence: Annotated[str, typer.Option("--evidence")],
) -> None:
    """Record a force's RAG assessment of one item (earlier ones are kept)."""
    value, when = plan_data.parse_rag(rag), require_date(on, "date")
    with open_database().begin() as conn:
        found = assess(conn, current_principal(), org, item, value, when, assessor, evidence)
    console.print(f"assessment {found} recorded")


@action_plan.command("history")
@friendly
def history_cmd(
    org: OrgOpt,
    item: Annotated[str | None, typer.Option("--item")] = None,
    fmt: FmtOpt = OutputFormat.table,
) -> None:
    """A force's assessments, per item oldest first."""
    with open_database().begin() as conn:
        rows = history(conn, current_principal(), org, item)
    columns = ["item_id", "assessed_on", "rag", "assessor", "evidence", "id"]
    emit(
        shown(rows, fmt),
        columns,
        fmt,
        title=f"Action plan assessments {plan_data.action_plan().version}",
    )


@friendly
def position(
    org: OrgOpt,
    out: Annotated[Path | None, typer.Option("--out", help="FILE.md or FILE.html")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD.")] = None,
    purpose: Annotated[str, typer.Option("--purpose")] = "force position summary",
    recipient: Annotated[str | None, typer.Option("--recipient")] = None,
    fmt: FmtOpt = OutputFormat.table,
) -> None:
    """A force's position against the action plan: current RAG, movement, national comparison."""
    suffix = out_suffix(out) if out else None
    when = parse_date(as_of, "as-of")
    who = current_principal()
    with open_database().begin() as conn:
        summary = cp.position_summary(conn, who, org, when)
        if out is not None:
            record_position_disclosure(
                conn, who, summary.organisation, purpose, recipient, f"file {out.name}"
            )
            text = render_position(summary, "html" if suffix == ".html" else "md")
            out.write_text(text, encoding="utf-8")
    if out is not None:
        console.print(f"position summary for {summary.organisation} written to {out}")
        return
    rows = shown(cp.table_rows(summary), fmt)
    emit(rows, [k for k, _h in cp.COLUMNS], fmt, title=summary.organisation)
