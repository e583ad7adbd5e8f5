"""Operations to hang casework on: Cleveland (C1, C2) and Durham (D1), each with nominals N1, N2."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from tests.builders import load_operations

FEB = Period(2018, 2)


load = load_operations


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
