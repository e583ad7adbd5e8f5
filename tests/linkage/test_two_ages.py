"""Two estimated ages of one person can be further apart than an age and the person's date of
birth: each estimate is a year or two out. The model weighs two ages apart from an age and a
date, so a gap of three or four years between two ages is not held against them as much."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from random import Random
from statistics import mean

import pytest

from msops.linkage.dedupe import Resolution, dedupe
from msops.linkage.matcher import MatcherConfig
from msops.linkage.prepare import PersonInput
from msops.synthetic.names import draw_name

GROUPS = ("vn", "al", "ro", "uk", "pl")
SEEN = date(2017, 9, 1)


def _people(rng: Random) -> list[PersonInput]:
    """People with common names, 2-3 records each; a third of the records give only an age,
    estimated up to two years out, as forces record victims who have no documents."""
    out = []
    for pid in range(1500):
        given, family = draw_name(rng, rng.choice(GROUPS), rng.random() < 0.5)
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))
        for copy in range(rng.choice([2, 2, 3])):
            rid = f"p{pid}-{copy}"
            if rng.random() < 0.35:
                age = (SEEN - born).days // 365 + rng.randint(-2, 2)
                out.append(PersonInput(rid, "org", given, family, estimated_age=age, age_on=SEEN))
            else:
                out.append(PersonInput(rid, "org", given, family, born.isoformat()))
    return out


@pytest.fixture(scope="module")
def resolved() -> Resolution:
    return dedupe(_people(Random(21)), MatcherConfig(seed=3, keep_pairs_from=1e-9, evidence=True))


def test_two_ages_a_few_years_apart_weigh_more_than_an_age_and_a_date(
    resolved: Resolution,
) -> None:
    weights: dict[str, list[float]] = defaultdict(list)
    for pair in resolved.scored.pairs:
        for field, level, weight in pair.evidence:
            if field == "date_of_birth":
                weights[level].append(weight)
    two_ages = mean(weights["two estimated ages roughly agree"])
    age_and_date = mean(weights["estimated age roughly agrees"])
    # learnt on one level, ages 3-5 years apart counted as the same (weak or negative) evidence
    assert two_ages > age_and_date + 1.0, (two_ages, age_and_date)
