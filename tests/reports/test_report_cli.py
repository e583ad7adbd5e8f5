"""`msops report ...` as a user runs it: files written, disclosures audited, bad input refused."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli.report_cmd import app
from msops.domain.principal import Principal
from msops.store.schema import audit_event
from tests.analytics.test_overview import build_february

runner = CliRunner()


@pytest.fixture
def env(engine: Engine, operator: Principal, monkeypatch: pytest.MonkeyPatch) -> Engine:
    build_february(engine, operator)
    monkeypatch.setenv("MSOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MSOPS_USER", "analyst.one")
    return engine


def disclosures(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_event)
            .where(audit_event.c.action == "disclosure")
            .order_by(audit_event.c.id)
        )
        return [dict(r._mapping) for r in rows]


def test_overview_html_is_written_and_audited(env: Engine, tmp_path: Path) -> None:
    out = tmp_path / "overview.html"
    args = ["overview", "--period", "2018-02", "--out", str(out), "--region", "North East"]
    result = runner.invoke(app, [*args, "--purpose", "regional tasking", "--recipient", "NE lead"])
    assert result.exit_code == 0, result.output
    assert "North East" in out.read_text(encoding="utf-8")
    [event] = disclosures(env)
    assert (event["actor"], event["purpose"], event["recipient"]) == (
        "analyst.one",
        "regional tasking",
        "NE lead",
    )
    assert event["object_ref"] == "overview 2018-02 North East"


def test_tables_and_performance_files(env: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    result = runner.invoke(
        app, ["tables", "--period", "2018-02", "--audience", "public", "--out", str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert len(list(folder.glob("*.csv"))) == 12
    perf = tmp_path / "perf.csv"
    result = runner.invoke(app, ["performance", "--period", "2018-02", "--out", str(perf)])
    assert result.exit_code == 0, result.output
    with perf.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0][0] == "Force" and rows[44][0] == "National median"
    assert [e["recipient"] for e in disclosures(env)] == ["public", "internal"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "x.docx"], "must end in .html or .pdf"),
        (["--out", "x.html", "--region", "Atlantis"], "region must be one of"),
        (["--out", "x.html", "--region", "London", "--org", "Kent"], "not both"),
        (["--out", "x.html", "--purpose", " "], "--purpose"),
    ],
)
def test_bad_input_is_refused_and_writes_nothing(
    env: Engine, tmp_path: Path, args: list[str], message: str
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    args = [a if not a.startswith("x.") else str(folder / a) for a in args]
    result = runner.invoke(app, ["overview", "--period", "2018-02", *args])
    assert result.exit_code == 1
    assert message in " ".join(result.output.split())
    assert list(folder.iterdir()) == []
    assert disclosures(env) == []
