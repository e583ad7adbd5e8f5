"""`msops orders`: the register of slavery and trafficking prevention and risk orders."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from msops.analytics.casework.orders import LIBRARY_COLUMNS, LIBRARY_MARKING, library
from msops.cli.casework.common import OrgOpt, write_rows
from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.casework.orders import (
    BreachOutcome,
    OrderTerms,
    VariationKind,
    clean_countries,
    parse_order_type,
)
from msops.domain.errors import InvalidInput
from msops.domain.typed_text import parse_date, require_date
from msops.store.casework.orders import (
    Subject,
    TermChanges,
    add_order,
    expiring_orders,
    list_orders,
    order_detail,
    record_breach,
    vary_order,
)

orders = typer.Typer(
    help="Slavery and trafficking prevention (STPO) and risk (STRO) orders.",
    no_args_is_help=True,
)

LIST_COLUMNS = [
    "id",
    "organisation",
    "operation_ref",
    "nominal_ref",
    "order_type",
    "court",
    "made_on",
    "expires",
    "travel_countries",
    "travel_ban_ends",
    "status",
    "version",
    "breaches",
]
ProhibitionOpt = Annotated[
    list[str] | None, typer.Option("--prohibition", help="A prohibition; repeat for more.")
]
CountryOpt = Annotated[
    list[str] | None,
    typer.Option("--travel-country", help="Country code or name, or ALL; repeat for more."),
]


@orders.command("add")
@friendly
def add_cmd(
    org: OrgOpt,
    operation: Annotated[str, typer.Option("--operation", help="The operation's reference.")],
    nominal: Annotated[str, typer.Option("--nominal", help="The subject's nominal reference.")],
    order_type: Annotated[str, typer.Option("--type", help="STPO or STRO.")],
    court: Annotated[str, typer.Option("--court")],
    made: Annotated[str, typer.Option("--made", help="Date made, YYYY-MM-DD.")],
    expires: Annotated[str | None, typer.Option("--expires", help="Expiry date.")] = None,
    until_further_order: Annotated[bool, typer.Option("--until-further-order")] = False,
    prohibition: ProhibitionOpt = None,
    travel_country: CountryOpt = None,
    travel_ban_ends: Annotated[str | None, typer.Option("--travel-ban-ends")] = None,
    notification: Annotated[
        str | None, typer.Option("--notification", help="Notification requirements.")
    ] = None,
) -> None:
    """Record an order; one that breaks the Act's minimums is refused and nothing is stored."""
    terms = OrderTerms(
        order_type=parse_order_type(order_type),
        court=court,
        made_on=require_date(made, "made"),
        expires_on=parse_date(expires, "expires"),
        until_further_order=until_further_order,
        prohibitions=tuple(prohibition or ()),
        travel_countries=clean_countries(tuple(travel_country or ())),
        travel_ban_ends=parse_date(travel_ban_ends, "travel ban end"),
        notification_requirements=notification,
    )
    with open_database().begin() as conn:
        order_id = add_order(conn, current_principal(), Subject(org, operation, nominal), terms)
    console.print(f"order {order_id} recorded, version 1")


@orders.command("vary")
@friendly
def vary_cmd(
    order_id: Annotated[int, typer.Argument(help="The order's number in the register.")],
    on: Annotated[str, typer.Option("--date", help="Date of the court's decision.")],
    court: Annotated[str, typer.Option("--court")],
    summary: Annotated[str, typer.Option("--summary", help="What the court decided.")],
    kind: Annotated[VariationKind, typer.Option("--kind")] = VariationKind.VARIATION,
    expires: Annotated[str | None, typer.Option("--expires")] = None,
    until_further_order: Annotated[bool, typer.Option("--until-further-order")] = False,
    prohibition: ProhibitionOpt = None,
    travel_country: CountryOpt = None,
    no_travel_ban: Annotated[
        bool, typer.Option("--no-travel-ban", help="Remove the travel prohibition.")
    ] = False,
    travel_ban_ends: Annotated[str | None, typer.Option("--travel-ban-ends")] = None,
    notification: Annotated[str | None, typer.Option("--notification")] = None,
) -> None:
    """Record a variation, renewal or discharge (ss.20, 27); earlier versions are kept."""
    if no_travel_ban and travel_country:
        raise InvalidInput("travel countries: give --travel-country or --no-travel-ban, not both")
    countries: tuple[str, ...] | None = () if no_travel_ban else None
    if travel_country:
        countries = clean_countries(tuple(travel_country))
    changes = TermChanges(
        expires_on=parse_date(expires, "expires"),
        until_further_order=until_further_order or None,
        prohibitions=tuple(prohibition) if prohibition else None,
        travel_countries=countries,
        travel_ban_ends=parse_date(travel_ban_ends, "travel ban end"),
        notification_requirements=notification,
    )
    with open_database().begin() as conn:
        version = vary_order(
            conn,
            current_principal(),
            order_id,
            kind,
            require_date(on, "date"),
            court,
            summary,
            changes,
        )
    console.print(f"order {order_id}: {kind.value} recorded, version {version}")


@orders.command("breach")
@friendly
def breach_cmd(
    order_id: Annotated[int, typer.Argument()],
    on: Annotated[str, typer.Option("--date", help="Date of the breach.")],
    summary: Annotated[str, typer.Option("--summary")],
    outcome: Annotated[BreachOutcome, typer.Option("--outcome")] = BreachOutcome.PENDING,
    outcome_date: Annotated[str | None, typer.Option("--outcome-date")] = None,
) -> None:
    """Record a breach of an order (s.30) and its outcome."""
    with open_database().begin() as conn:
        version = record_breach(
            conn,
            current_principal(),
            order_id,
            require_date(on, "date"),
            summary,
            outcome,
            parse_date(outcome_date, "outcome date"),
        )
    console.print(f"order {order_id}: breach recorded, version {version}")


@orders.command("list")
@friendly
def list_cmd(
    org: Annotated[str | None, typer.Option("--org")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List the orders in your scope with their current terms."""
    with open_database().begin() as conn:
        rows = list_orders(conn, current_principal(), org)
    emit(rows, LIST_COLUMNS, fmt, title="Orders (OFFICIAL-SENSITIVE)")


@orders.command("show")
@friendly
def show_cmd(order_id: Annotated[int, typer.Argument()]) -> None:
    """Show one order: current terms, variations, breaches and every version."""
    with open_database().begin() as conn:
        detail = order_detail(conn, current_principal(), order_id)
    emit([detail], LIST_COLUMNS, OutputFormat.table, title=f"Order {order_id}")
    console.print(f"prohibitions: {detail['prohibitions']}", markup=False)
    emit(
        detail["variations"],
        ["varied_on", "kind", "court", "summary"],
        OutputFormat.table,
        title="Variations",
    )
    emit(
        detail["breach_records"],
        ["breach_on", "outcome", "outcome_on", "summary"],
        OutputFormat.table,
        title="Breaches",
    )
    emit(
        detail["history"],
        ["version", "change", "changed_at", "changed_by"],
        OutputFormat.table,
        title="Versions",
    )


@orders.command("expiring")
@friendly
def expiring_cmd(
    within: Annotated[int, typer.Option("--within", help="Days ahead.")],
    today: Annotated[str | None, typer.Option("--today", help="Count from this date.")] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Orders (or travel bans) in force that end within the next DAYS days."""
    as_of = parse_date(today, "today") or date.today()
    with open_database().begin() as conn:
        rows = expiring_orders(conn, current_principal(), as_of, within)
    columns = [
        "id",
        "organisation",
        "operation_ref",
        "nominal_ref",
        "order_type",
        "ending",
        "ends_on",
        "days_left",
    ]
    emit(rows, columns, fmt, title=f"Ending by {as_of} + {within} days")


@orders.command("library")
@friendly
def library_cmd(
    out: Annotated[Path, typer.Option("--out", help="A .csv or .json file.")],
    purpose: Annotated[str, typer.Option("--purpose")] = "reference library of orders",
) -> None:
    """Write the anonymised reference library: no subject, force or operation; dates as
    quarters; court, prohibitions and travel terms kept."""
    with open_database().begin() as conn:
        rows = library(conn, current_principal(), purpose)
    write_rows(out, rows, LIBRARY_COLUMNS, LIBRARY_MARKING)
    console.print(f"{len(rows)} orders written to {out}")
