"""The annual report's figures come out of the default history."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

from msops.domain.periods import Period, months_between
from msops.domain.reference import REGIONS, Organisation, find_organisation
from msops.synthetic import MonthlyReturn

from .conftest import ANCHOR, FIRST

Row = dict[str, str | int | None]
VICTIM_COLUMNS = [
    f"victims_{age}_{gender}"
    for age in ("adult", "child")
    for gender in ("female", "male", "unknown")
]


def _lead(row: Row) -> Organisation:
    org = find_organisation(str(row["lead_org"]))
    assert org is not None
    return org


def _live_police(history: list[MonthlyReturn], period: Period) -> list[Row]:
    return [
        row
        for r in history
        if r.period == period
        for row in r.parts["operations"]
        if row["status"] != "Closed" and _lead(row).is_police
    ]


def test_months_run_from_december_2016_to_february_2018(history: list[MonthlyReturn]) -> None:
    periods = [r.period for r in history]
    assert periods == sorted(periods)
    assert sorted(set(periods)) == months_between(FIRST, ANCHOR)


def test_live_police_operations_rise_from_188_to_568(history: list[MonthlyReturn]) -> None:
    months = months_between(FIRST, ANCHOR)
    live = [len(_live_police(history, p)) for p in months]
    assert live[0] == 188
    assert live[-1] == 568
    for i, count in enumerate(live):
        trend = 188 + (568 - 188) * i / (len(months) - 1)
        assert abs(count - trend) < 25, (months[i], count)
    assert all(b > a for a, b in pairwise(live))


def test_1159_police_operations_held_by_february_2018(history: list[MonthlyReturn]) -> None:
    held = {
        (r.organisation, row["operation_ref"])
        for r in history
        for row in r.parts["operations"]
        if _lead(row).is_police
    }
    assert len(held) == 1159


def test_live_operations_split_555_local_forces_13_rocus(history: list[MonthlyReturn]) -> None:
    kinds = Counter(_lead(row).kind == "rocu" for row in _live_police(history, ANCHOR))
    assert kinds[False] == 555
    assert kinds[True] == 13
    assert round(100 * kinds[False] / 568, 1) == 97.7


def test_at_least_1391_potential_victims_in_live_operations(
    history: list[MonthlyReturn],
) -> None:
    victims = sum(int(str(row[c])) for row in _live_police(history, ANCHOR) for c in VICTIM_COLUMNS)
    assert 1391 <= victims <= 1550


def test_every_region_has_live_operations_every_month(history: list[MonthlyReturn]) -> None:
    for period in months_between(FIRST, ANCHOR):
        regions = {_lead(row).region for row in _live_police(history, period)}
        assert set(REGIONS) <= regions, period


def test_metropolitan_leads_the_most_operations(history: list[MonthlyReturn]) -> None:
    by_force = Counter(str(row["lead_org"]) for row in _live_police(history, ANCHOR))
    assert by_force.most_common(1)[0][0] == "Metropolitan Police Service"


def test_partner_agencies_submit_their_own_operations(history: list[MonthlyReturn]) -> None:
    for period in months_between(FIRST, ANCHOR):
        partner = [
            row
            for r in history
            if r.period == period
            for row in r.parts["operations"]
            if not _lead(row).is_police and row["status"] != "Closed"
        ]
        assert 35 <= len(partner) <= 65, period
    agencies = {r.organisation for r in history if not _org(r.organisation).is_police}
    assert {"NCA", "GLAA"} <= agencies


def test_exploitation_and_nationality_mix_is_plausible(history: list[MonthlyReturn]) -> None:
    categories = Counter(str(row["primary_category"]) for row in _live_police(history, ANCHOR))
    assert set(categories) == {
        "Labour exploitation",
        "Sexual exploitation",
        "Criminal exploitation",
        "Domestic servitude",
    }
    assert categories["Domestic servitude"] < categories["Criminal exploitation"]
    victims, suspects = _nationalities(history, ANCHOR)
    top_victims = {n for n, _ in victims.most_common(6)}
    assert {"UK", "Albanian", "Vietnamese", "Romanian"} <= top_victims
    assert {n for n, _ in suspects.most_common(3)} >= {"UK", "Romanian"}
    children = sum(
        int(str(row[c]))
        for row in _live_police(history, ANCHOR)
        for c in VICTIM_COLUMNS
        if "child" in c
    )
    assert 0.1 < children / sum(victims.values()) < 0.45


def _nationalities(
    history: list[MonthlyReturn], period: Period
) -> tuple[Counter[str], Counter[str]]:
    victims: Counter[str] = Counter()
    suspects: Counter[str] = Counter()
    for r in history:
        if r.period != period:
            continue
        for row in r.parts["nationalities"]:
            target = victims if row["group"] == "Potential victims" else suspects
            target[str(row["nationality"])] += int(str(row["count"]))
    return victims, suspects


def _org(short_name: str) -> Organisation:
    org = find_organisation(short_name)
    assert org is not None
    return org
