"""Casework documents and the NRM profile page through Jinja2, from what analytics computes.

Each document is a template pair in `templates/`: `NAME.html.j2` extends the report base (marking
banner and @page markings, report.css, no external assets; autoescaped) and `NAME.md.j2` is
Markdown (not autoescaped: free text is written as recorded; table cells go through the `md_cell`
filter so that a pipe cannot split a cell). A Markdown document opens with its marking as an
HTML comment and in bold.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any, Literal

from msops.analytics.casework.action_plan import COLUMNS as POSITION_COLUMNS
from msops.analytics.casework.action_plan import PositionSummary, table_rows
from msops.analytics.casework.debriefs import LessonsSummary
from msops.analytics.casework.peer_reviews import ReviewSummary
from msops.analytics.nrm_export import decimal_text, title
from msops.analytics.nrm_profile import NrmProfile
from msops.analytics.tables import Audience
from msops.domain.marking import OFFICIAL, OFFICIAL_SENSITIVE
from msops.reports.html import base_context, environment

if TYPE_CHECKING:
    from jinja2 import Environment

DocumentFormat = Literal["html", "md"]


def md_cell(value: object) -> str:
    """A Markdown table cell: None as empty, a pipe as a slash, a line break as a space."""
    if value is None:
        return ""
    return str(value).replace("|", "/").replace("\r\n", " ").replace("\n", " ")


@cache
def markdown_environment() -> Environment:
    from jinja2 import Environment, PackageLoader, StrictUndefined  # when first rendering

    env = Environment(
        loader=PackageLoader("msops.reports", "templates"),
        autoescape=False,  # Markdown: HTML escapes would show as text
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md_cell"] = md_cell
    return env


def _render(name: str, fmt: DocumentFormat, context: dict[str, Any]) -> str:
    if fmt == "html":
        return environment().get_template(f"{name}.html.j2").render(context)
    return markdown_environment().get_template(f"{name}.md.j2").render(context)


def render_lessons(summary: LessonsSummary, fmt: DocumentFormat) -> str:
    """The quarterly lessons summary: themes, the lessons under each theme, the debriefs."""
    q = summary.quarter
    sentence = (
        f"{len(summary.debriefs)} debriefs and {len(summary.lessons)} lessons recorded"
        f" from {q.first_day} to {q.last_day}."
    )
    context = base_context(f"Lessons learnt, {q}", sentence, OFFICIAL_SENSITIVE, f"lessons {q}")
    return _render("lessons", fmt, context | {"summary": summary})


def render_position(summary: PositionSummary, fmt: DocumentFormat) -> str:
    """A force's position against the action plan: one row per item, then items and evidence."""
    as_of = summary.as_of.isoformat() if summary.as_of else "latest"
    plan_line = (
        f"Action plan {summary.plan_version} ({summary.plan_status}); assessments as of {as_of};"
        f" national comparison over {summary.forces} forces."
    )
    totals = (
        "Current RAG: "
        + ", ".join(f"{k} {v}" for k, v in sorted(summary.rags.items()))
        + ". Movement since the previous assessment: "
        + ", ".join(f"{k} {v}" for k, v in sorted(summary.movements.items()))
        + "."
    )
    context = base_context(
        f"Force position summary: {summary.organisation}",
        plan_line,
        OFFICIAL_SENSITIVE,
        f"position {summary.organisation}",
    )
    rows = [[(k, _text(row[k])) for k, _h in POSITION_COLUMNS] for row in table_rows(summary)]
    return _render(
        "position",
        fmt,
        context
        | {
            "totals": totals,
            "header": [h for _k, h in POSITION_COLUMNS],
            "rows": rows,
            "items": summary.items,
        },
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def review_marking(summary: ReviewSummary) -> str:
    """Exact counts and findings are for the police; the public summary is disclosure-controlled."""
    return OFFICIAL_SENSITIVE if summary.audience == Audience.INTERNAL else OFFICIAL


def render_reviews(summary: ReviewSummary, fmt: DocumentFormat) -> str:
    """The peer-review summary: ratings per criterion and, for the police, anonymised findings."""
    c = summary.criteria
    scale = c.rating_codes
    context = base_context(
        f"Peer reviews of investigations: summary ({summary.scope})",
        f"{summary.reviews_released()} reviews under criteria {c.version} ({c.status}).",
        review_marking(summary),
        f"peer reviews {summary.scope}",
    )
    rows = [[row["criterion"], *(row[r] for r in scale), row["total"]] for row in summary.rows()]
    return _render(
        "reviews",
        fmt,
        context
        | {
            "summary": summary,
            "criteria": c,
            "header": ["Criterion", *(c.rating(r).label for r in scale), "Total"],
            "rows": rows,
            "public": summary.audience == Audience.PUBLIC,
            "findings": summary.audience == Audience.INTERNAL,
        },
    )


def render_nrm_profile(profile: NrmProfile) -> str:
    """The NRM profile comparison as one self-contained HTML page."""
    context = base_context(
        title(profile),
        f"{profile.n_operations:,} police-led operations; NRM table from {profile.source_name}.",
        OFFICIAL_SENSITIVE,
        f"NRM profile {profile.first} to {profile.last}",
    )
    dimensions = [
        {
            "dimension": dim.dimension,
            "sentences": dim.sentences,
            "notes": dim.notes,
            "rows": [
                {
                    "significant": c.significant,
                    "cells": [
                        c.label,
                        f"{c.police:,}",
                        f"{c.police_share:.1%}",
                        f"{c.nrm:,}",
                        f"{c.nrm_share:.1%}",
                        decimal_text(c.adjusted_residual, 2),
                        decimal_text(c.p_value, 4),
                    ],
                }
                for c in dim.categories
            ],
        }
        for dim in profile.dimensions
    ]
    return _render(
        "nrm_profile", "html", context | {"notes": profile.notes, "dimensions": dimensions}
    )
