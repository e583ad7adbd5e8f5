"""`msops demo`: load the synthetic national history through the force submission path."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine, select

from msops.analytics.headline import Headline, headline
from msops.analytics.tables import Audience
from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.report_cmd import overview_cmd
from msops.domain.errors import MsopsError
from msops.domain.periods import Period
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store import schema

if TYPE_CHECKING:
    from msops.synthetic import MonthlyReturn

SYNTHETIC = "SYNTHETIC DATA – not real operations or people"


def _holds_real_returns(engine: Engine) -> bool:
    rv = schema.return_version
    with engine.connect() as conn:
        row = conn.execute(
            select(rv.c.id).where(~rv.c.source_name.startswith("synthetic-")).limit(1)
        ).first()
    return row is not None


def load_history(engine: Engine, returns: list[MonthlyReturn]) -> dict[Outcome, int]:
    """Submit each synthetic return as its organisation would; stop at the first rejection."""
    principal = current_principal()
    outcomes = dict.fromkeys(Outcome, 0)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("submitting synthetic returns", total=len(returns))
        for item in returns:
            source = f"synthetic-{item.organisation}-{item.period}.csv"
            raw = RawReturn.from_rows(source, item.parts)
            result = submit_raw(engine, principal, raw, item.organisation, item.period, "synthetic")
            if result.outcome == Outcome.REJECTED:
                first = result.issues[0]
                raise MsopsError(
                    f"the generator produced a return that msops rejects ({source}):"
                    f" {first.sheet} row {first.row} {first.column}: {first.message}"
                )
            outcomes[result.outcome] += 1
            progress.update(task, advance=1, description=f"submitting {item.period}")
    return outcomes


def print_headline(figures: Headline) -> None:
    console.print(f"[bold]National picture, {figures.period}[/bold]  ({SYNTHETIC})")
    console.print(f"  live police-led operations      {figures.live_police_led:>6,}")
    console.print(
        f"    led by local forces           {figures.live_led_by_local_forces:>6,}"
        f"  ({figures.local_force_share:.1%})"
    )
    console.print(
        f"    led by ROCUs                  {figures.live_led_by_rocus:>6,}"
        f"  ({figures.rocu_share:.1%})"
    )
    console.print(f"  live partner agency operations  {figures.live_partner_led:>6,}")
    console.print(
        f"  opened / closed in the month    {figures.opened_in_month:>6,} /"
        f" {figures.closed_in_month:,}"
    )
    console.print(f"  police-led operations held      {figures.police_led_held_to_date:>6,}")
    console.print(
        f"  potential victims in live police-led operations {figures.victims_in_live_police_led:,}"
        f" (children {figures.child_victims_in_live_police_led:,})"
    )
    console.print(f"  policing regions active         {figures.regions_active:>6} of 10")


@friendly
def demo_cmd(
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic history.")] = 2018,
    first: Annotated[str, typer.Option("--from", help="First month.")] = "2016-12",
    last: Annotated[str, typer.Option("--to", help="Last month.")] = "2018-02",
    overview_out: Annotated[
        Path | None,
        typer.Option("--overview", help="Also write the last month's overview (.html or .pdf)."),
    ] = None,
) -> None:
    """Generate a synthetic national history, submit it month by month, print the headline."""
    engine = open_database()
    if _holds_real_returns(engine):
        raise MsopsError(
            "this database holds returns that are not synthetic: set MSOPS_DATABASE_URL to"
            " another database for the demo"
        )
    start, end = Period.parse(first), Period.parse(last)
    console.print(f"generating the synthetic national history {start} to {end} (seed {seed})")
    from msops.synthetic import generate_history  # the generator is for this command only

    returns = list(generate_history(seed=seed, first=start, last=end))
    outcomes = load_history(engine, returns)
    console.print(
        f"{outcomes[Outcome.ACCEPTED]} returns accepted, {outcomes[Outcome.UNCHANGED]} unchanged"
        " (already loaded)"
    )
    with engine.connect() as conn:
        print_headline(headline(conn, current_principal(), end))
    if overview_out is not None:
        overview_out.parent.mkdir(parents=True, exist_ok=True)
        overview_cmd(
            period=str(end),
            out=overview_out,
            audience=Audience.INTERNAL,
            purpose="synthetic demonstration",
        )
