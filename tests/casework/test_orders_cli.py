"""`msops orders` as a force SPoC uses it: refusal naming the rule, add, vary, list, library."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from msops.cli.casework.orders import orders
from msops.domain.principal import system_principal
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from tests.casework.conftest import load

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("MSOPS_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    load(engine, system_principal("loader"), "Cleveland", "Cleveland Police", ["C1"])
    engine.dispose()


def run(*args: str) -> Any:
    return runner.invoke(orders, list(args), catch_exceptions=False)


ADD = [
    "add",
    "--org",
    "Cleveland",
    "--operation",
    "C1",
    "--nominal",
    "N1",
    "--type",
    "stro",
    "--court",
    "Middlesbrough Magistrates",
    "--made",
    "2018-03-01",
    "--prohibition",
    "No contact with the victims",
]


def test_order_too_short_is_refused_with_the_rule(tmp_path: Path) -> None:
    result = run(*ADD, "--expires", "2019-03-01")
    assert result.exit_code == 1
    assert "at least 2 years" in result.output and "s.24(2)" in result.output
    listed = run("list", "--format", "csv")
    assert listed.output.strip().splitlines()[1:] == []


def test_add_vary_list_and_library(tmp_path: Path) -> None:
    result = run(
        *ADD,
        "--until-further-order",
        "--travel-country",
        "Romania",
        "--travel-ban-ends",
        "2020-03-01",
    )
    assert result.exit_code == 0, result.output
    assert "order 1 recorded" in result.output
    varied = run(
        "vary",
        "1",
        "--date",
        "2019-01-01",
        "--court",
        "Middlesbrough",
        "--summary",
        "Travel ban lifted",
        "--no-travel-ban",
    )
    assert varied.exit_code == 0, varied.output
    assert "version 2" in varied.output
    rows = list(csv.DictReader(run("list", "--format", "csv").output.splitlines()))
    assert rows[0]["expires"] == "until further order"
    assert rows[0]["travel_countries"] == "" and rows[0]["version"] == "2"
    out = tmp_path / "library.csv"
    assert run("library", "--out", str(out)).exit_code == 0
    lines = out.read_text().splitlines()
    assert lines[0].startswith("# OFFICIAL")
    library = list(csv.DictReader(lines[1:]))
    assert library[0]["court"] == "Middlesbrough Magistrates"
    assert library[0]["made"] == "2018-Q1" and library[0]["variations"] == "1"
    assert "N1" not in out.read_text() and "C1" not in out.read_text()


def test_bad_date_names_the_field() -> None:
    result = run(*ADD[:-4], "--made", "01/03/2018", "--until-further-order")
    assert result.exit_code == 1
    assert "made: '01/03/2018' is not a date" in result.output
