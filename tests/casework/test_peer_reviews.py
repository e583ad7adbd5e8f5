"""Peer reviews: the criteria rules, confidentiality to the force reviewed, the national summary
with anonymised findings and disclosure control for the public audience."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.analytics.casework.peer_reviews import review_summary
from msops.analytics.tables import Audience
from msops.cli.casework.peer_reviews import peer_review
from msops.domain.casework.peer_reviews import (
    CriteriaSet,
    Redactions,
    ReviewInput,
    anonymise,
    criteria_set,
    review_input,
)
from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal, Role, system_principal
from msops.reports.documents import render_reviews
from msops.store.casework.peer_reviews import add_review, list_reviews, show_review
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.schema import audit_event
from tests.casework.conftest import load
from tests.conftest import row_counts

CRITERIA = (
    "victim_safeguarding",
    "investigation_planning",
    "intelligence_partnership",
    "ancillary_orders",
    "nrm_duty_to_notify",
    "disruption_prosecution",
)
NORTH_EAST = Principal("ra.ne", Role.REGIONAL_ANALYST, region="North East")
LONDON = Principal("ra.london", Role.REGIONAL_ANALYST, region="London")


def review(
    ratings: dict[str, str] | None = None, findings: dict[str, str] | None = None
) -> ReviewInput:
    given = {c: "good" for c in CRITERIA} | (ratings or {})
    return review_input(date(2018, 3, 1), ["DI Reviewer (Durham)"], given, findings or {})


def audit_refs(engine: Engine, action: str) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(audit_event.c.object_ref, audit_event.c.purpose).where(
                audit_event.c.object_type == "peer_review", audit_event.c.action == action
            )
        ).all()
    return [(r[0], r[1]) for r in rows]


def test_shipped_criteria_are_the_working_set() -> None:
    c = criteria_set()
    assert c.criterion_codes == CRITERIA
    assert c.rating_codes == ("good", "requires_improvement", "inadequate", "not_applicable")
    assert "working set" in c.status


def test_review_is_stored_with_ratings_history_and_audit(
    loaded: Engine, operator: Principal
) -> None:
    findings = {"investigation_planning": "No written plan until month three."}
    with loaded.begin() as conn:
        review_id = add_review(
            conn,
            operator,
            "Cleveland Police",
            "C1",
            review({"investigation_planning": "inadequate"}, findings),
        )
    with loaded.begin() as conn:
        shown = show_review(conn, operator, review_id)
    assert (shown["organisation"], shown["operation_ref"]) == ("Cleveland", "C1")
    assert shown["reviewers"] == ["DI Reviewer (Durham)"]
    rated = {r["criterion"]: (r["rating"], r["findings"]) for r in shown["ratings"]}
    assert rated["investigation_planning"] == ("inadequate", "No written plan until month three.")
    assert rated["victim_safeguarding"] == ("good", None)
    assert len(rated) == 6
    (version,) = shown["history"]
    assert version["version"] == 1 and len(version["snapshot"]["ratings"]) == 6
    assert (f"Cleveland/peer_review/{review_id}", None) in audit_refs(loaded, "collection")
    assert (f"Cleveland/peer_review/{review_id}", None) in audit_refs(loaded, "consultation")


def _bad_inputs() -> list[tuple[dict[str, Any], str]]:
    return [
        ({"rate": {"victim_safeguarding": None}}, "rating: every criterion is rated"),
        (
            {"rate": {"ancillary_orders": "outstanding"}},
            "rating: 'outstanding' for ancillary_orders",
        ),
        (
            {"rate": {"ancillary_orders": "inadequate"}},
            "findings: ancillary_orders rated inadequate",
        ),
        ({"rate": {"victims": "good"}}, "rating: 'victims' is not a criterion"),
        ({"findings": {"planning": "x"}}, "findings: 'planning' is not a criterion"),
        ({"reviewers": ["  "]}, "reviewer: name at least one reviewer"),
    ]


@pytest.mark.parametrize(("change", "message"), _bad_inputs())
def test_bad_review_names_the_field_and_rule(change: dict[str, Any], message: str) -> None:
    ratings: dict[str, str] = {c: "good" for c in CRITERIA}
    for key, value in change.get("rate", {}).items():
        if value is None:
            del ratings[key]
        else:
            ratings[key] = value
    with pytest.raises(InvalidInput, match="^" + message.replace("(", r"\(")):
        review_input(
            date(2018, 3, 1),
            change.get("reviewers", ["A"]),
            ratings,
            change.get("findings", {}),
        )


def test_investigation_must_be_in_current_returns_of_a_force(
    loaded: Engine, operator: Principal
) -> None:
    # Cleveland's February return is replaced by one without C2: C2 is no longer current.
    load(loaded, operator, "Cleveland", "Cleveland Police", ["C1"])
    before = row_counts(loaded)
    for org, ref, error, message in (
        (
            "Cleveland",
            "C2",
            NotFound,
            "operation: Cleveland has no operation .*'C2' in its current",
        ),
        ("Cleveland", "D1", NotFound, "operation: Cleveland has no operation"),
        ("NERSOU", "C1", InvalidInput, "org: NERSOU is not a police force"),
        ("GLAA", "C1", InvalidInput, "org: GLAA is not a police force"),
    ):
        with pytest.raises(error, match=message), loaded.begin() as conn:
            add_review(conn, operator, org, ref, review())
    assert row_counts(loaded) == before


def test_reviews_are_confidential_to_the_force_reviewed(
    loaded: Engine,
    operator: Principal,
    force_user: Principal,
    durham_user: Principal,
    pcc: Principal,
) -> None:
    with loaded.begin() as conn:
        review_id = add_review(conn, operator, "Cleveland", "C1", review())
        add_review(conn, NORTH_EAST, "Durham", "D1", review())
    with loaded.begin() as conn:
        assert [r["organisation"] for r in list_reviews(conn, force_user)] == ["Cleveland"]
        assert [r["organisation"] for r in list_reviews(conn, durham_user)] == ["Durham"]
        assert len(list_reviews(conn, NORTH_EAST)) == 2
        assert list_reviews(conn, LONDON) == []
        assert show_review(conn, force_user, review_id)["operation_ref"] == "C1"
    for who in (durham_user, LONDON):
        with pytest.raises(NotFound, match="no review"), loaded.begin() as conn:
            show_review(conn, who, review_id)
    with pytest.raises(AccessDenied), loaded.begin() as conn:
        list_reviews(conn, durham_user, "Cleveland")
    partner = Principal("glaa", Role.PARTNER_USER, organisation="GLAA")
    with loaded.begin() as conn:
        assert list_reviews(conn, partner) == []
    before = row_counts(loaded)
    for who in (pcc, Principal("admin", Role.ADMIN)):
        with pytest.raises(AccessDenied, match="personal data"), loaded.begin() as conn:
            list_reviews(conn, who)
    # The force reviewed and analysts of another region do not record reviews.
    for who in (force_user, LONDON):
        with pytest.raises(AccessDenied, match="may not record"), loaded.begin() as conn:
            add_review(conn, who, "Cleveland", "C1", review())
    assert row_counts(loaded) == before


def test_summary_counts_ratings_and_strips_names_from_findings(
    loaded: Engine, operator: Principal, force_user: Principal
) -> None:
    text = (
        "Cleveland Police ran Operation C1 (ref C1) with Durham Constabulary and the GLAA;"
        " North East ROCU support was late."
    )
    with loaded.begin() as conn:
        add_review(
            conn,
            operator,
            "Cleveland",
            "C1",
            review({"ancillary_orders": "inadequate"}, {"ancillary_orders": text}),
        )
        add_review(
            conn,
            operator,
            "Durham",
            "D1",
            review(
                {
                    "ancillary_orders": "requires_improvement",
                    "nrm_duty_to_notify": "not_applicable",
                },
                {"ancillary_orders": "No STRO considered in Durham."},
            ),
        )
    with loaded.begin() as conn:
        summary = review_summary(conn, operator)
    rows = {r["criterion"]: r for r in summary.rows()}
    assert rows["Use of ancillary orders"] == {
        "criterion": "Use of ancillary orders",
        "good": "0",
        "requires_improvement": "1",
        "inadequate": "1",
        "not_applicable": "0",
        "total": "2",
    }
    assert rows["NRM and duty to notify"]["good"] == "1"
    assert rows["NRM and duty to notify"]["not_applicable"] == "1"
    texts = [f.text for f in summary.findings]
    assert texts == [
        "No STRO considered in [force].",
        "[force] ran [operation] (ref [operation]) with [force] and the GLAA;"
        " [region] ROCU support was late.",
    ]
    document = render_reviews(summary, "md")
    for name in ("Cleveland", "Durham", "C1", "D1", "North East"):
        assert name not in document
    # A force user's summary covers its own reviews only.
    with loaded.begin() as conn:
        own = review_summary(conn, force_user)
    assert own.scope == "Cleveland" and own.reviews == 1


def test_public_summary_is_disclosure_controlled_without_findings(
    loaded: Engine, operator: Principal
) -> None:
    with loaded.begin() as conn:
        for i in range(14):  # 14 reviews: planning 11 good and 3 requiring improvement
            rating = "requires_improvement" if i < 3 else "good"
            add_review(
                conn,
                operator,
                "Cleveland",
                "C1",
                review({"investigation_planning": rating}, {"investigation_planning": f"note {i}"}),
            )
    before = row_counts(loaded)
    with pytest.raises(InvalidInput, match="purpose"), loaded.begin() as conn:
        review_summary(conn, operator, Audience.PUBLIC)
    assert row_counts(loaded) == before
    with loaded.begin() as conn:
        public = review_summary(conn, operator, Audience.PUBLIC, purpose="annual report")
    rows = {r["criterion"]: r for r in public.rows()}
    planning = rows["Investigation planning and supervision"]
    # 3 is suppressed; 11 would then be 14 - 3 from the total, so it is suppressed too.
    assert planning["requires_improvement"] == "[c]"
    assert planning["good"] == "[c]"
    assert planning["total"] == "15"  # 14 rounded to the nearest 5
    assert rows["Victim identification and safeguarding"]["good"] == "15"
    assert public.findings == ()
    assert public.reviews_released() == "15"
    assert "note" not in render_reviews(public, "md")
    assert ("summary", "annual report") in audit_refs(loaded, "disclosure")


runner = CliRunner()


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("MSOPS_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    load(engine, system_principal("loader"), "Cleveland", "Cleveland Police", ["C1"])
    engine.dispose()


def run(*args: str) -> Any:
    return runner.invoke(peer_review, list(args), catch_exceptions=False)


def test_cli_add_list_show_summary(cli_db: None, tmp_path: Path) -> None:
    rates = [f"--rate={c}=good" for c in CRITERIA[:-1]]
    base = ["add", "--org", "Cleveland", "--operation", "C1", "--date", "2018-03-01"]
    refused = run(*base, "--reviewer", "DS Peer", *rates)
    assert refused.exit_code == 1
    assert "rating: every criterion is rated" in refused.output
    assert "disruption_prosecution" in refused.output
    added = run(
        *base,
        "--reviewer",
        "DS Peer",
        *rates,
        "--rate",
        "disruption_prosecution=Requires improvement",
        "--finding",
        "disruption_prosecution=Cleveland did not use civil orders",
    )
    assert added.exit_code == 0, added.output
    assert "peer review 1 recorded" in added.output
    listed = json.loads(run("list", "--format", "json").output)
    assert listed[0]["ratings"] == "good 5, requires_improvement 1"
    shown = run("show", "1")
    assert "Cleveland did not use civil orders" in shown.output
    out = tmp_path / "summary.md"
    written = run("summary", "--out", str(out))
    assert written.exit_code == 0, written.output
    assert "[force] did not use civil orders" in out.read_text(encoding="utf-8")
    assert run("summary", "--out", str(tmp_path / "x.pdf")).exit_code == 1


def test_anonymise_respects_word_boundaries_and_named_operations() -> None:
    strip = Redactions(("Cleveland Police", "Cleveland"), ("North East",), ("C1",))
    text = "Op Aurora and Operation Kestrel-2 by cleveland police; C1 and C12 in the north east."
    assert anonymise(text, strip) == (
        "[operation] and [operation] by [force]; [operation] and C12 in the [region]."
    )


def test_summary_counts_only_the_current_criteria_version(
    loaded: Engine, operator: Principal
) -> None:
    current = criteria_set()
    old = CriteriaSet("old-1", "retired", current.scale, current.criteria[:1])
    with loaded.begin() as conn:
        add_review(conn, operator, "Cleveland", "C1", review())
        retired = review_input(date(2017, 6, 1), ["A"], {CRITERIA[0]: "good"}, {}, old)
        add_review(conn, operator, "Cleveland", "C1", retired)
    with loaded.begin() as conn:
        summary = review_summary(conn, operator)
    assert (summary.reviews, summary.other_versions) == (1, 1)
    assert summary.rows()[0]["good"] == "1"
