"""Same seed, same history; another seed, another history; longer runs stay stable."""

from __future__ import annotations

import time
from itertools import islice

from msops.domain.periods import Period
from msops.domain.reference import find_organisation
from msops.synthetic import MonthlyReturn, generate_history, ground_truth

from .conftest import SEED


def test_same_seed_gives_the_same_history(history: list[MonthlyReturn]) -> None:
    assert list(generate_history(SEED)) == history


def test_another_seed_gives_another_history(history: list[MonthlyReturn]) -> None:
    other = list(islice(generate_history(SEED + 1), 5))
    assert other != history[:5]


def test_ground_truth_is_reproducible(truth: dict[tuple[str, str, str], str]) -> None:
    assert ground_truth(SEED) == truth
    assert ground_truth(SEED + 1) != truth


def test_generation_is_quick() -> None:
    started = time.perf_counter()
    for _ in generate_history(7):
        pass
    assert time.perf_counter() - started < 20


def test_other_seeds_also_hit_the_figures() -> None:
    for seed in (1, 99):
        returns = list(generate_history(seed))
        held = {
            (r.organisation, row["operation_ref"])
            for r in returns
            for row in r.parts["operations"]
            if _is_police(str(row["lead_org"]))
        }
        live = [
            str(row["lead_org"])
            for r in returns
            if r.period == Period(2018, 2)
            for row in r.parts["operations"]
            if row["status"] != "Closed" and _is_police(str(row["lead_org"]))
        ]
        rocus = [lead for lead in live if _kind(lead) == "rocu"]
        assert (len(held), len(live), len(rocus)) == (1159, 568, 13), seed


def test_a_longer_history_settles_near_600_live(history: list[MonthlyReturn]) -> None:
    live: dict[Period, int] = {}
    for r in generate_history(SEED, last=Period(2019, 8)):
        ops = r.parts["operations"]
        count = sum(1 for o in ops if o["status"] != "Closed" and _is_police(str(o["lead_org"])))
        live[r.period] = live.get(r.period, 0) + count
    assert live[Period(2018, 2)] == 568
    later = [n for p, n in live.items() if p > Period(2018, 6)]
    assert all(540 <= n <= 660 for n in later), later


def _kind(lead: str) -> str:
    org = find_organisation(lead)
    assert org is not None
    return org.kind


def _is_police(lead: str) -> bool:
    org = find_organisation(lead)
    return org is not None and org.is_police
