"""`msops ops`: list operations across returns, and show one month by month."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.errors import InvalidInput
from msops.domain.reference import find_organisation
from msops.store.operations_repo import (
    OperationFilter,
    OperationHistory,
    consult_operation,
    list_operations,
)

app = typer.Typer(help="Operations across all returns.", no_args_is_help=True)

LIST_COLUMNS = [
    "period",
    "organisation",
    "ref",
    "name",
    "lead_org",
    "status",
    "opened_date",
    "closed_date",
    "primary_category",
    "primary_type",
    "victims",
    "suspects",
    "arrests",
    "charges",
]


@app.command("list")
@friendly
def list_cmd(
    period: Annotated[str | None, typer.Option("--period", help="YYYY-MM; default latest.")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    region: Annotated[str | None, typer.Option("--region")] = None,
    status: Annotated[str | None, typer.Option("--status", help="live or closed")] = None,
    exploitation: Annotated[
        str | None, typer.Option("--exploitation", help="Category or type.")
    ] = None,
    lead: Annotated[
        str | None, typer.Option("--lead", help="police, local, rocu or partner.")
    ] = None,
    nationality: Annotated[
        str | None, typer.Option("--nationality", help="Of a victim or suspect.")
    ] = None,
    people: Annotated[
        str | None, typer.Option("--people", help="victim or suspect (with --nationality).")
    ] = None,
    outcome: Annotated[
        str | None, typer.Option("--outcome", help="At least one to date, e.g. arrests.")
    ] = None,
    europol: Annotated[
        str | None, typer.Option("--europol", help="checked or unchecked (live, due a check).")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List operations in a month's current returns."""
    drill = {"lead": lead, "nationality": nationality, "people": people}
    drill |= {"outcome": outcome, "europol": europol}
    flt = OperationFilter.from_text(period, org, region, status, exploitation, **drill)
    with open_database().connect() as conn:
        rows = list_operations(conn, current_principal(), flt)
    emit(rows, LIST_COLUMNS, fmt, title="Operations")
    if fmt == OutputFormat.table:
        console.print(f"{len(rows)} operations")


@app.command("show")
@friendly
def show_cmd(
    ref: Annotated[str, typer.Argument(help="The operation's reference.")],
    org: Annotated[str, typer.Option("--org", help="The organisation whose reference it is.")],
    nominals: Annotated[
        bool, typer.Option("--nominals", help="Also show the people (audited).")
    ] = False,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why you need the nominals.")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Show one operation month by month, its details and, with a purpose, its nominals."""
    found = find_organisation(org)
    if found is None:
        raise InvalidInput(f"no organisation is called {org!r}; `msops orgs` lists them")
    if nominals and not purpose:
        raise InvalidInput("viewing nominals is recorded in the audit trail: give --purpose")
    engine = open_database()
    with engine.begin() as conn:
        hist = consult_operation(  # recorded as a consultation, as the operation page is
            conn, current_principal(), found.short_name, ref, purpose if nominals else None
        )
    if fmt != OutputFormat.table:
        emit(
            [_as_record(hist)],
            ["organisation", "ref", "months", "details", "nationalities", "nominals"],
            OutputFormat.json,
        )
        return
    _print_history(found.name, hist)


def _as_record(hist: OperationHistory) -> dict[str, object]:
    return {
        "organisation": hist.organisation,
        "ref": hist.ref,
        "months": hist.months,
        "details": hist.details,
        "nationalities": hist.nationalities,
        "nominals": hist.nominals,
    }


def _print_history(org_name: str, hist: OperationHistory) -> None:
    if not hist.months:
        console.print(f"{org_name} {hist.ref}: no current return lists this operation")
        return
    latest = hist.months[-1]
    console.print(f"[bold]{org_name} {hist.ref}: {latest['operation_name']}[/bold]")
    fields = [
        {"field": k, "value": v}
        for k, v in latest.items()
        if k not in ("id", "return_version_id", "operation_id", "is_current", "lead_org_id")
    ]
    emit(fields, ["field", "value"], OutputFormat.table, title=f"Latest month ({latest['period']})")
    emit(
        hist.months,
        ["period", "status", "suspects", "nrm_referrals", "arrests", "charges", "convictions"],
        OutputFormat.table,
        title="Month by month",
    )
    emit(hist.details, ["detail", "value"], OutputFormat.table, title="Details")
    emit(
        hist.nationalities,
        ["grp", "nationality", "count"],
        OutputFormat.table,
        title="Nationalities",
    )
    if hist.nominals is None:
        return
    console.print("[bold]Nominals (OFFICIAL-SENSITIVE)[/bold]")
    for person in hist.nominals:
        console.print(_person_line(person), markup=False, highlight=False)


def _person_line(person: dict[str, Any]) -> str:
    name = " ".join(p for p in (person["given_name"], person["family_name"]) if p) or "(no name)"
    facts = [f"{person['nominal_ref']} {person['role']}: {name}"]
    if person["aliases"]:
        facts.append(f"aka {person['aliases']}")
    if person["date_of_birth"]:
        facts.append(f"born {person['date_of_birth']}")
    elif person["estimated_age"] is not None:
        facts.append(f"aged about {person['estimated_age']}")
    facts += [v for v in (person["gender"], person["nationality"]) if v]
    facts += [f"{i['kind']} {i['value']}" for i in person["identifiers"]]
    return ", ".join(facts)
