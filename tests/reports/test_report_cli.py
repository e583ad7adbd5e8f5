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


def test_a_profile_is_written_with_its_tables_and_audited(env: Engine, tmp_path: Path) -> None:
    out, folder = tmp_path / "car-washes.pdf", tmp_path / "tables"
    result = runner.invoke(
        app, ["profile", "--sector", "Car washes", "--out", str(out), "--tables", str(folder)]
    )
    assert result.exit_code == 0, result.output
    assert "3 of 7 operations" in " ".join(result.output.split())
    assert out.read_bytes().startswith(b"%PDF")
    assert any(p.name.startswith("exploitation") for p in folder.glob("*.csv"))
    [event] = disclosures(env)
    assert str(event["object_ref"]).startswith("profile 2017-03 to 2018-02")
    assert "Car washes" in str(event["object_ref"])


def test_a_profile_with_a_mistyped_filter_writes_nothing(env: Engine, tmp_path: Path) -> None:
    out = tmp_path / "p.html"
    result = runner.invoke(app, ["profile", "--sector", "Car wshes", "--out", str(out)])
    assert result.exit_code == 1
    assert "sector" in result.output.lower()
    assert not out.exists() and disclosures(env) == []


def test_a_public_profile_has_no_statistic_and_no_small_count(env: Engine, tmp_path: Path) -> None:
    out, folder = tmp_path / "public.html", tmp_path / "tables"
    args = ["profile", "--sector", "Car washes", "--audience", "public", "--out", str(out)]
    result = runner.invoke(app, [*args, "--tables", str(folder)])
    assert result.exit_code == 0, result.output
    with (folder / "sector.csv").open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["Sector", "These operations", "Other operations", "Operations nationally"]
    assert {c for r in rows[1:] for c in r[1:]} <= {"[c]", "0"}  # 7 operations: all small
    assert not (folder / "organisations.csv").exists()
    html = out.read_text(encoding="utf-8")
    assert "chi-square" not in html.lower().replace("pearson's chi-square", "")
    assert "C1" not in html and "OFFICIAL-SENSITIVE" not in html
    [event] = disclosures(env)
    assert event["recipient"] == "public"
