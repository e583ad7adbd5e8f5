"""Debrief candidates with reasons; lessons searchable in full text on both engines; summary."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import typer
from sqlalchemy import Engine
from typer.testing import CliRunner

from msops.analytics.casework.debriefs import debrief_candidates, load_rules
from msops.cli.casework.debriefs import lessons
from msops.domain.casework.debriefs import Method, Quarter
from msops.domain.errors import AccessDenied, InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal, system_principal
from msops.store import linkage_repo as repo
from msops.store.casework.debriefs import add_debrief, add_lesson, search_lessons
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from tests.casework.conftest import FEB, load
from tests.conftest import row_counts


def test_candidates_rank_with_reasons_and_rules_override(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    load(
        engine,
        operator,
        "Cleveland",
        "Cleveland Police",
        ["C1"],
        victims_adult_male=0,
        victims_child_female=2,
        ocg_involved="Yes",
    )
    load(engine, operator, "Durham", "Durham Constabulary", ["D1"], ocg_involved="No")
    with engine.connect() as conn:
        default = debrief_candidates(conn, operator, FEB, load_rules())
    assert default.candidates == []  # 5 points: below the shipped threshold of 6
    override = tmp_path / "rules.toml"
    override.write_text("min_score = 5\n")
    with engine.connect() as conn:
        ranking = debrief_candidates(conn, operator, FEB, load_rules(override))
    assert [(c.operation_ref, c.score) for c in ranking.candidates] == [("C1", 5)]
    assert ranking.candidates[0].reasons == ["organised crime group involved", "2 child victims"]
    override.write_text("min_score = 1\n[ocg]\nweight = 0\n")
    with engine.connect() as conn:
        ranked = debrief_candidates(conn, operator, FEB, load_rules(override))
    assert [(c.operation_ref, c.score) for c in ranked.candidates] == [("C1", 3)]
    override.write_text("[nonsense]\nweight = 1\n")
    with pytest.raises(InvalidInput, match="unknown rule 'nonsense'"):
        load_rules(override)


def test_a_golden_thread_across_forces_adds_its_weight_until_it_is_dismissed(
    loaded: Engine, operator: Principal
) -> None:
    with loaded.begin() as conn:
        records = [r for r in repo.current_nominals(conn, operator) if r.nominal_ref == "N1"]
        pair = [r for r in records if r.operation_ref in ("C1", "D1")]
        run_id = repo.start_run(conn, operator, {}, repo.utc_now())
        thread_id = repo.new_thread(conn, run_id)
        repo.set_thread(conn, thread_id, key="T-DEBRIEF", n_members=2, n_organisations=2)
        link = repo.PairRow(pair[0].nominal_id, pair[1].nominal_id, "phone", 1.0, None, [])
        repo.save_clusters(conn, run_id, [repo.ClusterRow(pair, [link], thread_id)])
        repo.finish_run(conn, operator, run_id, {"n_threads": 1})
    rules = {**load_rules(), "min_score": 3}
    with loaded.connect() as conn:
        ranked = debrief_candidates(conn, operator, FEB, rules)
    threaded = {c.operation_ref: c.reasons for c in ranked.candidates}
    assert set(threaded) == {"C1", "D1"}  # C2 is in no thread
    assert all("golden thread across forces" in r for r in threaded.values())
    with loaded.begin() as conn:
        repo.review_thread(conn, operator, "T-DEBRIEF", "dismissed", "different people")
    with loaded.connect() as conn:
        assert debrief_candidates(conn, operator, FEB, rules).candidates == []


def test_lessons_full_text_search_stems_ranks_and_scopes(
    loaded: Engine, operator: Principal, force_user: Principal, pcc: Principal
) -> None:
    with loaded.begin() as conn:
        debrief_id = add_debrief(
            conn,
            operator,
            "Cleveland",
            "C1",
            Method.STRUCTURED,
            date(2018, 3, 5),
            "Car wash network; good GLAA liaison",
        )
        add_lesson(
            conn,
            operator,
            "Cleveland",
            date(2018, 3, 6),
            "Early GLAA involvement",
            "Inviting the GLAA to the first planning meeting sped up victim recovery",
            ("partnership",),
            ("GLAA", "car washes"),
            debrief_id,
        )
        add_lesson(
            conn,
            operator,
            "Durham",
            date(2018, 3, 7),
            "Financial investigators",
            "Financial investigation of money transfers identified the controllers",
            ("money flows",),
            ("finance",),
        )
        add_lesson(
            conn,
            operator,
            "Durham",
            date(2018, 4, 2),
            "Recovery planning",
            "Plan the recovery of victims before the day of action",
            ("victim care",),
        )
    with loaded.begin() as conn:
        hits = search_lessons(conn, operator, "victim recovery")  # "victim" also finds "victims"
        own = search_lessons(conn, force_user, "victims")
        money = search_lessons(conn, operator, "transfer")
        with pytest.raises(AccessDenied):
            search_lessons(conn, pcc, "victims")
    assert {h["title"] for h in hits} == {"Early GLAA involvement", "Recovery planning"}
    assert [h["title"] for h in own] == ["Early GLAA involvement"]
    assert [h["organisation"] for h in money] == ["Durham"]


def test_bad_lesson_is_refused_and_nothing_stored(loaded: Engine, operator: Principal) -> None:
    before = row_counts(loaded)
    with pytest.raises(InvalidInput, match="theme: 'gossip'"), loaded.begin() as conn:
        add_lesson(conn, operator, "Cleveland", date(2018, 3, 6), "t", "b", ("gossip",))
    with pytest.raises(InvalidInput, match="search: give at least one word"), loaded.begin() as c:
        search_lessons(c, operator, "  ?! ")
    assert row_counts(loaded) == before


def test_quarterly_lessons_summary(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("MSOPS_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    who = system_principal("loader")
    load(engine, who, "Cleveland", "Cleveland Police", ["C1"])
    with engine.begin() as conn:
        add_lesson(
            conn,
            who,
            "Cleveland",
            date(2018, 2, 6),
            "In quarter",
            "Lesson <one>",
            ("disruption", "partnership"),
        )
        add_lesson(
            conn, who, "Cleveland", date(2018, 4, 1), "Next quarter", "Later", ("disruption",)
        )
    engine.dispose()
    app = typer.Typer()
    app.command()(lessons)
    out = tmp_path / "q1.md"
    result = CliRunner().invoke(app, ["--quarter", "2018-Q1", "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text()
    assert "# Lessons learnt, 2018-Q1" in text and "OFFICIAL-SENSITIVE" in text
    assert "- disruption: 1" in text and "In quarter" in text and "Next quarter" not in text
    html_out = tmp_path / "q1.html"
    assert CliRunner().invoke(app, ["--quarter", "2018-Q1", "--out", str(html_out)]).exit_code == 0
    assert "Lesson &lt;one&gt;" in html_out.read_text()
    bad = CliRunner().invoke(app, ["--quarter", "2018-Q5", "--out", str(out)])
    assert bad.exit_code == 1 and "quarter: '2018-Q5'" in bad.output


def test_quarter_bounds() -> None:
    q = Quarter.parse("2018-q1")
    assert (q.first_day, q.last_day) == (date(2018, 1, 1), date(2018, 3, 31))
    assert Quarter.parse("2018-Q4").last_day == date(2018, 12, 31)
    assert Period(2018, 2)  # periods and quarters are distinct types


def test_a_quarter_outside_the_calendar_is_refused_with_its_rule() -> None:
    assert Quarter.parse("2018-q2").first_day == date(2018, 4, 1)
    for text in ("0000-Q1", "3000-Q4"):
        with pytest.raises(InvalidInput, match="not a quarter of the years 1900 to 2999"):
            Quarter.parse(text)
