"""The force map: every force area has a tile, rates are right, scope holds, links open."""

from __future__ import annotations

import csv
import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import Engine

from msops.domain.principal import Principal, Role
from msops.domain.reference import organisations
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from tests.builders import operation, valid_return
from tests.web.conftest import PERIOD, Site

# The ONS estimates as published (the copy force performance reads), not the map's own table
ENGLAND = (
    Path(__file__).resolve().parents[2]
    / "src/msops/analytics/data/population_england_police_force_areas_2009_2019.csv"
)
KENT_LIVE, KENT_CLOSED = 12, 2  # besides Cleveland's two live operations (tests/web/conftest.py)
CLOSED = {
    "status": "Closed",
    "closed_date": "2018-01-20",
    "disruption_outcome": "Charged and prosecuted",
}


def add_kent(engine: Engine) -> None:
    rows = valid_return(*(f"KT-{i:03d}" for i in range(KENT_LIVE + KENT_CLOSED)))
    rows["operations"] = [
        operation(
            r["operation_ref"],
            lead_org="Kent Police",
            **(CLOSED if i >= KENT_LIVE else {}),
        )
        for i, r in enumerate(rows["operations"])
    ]
    raw = RawReturn.from_rows("kent.csv", rows)
    result = submit_raw(engine, Principal("seed", Role.SYSTEM), raw, "Kent", PERIOD, "kent")
    assert result.outcome == Outcome.ACCEPTED, [str(i) for i in result.issues][:3]


@pytest.fixture
def site(site: Site) -> Site:
    add_kent(site.engine)
    return site


def titles(html: str) -> dict[str, str]:
    """Each area's hover text, by organisation: '<name>: ...'."""
    found = re.findall(r'<g class="area" data-org="[^"]+"><title>([^<]*)</title>', html)
    return {unescape(t).split(": ", 1)[0]: unescape(t).split(": ", 1)[1] for t in found}


def test_every_force_area_has_a_tile_and_the_rest_are_beside(site: Site) -> None:
    page = site.client("national").get("/map").text
    shown = titles(page)
    assert set(shown) == {o.name for o in organisations()}
    forces = [o for o in organisations() if o.kind in ("territorial_force", "devolved_force")]
    assert len(forces) == 45  # 43 in England and Wales, Police Scotland, PSNI
    hexes = re.findall(r'<g class="area" data-org="([^"]+)"><title>[^<]*</title><polygon', page)
    assert len(hexes) == 45 and "btp" not in hexes and "nca" not in hexes


def _english_residents(force: str) -> int:
    with ENGLAND.open(encoding="utf-8") as f:
        latest = max(csv.DictReader(f), key=lambda r: int(r["year"]))
    return int(latest[force])


def test_rates_per_100000_are_the_live_count_over_the_residents(site: Site) -> None:
    page = site.client("national").get("/map?period=2018-01&measure=rate").text
    shown = titles(page)
    kent_rate = KENT_LIVE * 100_000 / _english_residents("Kent")
    cleveland_rate = 2 * 100_000 / _english_residents("Cleveland")
    assert shown["Kent Police"].startswith(f"{KENT_LIVE} live operations, {kent_rate:.2f} per")
    assert shown["Cleveland Police"].startswith(f"2 live operations, {cleveland_rate:.2f} per")
    assert shown["Essex Police"].startswith("0 live operations, 0.00 per")
    assert shown["Gwent Police"] == "0 live operations, no population figure held"
    assert "Live operations per 100,000 residents" in page


def test_shading_by_count_says_so(site: Site) -> None:
    page = site.client("national").get("/map?measure=count").text
    assert "Live operations, 2018-01, by organisation" in page
    assert site.client("national").get("/map?measure=sideways").status_code == 400


def test_a_force_user_sees_their_own_force_only(site: Site) -> None:
    shown = titles(site.client("force").get("/map").text)  # Cleveland
    assert shown["Cleveland Police"].startswith("2 live operations")
    assert shown["Kent Police"] == "not in your scope"
    assert all(v == "not in your scope" for k, v in shown.items() if k != "Cleveland Police")


def test_a_regional_analyst_sees_their_region(site: Site) -> None:
    shown = titles(site.client("regional_se").get("/map").text)
    assert shown["Kent Police"].startswith(f"{KENT_LIVE} live operations")
    assert shown["Cleveland Police"] == "not in your scope"


def test_a_pcc_sees_their_area_disclosure_controlled_and_no_links(site: Site) -> None:
    page = site.client("pcc").get("/map").text  # Cleveland's PCC: 2 live operations
    shown = titles(page)
    assert shown["Cleveland Police"] == "[c] live operations"
    assert shown["Kent Police"] == "not in your scope"
    assert "<a href=" not in page.split('<div class="area-map">')[1].split("</svg>")[0]


def test_an_area_opens_its_organisations_picture_and_then_its_operations(site: Site) -> None:
    client = site.client("national")
    page = client.get("/map").text
    svg = page.split('<div class="area-map">')[1].split("</svg>")[0]
    links = [unescape(h) for h in re.findall(r'<a href="([^"]+)"', svg)]
    assert len(links) == len(organisations())
    for link in links:
        assert client.get(link).status_code == 200, link
    kent = next(link for link in links if link.endswith("org=Kent"))
    picture = unescape(client.get(kent).text)
    listed = re.search(r'href="(/operations\?[^"]*org=Kent[^"]*status=live[^"]*)"', picture)
    assert listed, "Kent's picture links to its live operations"
    answer = client.get(listed.group(1)).text
    assert f"{KENT_LIVE} operations" in answer and "KT-000" in answer


def test_the_administrator_is_not_shown_the_map(site: Site) -> None:
    assert site.client("admin").get("/map").status_code == 403
