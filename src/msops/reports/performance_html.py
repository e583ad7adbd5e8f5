"""The force performance report as HTML (and PDF from it) or as CSV rows."""

from __future__ import annotations

from typing import Any

from msops.analytics.performance import CUTOFF, MEASURES, MIN_BASE, Performance
from msops.analytics.tables import Audience, Rule
from msops.reports.html import environment, page_context

FORMATS = {
    "live_per_100k": "{:.2f}",
    "nrm_per_operation": "{:.2f}",
    "europol_rate": "{:.0%}",
    "charges_per_suspect": "{:.2f}",
    "median_days_open": "{:.0f}",
}


def _cell(key: str, value: float | None, small: bool) -> str:
    if value is None:
        return "n/a"
    text = FORMATS[key].format(value)
    return f"({text})" if small else text


def performance_rows(perf: Performance) -> tuple[list[str], list[dict[str, Any]], list[str]]:
    """Header, one row per force (cells and whether it is flagged), and the median row."""
    header = ["Force", "Region", "Live", *(m.label for m in MEASURES), "Flags"]
    rows = []
    for f in perf.forces:
        flags = perf.flags_for(f.organisation)
        cells = [f.organisation, f.region or "", str(f.live)]
        cells += [_cell(m.key, m.value(f), m.base(f) < MIN_BASE) for m in MEASURES]
        cells.append("; ".join(m.measure for m in flags))
        rows.append({"cells": cells, "flagged": bool(flags)})
    medians = [_cell(m.key, perf.medians[m.key], False) for m in MEASURES]
    return header, rows, ["National median", "", "", *medians, ""]


def performance_csv_rows(perf: Performance) -> list[list[str]]:
    """The force table, the national median row, then each flag with its reason."""
    header, rows, median_row = performance_rows(perf)
    out = [header, *(r["cells"] for r in rows), median_row, []]
    out.append(["Flagged force", "Measure", "Reason"])
    out += [[f.organisation, f.measure, f.reason] for f in perf.flags]
    return out


def render_performance(perf: Performance, generated_for: str) -> str:
    header, rows, median_row = performance_rows(perf)
    context = page_context(
        f"Force performance, {perf.period}",
        "Territorial forces of England and Wales · audience: internal",
        Rule(Audience.INTERNAL),
        perf.synthetic,
        f"performance {perf.period}",
    )
    context |= {
        "header": header,
        "rows": rows,
        "median_row": median_row,
        "flags": perf.flags,
        "labels": {m.key: m.label for m in MEASURES},
        "period": str(perf.period),
        "last_day": perf.period.last_day.isoformat(),
        "population_year": perf.population_year,
        "min_base": MIN_BASE,
        "cutoff": f"{CUTOFF:g}",
        "generated_for": generated_for,
    }
    return environment().get_template("performance.html.j2").render(context)
