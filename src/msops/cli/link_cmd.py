"""`msops link`: find the same people across organisations (golden threads), explain, review."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from msops.cli.context import console, friendly
from msops.linkage.dedupe import dedupe
from msops.linkage.evaluation import pairwise_score
from msops.linkage.files import read_clusters, read_people, read_truth, write_clusters, write_pairs
from msops.linkage.matcher import MatcherConfig

app = typer.Typer(help="Linking people across organisations: threads, review, dedupe.")


class StageProgress:
    """A spinner per stage of a long run, with the time each took."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.task: TaskID | None = None

    def __call__(self, stage: str) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=1, total=1)
        self.task = self.progress.add_task(stage, total=None)

    def done(self) -> None:
        if self.task is not None:
            self.progress.update(self.task, completed=1, total=1)


def stage_progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command("dedupe")
@friendly
def dedupe_cmd(
    input_csv: Annotated[Path, typer.Argument(help="Person file (record_id, given_name, ...).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write record_id,cluster_id.")],
    pairs: Annotated[
        Path | None, typer.Option("--pairs", help="Also write the linked pairs here.")
    ] = None,
    threshold: Annotated[
        float, typer.Option("--threshold", help="Match probability for one person.")
    ] = MatcherConfig.threshold,
) -> None:
    """Find the records of one person in any person file (outside the database)."""
    people = read_people(input_csv)
    with stage_progress() as progress:
        stages = StageProgress(progress)
        result = dedupe(people, MatcherConfig(threshold=threshold), stages)
        stages.done()
    write_clusters(out, result.clusters)
    if pairs is not None:
        write_pairs(pairs, result.links)
    n_clusters = len(set(result.clusters.values()))
    console.print(f"{len(people):,} records, {n_clusters:,} people; clusters written to {out}")


@app.command("evaluate")
@friendly
def evaluate_cmd(
    truth: Annotated[Path, typer.Option("--truth", help="record_id,true_cluster")],
    clusters: Annotated[Path, typer.Option("--clusters", help="record_id,cluster_id")],
) -> None:
    """Pairwise precision, recall and F1 of clusters against the truth."""
    score = pairwise_score(read_truth(truth), read_clusters(clusters))
    console.print(
        f"precision {score.precision:.4f}  recall {score.recall:.4f}  F1 {score.f1:.4f}"
        f"  (true pairs {score.true_pairs:,}, predicted {score.predicted_pairs:,},"
        f" correct {score.correct_pairs:,})"
    )
