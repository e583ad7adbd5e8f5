"""`msops estimate`: estimates of hidden harm, e.g. `msops estimate mse FILE.csv`."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.table import Table

from msops.cli.context import console, errors, friendly
from msops.domain.errors import InvalidInput

if TYPE_CHECKING:  # the method (and numpy under it) is imported when an estimate is made
    from msops.analytics.mse import Candidate, MseResult, Step

DEFAULT_THRESHOLD = 0.02  # analytics.mse.DEFAULT_THRESHOLD (tests/cli/test_startup.py)

app = typer.Typer(
    help="Estimates of hidden harm from tables of who saw which cases.", no_args_is_help=True
)


class ResultFormat(StrEnum):
    table = "table"
    json = "json"


@app.callback()
def estimate() -> None:
    """Estimates of hidden harm: how many cases no source saw."""


@app.command("mse")
@friendly
def mse_cmd(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV: one 0/1 column per source and a `count` column; one row per combination.",
            exists=True,
            dir_okay=False,
        ),
    ],
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            min=0.0,
            max=1.0,
            help="p-value below which an interaction is added (Silverman 2014: 0.02).",
        ),
    ] = DEFAULT_THRESHOLD,
    fmt: Annotated[ResultFormat, typer.Option("--format")] = ResultFormat.table,
    detail: Annotated[
        bool, typer.Option("--detail", help="Also list every candidate at every step.")
    ] = False,
) -> None:
    """Multiple systems estimation: the dark figure and total, with the model and why."""
    from msops.analytics.mse import estimate_csv

    try:
        result = estimate_csv(file, threshold)
    except InvalidInput as err:
        errors.print(f"[red]error:[/red] {escape(str(err))}")
        raise typer.Exit(2) from None
    if fmt == ResultFormat.json:
        sys.stdout.write(json.dumps(result.as_dict(), indent=2) + "\n")
        return
    print_result(result, detail)


def print_result(result: MseResult, detail: bool = False) -> None:
    level = f"{result.level:.0%}"
    console.print(f"[bold]Multiple systems estimation: {escape(result.file)}[/bold]")
    console.print(f"Sources ({len(result.sources)}): {escape(', '.join(result.sources))}")
    console.print(f"Cases seen by at least one source: {result.observed:,}")
    console.print(f"Dark figure (seen by none): {result.dark_figure:,.0f}")
    console.print(f"[bold]Estimated total: {result.estimate:,.0f}[/bold]")
    console.print(
        f"[bold]{level} interval: {result.ci_low:,.0f} to {result.ci_high:,.0f}[/bold]"
        f" ({result.ci_method})"
    )
    console.print(f"  for comparison, Wald: {result.wald_low:,.0f} to {result.wald_high:,.0f}")
    if result.ci_note:
        console.print(f"[yellow]note:[/yellow] {result.ci_note}")
    model = ", ".join(result.interactions) or "none"
    console.print(f"Model: main effects of every source + interactions: {escape(model)}")
    console.print(
        f"Fit: deviance {result.deviance:.2f} on {result.df_resid} degrees of freedom,"
        f" AIC {result.aic:.1f}"
    )
    console.print(_steps_table(result))
    console.print(f"Stopped: {escape(result.stop_reason)}")
    if detail:
        console.print(_candidates_table(result.steps))


def _steps_table(result: MseResult) -> Table:
    from msops.analytics.mse import CandidateStatus

    table = Table(title=f"Stepwise selection (add the smallest p-value if < {result.threshold:g})")
    for column in ("step", "tried", "added", "p-value", "seen/expected", "next best, p"):
        table.add_column(column)
    for step in result.steps:
        chosen = next((c for c in step.candidates if c.status is CandidateStatus.ADDED), None)
        runner_up = next((c for c in _ranked(step) if c is not chosen), None)
        table.add_row(
            str(step.number),
            _considered(step),
            escape(step.added) if step.added else "— (stop)",
            f"{chosen.p_value:.2g}" if chosen else "",
            f"{chosen.observed_overlap}/{chosen.expected_overlap:.1f}" if chosen else "",
            _named(runner_up),
        )
    return table


def _ranked(step: Step) -> list[Candidate]:
    """Candidates that were in the running (not excluded), smallest p-value first."""
    from msops.analytics.mse import CandidateStatus

    running = (CandidateStatus.ADDED, CandidateStatus.NOT_SIGNIFICANT, CandidateStatus.PASSED_OVER)
    return [c for c in step.candidates if c.status in running]


def _considered(step: Step) -> str:
    excluded = len(step.candidates) - len(_ranked(step))
    return (
        f"{len(step.candidates)} ({excluded} excluded)" if excluded else str(len(step.candidates))
    )


def _named(candidate: Candidate | None) -> str:
    if candidate is None:
        return ""
    return f"{escape(candidate.interaction)}, {candidate.p_value:.2g}"


def _candidates_table(steps: tuple[Step, ...]) -> Table:
    table = Table(title="Every candidate at every step")
    for column in ("step", "interaction", "seen", "expected", "p-value", "decision"):
        table.add_column(column)
    for step in steps:
        for c in step.candidates:
            table.add_row(
                str(step.number),
                escape(c.interaction),
                str(c.observed_overlap),
                f"{c.expected_overlap:.1f}",
                f"{c.p_value:.2g}",
                str(c.status),
            )
    return table
