"""`msops audit`: check the s.62 audit trail for tampering, and search it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import typer

from msops.cli.context import console, current_principal, errors, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.errors import InvalidInput
from msops.store.audit import HASHED_FIELDS, Action
from msops.store.audit_query import chain_head, search_audit, verify_chain

app = typer.Typer(help="The audit trail (DPA 2018 s.62).", no_args_is_help=True)

COLUMNS = ["id", "at", *HASHED_FIELDS]


@app.command("verify")
@friendly
def verify_cmd() -> None:
    """Recompute the hash chain; exit 1 and list the entries that were changed or removed."""
    engine = open_database()
    with engine.connect() as conn:
        problems = verify_chain(conn)
        count, head = chain_head(conn)
    for p in problems:
        errors.print(f"[red]{p.kind}:[/red] {p.message}")
    if problems:
        errors.print(f"the audit trail has been tampered with: {len(problems)} problems")
        raise typer.Exit(1)
    console.print(f"audit trail intact: {count} entries, newest hash {head}")
    console.print("keep the newest hash elsewhere: removal of the newest entries shows only there")


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time())
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--since {value!r} is not a date (YYYY-MM-DD) or date-time") from None


@app.command("search")
@friendly
def search_cmd(
    user: Annotated[str | None, typer.Option("--user", help="Who acted.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD (UTC).")] = None,
    action: Annotated[
        str | None, typer.Option("--action", help=", ".join(a.value for a in Action))
    ] = None,
    ref: Annotated[
        str | None, typer.Option("--ref", help="Object, e.g. Cleveland/OP-1 (prefix).")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Who did what, when and why: newest first."""
    if action and action not in {a.value for a in Action}:
        raise InvalidInput(f"--action must be one of: {', '.join(a.value for a in Action)}")
    engine = open_database()
    with engine.begin() as conn:  # the search is itself recorded
        rows = search_audit(conn, current_principal(), user, _since(since), action, ref)
    emit(rows, COLUMNS, fmt, title="Audit trail")
