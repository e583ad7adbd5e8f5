"""Force performance pages: the forces in the viewer's scope, and one force against its region
and England and Wales over time, with the flags of `msops report performance`.

The rates, national medians and flags are those of every territorial force (as a national
analyst's report has them), so that a force is judged against all forces, not only against those
its viewer may see; a viewer sees the pages of the forces in their own scope only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Connection

from msops.analytics.headline import Area
from msops.analytics.performance import MEASURES, Performance, in_scope, performance
from msops.analytics.performance_trend import COMPARISON, RATES, ForceTrend, force_trend
from msops.domain.errors import NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import find_organisation
from msops.reports import charts
from msops.reports.performance_html import FORMATS, performance_rows
from msops.store.operations_repo import latest_period
from msops.web.gates import MonthQuery, Operational
from msops.web.pages_picture import cache_of
from msops.web.picture import PictureCache
from msops.web.render import page
from msops.web.services import parse_period
from msops.web.session import engine_of

router = APIRouter(include_in_schema=False)
CHART_FORMATS = {"europol_rate": "{:.0%}"}  # the other rates: two decimals


def _month(conn: Connection, period: str | None) -> Period:
    found = parse_period(period) or latest_period(conn)
    if found is None:
        raise NotFound("no return has been submitted yet")
    return found


def _national(conn: Connection, cache: PictureCache, period: Period) -> Performance:
    found: Performance = cache.get(
        conn, ("performance", str(period)), lambda: performance(conn, COMPARISON, period)
    )
    return found


def _visible(principal: Principal, name: str) -> bool:
    org = find_organisation(name)
    return org is not None and in_scope(principal, org)


@router.get("/performance")
def performance_list(request: Request, viewer: Operational, period: MonthQuery = None) -> Response:
    with engine_of(request).connect() as conn:
        month = _month(conn, period)
        perf = _national(conn, cache_of(request), month)
    header, rows, median_row = performance_rows(perf)
    labels = {m.key: m.label for m in MEASURES}
    mine = [
        _flags_named(r, perf, labels) for r in rows if _visible(viewer.principal, r["cells"][0])
    ]
    return page(
        request,
        "performance.html",
        viewer,
        period=str(month),
        header=header,
        rows=mine,
        median_row=median_row,
        flags=[f for f in perf.flags if _visible(viewer.principal, f.organisation)],
        labels=labels,
        population_year=perf.population_year,
    )


@router.get("/performance/{org}")
def force_performance(
    request: Request, viewer: Operational, org: str, period: MonthQuery = None
) -> Response:
    cache = cache_of(request)
    with engine_of(request).connect() as conn:
        month = _month(conn, period)
        trend: ForceTrend = cache.get(
            conn,
            ("force trend", org, str(month)),
            lambda: force_trend(conn, viewer.principal, org, month),
        )
        # the cache is shared: the scope is checked on every request, not only when computed
        Area(organisation=trend.organisation).within(viewer.principal)
        perf = _national(conn, cache, month)
    header, rows, median_row = performance_rows(perf)
    own = next((r for r in rows if r["cells"][0] == trend.organisation), None)
    return page(
        request,
        "performance_force.html",
        viewer,
        period=str(month),
        trend=trend,
        comparison=_comparison(trend, header, own, median_row),
        charts=_charts(trend),
        flags=perf.flags_for(trend.organisation),
        labels={m.key: m.label for m in MEASURES},
    )


def _flags_named(row: dict[str, Any], perf: Performance, labels: dict[str, str]) -> dict[str, Any]:
    """The row with its flags by their labels (the report's cell names the measures' keys)."""
    flags = "; ".join(labels[f.measure] for f in perf.flags_for(row["cells"][0]))
    return row | {"cells": [*row["cells"][:-1], flags]}


def _comparison(
    trend: ForceTrend, header: list[str], own: dict[str, Any] | None, median_row: list[str]
) -> list[list[str]]:
    """Per measure: the force's value, its region's, England and Wales', the national median."""
    last = len(trend.months) - 1
    out = []
    for m in MEASURES:
        j = header.index(m.label)
        force = own["cells"][j] if own else "n/a"
        region, national = "", ""
        if last >= 0 and m.key in dict(RATES):
            region = _rate(m.key, trend.region_totals[last].rate(m.key)) if trend.region else ""
            national = _rate(m.key, trend.national[last].rate(m.key))
        out.append([m.label, force, region, national, median_row[j]])
    return out


def _rate(key: str, value: float | None) -> str:
    return "n/a" if value is None else FORMATS[key].format(value)


def _charts(trend: ForceTrend) -> list[tuple[str, Markup, list[list[str]]]]:
    """Per rate over time: its title, chart, and table rows (month, then one cell per series)."""
    months = [str(m) for m in trend.months]
    out = []
    for key, label in RATES:
        series = trend.series(key)
        fmt = CHART_FORMATS.get(key, "{:.2f}")
        svg = charts.line_chart(
            months, series, label, links=[None] * len(months), fmt=fmt, missing="n/a"
        )
        rows = [
            [month, *(_rate(key, vals[i]) for _, vals in series)] for i, month in enumerate(months)
        ]
        out.append((label, Markup(svg), [["Month", *(n for n, _ in series)], *rows]))
    return out
