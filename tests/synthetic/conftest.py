"""One generated history shared by the synthetic tests (it takes about a second)."""

from __future__ import annotations

import pytest

from msops.domain.periods import Period
from msops.synthetic import MonthlyReturn, generate_history, ground_truth

SEED = 2018
FIRST = Period(2016, 12)
ANCHOR = Period(2018, 2)


@pytest.fixture(scope="session")
def history() -> list[MonthlyReturn]:
    return list(generate_history(SEED))


@pytest.fixture(scope="session")
def truth() -> dict[tuple[str, str, str], str]:
    return ground_truth(SEED)
