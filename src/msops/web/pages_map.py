"""The force map: live operations per force area for a month, shaded by rate or by count."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from msops.analytics.area_map import area_figures
from msops.domain.periods import Period
from msops.domain.reference import Organisation
from msops.reports.area_map import Measure, area_map_svg
from msops.store.operations_repo import latest_period, month_coverage
from msops.web.gates import OPERATIONAL, MonthQuery, Overseer
from msops.web.render import page
from msops.web.services import parse_period
from msops.web.session import engine_of

router = APIRouter(include_in_schema=False)


def area_link(org: Organisation, period: Period) -> str:
    """Where an area of the map leads: that organisation's picture for the month, whose figures
    lead on to the operations behind them."""
    return "/?" + urlencode({"period": str(period), "org": org.short_name})


@router.get("/map")
def area_map(
    request: Request,
    viewer: Overseer,
    period: MonthQuery = None,
    measure: Annotated[Measure, Query()] = Measure.RATE,
) -> Response:
    with engine_of(request).connect() as conn:
        months = [m.period for m in month_coverage(conn)[0]]
        month = parse_period(period) or latest_period(conn)
        figures = None if month is None else area_figures(conn, viewer.principal, month)
    svg = ""
    if figures is not None:
        linked = viewer.user.role in OPERATIONAL
        svg = area_map_svg(
            figures, measure, lambda org: area_link(org, figures.period) if linked else None
        )
    return page(
        request,
        "map.html",
        viewer,
        figures=figures,
        svg=Markup(svg),  # drawn by reports.area_map: every text in it is escaped
        measure=measure,
        measures=list(Measure),
        months=[str(m) for m in reversed(months)],
    )
