"""`msops report profile` and `msops report themes` as an analyst runs them."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli.main import app
from msops.store.schema import audit_event
from tests.reports.test_report_cli import disclosures, env  # noqa: F401 (the fixture)

runner = CliRunner()


def report(*args: str) -> list[str]:
    return ["report", *args]


def test_a_profile_is_written_with_its_tables_and_audited(
    env: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    out, folder = tmp_path / "car-washes.pdf", tmp_path / "tables"
    args = report("profile", "--sector", "Car washes", "--out", str(out), "--tables", str(folder))
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "3 of 7 operations" in " ".join(result.output.split())
    assert out.read_bytes().startswith(b"%PDF")
    assert any(p.name.startswith("exploitation") for p in folder.glob("*.csv"))
    [event] = disclosures(env)
    assert str(event["object_ref"]).startswith("profile 2017-03 to 2018-02")
    assert "Car washes" in str(event["object_ref"])


def test_a_profile_with_a_mistyped_filter_writes_nothing(
    env: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    out = tmp_path / "p.html"
    result = runner.invoke(app, ["report", "profile", "--sector", "Car wshes", "--out", str(out)])
    assert result.exit_code == 1
    assert "sector" in result.output.lower()
    assert not out.exists() and disclosures(env) == []


def test_a_public_profile_has_no_statistic_and_no_small_count(
    env: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    out, folder = tmp_path / "public.html", tmp_path / "tables"
    args = report("profile", "--sector", "Car washes", "--audience", "public", "--out", str(out))
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


def test_a_saved_theme_is_run_again_listed_and_deleted(
    env: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    first = tmp_path / "first.html"
    args = report("profile", "--sector", "Car washes", "--save", "Car washes", "--out", str(first))
    assert runner.invoke(app, args).exit_code == 0
    b = str(tmp_path / "b.html")
    again = runner.invoke(app, report("profile", "--theme", "car  washes", "--out", b))
    assert again.exit_code == 1 and "no saved theme" in again.output  # names are exact
    again = runner.invoke(app, report("profile", "--theme", "Car washes", "--out", b))
    assert again.exit_code == 0, again.output
    assert "3 of 7 operations" in " ".join(again.output.split())
    mixed = runner.invoke(app, report("profile", "--theme", "Car washes", "--children", "--out", b))
    assert mixed.exit_code == 1 and "without filters" in " ".join(mixed.output.split())
    listed = runner.invoke(app, report("themes"))
    assert "Car washes" in listed.output and "sector Car washes" in listed.output
    folder = tmp_path / "monthly"
    ran = runner.invoke(app, report("themes", "--run", str(folder)))
    assert ran.exit_code == 0, ran.output
    assert (folder / "car-washes.pdf").read_bytes().startswith(b"%PDF")
    assert runner.invoke(app, report("themes", "--delete", "Car washes")).exit_code == 0
    assert "no saved theme" in runner.invoke(app, report("themes")).output
    with env.connect() as conn:
        trail = conn.execute(
            select(audit_event.c.action, audit_event.c.object_ref)
            .where(audit_event.c.object_type == "profile theme")
            .order_by(audit_event.c.id)
        ).all()
    assert [a for a, _ in trail] == ["collection", "erasure"]
    assert len(disclosures(env)) == 3  # the first profile, the saved theme's, the monthly run


def test_an_internal_profile_maps_its_operations_by_force_area(
    env: Engine,  # noqa: F811
    tmp_path: Path,
) -> None:
    out, public = tmp_path / "internal.html", tmp_path / "public.html"
    assert (
        runner.invoke(app, report("profile", "--sector", "Car washes", "--out", str(out))).exit_code
        == 0
    )
    html = out.read_text(encoding="utf-8")
    assert 'class="area-map"' in html
    # C1 and C2 of Cleveland, M1 of the Met: the hover text of each area says so
    assert "Cleveland Police: 2 operations of the theme" in html
    assert "Metropolitan Police Service: 1 operations of the theme" in html
    assert "Durham Constabulary: 0 operations of the theme" in html
    args = report("profile", "--sector", "Car washes", "--audience", "public", "--out", str(public))
    assert runner.invoke(app, args).exit_code == 0
    assert 'class="area-map"' not in public.read_text(encoding="utf-8")
