"""`msops report`: the monthly overview, force performance and the overview's tables (thematic
profiles are in `profile_cmd`)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Connection

from msops.analytics.disclosure import THRESHOLD
from msops.analytics.headline import Area
from msops.analytics.overview import overview
from msops.analytics.performance import performance
from msops.analytics.tables import Audience, Rule, overview_tables, write_csv
from msops.cli.context import console, current_principal, friendly, open_database
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.tabular import csv_text
from msops.reports.html import render_overview
from msops.reports.performance_html import performance_csv_rows, render_performance
from msops.store.audit import Action, AuditEntry, record

app = typer.Typer(
    help="Reports: monthly overview, force performance, tables.", no_args_is_help=True
)

PeriodOpt = Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")]
PurposeOpt = Annotated[
    str, typer.Option("--purpose", help="Why the report is produced (audit trail).")
]
RecipientOpt = Annotated[
    str | None, typer.Option("--recipient", help="Who receives it (audit trail).")
]
AudienceOpt = Annotated[
    Audience,
    typer.Option("--audience", help="internal: exact; public: small counts suppressed, rounded."),
]
ThresholdOpt = Annotated[
    int, typer.Option("--threshold", min=1, help="Public: counts below this are suppressed.")
]
DEFAULT_PURPOSE = "monthly reporting"


@contextmanager
def transaction() -> Iterator[Connection]:
    """One transaction on the database, its engine disposed of afterwards."""
    engine = open_database()
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def suffix_of(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise InvalidInput(f"--out must end in {' or '.join(allowed)}, not {out.name!r}")
    return suffix


def write_document(out: Path, html: str, suffix: str) -> None:
    if suffix == ".pdf":
        from msops.reports.pdf import html_to_pdf

        out.write_bytes(html_to_pdf(html))
    else:
        out.write_text(html, encoding="utf-8")


@app.command("overview")
@friendly
def overview_cmd(
    period: PeriodOpt,
    out: Annotated[Path, typer.Option("--out", help="FILE.html or FILE.pdf")],
    region: Annotated[str | None, typer.Option("--region")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    audience: AudienceOpt = Audience.INTERNAL,
    threshold: ThresholdOpt = THRESHOLD,
    purpose: PurposeOpt = DEFAULT_PURPOSE,
    recipient: RecipientOpt = None,
) -> None:
    """Write the monthly overview of one month as HTML or PDF."""
    suffix = suffix_of(out, (".html", ".pdf"))
    month, area, rule = Period.parse(period), Area.of(region, org), Rule(audience, threshold)
    who = current_principal()
    with transaction() as conn:
        figures = overview(conn, who, month, area)
        html = render_overview(figures, overview_tables(figures, rule), rule, who.describe())
        disclosed(conn, who, f"overview {month} {area.describe()}", rule, purpose, recipient, out)
        write_document(out, html, suffix)
    console.print(f"wrote {out} ({rule.audience.value}, {area.describe()}, {month})")


@app.command("tables")
@friendly
def tables_cmd(
    period: PeriodOpt,
    out: Annotated[Path, typer.Option("--out", help="Folder for the CSV files.")],
    audience: AudienceOpt = Audience.INTERNAL,
    threshold: ThresholdOpt = THRESHOLD,
    region: Annotated[str | None, typer.Option("--region")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    purpose: PurposeOpt = DEFAULT_PURPOSE,
    recipient: RecipientOpt = None,
) -> None:
    """Write the overview's tables as CSV files, one per table, into a folder."""
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out must be a folder; {out} is a file")
    month, area, rule = Period.parse(period), Area.of(region, org), Rule(audience, threshold)
    who = current_principal()
    with transaction() as conn:
        figures = overview(conn, who, month, area)
        disclosed(conn, who, f"tables {month} {area.describe()}", rule, purpose, recipient, out)
        paths = write_csv(overview_tables(figures, rule), out)
    console.print(f"wrote {len(paths)} tables to {out} ({rule.audience.value})")


@app.command("performance")
@friendly
def performance_cmd(
    period: PeriodOpt,
    out: Annotated[Path, typer.Option("--out", help="FILE.html, FILE.pdf or FILE.csv")],
    purpose: PurposeOpt = DEFAULT_PURPOSE,
    recipient: RecipientOpt = None,
) -> None:
    """Compare territorial forces: rates, national medians and robust outliers."""
    suffix = suffix_of(out, (".html", ".pdf", ".csv"))
    month, who = Period.parse(period), current_principal()
    rule = Rule(Audience.INTERNAL)
    with transaction() as conn:
        perf = performance(conn, who, month)
        disclosed(conn, who, f"performance {month}", rule, purpose, recipient, out)
        if suffix == ".csv":
            _write_csv(out, performance_csv_rows(perf))
        else:
            write_document(out, render_performance(perf, who.describe()), suffix)
    console.print(f"wrote {out} ({len(perf.forces)} forces, {len(perf.flags)} flags)")


def _write_csv(out: Path, rows: list[list[str]]) -> None:
    out.write_text(csv_text(None, rows), encoding="utf-8", newline="")


def disclosed(
    conn: Connection,
    who: Principal,
    ref: str,
    rule: Rule,
    purpose: str,
    recipient: str | None,
    out: Path,
) -> None:
    """Record the report's disclosure, in the transaction that reads its figures."""
    if not purpose.strip():
        raise InvalidInput("say why the report is produced (--purpose)")
    entry = AuditEntry(
        Action.DISCLOSURE,
        "report",
        ref,
        purpose=purpose,
        recipient=recipient or rule.audience.value,
        detail=f"audience {rule.audience.value}; file {out.name}",
    )
    record(conn, who, entry)
