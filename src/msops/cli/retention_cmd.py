"""`msops retention`: operations due for review under MoPI, and the decisions on them."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.errors import InvalidInput
from msops.domain.retention import rules
from msops.domain.typed_text import parse_date, require_date
from msops.store.retention_repo import dispose, due, retain

app = typer.Typer(
    help="Review, retention and disposal of operations under MoPI (see docs/retention.md).",
    no_args_is_help=True,
)

DUE_COLUMNS = ["organisation", "ref", "group", "review_date", "closed_date", "last_decision"]


@app.command("due")
@friendly
def due_cmd(
    org: Annotated[
        str | None, typer.Option("--org", help="One organisation; default all in scope.")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="YYYY-MM-DD; default today.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List the operations whose review date has come (on or before --as-of)."""
    day = parse_date(as_of, "as-of") or date.today()
    with open_database().connect() as conn:
        found = due(conn, current_principal(), day, org)
    labels = {g.name: g.label for g in rules().groups}
    rows = [
        {
            "organisation": r.organisation,
            "ref": r.ref,
            "group": labels.get(r.group, r.group),
            "review_date": r.review_date,
            "closed_date": r.closed_date,
            "last_decision": r.last_decision or "",
        }
        for r in found
    ]
    emit(rows, DUE_COLUMNS, fmt, title=f"Operations due for review on {day.isoformat()}")
    if fmt == OutputFormat.table:
        console.print(f"{len(rows)} operations due for review")


@app.command("review")
@friendly
def review_cmd(
    org: Annotated[str, typer.Option("--org", help="The organisation whose operation it is.")],
    operation: Annotated[str, typer.Option("--operation", help="The operation's reference.")],
    reason: Annotated[str, typer.Option("--reason", help="Why: kept in the audit trail.")],
    keep: Annotated[bool, typer.Option("--retain", help="Keep the data until --next-review.")] = (
        False
    ),
    erase: Annotated[
        bool, typer.Option("--dispose", help="Erase the people; keep the statistics.")
    ] = False,
    next_review: Annotated[
        str | None, typer.Option("--next-review", help="With --retain: YYYY-MM-DD.")
    ] = None,
) -> None:
    """Record a review decision: --retain with --next-review, or --dispose."""
    if keep == erase:
        raise InvalidInput("give either --retain or --dispose")
    if erase and next_review:
        raise InvalidInput("--next-review goes with --retain, not --dispose")
    principal = current_principal()
    if keep:
        when = require_date(next_review, "next-review")
        with open_database().begin() as conn:
            retain(conn, principal, org, operation, reason, when)
        console.print(f"{operation} retained; next review {when.isoformat()}")
        return
    with open_database().begin() as conn:
        erased = dispose(conn, principal, org, operation, reason)
    console.print(f"{operation} disposed of: erased {erased.describe()}")
