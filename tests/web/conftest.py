"""A seeded web application: one Cleveland return and an account for every role."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from msops.domain.casework.orders import OrderTerms, OrderType
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.files import write_return
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.casework.orders import Subject, add_order
from msops.store.users_repo.accounts import add_user
from msops.web import create_app
from tests.builders import Rows, valid_return

# The test client calls itself "testserver"; the e2e server is on 127.0.0.1.
os.environ.setdefault("MSOPS_TRUSTED_HOSTS", "testserver,localhost,127.0.0.1")

PASSWORD = "a long test password"
PERIOD = Period(2018, 1)

# name -> (role, organisation, region)
ACCOUNTS: dict[str, tuple[Role, str | None, str | None]] = {
    "national": (Role.NATIONAL_ANALYST, None, None),
    "regional": (Role.REGIONAL_ANALYST, None, "North East"),
    "regional_se": (Role.REGIONAL_ANALYST, None, "South East"),
    "force": (Role.FORCE_USER, "Cleveland", None),
    "force_kent": (Role.FORCE_USER, "Kent", None),
    "partner": (Role.PARTNER_USER, "GLAA", None),
    "pcc": (Role.PCC, "Cleveland", None),
    "admin": (Role.ADMIN, None, None),
}


@dataclass
class Site:
    engine: Engine
    app: FastAPI

    def client(self, account: str | None) -> TestClient:
        """A fresh client signed in as `account` (None: anonymous)."""
        client = TestClient(self.app, follow_redirects=False)
        if account is not None:
            answer = client.post("/api/session", json={"name": account, "password": PASSWORD})
            assert answer.status_code == 200, answer.text
            client.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
        return client


def seed(engine: Engine) -> None:
    operator = Principal("seed", Role.SYSTEM)
    raw = RawReturn.from_rows("cleveland.csv", valid_return("CL-001", "CL-002"))
    assert submit_raw(engine, operator, raw, "Cleveland", PERIOD, "sha").outcome == Outcome.ACCEPTED
    with engine.begin() as conn:
        for name, (role, org, region) in ACCOUNTS.items():
            add_user(conn, operator, name, role, PASSWORD, org, region)
        terms = OrderTerms(
            OrderType.STPO,
            "Teesside Crown Court",
            date(2018, 1, 20),
            date(2023, 1, 20),
            False,
            ("No contact with the victims",),
        )
        add_order(conn, operator, Subject("Cleveland", "CL-001", "N1"), terms)  # order 1


@pytest.fixture
def site(engine: Engine) -> Iterator[Site]:
    seed(engine)
    yield Site(engine, create_app(engine))


def return_file(
    tmp_path: Path, rows: Rows, name: str = "return.xlsx", period: Period = PERIOD
) -> bytes:
    """Cleveland's return for `period` as an XLSX workbook (its About sheet says so)."""
    path = tmp_path / name
    write_return(path, "xlsx", rows, organisation="Cleveland Police", period=str(period))
    return path.read_bytes()


def csrf_of(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]
