"""`msops nrm`: import the Home Office NRM statistics; compare them with police operations."""

from __future__ import annotations

import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from msops.analytics.nrm import NrmFileError
from msops.analytics.nrm_export import profile_csv, title
from msops.analytics.nrm_import import NrmImportResult, import_nrm_file
from msops.analytics.nrm_profile import NrmProfile, nrm_profile
from msops.analytics.nrm_stats import DimensionResult, format_p
from msops.cli.context import console, current_principal, errors, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.reports.documents import render_nrm_profile
from msops.store.nrm_repo import current_imports

app = typer.Typer(
    help="NRM statistics: import the Home Office tables, compare them with police operations.",
    no_args_is_help=True,
)


class Responder(StrEnum):
    police = "police"
    govt = "govt"
    la = "la"
    ngo = "ngo"
    all = "all"


@app.callback()
def nrm() -> None:
    """National Referral Mechanism statistics (Home Office, Open Government Licence v3)."""


@app.command("import")
@friendly
def import_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="A Home Office NRM referrals table, e.g. nrm_referrals_police_2022Q2_2023Q4_"
            "nonzero.csv.",
            exists=True,
            dir_okay=False,
        ),
    ],
    margins: Annotated[
        bool, typer.Option("--margins", help="Also list the families of margins checked.")
    ] = False,
) -> None:
    """Check the table against every total it publishes and store its detail rows.

    Exit status 2, naming each total that does not add up, when the file is refused.
    """
    engine = open_database()
    try:
        result = import_nrm_file(engine, current_principal(), file)
    except NrmFileError as err:
        errors.print(f"[red]refused:[/red] {escape(str(err))}")
        for problem in err.problems:
            errors.print(f"  {escape(problem)}")
        raise typer.Exit(2) from None
    finally:
        engine.dispose()
    console.print(escape(result.summary()))
    if margins:
        console.print(_families_table(result))


def _families_table(result: NrmImportResult) -> Table:
    table = Table(title="Published totals checked, by family")
    for column in ("first responder type", "sums over", "rows"):
        table.add_column(column)
    for family in result.checked.families:
        table.add_row(
            escape(family.responder_type), ", ".join(family.summed_over), f"{family.rows:,}"
        )
    return table


@app.command("list")
@friendly
def list_cmd(
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """The current import of each NRM publication table."""
    engine = open_database()
    try:
        with engine.connect() as conn:
            rows = [r.__dict__ for r in current_imports(conn)]
    finally:
        engine.dispose()
    columns = [
        "publication_table",
        "source_name",
        "first_quarter",
        "last_quarter",
        "n_detail_rows",
        "people",
        "imported_by",
        "imported_at",
    ]
    emit(rows, columns, fmt, title="NRM statistics imported")


@app.command("profile")
@friendly
def profile_cmd(
    first: Annotated[str, typer.Option("--from", help="First month of operations, YYYY-MM.")],
    last: Annotated[str, typer.Option("--to", help="Last month of operations, YYYY-MM.")],
    responder: Annotated[
        Responder,
        typer.Option("--responder", help="NRM table: which first responders' referrals."),
    ] = Responder.police,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Also write the comparison to FILE.csv or FILE.html."),
    ] = None,
) -> None:
    """Victims in police operations against NRM referrals: nationality, age, exploitation."""
    engine = open_database()
    try:
        with engine.connect() as conn:
            profile = nrm_profile(
                conn, current_principal(), Period.parse(first), Period.parse(last), responder.value
            )
    finally:
        engine.dispose()
    print_profile(profile)
    if out is not None:
        write_profile(profile, out)
        console.print(f"written: {escape(str(out))}")


def write_profile(profile: NrmProfile, path: Path) -> None:
    """Write CSV or HTML, chosen by the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_text(profile_csv(profile), encoding="utf-8")
    elif suffix in (".html", ".htm"):
        path.write_text(render_nrm_profile(profile), encoding="utf-8")
    else:
        raise InvalidInput(f"--out {path.name}: write a .csv or .html file")


def print_profile(profile: NrmProfile) -> None:
    console.print(f"[bold]{escape(title(profile))}[/bold]")
    console.print(
        f"{profile.n_operations:,} police-led operations, each counted once (its latest month"
        f" in the range); NRM table from {escape(profile.source_name)}"
    )
    for note in profile.notes:
        console.print(f"[yellow]note:[/yellow] {escape(note)}")
    for dim in profile.dimensions:
        console.print(_dimension_table(dim))
        for sentence in dim.sentences:
            console.print(escape(sentence))
        for note in dim.notes:
            console.print(f"[yellow]note:[/yellow] {escape(note)}")


def _dimension_table(dim: DimensionResult) -> Table:
    caption = ""
    if dim.chi2 is not None and dim.p_value is not None and dim.cramers_v is not None:
        caption = (
            f"chi-square {dim.chi2:.1f}, df {dim.df}, {format_p(dim.p_value)},"
            f" Cramér's V {dim.cramers_v:.2f}"
        )
    table = Table(title=f"By {dim.dimension}", caption=caption)
    for column in ("category", "police victims", "share", "NRM", "share", "adj. resid.", "p"):
        table.add_column(column, justify="left" if column == "category" else "right")
    for c in dim.categories:
        style = "bold" if c.significant else None
        label = f"{c.label} ({len(c.merged)} merged)" if c.merged else c.label
        table.add_row(
            escape(label),
            f"{c.police:,}",
            f"{c.police_share:.1%}",
            f"{c.nrm:,}",
            f"{c.nrm_share:.1%}",
            "" if math.isnan(c.adjusted_residual) else f"{c.adjusted_residual:.1f}",
            format_p(c.p_value) if c.significant else f"{c.p_value:.2f}",
            style=style,
        )
    table.add_section()
    table.add_row("total", f"{dim.n_police:,}", "", f"{dim.n_nrm:,}", "", "", "")
    return table
