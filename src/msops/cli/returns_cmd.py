"""`msops returns`: templates, submission, export, history and status of monthly returns."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from msops.cli.context import (
    console,
    current_principal,
    doing,
    errors,
    friendly,
    open_database,
)
from msops.cli.output import OutputFormat, emit
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.tabular import csv_text
from msops.returns.bulk import BulkItem, parse_mapping, return_files, submit_many
from msops.returns.exchange import export_return, write_template
from msops.returns.raw import MAX_PROBLEMS, MORE_PROBLEMS, Issue, capped
from msops.returns.submit import Outcome, require_organisation, submit_file, submit_nil
from msops.store.operations_repo import return_status
from msops.store.returns_read import history

app = typer.Typer(
    help="Monthly returns: templates, submission, export, history.", no_args_is_help=True
)


class FileFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


OrgOpt = Annotated[str, typer.Option("--org", help="Organisation (full or short name).")]
PeriodOpt = Annotated[str, typer.Option("--period", help="Month, YYYY-MM.")]
MaxProblemsOpt = Annotated[
    int,
    typer.Option(
        "--max-problems",
        min=0,
        help="List at most this many problems (printed and in a report), then count the rest"
        " per rule.",
    ),
]


@app.command("template")
@friendly
def template_cmd(
    out: Annotated[
        Path, typer.Option("--out", help="File to write (.xlsx, or .zip / folder for CSV).")
    ],
    fmt: Annotated[FileFormat, typer.Option("--format")] = FileFormat.xlsx,
    org: Annotated[str | None, typer.Option("--org")] = None,
    period: Annotated[str | None, typer.Option("--period")] = None,
    prefill: Annotated[
        bool, typer.Option("--prefill", help="Roll forward last month's live operations.")
    ] = False,
) -> None:
    """Write a return template, optionally prefilled from last month's return."""
    month = Period.parse(period) if period else None
    engine = open_database() if prefill else None
    rows = write_template(engine, current_principal(), out, fmt.value, org, month, prefill)
    extra = (
        f" with {rows} operations rolled forward from {month.previous()}"
        if month and prefill
        else ""
    )
    console.print(f"template written to {out}{extra}")


@app.command("submit")
@friendly
def submit_cmd(
    org: OrgOpt,
    period: PeriodOpt,
    file: Annotated[
        Path | None,
        typer.Argument(
            help="The return: .xlsx, .csv, .zip of CSVs, or a folder (none with --nil).",
            show_default=False,
        ),
    ] = None,
    nil: Annotated[
        bool,
        typer.Option(
            "--nil", help="A nil return: nothing to report for the month (the file, if any, empty)."
        ),
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Also write the problems to this CSV file.")
    ] = None,
    max_problems: MaxProblemsOpt = MAX_PROBLEMS,
) -> None:
    """Validate a return and store it as a new version; a rejected file changes nothing."""
    if file is None and not nil:
        errors.print(
            "[red]error:[/red] give the return's file, or --nil for a month with nothing to report"
        )
        raise typer.Exit(1)
    if file is not None and not file.exists():
        errors.print(f"[red]error:[/red] {file} does not exist")
        raise typer.Exit(1)
    month = Period.parse(period)
    doing(f"submitting {require_organisation(org).name} {month}")
    engine, principal = open_database(), current_principal()
    if file is None:
        result = submit_nil(engine, principal, org, month)
    else:
        result = submit_file(engine, principal, file, org, month, nil=nil)
    if report is not None:
        _write_report(report, result.issues, max_problems)
    if result.outcome == Outcome.REJECTED:
        _print_issues(result.issues, max_problems)
        errors.print(f"[red]{result.summary()}[/red]")
        raise typer.Exit(2)
    console.print(f"[green]{result.summary()}[/green]")


def issue_line(issue: Issue) -> str:
    """A problem in one line: where, what, the value found (never personal data), the rule."""
    where = issue.sheet
    if issue.row is not None:
        where += f" row {issue.row}"
    if issue.column:
        where += f", {issue.column}"
    line = f"{where}: {issue.message}"
    if issue.value is not None:
        line += f" (found {issue.value!r})"
    if issue.suggestion:
        line += f"; did you mean {issue.suggestion!r}?"
    return f"{line} [{issue.rule}]"


def _print_issues(issues: list[Issue], limit: int) -> None:
    """One line per problem, readable in any terminal width and in a log of the run; after
    `limit` of them, one line counting the rest per rule."""
    shown, more = capped(issues, limit)
    for issue in shown:
        errors.print(issue_line(issue), markup=False, highlight=False, soft_wrap=True)
    if more is not None:
        errors.print(more, markup=False, highlight=False, soft_wrap=True)


@app.command("submit-many")
@friendly
def submit_many_cmd(
    target: Annotated[
        str,
        typer.Argument(
            help="A folder of returns (.xlsx, .csv, .zip, folders of CSV files), or a glob"
            " pattern such as 'returns/*.xlsx'.",
            show_default=False,
        ),
    ],
    period: PeriodOpt,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="FILE=ORGANISATION (FILE a name or a glob): whose return a file is, where the"
            " file does not say. Repeat for more files.",
        ),
    ] = None,
    reports: Annotated[
        Path | None,
        typer.Option("--reports", help="Write each refused file's problems to FOLDER/FILE.csv."),
    ] = None,
    max_problems: MaxProblemsOpt = MAX_PROBLEMS,
) -> None:
    """Validate and store many returns for one month, each for the organisation it names.

    One line per file, then a summary; exit status 2 if any file was refused (the others are
    stored all the same)."""
    month = Period.parse(period)
    names = parse_mapping(mapping or [])
    paths = return_files(target)
    if not paths:
        errors.print(f"[red]error:[/red] no return files found at {target}")
        raise typer.Exit(1)
    if reports is not None:
        reports.mkdir(parents=True, exist_ok=True)
    doing(f"submitting {len(paths)} returns for {month}")
    counts = dict.fromkeys(("accepted", "unchanged", "refused"), 0)
    for item in submit_many(open_database(), current_principal(), paths, month, names):
        line, state = _bulk_line(item)
        counts[state] += 1
        (errors if item.refused else console).print(
            line, markup=False, highlight=False, soft_wrap=True
        )
        if reports is not None and item.refused:
            _write_report(reports / f"{item.path.name}.csv", _bulk_problems(item), max_problems)
    console.print(
        f"{len(paths)} returns for {month}: {counts['accepted']} accepted,"
        f" {counts['unchanged']} unchanged, {counts['refused']} refused"
    )
    if counts["refused"]:
        raise typer.Exit(2)


def _bulk_line(item: BulkItem) -> tuple[str, str]:
    """'Cleveland 2018-03 (cleveland.xlsx): accepted, version 2' and the file's state."""
    head = f"{item.name} {item.period} ({item.path.name})"
    result = item.result
    if result is None:
        return f"{head}: refused, {item.refusal}", "refused"
    if result.outcome == Outcome.ACCEPTED:
        return f"{head}: accepted, version {result.version}", "accepted"
    if result.outcome == Outcome.UNCHANGED:
        return f"{head}: unchanged, identical to version {result.version}", "unchanged"
    n = len(result.issues)
    first = f" (first: {issue_line(result.issues[0])})" if result.issues else ""
    return f"{head}: refused, {n} problem{'s' if n != 1 else ''}{first}", "refused"


def _bulk_problems(item: BulkItem) -> list[Issue]:
    if item.result is not None:
        return item.result.issues
    return [Issue(item.path.name, None, None, None, "not_submitted", item.refusal or "")]


def _write_report(path: Path, issues: list[Issue], limit: int) -> None:
    """The problems as CSV, at most `limit` of them, then a row counting the rest per rule."""
    columns = ["sheet", "row", "column", "value", "rule", "message", "suggestion"]
    shown, more = capped(issues, limit)
    if more is not None:
        shown.append(Issue("", None, None, None, MORE_PROBLEMS, more))
    rows = ([i.as_row().get(c) for c in columns] for i in shown)
    path.write_text(csv_text(columns, rows), encoding="utf-8", newline="")


@app.command("export")
@friendly
def export_cmd(
    org: OrgOpt,
    period: PeriodOpt,
    out: Annotated[Path, typer.Option("--out")],
    fmt: Annotated[FileFormat | None, typer.Option("--format", help="Default: from --out.")] = None,
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why it is exported (audited).")
    ] = None,
    recipient: Annotated[
        str | None, typer.Option("--recipient", help="Who will receive it (audited).")
    ] = None,
) -> None:
    """Write the current version of a stored return in the template's format."""
    chosen = fmt or (FileFormat.xlsx if out.suffix.lower() == ".xlsx" else FileFormat.csv)
    rows = export_return(
        open_database(),
        current_principal(),
        out,
        chosen.value,
        org,
        Period.parse(period),
        purpose,
        recipient,
    )
    console.print(f"{rows} operations written to {out}")


@app.command("history")
@friendly
def history_cmd(
    org: OrgOpt,
    period: PeriodOpt,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List every version of an organisation's return for a month."""
    organisation = require_organisation(org)
    engine = open_database()
    with engine.connect() as conn:
        versions = history(conn, current_principal(), organisation.short_name, Period.parse(period))
    if not versions:
        console.print(f"{organisation.name} has submitted no return for {period}")
        return
    rows = [
        {
            **v.__dict__,
            "state": "current" if v.is_current else "superseded",
            "file_sha256": v.file_sha256[:16],
        }
        for v in versions
    ]
    emit(
        rows,
        [
            "version",
            "state",
            "submitted_by",
            "submitted_at",
            "source_name",
            "n_operations",
            "n_nominals",
            "file_sha256",
            "corrections",
        ],
        fmt,
        title=f"{organisation.name}, {period}",
    )


@app.command("status")
@friendly
def status_cmd(
    period: PeriodOpt,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
    outstanding: Annotated[
        bool, typer.Option("--outstanding", help="Only those not yet in.")
    ] = False,
) -> None:
    """Which organisations have submitted their return for a month, and which are outstanding."""
    principal: Principal = current_principal()
    with open_database().connect() as conn:
        statuses = return_status(conn, principal, Period.parse(period))
    rows = [
        {**s.__dict__, "state": "submitted" if s.version else "outstanding"}
        for s in statuses
        if not (outstanding and s.version)
    ]
    emit(
        rows,
        ["organisation", "kind", "region", "state", "version", "submitted_at", "n_operations"],
        fmt,
        title=f"Returns for {period}",
    )
    submitted = sum(1 for s in statuses if s.version)
    if fmt == OutputFormat.table:
        console.print(f"{submitted} of {len(statuses)} organisations have submitted for {period}")
