"""Force performance: rates against hand counts, medians, and robust outliers with reasons."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine

from msops.analytics.performance import (
    MEASURES,
    ForceFigures,
    national_median,
    outliers,
    performance,
    population,
)
from msops.domain.principal import Principal, Role
from tests.analytics.test_overview import FEB, build_february, op, submit


def test_population_is_england_only_latest_year() -> None:
    year, people = population()
    assert year == 2019
    assert people["Metropolitan"] > 8_000_000
    assert "Gwent" not in people and len(people) == 39


def test_rates_of_each_force_match_hand_counts(engine: Engine, operator: Principal) -> None:
    build_february(engine, operator)
    submit(engine, operator, "Gwent", FEB, [op("W1", lead_org="Gwent Police")])
    with engine.connect() as conn:
        perf = performance(conn, operator, FEB)
    forces = {f.organisation: f for f in perf.forces}
    assert len(forces) == 43  # every territorial force, with or without a return
    cleveland = forces["Cleveland"]  # C1 C3 live, C2 closed in the month
    assert (cleveland.live, cleveland.operations) == (2, 3)
    assert cleveland.live_per_100k == 2 * 100_000 / population()[1]["Cleveland"]
    assert cleveland.nrm_per_operation == 9 / 3
    assert cleveland.charges_per_suspect == 2 / (1 + 1 + 3)
    assert (cleveland.eligible, cleveland.checked) == (2, 1)  # C1 Romanian, C3 international
    # C1 opened 2018-01-15, C3 2018-02-03: days to 2018-02-28 are 44 and 25
    assert cleveland.median_days_open == (44 + 25) / 2
    assert forces["Gwent"].live == 1 and forces["Gwent"].live_per_100k is None
    assert forces["Kent"].live == 0 and forces["Kent"].nrm_per_operation is None
    assert perf.flags == ()  # no force has a base of 5: nothing is judged


def test_scope_limits_the_forces(engine: Engine, operator: Principal) -> None:
    build_february(engine, operator)
    london = Principal("ra", Role.REGIONAL_ANALYST, region="London")
    with engine.connect() as conn:
        perf = performance(conn, london, FEB)
    assert [(f.organisation, f.live) for f in perf.forces] == [
        ("City of London", 0),
        ("Metropolitan", 1),
    ]


def _force(name: str, nrm: int, operations: int = 10) -> ForceFigures:
    return ForceFigures(name, "X", 1_000_000, operations, operations, nrm, 0, 0, 0, 0, None)


NRM = next(m for m in MEASURES if m.key == "nrm_per_operation")


def test_an_outlier_is_flagged_with_its_reason() -> None:
    forces = (*(_force(f"F{i}", 10 + i % 3) for i in range(10)), _force("High", 50))
    flags = outliers(forces, NRM)
    assert [f.organisation for f in flags] == ["High"]
    # rates 1.0 1.1 1.2 ... and 5.0: median 1.1, MAD 0.1, scaled 0.14826: (5 - 1.1) / 0.14826
    assert national_median(forces, NRM) == 1.1
    assert flags[0].reason == (
        "NRM referrals per operation 5.00 is above the national median 1.10"
        " by 26.3 scaled MADs (flag beyond 3)"
    )


def test_no_flag_on_small_bases_or_without_spread() -> None:
    same = tuple(_force(f"F{i}", 10) for i in range(10))
    assert outliers((*same, _force("High", 60)), NRM) == []  # MAD 0: no scale to judge by
    varied = tuple(_force(f"F{i}", 10 + i % 3) for i in range(10))
    small = replace(_force("Small", 4, operations=4), nrm_referrals=40)
    assert outliers((*varied, small), NRM) == []  # 10 per operation, but only 4 operations
