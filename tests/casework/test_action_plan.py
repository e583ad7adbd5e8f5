"""The action plan: items as data, append-only RAG assessments, and the force position summary
with movement since the previous assessment and the national comparison."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.analytics.casework.action_plan import position_summary
from msops.cli.casework.action_plan import action_plan as action_plan_cli
from msops.cli.casework.action_plan import position
from msops.domain.casework.action_plan import Movement, Rag, action_plan, parse_rag
from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal, Role
from msops.reports.documents import render_position
from msops.store.casework.action_plan import assess, history
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.schema import audit_event
from msops.store.schema.casework import casework_change, casework_plan_assessment
from tests.conftest import row_counts

# 43 territorial forces of England and Wales, BTP, Police Scotland and PSNI.
FORCES = 46
NORTH_EAST = Principal("ra.ne", Role.REGIONAL_ANALYST, region="North East")


def put(engine: Engine, who: Principal, org: str, item: str, rag: str, on: date) -> int:
    with engine.begin() as conn:
        return assess(conn, who, org, item, Rag(rag), on, "Supt A. Lead", f"evidence {rag}")


def test_items_are_the_shipped_working_set() -> None:
    plan = action_plan()
    assert 10 <= len(plan.items) <= 15
    assert len(set(plan.item_ids)) == len(plan.items)
    assert "working set" in plan.status
    assert {i.theme for i in plan.items} >= {"Pursue", "Prevent", "Protect", "Prepare"}
    assert plan.item("ap06").id == "AP06"


def test_assessments_are_appended_never_changed(engine: Engine, force_user: Principal) -> None:
    first = put(engine, force_user, "Cleveland", "AP01", "red", date(2018, 1, 10))
    second = put(engine, force_user, "Cleveland", "ap01", "amber", date(2018, 3, 10))
    with engine.begin() as conn:
        rows = history(conn, force_user, "Cleveland")
        kept = conn.execute(
            select(casework_plan_assessment.c.id, casework_plan_assessment.c.rag).order_by(
                casework_plan_assessment.c.id
            )
        ).all()
        changes = conn.execute(
            select(casework_change.c.record_id).where(
                casework_change.c.register == "plan_assessment"
            )
        ).all()
        audited = conn.execute(
            select(audit_event.c.object_ref).where(audit_event.c.action == "collection")
        ).all()
    assert [(r["item_id"], r["rag"], r["assessed_on"]) for r in rows] == [
        ("AP01", "red", date(2018, 1, 10)),
        ("AP01", "amber", date(2018, 3, 10)),
    ]
    assert [tuple(k) for k in kept] == [(first, "red"), (second, "amber")]
    assert sorted(c[0] for c in changes) == [first, second]
    assert (f"Cleveland/plan_assessment/{second}",) in [tuple(a) for a in audited]


def test_bad_assessment_names_the_field_and_changes_nothing(
    engine: Engine, operator: Principal, durham_user: Principal, pcc: Principal
) -> None:
    before = row_counts(engine)
    cases: list[tuple[Principal, str, str, str, str, type[Exception], str]] = [
        (operator, "Cleveland", "AP99", "x", "y", InvalidInput, "item: 'AP99' is not an item"),
        (operator, "Cleveland", "AP01", " ", "y", InvalidInput, "assessor: a value is required"),
        (operator, "Cleveland", "AP01", "x", "", InvalidInput, "evidence: a value is required"),
        (operator, "NERSOU", "AP01", "x", "y", InvalidInput, "org: NERSOU is not a police force"),
        (operator, "Narnia", "AP01", "x", "y", NotFound, "no organisation is called"),
        (durham_user, "Cleveland", "AP01", "x", "y", AccessDenied, "may not assess Cleveland"),
        (pcc, "Cleveland", "AP01", "x", "y", AccessDenied, "may not assess"),
    ]
    for who, org, item, assessor, evidence, error, message in cases:
        with pytest.raises(error, match=message), engine.begin() as conn:
            assess(conn, who, org, item, Rag.RED, date(2018, 1, 1), assessor, evidence)
    with pytest.raises(InvalidInput, match="rag: 'purple' is not one of red, amber, green"):
        parse_rag("purple")
    assert row_counts(engine) == before


def _scenario(engine: Engine, who: Principal) -> None:
    for org, item, rag, on in (
        ("Cleveland", "AP01", "red", date(2018, 1, 10)),
        ("Cleveland", "AP01", "amber", date(2018, 3, 10)),
        ("Cleveland", "AP02", "green", date(2018, 1, 10)),
        ("Cleveland", "AP02", "red", date(2018, 3, 10)),
        ("Cleveland", "AP03", "amber", date(2018, 1, 10)),
        ("Cleveland", "AP03", "amber", date(2018, 3, 10)),
        ("Cleveland", "AP04", "green", date(2018, 3, 10)),
        ("Durham", "AP01", "green", date(2018, 2, 1)),
        ("Northumbria", "AP01", "red", date(2018, 1, 5)),
        ("Northumbria", "AP01", "amber", date(2018, 2, 5)),
        ("Northumbria", "AP02", "green", date(2018, 2, 5)),
    ):
        put(engine, who, org, item, rag, on)


def test_position_gives_movement_and_national_comparison(
    engine: Engine, operator: Principal
) -> None:
    _scenario(engine, operator)
    with engine.begin() as conn:
        summary = position_summary(conn, operator, "Cleveland")
    items = {i.item.id: i for i in summary.items}
    assert summary.forces == FORCES
    assert [(k, items[k].rag, items[k].movement) for k in ("AP01", "AP02", "AP03", "AP04")] == [
        ("AP01", Rag.AMBER, Movement.IMPROVED),
        ("AP02", Rag.RED, Movement.DECLINED),
        ("AP03", Rag.AMBER, Movement.UNCHANGED),
        ("AP04", Rag.GREEN, Movement.NEW),
    ]
    assert items["AP05"].rag is None and items["AP05"].not_assessed == FORCES
    # AP01 nationally: Cleveland amber, Northumbria amber (its latest), Durham green.
    assert items["AP01"].national == {Rag.AMBER: 2, Rag.GREEN: 1}
    assert items["AP01"].not_assessed == FORCES - 3
    assert round(items["AP01"].share(Rag.AMBER, FORCES), 1) == round(200 / FORCES, 1)
    place = items["AP01"].place
    assert place is not None and (place.better, place.same, place.worse) == (1, 1, 0)
    assert place.label() == "behind"
    ap02 = items["AP02"].place
    assert ap02 is not None and ap02.label() == "behind"
    assert summary.movements["not assessed"] == len(action_plan().items) - 4
    # As of February, Cleveland had one assessment of AP01: red, new.
    with engine.begin() as conn:
        earlier = position_summary(conn, operator, "Cleveland", date(2018, 2, 28))
    first = earlier.items[0]
    assert (first.rag, first.movement) == (Rag.RED, Movement.NEW)
    assert first.national == {Rag.RED: 1, Rag.AMBER: 1, Rag.GREEN: 1}


def test_position_documents_never_name_other_forces(engine: Engine, operator: Principal) -> None:
    _scenario(engine, operator)
    with engine.begin() as conn:
        summary = position_summary(conn, operator, "Cleveland")
    for text in (render_position(summary, "md"), render_position(summary, "html")):
        assert "OFFICIAL-SENSITIVE" in text and "Cleveland" in text
        assert "Durham" not in text and "Northumbria" not in text
        assert "evidence amber" in text


def test_position_scope(
    engine: Engine,
    operator: Principal,
    force_user: Principal,
    durham_user: Principal,
    pcc: Principal,
) -> None:
    _scenario(engine, operator)
    with engine.begin() as conn:
        assert position_summary(conn, force_user, "Cleveland").organisation == "Cleveland"
        assert position_summary(conn, NORTH_EAST, "Cleveland").organisation == "Cleveland"
        # Regional analysts may assess their region's forces.
        assess(conn, NORTH_EAST, "Durham", "AP05", Rag.AMBER, date(2018, 3, 1), "RA", "review")
    for who in (durham_user, pcc):
        with pytest.raises(AccessDenied), engine.begin() as conn:
            position_summary(conn, who, "Cleveland")
        with pytest.raises(AccessDenied), engine.begin() as conn:
            history(conn, who, "Cleveland")


runner = CliRunner()


@pytest.fixture
def cli_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("MSOPS_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    return url


def run(*args: str) -> Any:
    return runner.invoke(action_plan_cli, list(args), catch_exceptions=False)


def disclosures(url: str) -> list[tuple[str, str | None, str | None]]:
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_event.c.object_ref, audit_event.c.purpose, audit_event.c.recipient).where(
                audit_event.c.action == "disclosure"
            )
        ).all()
    engine.dispose()
    return [(r[0], r[1], r[2]) for r in rows]


def test_cli_assess_history_and_position_report(cli_url: str, tmp_path: Path) -> None:
    items = json.loads(run("items", "--format", "json").output)
    assert [i["id"] for i in items] == list(action_plan().item_ids)
    base = ["assess", "--org", "Cleveland", "--item", "AP01", "--assessor", "DCI Lead"]
    bad = run(*base, "--rag", "blue", "--date", "2018-01-10", "--evidence", "e")
    assert bad.exit_code == 1 and "rag: 'blue'" in bad.output
    bad_date = run(*base, "--rag", "red", "--date", "10/01/2018", "--evidence", "e")
    assert bad_date.exit_code == 1 and "date: '10/01/2018' is not a date" in bad_date.output
    for rag, on in (("red", "2018-01-10"), ("green", "2018-03-10")):
        done = run(*base, "--rag", rag, "--date", on, "--evidence", f"board minutes {on}")
        assert done.exit_code == 0, done.output
    listed = json.loads(run("history", "--org", "Cleveland", "--format", "json").output)
    assert [r["rag"] for r in listed] == ["red", "green"]

    report = CliRunner().invoke(
        _position_app(), ["--org", "Cleveland", "--format", "json"], catch_exceptions=False
    )
    rows = json.loads(report.output)
    assert rows[0]["movement"] == "improved" and rows[0]["rag"] == "green"
    assert disclosures(cli_url) == []  # shown on screen: a consultation, not a disclosure
    out = tmp_path / "position.html"
    refused = CliRunner().invoke(
        _position_app(), ["--org", "Cleveland", "--out", str(out), "--purpose", " "]
    )
    assert refused.exit_code == 1 and "purpose: a value is required" in refused.output
    assert not out.exists() and disclosures(cli_url) == []
    written = CliRunner().invoke(
        _position_app(),
        ["--org", "Cleveland", "--out", str(out), "--recipient", "Chief Constable"],
        catch_exceptions=False,
    )
    assert written.exit_code == 0, written.output
    assert "improved" in out.read_text(encoding="utf-8")
    assert disclosures(cli_url) == [
        ("Cleveland/position", "force position summary", "Chief Constable")
    ]


def _position_app() -> Any:
    import typer

    app = typer.Typer()
    app.command()(position)
    return app
