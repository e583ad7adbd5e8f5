"""`msops report profile` and `msops report themes`: thematic profiles and their saved themes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table
from sqlalchemy import Connection

from msops.analytics.disclosure import THRESHOLD
from msops.analytics.headline import Area
from msops.analytics.tables import Audience, Rule, write_csv
from msops.cli.context import console, current_principal, friendly
from msops.cli.report_cmd import (
    DEFAULT_PURPOSE,
    AudienceOpt,
    PurposeOpt,
    RecipientOpt,
    ThresholdOpt,
    disclosed,
    suffix_of,
    transaction,
    write_document,
)
from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.domain.profile import Filters, Group, Window, window_of
from msops.store.operations_repo import latest_period
from msops.store.profile_repo import (
    SavedTheme,
    delete_theme,
    find_theme,
    list_themes,
    save_theme,
)


@dataclass(frozen=True)
class Release:
    """How a profile is released and recorded."""

    rule: Rule
    purpose: str
    recipient: str | None
    tables: Path | None = None


def write_profile(
    conn: Connection, who: Principal, f: Filters, window: Window, out: Path, release: Release
) -> str:
    """Compute, record and write one profile; returns the line to print."""
    from msops.reports.profile import profile_document

    suffix = suffix_of(out, (".html", ".pdf"))
    rule = release.rule
    doc = profile_document(conn, who, f.theme(), window, Area.of(f.region, f.org), rule)
    disclosed(conn, who, doc.ref, rule, release.purpose, release.recipient, out)
    write_document(out, doc.html(who.describe()), suffix)
    if release.tables is not None:
        write_csv(doc.tables, release.tables)
    found, released = doc.profile, doc.tables
    summary = {r[0]: f"{int(r[1]):,}" if r[1].isdigit() else r[1] for r in released[0].rows}
    return (
        f"wrote {out} ({rule.audience.value}; {summary['These operations']} of"
        f" {summary['Operations nationally']} operations, {window.describe()},"
        f" {found.area.describe()})"
    )


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
    save: Annotated[
        str | None, typer.Option("--save", help="Save these filters as a theme of this name.")
    ] = None,
    saved: Annotated[
        str | None, typer.Option("--theme", help="Run the saved theme of this name.")
    ] = None,
    audience: AudienceOpt = Audience.INTERNAL,
    threshold: ThresholdOpt = THRESHOLD,
    purpose: PurposeOpt = DEFAULT_PURPOSE,
    recipient: RecipientOpt = None,
) -> None:
    """A theme's operations against the national baseline over a window (default: 12 months)."""
    if tables is not None and tables.exists() and not tables.is_dir():
        raise InvalidInput(f"--tables must be a folder; {tables} is a file")
    typed = Filters(nationality, group.value, children, exploitation, sector, location, region, org)
    if saved is not None and (typed.given or save is not None):
        raise InvalidInput("--theme runs a saved theme: give it alone, without filters or --save")
    who = current_principal()
    release = Release(Rule(audience, threshold), purpose, recipient, tables)
    with transaction() as conn:
        f = Filters.of(find_theme(conn, who, saved).definition) if saved else typed
        if save is not None:
            f.theme(), Area.of(f.region, f.org)  # checked before it is kept
            save_theme(conn, who, save, f.as_dict())
        window = window_of(first, last, latest_period(conn))
        line = write_profile(conn, who, f, window, out, release)
    console.print(line + (f"; saved as theme {save!r}" if save else ""))


@friendly
def themes_cmd(
    run: Annotated[
        Path | None,
        typer.Option("--run", help="Write each saved theme's profile (PDF) into this folder."),
    ] = None,
    delete: Annotated[str | None, typer.Option("--delete", help="Delete the theme.")] = None,
    audience: AudienceOpt = Audience.INTERNAL,
    threshold: ThresholdOpt = THRESHOLD,
    purpose: PurposeOpt = DEFAULT_PURPOSE,
    recipient: RecipientOpt = None,
) -> None:
    """The saved themes of your organisation, region or national team; run them all (each
    month, over the last 12 months) or delete one."""
    who = current_principal()
    if run is not None and run.exists() and not run.is_dir():
        raise InvalidInput(f"--run must be a folder; {run} is a file")
    with transaction() as conn:
        if delete is not None:
            delete_theme(conn, who, delete)
            console.print(f"deleted theme {delete!r}")
            return
        themes = list_themes(conn, who)
        if run is None:
            _show(themes)
            return
        run.mkdir(parents=True, exist_ok=True)
        window = window_of(None, None, latest_period(conn))
        release = Release(Rule(audience, threshold), purpose, recipient)
        for theme in themes:
            out = run / f"{_file_stem(theme.name)}.pdf"
            console.print(
                write_profile(conn, who, Filters.of(theme.definition), window, out, release)
            )


def _file_stem(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-").lower() or "theme"


def _show(themes: list[SavedTheme]) -> None:
    if not themes:
        console.print("no saved theme: msops report profile --save NAME saves one")
        return
    table = Table("Theme", "Filters", "Saved by", "Saved at (UTC)")
    for t in themes:
        f = Filters.of(t.definition)
        table.add_row(
            escape(t.name), escape(f.describe()), escape(t.saved_by), f"{t.saved_at:%Y-%m-%d %H:%M}"
        )
    console.print(table)
