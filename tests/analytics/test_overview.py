"""The monthly overview's figures, against counts made by hand on a small national picture."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from msops.analytics.headline import Area
from msops.analytics.overview import Overview, TrendPoint, overview
from msops.domain.errors import AccessDenied
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from tests.builders import operation

JAN, FEB = Period(2018, 1), Period(2018, 2)
DEFAULT_NATS = (("victim", "Romanian", 2), ("victim", "UK", 1), ("suspect", "UK", 1))


def op(
    ref: str, details: tuple[tuple[str, str], ...] = (), nats: Any = DEFAULT_NATS, **changes: Any
) -> dict[str, Any]:
    """One operation with its details and nationalities, as a test writes it."""
    return {"row": operation(ref, **changes), "details": details, "nats": nats}


def submit(
    engine: Engine,
    who: Principal,
    org: str,
    period: Period,
    ops: list[dict[str, Any]],
    source: str = "return.csv",
) -> None:
    groups = {"victim": "Potential victims", "suspect": "Suspects"}
    rows: dict[str, list[dict[str, Any]]] = {
        "operations": [o["row"] for o in ops],
        "details": [
            {"operation_ref": o["row"]["operation_ref"], "detail": d, "value": v}
            for o in ops
            for d, v in o["details"]
        ],
        "nationalities": [
            {
                "operation_ref": o["row"]["operation_ref"],
                "group": groups[g],
                "nationality": n,
                "count": c,
            }
            for o in ops
            for g, n, c in o["nats"]
        ],
        "nominals": [],
        "identifiers": [],
    }
    raw = RawReturn.from_rows(source, rows)
    result = submit_raw(engine, who, raw, org, period, "test")
    assert result.outcome == Outcome.ACCEPTED, result.issues


CHILD_SE = {
    "primary_category": "Sexual exploitation",
    "primary_type": "Child sexual exploitation (group)",
    "victims_adult_female": 0, "victims_adult_male": 0, "victims_child_female": 2,
    "suspects": 3, "international_dimension": "Yes", "europol_check_date": "2018-02-10",
    "opened_date": "2018-02-03",
}  # fmt: skip


def build_february(engine: Engine, who: Principal, source: str = "return.csv") -> Engine:
    """January: Cleveland C1. February: see the expected figures in the tests below."""
    submit(engine, who, "Cleveland", JAN, [op("C1")], source)
    submit(engine, who, "Cleveland", FEB, [
        op("C1", (("Sector", "Car washes"), ("Recruitment method", "False job offer"),
                  ("Means of control", "Debt bondage"))),
        op("C2", (("Sector", "Car washes"),), status="Closed", opened_date="2017-11-01",
           closed_date="2018-02-20", disruption_outcome="Charged and prosecuted", arrests=2,
           charges=2),
        op("C3", (("Sector", "Sex industry"), ("Recruitment method", "Social media"),
                  ("Means of control", "Debt bondage"), ("Means of control", "Threats"),
                  ("Country of international dimension", "Albania")),
           (("victim", "UK", 2), ("suspect", "Albanian", 3)), **CHILD_SE),
    ], source)  # fmt: skip
    submit(engine, who, "Durham", FEB, [
        op("D1", (), (("victim", "UK", 1), ("suspect", "UK", 1)), lead_org="Durham Constabulary",
           primary_category="Criminal exploitation", primary_type=None, victims_adult_female=0,
           victims_adult_male=1)
    ], source)  # fmt: skip
    submit(engine, who, "NERSOU", FEB, [op("R1", lead_org="NERSOU")], source)
    submit(engine, who, "GLAA", FEB, [op("G1", lead_org="GLAA")], source)
    submit(engine, who, "Metropolitan", FEB, [
        op("M1", (("Sector", "Car washes"),), lead_org="Metropolitan Police Service",
           europol_check_date="2018-02-01")
    ], source)  # fmt: skip
    return engine


@pytest.fixture
def february(engine: Engine, operator: Principal) -> Engine:
    return build_february(engine, operator)


def figures(engine: Engine, who: Principal, area: Area | None = None) -> Overview:
    with engine.connect() as conn:
        return overview(conn, who, FEB, area or Area())


def test_headline_counts_live_opened_closed_held_and_victims(
    february: Engine, operator: Principal
) -> None:
    h = figures(february, operator).headline
    # live: C1 C3 D1 M1 (local forces), R1 (ROCU), G1 (partner); C2 closed in February.
    assert (h.live_police_led, h.live_led_by_local_forces, h.live_led_by_rocus) == (5, 4, 1)
    assert h.live_partner_led == 1
    assert (h.opened_in_month, h.closed_in_month) == (1, 1)  # C3 opened, C2 closed
    assert h.police_led_held_to_date == 6  # C1 C2 C3 D1 R1 M1
    assert h.victims_in_live_police_led == 3 + 2 + 1 + 3 + 3  # C1 C3 D1 R1 M1
    assert h.child_victims_in_live_police_led == 2


def test_trend_runs_from_the_first_month_on_record(february: Engine, operator: Principal) -> None:
    assert figures(february, operator).trend == (
        TrendPoint(JAN, 1, 0, 1, 0),
        TrendPoint(FEB, 5, 1, 1, 1),
    )


def test_breakdowns_by_region_lead_and_exploitation(february: Engine, operator: Principal) -> None:
    ov = figures(february, operator)
    assert ov.lead_by_region == {
        ("North East", "Local force"): 3,  # C1 C3 D1
        ("North East", "ROCU"): 1,
        ("London", "Local force"): 1,
        ("No region (BTP, partner agencies)", "Partner agency"): 1,
    }
    assert ov.exploitation == {
        ("Victims work for offenders", "Labour exploitation"): 4,  # C1 R1 G1 M1
        ("Child sexual exploitation (group)", "Sexual exploitation"): 1,
        ("Type not yet known", "Criminal exploitation"): 1,
    }
    assert ov.victims == {
        ("Adult", "Female"): 3, ("Adult", "Male"): 7, ("Adult", "Unknown"): 0,
        ("Child", "Female"): 2, ("Child", "Male"): 0, ("Child", "Unknown"): 0,
    }  # fmt: skip


def test_details_count_live_operations_not_closed_ones(
    february: Engine, operator: Principal
) -> None:
    ov = figures(february, operator)
    assert ov.sectors == {"Car washes": 2, "Sex industry": 1}  # C2's car wash is closed
    assert ov.recruitment == {"False job offer": 1, "Social media": 1}
    assert ov.control == {"Debt bondage": 2, "Threats": 1}


def test_nationalities_outcomes_and_europol(february: Engine, operator: Principal) -> None:
    ov = figures(february, operator)
    assert ov.victim_nationalities == {"Romanian": 8, "UK": 7}  # 4 default ops; C3 2 + D1 1
    assert ov.suspect_nationalities == {"UK": 5, "Albanian": 3}
    assert ov.outcomes["NRM referrals"] == 7 * 3  # every operation in February's returns
    assert ov.outcomes["Arrests"] == 6 + 2
    assert ov.outcomes["People charged"] == 2
    # eligible: C1 R1 G1 M1 (Romanian victims), C3 (international); not D1 (UK only)
    assert (ov.europol.eligible, ov.europol.checked) == (5, 2)  # C3, M1 checked
    assert ov.synthetic == "none"


def test_region_and_scope_narrow_every_figure(february: Engine, operator: Principal) -> None:
    north_east = figures(february, operator, Area(region="North East"))
    assert north_east.headline.live_police_led == 4
    assert sum(north_east.lead_by_region.values()) == 4
    assert north_east.europol.eligible == 3  # C1, C3 and R1 (NERSOU is in the North East)
    london = Principal("ra", Role.REGIONAL_ANALYST, region="London")
    mine = figures(february, london)
    assert mine.headline.live_police_led == 1
    assert mine.victim_nationalities == {"Romanian": 2, "UK": 1}
    with pytest.raises(AccessDenied):  # not a report of zeros titled "North East"
        figures(february, london, Area(region="North East"))
    assert mine.area == Area(region="London")  # the figures say which area they cover


def test_synthetic_returns_are_said_to_be(engine: Engine, operator: Principal) -> None:
    build_february(engine, operator, source="synthetic-demo.csv")
    assert figures(engine, operator).synthetic == "all"


def test_held_to_date_and_trend_follow_scope_and_area(
    february: Engine, operator: Principal
) -> None:
    north_east = figures(february, operator, Area(region="North East"))
    assert north_east.headline.police_led_held_to_date == 5  # C1 C2 C3 D1 R1; not M1, not G1
    assert north_east.trend == (TrendPoint(JAN, 1, 0, 1, 0), TrendPoint(FEB, 4, 0, 1, 1))
    london = figures(february, Principal("ra", Role.REGIONAL_ANALYST, region="London"))
    assert london.headline.police_led_held_to_date == 1  # M1
    assert london.trend == (TrendPoint(FEB, 1, 0, 0, 0),)  # London's first return is February's
    glaa = figures(february, Principal("pu", Role.PARTNER_USER, organisation="GLAA"))
    assert glaa.headline.police_led_held_to_date == 0  # G1 is led by the GLAA itself
    assert glaa.trend == (TrendPoint(FEB, 0, 1, 0, 0),)
    assert figures(february, operator, Area(organisation="Kent")).trend == ()


def test_held_to_date_counts_current_months_up_to_the_period_only(
    engine: Engine, operator: Principal
) -> None:
    submit(engine, operator, "Cleveland", JAN, [op("C1"), op("C9")])
    submit(engine, operator, "Cleveland", JAN, [op("C1")])  # a new version: C9 withdrawn
    submit(engine, operator, "Cleveland", FEB, [op("C1"), op("C2"), op("C3")])
    with engine.connect() as conn:
        jan = overview(conn, operator, JAN)
        feb = overview(conn, operator, FEB)
    assert jan.headline.police_led_held_to_date == 1  # C1: C9 is only in a superseded return
    assert jan.trend == (TrendPoint(JAN, 1, 0, 1, 0),)
    assert feb.headline.police_led_held_to_date == 3  # C1 counted once over two months
