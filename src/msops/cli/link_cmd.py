"""`msops link`: find the same people across organisations (golden threads), explain, review."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from sqlalchemy import Engine

from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.errors import InvalidInput
from msops.linkage import reference
from msops.linkage.dedupe import dedupe
from msops.linkage.evaluation import pairwise_score
from msops.linkage.explain import describe_link
from msops.linkage.export import FORMATS, write_export
from msops.linkage.files import iter_people, read_clusters, read_truth, write_clusters, write_pairs
from msops.linkage.matcher import MatcherConfig
from msops.linkage.run import RUN_THRESHOLD, run_linkage
from msops.store import linkage_repo as repo
from msops.store.scope import organisation_id


@contextmanager
def database() -> Iterator[Engine]:
    """The database for one command, its connections closed at the end."""
    engine = open_database()
    try:
        yield engine
    finally:
        engine.dispose()


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
        float | None,
        typer.Option(
            "--threshold",
            help="Match probability for one person (default 0.5 at every size: the model's"
            " prior and field weights are calibrated on the file itself).",
        ),
    ] = None,
) -> None:
    """Find the records of one person in any person file (outside the database)."""
    # refused before a run that may take minutes, not after it
    for path in (out, pairs):
        if path is not None:
            _check_writable(path, input_csv)
    if threshold is not None and not 0.0 < threshold <= 1.0:  # NaN fails this too
        raise InvalidInput(f"--threshold {threshold}: a match probability above 0, at most 1")
    # pairs are kept from the threshold when it is below where they usually are
    config = MatcherConfig(threshold=threshold)
    if threshold is not None and threshold < config.keep_pairs_from:
        config = MatcherConfig(threshold=threshold, keep_pairs_from=threshold)
    with stage_progress() as progress:
        stages = StageProgress(progress)
        # read as prepared: a million records are never all in memory as text and as objects
        result = dedupe(iter_people(input_csv), config, stages)
        stages.done()
    write_clusters(out, result.clusters)
    if pairs is not None:
        write_pairs(pairs, result.links)
    n_clusters = len(set(result.clusters.values()))
    n_records = len(result.clusters)
    records = "record" if n_records == 1 else "records"
    people = "person" if n_clusters == 1 else "people"
    console.print(f"{n_records:,} {records}, {n_clusters:,} {people}; clusters written to {out}")
    if reference.weighs(n_records):
        console.print(
            f"note: fewer than {reference.LEARN_FROM:,} records are too few to learn from:"
            " each field was weighed as msops learnt it on a reference population, and a"
            " common name counts as much as a rare one (docs/linkage.md)"
        )


def _check_writable(path: Path, source: Path) -> None:
    """Refuse an output path that cannot be written, or that is the input itself."""
    if path.exists() and path.resolve() == source.resolve():
        raise InvalidInput(f"{path}: is the input file; choose another file to write")
    if path.is_dir():
        raise InvalidInput(f"{path}: is a folder; give a file name to write")
    if not path.parent.is_dir():
        raise InvalidInput(f"{path}: its folder {path.parent} does not exist")


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


@app.command("run")
@friendly
def run_cmd(
    threshold: Annotated[
        float, typer.Option("--threshold", help="Match probability for one person.")
    ] = RUN_THRESHOLD,
    seed: Annotated[int | None, typer.Option("--seed", help="Fix the random sampling.")] = None,
) -> None:
    """Resolve every nominal in the database into people and cross-organisation threads."""
    with database() as engine, stage_progress() as progress, engine.begin() as conn:
        stages = StageProgress(progress)
        summary = run_linkage(
            conn, current_principal(), MatcherConfig(threshold=threshold, seed=seed), stages
        )
        stages.done()
    console.print(
        f"run {summary.run_id}: {summary.n_records:,} records, {summary.n_clusters:,} clusters,"
        f" {summary.n_threads:,} threads ({summary.n_new_threads:,} new),"
        f" {summary.n_alerts:,} alerts"
    )


@app.command("threads")
@friendly
def threads_cmd(
    org: Annotated[str | None, typer.Option("--org", help="Threads touching this one.")] = None,
    status: Annotated[
        str | None, typer.Option("--status", help="new, confirmed, dismissed or unsure")
    ] = None,
    include_inactive: Annotated[
        bool, typer.Option("--all", help="Also threads the last run no longer found.")
    ] = False,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List the threads in your scope."""
    with database() as engine, engine.connect() as conn:
        org_id = organisation_id(conn, org) if org else None
        rows = repo.list_threads(conn, current_principal(), org_id, status, include_inactive)
    columns = ["thread", "status", "active", "organisations", "operations", "records", "last_run"]
    emit(rows, columns, fmt, title="Threads")


@app.command("show")
@friendly
def show_cmd(
    thread: Annotated[str, typer.Argument(help="The thread id (from `msops link threads`).")],
    purpose: Annotated[
        str | None, typer.Option("--purpose", help="Why you need names: shows the people.")
    ] = None,
) -> None:
    """Explain a thread: its records, operations, organisations and the evidence per link."""
    with database() as engine, engine.begin() as conn:
        detail = repo.thread_detail(conn, current_principal(), thread, purpose)
    print_thread(detail, personal=purpose is not None)


def print_thread(detail: repo.ThreadDetail, personal: bool) -> None:
    state = "active" if detail.active else "no longer found by the model"
    console.print(f"[bold]Thread {detail.key}[/bold]  status {detail.status} ({state})")
    console.print(
        f"first found {detail.first_seen:%Y-%m-%d %H:%M},"
        f" last run {detail.last_seen:%Y-%m-%d %H:%M}"
    )
    console.print(f"Organisations: {', '.join(detail.organisations)}")
    emit(detail.operations, ["organisation", "ref", "name"], OutputFormat.table, "Operations")
    columns = ["label", "role", "gender", "nationality"]
    if personal:
        columns += ["given_name", "family_name", "aliases", "date_of_birth", "estimated_age"]
    emit(detail.members, columns, OutputFormat.table, "Records")
    console.print("[bold]Links[/bold]")
    for link in detail.links:
        lines = describe_link(
            link["kind"], link["probability"], link["match_weight"], link["evidence"]
        )
        console.print(f"{link['left']} <-> {link['right']}: {lines[0]}")
        for line in lines[1:]:
            console.print(f"    {line}")
    if detail.judgements:
        emit(
            detail.judgements,
            ["judged_at", "judgement", "judged_by", "role", "reason"],
            OutputFormat.table,
            "Judgements",
        )
    emit(
        detail.alerts,
        ["organisation", "run_id", "reason", "raised_at"],
        OutputFormat.table,
        "Alerts",
    )


@app.command("review")
@friendly
def review_cmd(
    thread: Annotated[str, typer.Argument(help="The thread id.")],
    judgement: Annotated[str, typer.Option("--judgement", help="confirmed, dismissed or unsure")],
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with who and when).")],
) -> None:
    """Record a judgement on a thread; confirmed and dismissed ones hold on later runs."""
    with database() as engine, engine.begin() as conn:
        repo.review_thread(conn, current_principal(), thread, judgement, reason)
    console.print(f"thread {thread}: {judgement} recorded")


@app.command("export")
@friendly
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="graphml (Gephi, i2) or ftm (Aleph)")],
    out: Annotated[Path, typer.Option("--out", help="The file to write.")],
    purpose: Annotated[str, typer.Option("--purpose", help="Why the threads leave msops.")],
    recipient: Annotated[str, typer.Option("--recipient", help="Who receives them.")],
) -> None:
    """Write the threads in your scope as a network (a disclosure, kept in the audit trail)."""
    if fmt not in FORMATS:
        raise InvalidInput(f"--format {fmt!r}: choose graphml or ftm")
    with database() as engine, engine.begin() as conn:
        threads = repo.export_threads(conn, current_principal(), purpose, recipient)
        count = write_export(threads, fmt, out)
    noun = "nodes" if fmt == "graphml" else "entities"
    console.print(
        f"{len(threads):,} threads, {count:,} {noun} written to {out} (OFFICIAL-SENSITIVE)"
    )
