"""The trend, read from the monthly totals kept at submission, against a count made in Python
from the current operation months, through every kind of scope and area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine, text

from msops.analytics.headline import NATIONAL, Area
from msops.analytics.overview import TrendPoint, overview, trend
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role, system_principal
from tests.store.test_month_summary import APR, FEB, JAN, MAR, build_series

Holder = tuple[str, str | None]  # the short name and region of the organisation holding it
OPERATOR = system_principal("test-operator")
SCOPES: list[tuple[Principal, Area, Callable[[Holder], bool]]] = [
    (OPERATOR, NATIONAL, lambda h: True),
    (OPERATOR, Area(region="North East"), lambda h: h[1] == "North East"),
    (OPERATOR, Area(organisation="Cleveland"), lambda h: h[0] == "Cleveland"),
    (OPERATOR, Area(organisation="Kent"), lambda h: False),
    (Principal("ra", Role.REGIONAL_ANALYST, region="London"), NATIONAL, lambda h: h[1] == "London"),
    (Principal("pu", Role.PARTNER_USER, organisation="GLAA"), NATIONAL, lambda h: h[0] == "GLAA"),
    (
        Principal("fu", Role.FORCE_USER, organisation="Durham"),
        Area(region="North East"),
        lambda h: h[0] == "Durham",
    ),
]


def counted_trend(engine: Engine, period: Period, keep: Callable[[Holder], bool]) -> Any:
    """The trend counted operation month by operation month, read with plain SQL."""
    sql = text(
        "SELECT om.period, om.status, om.opened_date, holder.short_name, holder.region, lead.kind"
        " FROM operation_month om JOIN operation o ON o.id = om.operation_id"
        " JOIN organisation holder ON holder.id = o.organisation_id"
        " JOIN organisation lead ON lead.id = om.lead_org_id WHERE om.is_current"
    )
    found: dict[Period, list[int]] = {}
    with engine.connect() as conn:
        rows = conn.execute(sql).all()
    for month, status, opened, name, region, lead_kind in rows:
        if Period.parse(month) > period or not keep((name, region)):
            continue
        figures = found.setdefault(Period.parse(month), [0, 0, 0, 0])
        live = status in ("live", "reopened")
        figures[0] += live and lead_kind != "partner_agency"
        figures[1] += live and lead_kind == "partner_agency"
        figures[2] += str(opened)[:7] == month
        figures[3] += status == "closed"
    months = [Period.parse(f"2018-{m:02d}") for m in range(1, 13)]
    first = min(found, default=None)
    return tuple(
        TrendPoint(m, *found.get(m, (0, 0, 0, 0)))
        for m in months
        if first is not None and first <= m <= period
    )


@pytest.mark.parametrize("period", [JAN, FEB, APR])
def test_trend_equals_a_count_of_the_current_operation_months(
    engine: Engine, period: Period
) -> None:
    build_series(engine, OPERATOR)
    with engine.connect() as conn:
        for who, area, keep in SCOPES:
            expected = counted_trend(engine, period, keep)
            assert trend(conn, who, period, area) == expected, (who, area)


def test_the_series_gives_the_trend_a_reader_expects(engine: Engine) -> None:
    build_series(engine, OPERATOR)
    with engine.connect() as conn:
        national = overview(conn, OPERATOR, APR).trend
    assert national == (
        TrendPoint(JAN, 3, 0, 2, 0),  # C1 C2 C3 live; C1 C2 opened in January
        TrendPoint(FEB, 4, 1, 2, 1),  # C1 C3 D1 M1, G1; D1 G1 opened; C2 closed (C4 withdrawn)
        TrendPoint(MAR, 0, 0, 0, 0),  # no return in March
        TrendPoint(APR, 1, 0, 0, 0),  # D1
    )
