"""No CSV msops writes holds a cell a spreadsheet would run: text a force user typed that
begins with =, +, -, @, a tab or a carriage return reaches the reader's file as text."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from msops.cli.casework.orders import orders
from msops.domain.principal import system_principal
from msops.domain.tabular import FORMULA_STARTS, csv_text, restored
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from tests.casework.conftest import load
from tests.web.conftest import Site, csrf_of

PLANTED = ('=HYPERLINK("http://evil.example","x")', "@SUM(1+1)", "=1+1", "+cmd", "-2+3")


def live_formulas(text: str) -> list[str]:
    """Cells of the CSV `text` (comment lines skipped) that a spreadsheet would evaluate."""
    body = "\n".join(line for line in text.splitlines() if not line.startswith("# "))
    cells = [c for row in csv.reader(io.StringIO(body)) for c in row]
    return [c for c in cells if c.startswith(FORMULA_STARTS) and not is_number(c)]


def is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_csv_text_guards_formulas_and_restored_undoes_it() -> None:
    text = csv_text(["a", "b"], [[v, 7] for v in (*PLANTED, "\tx", "\rx")] + [["plain", -5]])
    assert live_formulas(text) == []
    cells = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    assert [restored(c) for c in cells] == [*PLANTED, "\tx", "\rx", "plain"]
    assert "-5" in text  # numbers stay numbers


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("MSOPS_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    load(engine, system_principal("loader"), "Cleveland", "Cleveland Police", ["C1"])
    engine.dispose()


def run(*args: str) -> Any:
    return CliRunner().invoke(orders, list(args), catch_exceptions=False)


@pytest.mark.usefixtures("cli_db")
def test_the_orders_library_and_listing_hold_no_live_formula(tmp_path: Path) -> None:
    prohibitions = [arg for p in PLANTED for arg in ("--prohibition", p)]
    added = run(
        *("add", "--org", "Cleveland", "--operation", "C1", "--nominal", "N1", "--type", "stpo"),
        *("--court", PLANTED[0], "--made", "2018-03-01", "--until-further-order"),
        *prohibitions,
    )
    assert added.exit_code == 0, added.output
    out = tmp_path / "library.csv"
    assert run("library", "--out", str(out)).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "HYPERLINK" in text and live_formulas(text) == []
    listing = run("list", "--format", "csv").output
    assert "HYPERLINK" in listing and live_formulas(listing) == []


def test_the_library_downloaded_from_the_web_holds_no_live_formula(site: Site) -> None:
    client = site.client("force")
    form = client.get("/casework/orders/new").text
    added = client.post(
        "/casework/orders/new",
        data={
            "csrf_token": csrf_of(form),
            "org": "Cleveland",
            "operation": "CL-001",
            "nominal": "N1",
            "order_type": "STRO",
            "court": PLANTED[0],
            "made": "2018-01-02",
            "until_further_order": "on",
            "prohibitions": "\n".join(PLANTED),
        },
    )
    assert added.status_code == 303, added.text
    analyst = site.client("national")
    form = analyst.get("/casework/orders/library").text
    answer = analyst.post(
        "/casework/orders/library",
        data={
            "csrf_token": csrf_of(form),
            "purpose": "library",
            "recipient": "CPS",
            "format": "csv",
        },
    )
    assert answer.status_code == 200
    assert "HYPERLINK" in answer.text and live_formulas(answer.text) == []
