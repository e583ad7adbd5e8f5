"""Every operation of the demo history opens from the operations list, whatever its reference
holds (the Metropolitan Police Service's and the NCA's carry '/'), on the embedded database."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text

from msops.domain.periods import Period, months_between
from msops.domain.principal import Role, system_principal
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.users_repo.accounts import add_user
from msops.web import create_app
from tests.builders import submit_history
from tests.web.conftest import PASSWORD

MONTHS = tuple(months_between(Period(2016, 12), Period(2018, 2)))  # what `msops demo` loads
LINK = re.compile(r'href="(/operations/[^"?]+)"')


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """The demo history: every organisation's returns, December 2016 to February 2018."""
    path: Path = tmp_path_factory.mktemp("every") / "demo.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    who = system_principal("test-operator")
    submit_history(engine, who, MONTHS[0], MONTHS[-1])
    with engine.begin() as conn:
        add_user(conn, who, "national", Role.NATIONAL_ANALYST, PASSWORD)
    yield engine
    engine.dispose()


def links_of_month(client: TestClient, period: Period) -> set[str]:
    found: set[str] = set()
    page = 1
    while True:
        html = client.get("/operations", params={"period": str(period), "page": page}).text
        more = {unescape(h) for h in LINK.findall(html)}
        if not more - found:
            return found
        found |= more
        page += 1


def test_every_operation_of_the_history_opens_from_the_list(history: Engine) -> None:
    client = TestClient(create_app(history), follow_redirects=False)
    signed = client.post("/api/session", json={"name": "national", "password": PASSWORD})
    assert signed.status_code == 200
    links = set().union(*(links_of_month(client, p) for p in MONTHS))
    with history.connect() as conn:
        held = conn.execute(
            text(
                "SELECT count(DISTINCT operation_id) FROM operation_month"
                " WHERE is_current AND period BETWEEN :a AND :b"
            ),
            {"a": str(MONTHS[0]), "b": str(MONTHS[-1])},
        ).scalar_one()
    assert len(links) == held > 500
    assert any(link.startswith("/operations/Metropolitan/MPS/") for link in links)
    failed = [link for link in sorted(links) if client.get(link).status_code != 200]
    assert failed == []
