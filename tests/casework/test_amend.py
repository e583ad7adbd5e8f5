"""Amending a debrief, a lesson and a peer review: a new version with the reason, the earlier one
kept, the same rules as when recording, only by whoever may record it; on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli.casework.debriefs import debrief
from msops.domain.casework.debriefs import Method
from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal
from msops.store.casework.common import record_history
from msops.store.casework.debriefs import (
    LessonChange,
    add_debrief,
    add_lesson,
    amend_debrief,
    amend_lesson,
    search_lessons,
)
from msops.store.casework.peer_reviews import add_review, amend_review, show_review
from msops.store.schema import audit_event
from tests.casework.test_peer_reviews import CRITERIA, NORTH_EAST, cli_db, review, run
from tests.conftest import row_counts

__all__ = ["cli_db"]  # the fixture, shared with the peer review tests


def lesson(engine: Engine, who: Principal) -> int:
    with engine.begin() as conn:
        return add_lesson(
            conn,
            who,
            "Cleveland",
            date(2018, 3, 6),
            "Early GLAA involvement",
            "Inviting the GLAA to the first planning meeting sped up victim recovery",
            ("partnership",),
            ("GLAA",),
        )


def amendments(engine: Engine, register: str) -> list[tuple[str, str | None, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_event.c.action, audit_event.c.purpose, audit_event.c.detail).where(
                audit_event.c.object_type == register
            )
        ).all()
    return [(r[0], r[1], r[2]) for r in rows]


def test_a_lesson_is_amended_searchable_as_amended_and_its_first_version_kept(
    loaded: Engine, operator: Principal
) -> None:
    lesson_id = lesson(loaded, operator)
    change = LessonChange(body="Inviting the HMRC minimum wage team early found the payroll fraud")
    with loaded.begin() as conn:
        assert amend_lesson(conn, operator, lesson_id, "wrong partner named", change) == 2
    with loaded.begin() as conn:
        assert [r["id"] for r in search_lessons(conn, operator, "payroll")] == [lesson_id]
        assert search_lessons(conn, operator, "recovery") == []
        history = record_history(conn, "lesson", lesson_id)
    assert [(h["version"], h["change"]) for h in history] == [(1, "recorded"), (2, "amended")]
    assert "victim recovery" in history[0]["snapshot"]["body"]
    assert history[1]["snapshot"]["title"] == "Early GLAA involvement"  # untouched fields stay
    assert ("alteration", "wrong partner named", "amended v2") in amendments(loaded, "lesson")


def test_amendments_follow_the_recording_rules_and_change_nothing_when_refused(
    loaded: Engine, operator: Principal, durham_user: Principal
) -> None:
    lesson_id = lesson(loaded, operator)
    before = row_counts(loaded)
    cases: list[tuple[Principal, LessonChange, str, type[Exception], str]] = [
        (operator, LessonChange(title="  "), "typo", InvalidInput, "title"),
        (operator, LessonChange(), "typo", InvalidInput, "say what to change"),
        (operator, LessonChange(title="Better"), " ", InvalidInput, "reason"),
        (durham_user, LessonChange(title="Better"), "typo", AccessDenied, "Cleveland"),
    ]
    for who, change, reason, error, message in cases:
        with pytest.raises(error, match=message), loaded.begin() as conn:
            amend_lesson(conn, who, lesson_id, reason, change)
    with pytest.raises(NotFound, match="there is no lesson 999"), loaded.begin() as conn:
        amend_lesson(conn, operator, 999, "typo", LessonChange(title="Better"))
    assert row_counts(loaded) == before


def test_a_debrief_is_amended_with_a_new_version(loaded: Engine, operator: Principal) -> None:
    with loaded.begin() as conn:
        debrief_id = add_debrief(
            conn, operator, "Cleveland", "C1", Method.STRUCTURED, date(2018, 3, 5), "Car washes"
        )
        version = amend_debrief(
            conn, operator, debrief_id, "date mistyped", on=date(2018, 3, 7), method=Method.HOT
        )
        history = record_history(conn, "debrief", debrief_id)
    assert version == 2
    assert [h["snapshot"]["debriefed_on"] for h in history] == ["2018-03-05", "2018-03-07"]
    assert history[1]["snapshot"]["findings"] == "Car washes"


def test_a_peer_review_is_re_rated_by_the_regional_analyst_not_by_the_force(
    loaded: Engine, operator: Principal, force_user: Principal
) -> None:
    with loaded.begin() as conn:
        review_id = add_review(conn, NORTH_EAST, "Cleveland", "C1", review())
    before = row_counts(loaded)
    refused: list[tuple[Principal, dict[str, str], dict[str, str], type[Exception], str]] = [
        (NORTH_EAST, {"ancillary_orders": "inadequate"}, {}, InvalidInput, "needs findings"),
        (NORTH_EAST, {"ancillary_orders": "superb"}, {}, InvalidInput, "not on the scale"),
        (NORTH_EAST, {}, {}, InvalidInput, "say what to change"),
        (force_user, {"ancillary_orders": "good"}, {}, AccessDenied, "may not record"),
    ]
    for who, ratings, findings, error, message in refused:
        with pytest.raises(error, match=message), loaded.begin() as conn:
            amend_review(conn, who, review_id, "second look", ratings, findings)
    assert row_counts(loaded) == before

    findings = {"ancillary_orders": "No STRO was sought though the evidence allowed it"}
    with loaded.begin() as conn:
        version = amend_review(
            conn, NORTH_EAST, review_id, "file read again", {"ancillary_orders": "inadequate"},
            findings,
        )  # fmt: skip
    assert version == 2
    with loaded.begin() as conn:
        shown = show_review(conn, operator, review_id)
    rated = {r["criterion"]: (r["rating"], r["findings"]) for r in shown["ratings"]}
    assert rated["ancillary_orders"] == ("inadequate", findings["ancillary_orders"])
    assert rated["victim_safeguarding"] == ("good", None)  # the other ratings stand
    first, second = shown["history"]
    assert {r["rating"] for r in first["snapshot"]["ratings"]} == {"good"}
    assert second["change"] == "amended"
    assert ("alteration", "file read again", "amended v2") in amendments(loaded, "peer_review")


def test_amend_on_the_command_line(cli_db: None) -> None:
    rates = [f"--rate={c}=good" for c in CRITERIA]
    base = ["add", "--org", "Cleveland", "--operation", "C1", "--date", "2018-03-01"]
    assert run(*base, "--reviewer", "DS Peer", *rates).exit_code == 0
    refused = run("amend", "1", "--reason", "second look", "--rate", "ancillary_orders=inadequate")
    assert refused.exit_code == 1 and "ancillary_orders rated inadequate needs findings" in (
        refused.output
    )
    done = run(
        "amend", "1", "--reason", "second look", "--rate", "ancillary_orders=inadequate",
        "--finding", "ancillary_orders=No STRO sought",
    )  # fmt: skip
    assert done.exit_code == 0 and "peer review 1 amended (version 2)" in done.output
    assert "No STRO sought" in run("show", "1").output
    debriefs = CliRunner()
    recorded = debriefs.invoke(
        debrief,
        ["lesson", "--org", "Cleveland", "--title", "Early GLAA", "--text", "Call the GLAA",
         "--theme", "partnership", "--date", "2018-03-06"],
    )  # fmt: skip
    assert recorded.exit_code == 0, recorded.output
    amended = debriefs.invoke(
        debrief, ["amend-lesson", "1", "--reason", "typo", "--title", "Early GLAA liaison"]
    )
    assert amended.exit_code == 0 and "lesson 1 amended (version 2)" in amended.output
