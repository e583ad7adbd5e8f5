"""Peer reviews, the action plan, the lessons search and the new lists, as a user sees them."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from msops.domain.casework.action_plan import Rag
from msops.domain.casework.peer_reviews import review_input
from msops.domain.principal import Principal, Role
from msops.store.casework.action_plan import assess
from msops.store.casework.debriefs import add_lesson
from msops.store.casework.peer_reviews import add_review
from msops.store.schema import audit_event
from tests.web.conftest import Site

SYSTEM = Principal("seed", Role.SYSTEM)
RATINGS = {
    "victim_safeguarding": "good",
    "investigation_planning": "inadequate",
    "intelligence_partnership": "good",
    "ancillary_orders": "good",
    "nrm_duty_to_notify": "good",
    "disruption_prosecution": "not_applicable",
}


def _review(site: Site) -> int:
    review = review_input(
        date(2018, 2, 1),
        ["DI A. Peer"],
        RATINGS,
        {"investigation_planning": "Cleveland Police kept no plan for CL-001"},
    )
    with site.engine.begin() as conn:
        return add_review(conn, SYSTEM, "Cleveland", "CL-001", review)


def test_a_review_is_seen_by_its_force_and_not_by_another(site: Site) -> None:
    review_id = _review(site)
    page = site.client("force").get(f"/casework/peer-reviews/{review_id}")
    assert page.status_code == 200
    assert "Cleveland Police kept no plan for CL-001" in page.text and "Inadequate" in page.text
    listing = site.client("regional").get("/casework/peer-reviews").text
    assert f'href="/casework/peer-reviews/{review_id}"' in listing
    assert site.client("force_kent").get(f"/casework/peer-reviews/{review_id}").status_code == 404
    assert "CL-001" not in site.client("force_kent").get("/casework/peer-reviews").text
    assert site.client("pcc").get(f"/casework/peer-reviews/{review_id}").status_code == 403


def test_the_summary_shows_findings_without_force_or_operation(site: Site) -> None:
    _review(site)
    page = site.client("national").get("/casework/peer-reviews/summary").text
    assert "[force] kept no plan for [operation]" in page
    assert "Cleveland" not in page.split("<main ")[1]
    api = site.client("national").get("/api/casework/peer-reviews/summary").json()
    assert api["reviews"] == 1 and api["findings"][0]["text"].startswith("[force]")


def test_the_public_summary_download_needs_a_purpose_and_is_a_disclosure(site: Site) -> None:
    _review(site)
    client = site.client("national")
    token = client.headers["X-CSRF-Token"]
    form = {"audience": "public", "csrf_token": token}
    assert client.post("/casework/peer-reviews/summary", data=form).status_code == 400
    answer = client.post("/casework/peer-reviews/summary", data={**form, "purpose": "annual"})
    assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
    assert "kept no plan" not in answer.text  # no finding texts in the public version
    with site.engine.connect() as conn:
        actions = conn.execute(
            select(audit_event.c.action).where(audit_event.c.purpose == "annual")
        ).all()
    assert [a[0] for a in actions] == ["disclosure"]


def test_the_action_plan_page_shows_movement_and_the_download_is_a_disclosure(
    site: Site,
) -> None:
    with site.engine.begin() as conn:
        assess(conn, SYSTEM, "Cleveland", "AP01", Rag.RED, date(2018, 1, 5), "ACC", "none yet")
        assess(conn, SYSTEM, "Cleveland", "AP01", Rag.GREEN, date(2018, 2, 5), "ACC", "done")
        assess(conn, SYSTEM, "Durham", "AP01", Rag.AMBER, date(2018, 2, 5), "ACC", "started")
    client = site.client("force")
    page = client.get("/casework/action-plan").text
    assert "Position of Cleveland" in page and "improved" in page
    assert "Durham" not in page  # other forces are counted, never named
    position = client.get("/api/casework/action-plan/position").json()
    assert position[0]["rag"] == "green" and position[0]["previous"] == "red"
    answer = client.post(
        "/casework/action-plan/position",
        data={"purpose": "board", "format": "md", "csrf_token": client.headers["X-CSRF-Token"]},
    )
    assert answer.status_code == 200
    assert answer.text.startswith("<!-- OFFICIAL-SENSITIVE -->") and "| AP01 |" in answer.text
    with site.engine.connect() as conn:
        ref = conn.execute(
            select(audit_event.c.object_ref).where(
                audit_event.c.action == "disclosure", audit_event.c.purpose == "board"
            )
        ).scalar_one()
    assert ref == "Cleveland/position"
    assert site.client("force_kent").get("/casework/action-plan?org=Cleveland").status_code == 200
    kent = site.client("force_kent").get("/casework/action-plan?org=Cleveland").text
    assert "Position of Kent" in kent  # a force user sees their own force, whatever they ask


def test_the_lessons_search_finds_stemmed_words_in_scope(site: Site) -> None:
    with site.engine.begin() as conn:
        add_lesson(
            conn,
            SYSTEM,
            "Cleveland",
            date(2018, 2, 1),
            "Safeguarding at car washes",
            "Visiting washes with interpreters found more victims",
            ("victim care",),
        )
        add_lesson(
            conn, SYSTEM, "Kent", date(2018, 2, 2), "Kent lesson", "Interpreters", ("partnership",)
        )
    page = site.client("force").get("/casework/lessons", params={"q": "interpreter"}).text
    assert "Safeguarding at car washes" in page and "Kent lesson" not in page
    latest = site.client("national").get("/casework/lessons").text
    assert latest.index("Kent lesson") < latest.index("Safeguarding at car washes")
    found = site.client("force").get("/api/casework/lessons", params={"q": "visit"}).json()
    assert [r["title"] for r in found] == ["Safeguarding at car washes"]


def test_the_openapi_schema_describes_the_casework_endpoints(site: Site) -> None:
    paths = site.client(None).get("/openapi.json").json()["paths"]
    for path in (
        "/api/casework/orders",
        "/api/casework/nrm-referrals",
        "/api/casework/lessons",
        "/api/casework/peer-reviews",
        "/api/casework/action-plan/assessments",
    ):
        assert "post" in paths[path], path
    body = paths["/api/casework/orders"]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"]["$ref"].endswith("/OrderIn")
    assert not any(p.startswith("/casework") for p in paths)  # pages stay out of the API
