"""`msops report`: the monthly overview, force performance, the overview's tables and thematic
profiles."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Connection

from msops.analytics.disclosure import THRESHOLD
from msops.analytics.headline import Area
from msops.analytics.overview import overview, synthetic_returns
from msops.analytics.performance import performance
from msops.analytics.tables import Audience, Rule, overview_tables, write_csv
from msops.cli.context import console, current_principal, friendly, open_database
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.profile import Group, theme_of, window_of
from msops.domain.tabular import csv_text
from msops.reports.html import render_overview
from msops.reports.performance_html import performance_csv_rows, render_performance
from msops.store.audit import Action, AuditEntry, record
from msops.store.operations_repo import latest_period

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
def _transaction() -> Iterator[Connection]:
    """One transaction on the database, its engine disposed of afterwards."""
    engine = open_database()
    try:
        with engine.begin() as conn:
            yield conn
    finally:
        engine.dispose()


def _suffix(out: Path, allowed: tuple[str, ...]) -> str:
    suffix = out.suffix.lower()
    if suffix not in allowed:
        raise InvalidInput(f"--out must end in {' or '.join(allowed)}, not {out.name!r}")
    return suffix


def _write(out: Path, html: str, suffix: str) -> None:
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
    suffix = _suffix(out, (".html", ".pdf"))
    month, area, rule = Period.parse(period), Area.of(region, org), Rule(audience, threshold)
    who = current_principal()
    with _transaction() as conn:
        figures = overview(conn, who, month, area)
        html = render_overview(figures, overview_tables(figures, rule), rule, who.describe())
        _disclosed(conn, who, f"overview {month} {area.describe()}", rule, purpose, recipient, out)
        _write(out, html, suffix)
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
    with _transaction() as conn:
        figures = overview(conn, who, month, area)
        _disclosed(conn, who, f"tables {month} {area.describe()}", rule, purpose, recipient, out)
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
    suffix = _suffix(out, (".html", ".pdf", ".csv"))
    month, who = Period.parse(period), current_principal()
    rule = Rule(Audience.INTERNAL)
    with _transaction() as conn:
        perf = performance(conn, who, month)
        _disclosed(conn, who, f"performance {month}", rule, purpose, recipient, out)
        if suffix == ".csv":
            _write_csv(out, performance_csv_rows(perf))
        else:
            _write(out, render_performance(perf, who.describe()), suffix)
    console.print(f"wrote {out} ({len(perf.forces)} forces, {len(perf.flags)} flags)")


@app.command("profile")
@friendly
def profile_cmd(
    out: Annotated[Path, typer.Option("--out", help="FILE.html or FILE.pdf")],
    nationality: Annotated[
        str | None, typer.Option("--nationality", help="A nationality, e.g. Romanian.")
    ] = None,
    group: Annotated[
        Group, typer.Option("--group", help="Whose nationality: victim, suspect or either.")
    ] = Group.EITHER,
    children: Annotated[
        bool, typer.Option("--children", help="Operations with at least one child victim.")
    ] = False,
    exploitation: Annotated[
        str | None,
        typer.Option("--exploitation", help="An exploitation category or type, code or label."),
    ] = None,
    sector: Annotated[str | None, typer.Option("--sector", help="A sector, code or label.")] = None,
    location: Annotated[
        str | None, typer.Option("--location", help="A postcode area or district, e.g. CF10.")
    ] = None,
    region: Annotated[str | None, typer.Option("--region")] = None,
    org: Annotated[str | None, typer.Option("--org")] = None,
    first: Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM.")] = None,
    last: Annotated[
        str | None, typer.Option("--to", help="Last month, YYYY-MM (default: the latest held).")
    ] = None,
    tables: Annotated[
        Path | None, typer.Option("--tables", help="Also write its tables as CSV into a folder.")
    ] = None,
    audience: AudienceOpt = Audience.INTERNAL,
    threshold: ThresholdOpt = THRESHOLD,
    purpose: PurposeOpt = DEFAULT_PURPOSE,
    recipient: RecipientOpt = None,
) -> None:
    """A theme's operations against the national baseline over a window (default: 12 months)."""
    from msops.analytics.profile import profile
    from msops.analytics.profile_tables import profile_tables
    from msops.reports.profile import render_profile

    suffix = _suffix(out, (".html", ".pdf"))
    if tables is not None and tables.exists() and not tables.is_dir():
        raise InvalidInput(f"--tables must be a folder; {tables} is a file")
    theme = theme_of(nationality, group, children, exploitation, sector, location)
    area, rule, who = Area.of(region, org), Rule(audience, threshold), current_principal()
    with _transaction() as conn:
        window = window_of(first, last, latest_period(conn))
        found = profile(conn, who, theme, window, area)
        ref = f"profile {window.describe()} {found.area.describe()}: {theme.describe()}"
        _disclosed(conn, who, ref, rule, purpose, recipient, out)
        released = profile_tables(found, rule)
        synthetic = synthetic_returns(conn, who, window.last, found.area)
        _write(out, render_profile(found, released, rule, who.describe(), synthetic), suffix)
        if tables is not None:
            write_csv(released, tables)
    console.print(
        f"wrote {out} ({rule.audience.value}; {released[0].rows[0][1]} of"
        f" {released[0].rows[1][1]} operations, {window.describe()}, {found.area.describe()})"
    )


def _write_csv(out: Path, rows: list[list[str]]) -> None:
    out.write_text(csv_text(None, rows), encoding="utf-8", newline="")


def _disclosed(
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
