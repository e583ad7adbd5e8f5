"""The tree shows the casework registers: the same modules in every layer, each registered once
in the command line and the web application (the recipe in docs/architecture.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.main import get_command

import msops
from msops.cli.main import app as cli_app
from msops.store.engine import make_engine
from msops.web.app import create_app

REGISTERS = ("orders", "nrm_referrals", "europol", "debriefs", "peer_reviews", "action_plan")
LAYERS = ("domain", "store", "analytics", "cli", "web")
PACKAGE = Path(msops.__file__).parent
# the command group and a page of each register
COMMANDS = {
    "orders": "orders",
    "nrm_referrals": "nrm-referrals",
    "europol": "europol",
    "debriefs": "debrief",
    "peer_reviews": "peer-review",
    "action_plan": "action-plan",
}
API = {
    "orders": "/api/casework/orders",
    "nrm_referrals": "/api/casework/nrm-referrals",
    "europol": "/api/casework/europol/events",
    "debriefs": "/api/casework/debriefs",
    "peer_reviews": "/api/casework/peer-reviews",
    "action_plan": "/api/casework/action-plan/items",
}
PAGES = {
    "orders": "/casework/orders",
    "nrm_referrals": "/casework/nrm-referrals",
    "europol": "/casework/europol",
    "debriefs": "/casework/debriefs",
    "peer_reviews": "/casework/peer-reviews",
    "action_plan": "/casework/action-plan",
}


def registers_in(layer: str) -> set[str]:
    folder = PACKAGE / layer / "casework"
    return {p.stem for p in folder.glob("*.py")} - {"__init__", "common"}


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_holds_the_same_registers(layer: str) -> None:
    assert registers_in(layer) == set(REGISTERS)


def test_each_register_has_its_command_group() -> None:
    groups = set(get_command(cli_app).commands)  # type: ignore[attr-defined]
    assert {COMMANDS[r] for r in REGISTERS} <= groups


def test_each_register_has_its_pages_and_api(tmp_path: Path) -> None:
    """Asked anonymously, every register's page sends to the sign-in page and its API answers
    401: the routes exist (an unregistered one would be 404)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    client = TestClient(create_app(engine, hosts=["testserver"]))
    for register in REGISTERS:
        page = client.get(PAGES[register], follow_redirects=False)
        assert page.status_code == 303 and "/sign-in" in page.headers["location"], register
        assert client.get(API[register]).status_code == 401, register
