"""Golden threads in the browser and the API, after a real link run over the hand-built picture
of tests/linkage/people_returns.py: Lan is named by Cleveland, Durham and the Met; a namesake by
Kent; a man by the Met and the GLAA."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from msops.domain.principal import Principal, Role
from msops.linkage.matcher import MatcherConfig
from msops.linkage.run import RUN_THRESHOLD, run_linkage
from msops.store.schema import audit_event
from tests.builders import nationalities, operation
from tests.conftest import row_counts
from tests.linkage.people_returns import load, national_picture
from tests.web.conftest import Site


@pytest.fixture
def linked(site: Site) -> Site:
    analyst = Principal("insight.analyst", Role.NATIONAL_ANALYST)
    picture = national_picture()
    # the site's January return has CL-001 and CL-002 live: February closes them (no people)
    for ref in ("CL-001", "CL-002"):
        picture["Cleveland"]["operations"].append(
            operation(
                ref, status="Closed", closed_date="2018-02-10", disruption_outcome="Convicted"
            )
        )
        picture["Cleveland"]["nationalities"] += nationalities(ref)
    load(site.engine, Principal("seed", Role.SYSTEM), picture)
    with site.engine.begin() as conn:
        run_linkage(conn, analyst, MatcherConfig(seed=7, threshold=RUN_THRESHOLD))
    return site


def lan_thread(html: str) -> str:
    keys = set(re.findall(r'href="/threads/(t[0-9a-f]{16})"', html))
    assert len(keys) == 1, keys
    return keys.pop()


def audit_actions(engine: Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_event).order_by(audit_event.c.id))
        return [(r.action, r.actor, r.purpose) for r in rows if r.object_type == "link_thread"]


def test_a_force_user_finds_the_alert_reviews_the_thread_and_it_clears(linked: Site) -> None:
    force = linked.client("force")  # Cleveland
    home = force.get("/").text
    assert "1 golden thread waits for a review" in home
    listing = force.get("/threads").text
    assert "Alerts waiting for a review (1)" in listing
    key = lan_thread(listing)
    assert "Cleveland, Durham, Metropolitan" in listing

    page = force.get(f"/threads/{key}").text
    assert "Cleveland/C1/LAN" in page and "Durham/D1/LAN" in page and "Metropolitan/M1/LAN" in page
    assert "day and month swapped" in page  # the evidence in words
    assert "same phone number (exact identifier link; value not shown)" in page
    assert "Nguyễn" not in page and "07700" not in page  # no names, no identifier values

    people = force.post(
        f"/threads/{key}/people", data={"purpose": "safeguarding visit", "csrf_token": csrf(force)}
    )
    assert people.status_code == 200 and "Nguyễn" in people.text

    before = row_counts(linked.engine)
    blank = force.post(
        f"/threads/{key}/review",
        data={"judgement": "confirmed", "reason": "  ", "csrf_token": csrf(force)},
    )
    assert blank.status_code == 400 and "give a reason for the judgement" in blank.text
    after = row_counts(linked.engine)
    # no judgement stored; the thread shown again with the message is itself a consultation
    assert after.pop("audit_event") == before.pop("audit_event") + 1
    assert after == before

    done = force.post(
        f"/threads/{key}/review",
        data={
            "judgement": "confirmed",
            "reason": "same phone, same DOB",
            "csrf_token": csrf(force),
        },
    )
    assert done.status_code == 303 and done.headers["location"] == f"/threads/{key}"
    page = force.get(f"/threads/{key}").text
    assert '<strong id="status">confirmed</strong>' in page and "same phone, same DOB" in page
    assert "Alerts waiting for a review (0)" in force.get("/threads").text
    assert "golden thread" not in force.get("/").text
    regional = linked.client("regional").get("/api/threads/alerts").json()  # North East
    assert regional == []  # the judgement cleared Durham's alert as well
    assert audit_actions(linked.engine) == [
        ("consultation", "force", None),  # the thread page without names
        ("consultation", "force", "safeguarding visit"),  # with names, for a purpose
        ("consultation", "force", None),  # shown again with the blank reason's message
        ("alteration", "force", "same phone, same DOB"),
        ("consultation", "force", None),  # the page after the judgement
    ]


def csrf(client: TestClient) -> str:
    return str(client.headers["X-CSRF-Token"])


def test_the_operation_page_links_to_its_thread(linked: Site) -> None:
    force = linked.client("force")
    key = lan_thread(force.get("/threads").text)
    page = force.get("/operations/Cleveland/C1").text
    assert f'href="/threads/{key}"' in page
    other = force.get("/operations/Cleveland/C2").text
    assert "No golden thread joins this operation" in other


def test_threads_stay_within_scope(linked: Site) -> None:
    national = linked.client("national").get("/api/threads").json()
    assert sorted(t["organisations"] for t in national) == [
        "Cleveland, Durham, Metropolitan",
        "GLAA, Metropolitan",
    ]
    key = next(t["thread"] for t in national if t["organisations"].startswith("Cleveland"))
    kent = linked.client("force_kent")  # Kent holds only a namesake of Lan
    assert kent.get("/api/threads").json() == []
    assert kent.get(f"/threads/{key}").status_code == 404
    assert kent.get(f"/api/threads/{key}").status_code == 404
    partner = linked.client("partner").get("/api/threads").json()  # GLAA
    assert [t["organisations"] for t in partner] == ["GLAA, Metropolitan"]
    pcc = linked.client("pcc")
    assert pcc.get("/threads").status_code == 403
    assert pcc.get(f"/api/threads/{key}").status_code == 403


def test_the_api_explains_and_reviews_a_thread(linked: Site) -> None:
    api = linked.client("national")
    key = next(
        t["thread"] for t in api.get("/api/threads").json() if "Durham" in t["organisations"]
    )
    plain = api.get(f"/api/threads/{key}").json()
    assert plain["status"] == "new" and "given_name" not in plain["members"][0]
    assert any("day and month swapped" in line for link in plain["links"] for line in link["why"])
    bad = api.post(f"/api/threads/{key}/review", json={"judgement": "maybe", "reason": "x"})
    assert bad.status_code == 422
    named = api.post(f"/api/threads/{key}/people", json={"purpose": "joint tasking"}).json()
    assert {m["family_name"] for m in named["members"]} >= {"Nguyễn"}
    answer = api.post(
        f"/api/threads/{key}/review", json={"judgement": "dismissed", "reason": "different DOBs"}
    )
    assert answer.status_code == 200 and answer.json()["status"] == "dismissed"
    assert [j["judgement"] for j in answer.json()["judgements"]] == ["dismissed"]
    assert [t["thread"] for t in api.get("/api/threads?status=dismissed").json()] == [key]


def test_a_thread_viewed_without_names_is_recorded_as_a_consultation(linked: Site) -> None:
    client = linked.client("national")
    key = client.get("/api/threads").json()[0]["thread"]
    for path in (f"/threads/{key}", f"/api/threads/{key}"):
        assert client.get(path).status_code == 200
    found = client.get("/api/audit", params={"ref": key, "action": "consultation"}).json()
    views = [e for e in found if e["object_type"] == "link_thread"]
    assert len(views) == 2 and all("without names" in e["detail"] for e in views)
