"""The thematic profile page: scoped to the viewer, recorded, downloadable as a disclosure."""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from sqlalchemy import select

from msops.store.schema import audit_event
from tests.web.conftest import Site, csrf_of

CAR_WASHES = "/profile?sector=Car+washes"


def summary(html: str) -> str:
    """The profile's first sentence, without its markup."""
    found = re.search(r'<section id="summary">\s*<h2>Summary</h2>\s*<p>(.*?)</p>', html, re.S)
    assert found, "no profile on the page"
    return " ".join(re.sub(r"<[^>]+>", "", found.group(1)).split())


def trail(site: Site, action: str) -> list[tuple[str, str, str | None]]:
    a = audit_event
    with site.engine.connect() as conn:
        rows = conn.execute(
            select(a.c.actor, a.c.object_ref, a.c.detail)
            .where(a.c.action == action, a.c.object_type == "report")
            .order_by(a.c.id)
        ).all()
    return [(r.actor, r.object_ref, r.detail) for r in rows]


@pytest.mark.parametrize(
    ("account", "expected"),
    [
        ("national", "2 operations of England, Wales, Scotland and Northern Ireland"),
        ("regional", "2 operations of North East"),
        ("regional_se", "0 operations of South East"),
        ("force", "2 operations of Cleveland"),
        ("force_kent", "0 operations of Kent"),
        ("partner", "0 operations of GLAA"),
    ],
)
def test_each_viewer_sees_their_own_operations_against_the_nation(
    site: Site, account: str, expected: str
) -> None:
    html = site.client(account).get(CAR_WASHES).text
    assert summary(html).startswith(expected)
    assert "of 2 operations held nationally" in summary(html)
    assert "Popescu" not in html and "Ionescu" not in html
    [(actor, ref, detail)] = trail(site, "consultation")
    assert actor == account and ref.startswith("profile ") and detail == "page"


def test_a_pcc_sees_the_public_version_for_their_area_only(site: Site) -> None:
    html = site.client("pcc").get(CAR_WASHES + "&org=Kent").text
    assert summary(html).startswith("[c] operations of Cleveland")  # 2: suppressed
    assert "chi-square 1" not in html and "Debriefs and lessons" not in html
    assert 'name="audience"' not in html


def test_an_administrator_may_not_open_it(site: Site) -> None:
    assert site.client("admin").get(CAR_WASHES).status_code == 403
    assert site.client(None).get(CAR_WASHES).status_code in (303, 401)


def test_a_mistyped_filter_is_named_and_keeps_what_was_typed(site: Site) -> None:
    answer = site.client("national").get("/profile?sector=Car+wshes&location=TS1")
    assert answer.status_code == 400
    assert "did you mean &#39;Car washes&#39;" in answer.text
    assert 'value="TS1"' in answer.text
    assert trail(site, "consultation") == []


def test_a_download_is_a_disclosure_with_purpose_and_recipient(site: Site) -> None:
    client = site.client("force")
    page = client.get(CAR_WASHES).text
    form = {
        "csrf_token": csrf_of(page),
        "sector": "Car washes",
        "format": "zip",
        "audience": "internal",
        "purpose": "tasking meeting",
        "recipient": "force intelligence bureau",
    }
    answer = client.post("/profile/download", data=form)
    assert answer.status_code == 200, answer.text
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert "summary.csv" in names and "routes.csv" in names
    [(actor, ref, detail)] = trail(site, "disclosure")
    assert actor == "force" and "Cleveland" in ref and "audience internal" in (detail or "")
    refused = client.post("/profile/download", data={**form, "csrf_token": "forged"})
    assert refused.status_code == 403 and len(trail(site, "disclosure")) == 1


def test_a_theme_saved_on_the_page_is_shared_by_the_force_only(site: Site) -> None:
    client = site.client("force")
    page = client.get(CAR_WASHES + "&location=TS1").text
    form = {"csrf_token": csrf_of(page), "name": "Teesside car washes"}
    form |= {"sector": "Car washes", "location": "TS1"}
    answer = client.post("/profile/save", data=form)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/profile?theme=Teesside+car+washes"
    shown = client.get(answer.headers["location"]).text
    assert summary(shown).startswith("2 operations of Cleveland")
    assert "Teesside car washes" in site.client("force").get("/profile").text
    assert "Teesside car washes" not in site.client("force_kent").get("/profile").text
    assert site.client("pcc").post("/profile/save", data=form).status_code == 403
    a = audit_event
    with site.engine.connect() as conn:
        saved = conn.execute(
            select(a.c.actor, a.c.action, a.c.object_ref).where(a.c.object_type == "profile theme")
        ).all()
    assert [tuple(r) for r in saved] == [("force", "collection", "Cleveland: Teesside car washes")]
