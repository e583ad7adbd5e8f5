"""Operations to hang casework on: Cleveland (C1, C2) and Durham (D1), each with nominals N1, N2."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from tests.builders import valid_return

FEB = Period(2018, 2)


def load(
    engine: Engine,
    who: Principal,
    org: str,
    lead: str,
    refs: list[str],
    period: Period = FEB,
    **changes: Any,
) -> None:
    rows = valid_return(*refs)
    for row in rows["operations"]:
        row.update(lead_org=lead, **changes)
    result = submit_raw(engine, who, RawReturn.from_rows(f"{org}.csv", rows), org, period, "x")
    assert result.outcome == Outcome.ACCEPTED, result.issues


@pytest.fixture
def loaded(engine: Engine, operator: Principal) -> Engine:
    load(engine, operator, "Cleveland", "Cleveland Police", ["C1", "C2"])
    load(engine, operator, "Durham", "Durham Constabulary", ["D1"])
    return engine


@pytest.fixture
def durham_user() -> Principal:
    return Principal("spoc.durham", Role.FORCE_USER, organisation="Durham")


@pytest.fixture
def pcc() -> Principal:
    return Principal("pcc.cleveland", Role.PCC, organisation="Cleveland")
