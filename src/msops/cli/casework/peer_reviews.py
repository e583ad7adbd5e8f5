"""`msops peer-review`: reviews of investigations, their criteria and the anonymised summary."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from msops.analytics.casework import peer_reviews as cr
from msops.analytics.disclosure import THRESHOLD
from msops.analytics.tables import Audience
from msops.cli.casework.common import FmtOpt, OrgOpt, out_suffix, shown
from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.casework.peer_reviews import criteria_set, parse_pairs, review_input
from msops.domain.typed_text import require_date
from msops.reports.documents import render_reviews
from msops.store.casework.peer_reviews import add_review, amend_review, list_reviews, show_review

peer_review = typer.Typer(
    help="Peer reviews of investigations (HMICFRS-style), confidential to the force reviewed.",
    no_args_is_help=True,
)


@peer_review.command("criteria")
@friendly
def criteria_cmd(fmt: FmtOpt = OutputFormat.table) -> None:
    """The criteria and the rating scale reviews are made against."""
    c = criteria_set()
    rows = shown([x.__dict__ for x in c.criteria], fmt)
    emit(rows, ["code", "title", "question"], fmt, title=c.version)
    if fmt == OutputFormat.table:
        console.print("ratings: " + ", ".join(c.rating_codes) + f" ({c.status})", markup=False)


@peer_review.command("add")
@friendly
def add_cmd(
    org: OrgOpt,
    operation: Annotated[str, typer.Option("--operation", help="The investigation's ref.")],
    on: Annotated[str, typer.Option("--date")],
    reviewer: Annotated[list[str], typer.Option("--reviewer", help="Repeat for more.")],
    rate: Annotated[list[str], typer.Option("--rate", help="CRITERION=RATING, one per criterion.")],
    finding: Annotated[list[str] | None, typer.Option("--finding", help="CRITERION=TEXT.")] = None,
) -> None:
    """Record a peer review of one investigation: reviewers, date, a rating per criterion."""
    review = review_input(
        require_date(on, "date"),
        reviewer,
        parse_pairs(rate, "rating"),
        parse_pairs(finding or [], "findings"),
    )
    with open_database().begin() as conn:
        review_id = add_review(conn, current_principal(), org, operation, review)
    console.print(f"peer review {review_id} recorded")


@peer_review.command("amend")
@friendly
def amend_cmd(
    review_id: Annotated[int, typer.Argument(help="The review's number.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it changes (kept with it).")],
    rate: Annotated[list[str] | None, typer.Option("--rate", help="CRITERION=RATING.")] = None,
    finding: Annotated[list[str] | None, typer.Option("--finding", help="CRITERION=TEXT.")] = None,
) -> None:
    """Re-rate criteria of a review (the others stand); the earlier version is kept."""
    ratings = parse_pairs(rate or [], "rating")
    findings = parse_pairs(finding or [], "findings")
    with open_database().begin() as conn:
        version = amend_review(conn, current_principal(), review_id, reason, ratings, findings)
    console.print(f"peer review {review_id} amended (version {version})")


@peer_review.command("list")
@friendly
def list_cmd(
    org: Annotated[str | None, typer.Option("--org")] = None, fmt: FmtOpt = OutputFormat.table
) -> None:
    """Reviews in your scope."""
    with open_database().begin() as conn:
        rows = list_reviews(conn, current_principal(), org)
    columns = ["id", "organisation", "operation_ref", "reviewed_on", "reviewers", "ratings"]
    emit(shown(rows, fmt), columns, fmt, title="Peer reviews (OFFICIAL-SENSITIVE)")


@peer_review.command("show")
@friendly
def show_cmd(review_id: Annotated[int, typer.Argument()]) -> None:
    """One review: its ratings and findings, and its versions."""
    with open_database().begin() as conn:
        review = show_review(conn, current_principal(), review_id)
    console.print(
        f"peer review {review['id']}: {review['organisation']} {review['operation_ref']},"
        f" reviewed {review['reviewed_on']} by {', '.join(review['reviewers'])}"
        f" (criteria {review['criteria_version']}) OFFICIAL-SENSITIVE",
        markup=False,
    )
    for r in review["ratings"]:  # plain lines: findings are prose, too long for a table
        console.print(f"- {r['criterion']}: {r['rating']}", markup=False)
        if r["findings"]:
            console.print(f"    {r['findings']}", markup=False)
    versions = [
        {
            "version": h["version"],
            "change": h["change"],
            "at": h["changed_at"],
            "by": h["changed_by"],
        }
        for h in review["history"]
    ]
    emit(versions, ["version", "change", "at", "by"], OutputFormat.table, title="Versions")


@peer_review.command("summary")
@friendly
def summary_cmd(
    audience: Annotated[Audience, typer.Option("--audience")] = Audience.INTERNAL,
    threshold: Annotated[int, typer.Option("--threshold", min=1)] = THRESHOLD,
    purpose: Annotated[str | None, typer.Option("--purpose")] = None,
    recipient: Annotated[str | None, typer.Option("--recipient")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="FILE.md or FILE.html")] = None,
    fmt: FmtOpt = OutputFormat.table,
) -> None:
    """Ratings per criterion across the reviews in scope, and their anonymised findings."""
    suffix = out_suffix(out) if out else None
    with open_database().begin() as conn:
        summary = cr.review_summary(
            conn, current_principal(), audience, threshold, purpose, recipient
        )
    if out is not None:
        text = render_reviews(summary, "html" if suffix == ".html" else "md")
        out.write_text(text, encoding="utf-8")
        console.print(f"peer review summary written to {out} ({summary.audience.value})")
        return
    columns = ["criterion", *summary.criteria.rating_codes, "total"]
    emit(shown(summary.rows(), fmt), columns, fmt, title=f"Peer reviews ({summary.scope})")
    if fmt == OutputFormat.table:
        console.print(
            f"reviews: {summary.reviews_released()} under criteria {summary.criteria.version}",
            markup=False,
        )
        findings = shown([f.__dict__ for f in summary.findings], fmt)
        if findings:
            emit(findings, ["criterion", "rating", "text"], fmt, title="Findings (anonymised)")
