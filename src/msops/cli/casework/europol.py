"""`msops europol`: checks per operation, prompts for unchecked ones, annual counts."""

from __future__ import annotations

from typing import Annotated

import typer

from msops.analytics.casework.europol import annual
from msops.cli.casework.common import FmtOpt, OrgOpt
from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.casework.europol import CheckOutcome, EventKind
from msops.domain.periods import Period
from msops.domain.typed_text import require_date
from msops.store.casework.europol import prompts, record_event

europol = typer.Typer(
    help="Europol (SIENA) checks, operational meetings and JITs.", no_args_is_help=True
)


@europol.command("record")
@friendly
def record_cmd(
    org: OrgOpt,
    kind: Annotated[EventKind, typer.Option("--kind")],
    on: Annotated[str, typer.Option("--date")],
    operation: Annotated[str | None, typer.Option("--operation")] = None,
    outcome: Annotated[CheckOutcome | None, typer.Option("--outcome")] = None,
) -> None:
    """Record a check (with its outcome), an operational meeting or a JIT."""
    with open_database().begin() as conn:
        event_id = record_event(
            conn, current_principal(), org, kind, require_date(on, "date"), operation, outcome
        )
    console.print(f"Europol {kind.value} {event_id} recorded")


@europol.command("prompts")
@friendly
def prompts_cmd(
    org: OrgOpt,
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM; default latest.")] = None,
    fmt: FmtOpt = OutputFormat.table,
) -> None:
    """Live operations with foreign nationals or an international dimension and no check."""
    with open_database().begin() as conn:
        rows = prompts(conn, current_principal(), org, Period.parse(period) if period else None)
    emit(
        rows,
        ["period", "operation_ref", "name", "opened_date", "reasons"],
        fmt,
        title="Check these operations against Europol (SIENA)",
    )
    if fmt == OutputFormat.table:
        console.print(f"{len(rows)} operations need a Europol check")


@europol.command("annual")
@friendly
def annual_cmd(
    year: Annotated[int, typer.Option("--year")], fmt: FmtOpt = OutputFormat.table
) -> None:
    """The year's queries, operational meetings and JITs, per organisation and in total."""
    with open_database().connect() as conn:
        rows = annual(conn, current_principal(), year)
    emit(rows, list(rows[-1]), fmt, title=f"Europol activity {year}")
