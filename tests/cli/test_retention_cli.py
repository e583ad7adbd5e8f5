"""`msops retention due` and `msops retention review` on a database of the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from msops.cli.main import app
from msops.domain.principal import system_principal
from msops.store.engine import make_engine
from msops.store.schema import audit_event, nominal
from tests.builders import load_operations

runner = CliRunner()
CLOSED: dict[str, Any] = {
    "status": "Closed",
    "closed_date": "2018-02-20",
    "disruption_outcome": "safeguarding",
}


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("MSOPS_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("MSOPS_USER", "imu.test")
    assert msops("db", "upgrade").exit_code == 0
    engine = make_engine(f"sqlite:///{path}")
    try:
        who = system_principal("seed")
        load_operations(engine, who, "Cleveland", "Cleveland Police", ["C1", "C2"], **CLOSED)
        load_operations(engine, who, "Durham", "Durham Constabulary", ["D1"])  # live
    finally:
        engine.dispose()
    return path


def msops(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def due(*extra: str) -> list[str]:
    result = msops("retention", "due", "--as-of", "2026-12-07", "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return [f"{r['organisation']}/{r['ref']}" for r in json.loads(result.output)]


def test_due_then_retain_and_dispose(database: Path) -> None:
    assert due() == ["Cleveland/C1", "Cleveland/C2"]
    assert due("--org", "Durham") == []
    kept = msops(
        "retention", "review", "--org", "Cleveland", "--operation", "C1", "--retain",
        "--reason", "linked to a live enquiry", "--next-review", "2031-01-01",
    )  # fmt: skip
    assert kept.exit_code == 0, kept.output
    gone = msops(
        "retention", "review", "--org", "Cleveland", "--operation", "C2", "--dispose",
        "--reason", "no need to retain",
    )  # fmt: skip
    assert gone.exit_code == 0, gone.output
    assert "2 nominals, 2 identifiers" in gone.output
    assert due() == []
    engine = make_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as conn:
            actions = conn.execute(
                select(audit_event.c.action, audit_event.c.object_ref).where(
                    audit_event.c.object_type == "operation"
                )
            ).all()
            n_nominals = conn.execute(select(func.count()).select_from(nominal)).scalar_one()
    finally:
        engine.dispose()
    assert sorted(tuple(a) for a in actions) == [
        ("alteration", "Cleveland/C1"),
        ("erasure", "Cleveland/C2"),
    ]
    assert n_nominals == 4  # C1's two and D1's two


def test_review_needs_one_decision() -> None:
    both = msops(
        "retention", "review", "--org", "Cleveland", "--operation", "C1", "--retain",
        "--dispose", "--reason", "x",
    )  # fmt: skip
    assert both.exit_code != 0
    assert "either --retain or --dispose" in both.output
