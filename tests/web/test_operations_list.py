"""The operations list pages, filters and searches in the database: what a user sees per page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.operations_repo import OperationFilter, count_operations, list_operations
from tests.builders import valid_return
from tests.web.conftest import Site

MARCH = Period(2018, 3)
# 130 Cleveland operations: more than one page of 100. Every seventh is named "Harbour ...".
REFS = [f"CL-{n:03d}" for n in range(1, 131)]
HARBOUR = {ref for i, ref in enumerate(REFS) if i % 7 == 0}


def _name(ref: str) -> str:
    return f"Harbour {ref}" if ref in HARBOUR else f"Operation {ref}"


@pytest.fixture
def busy(site: Site) -> Site:
    rows = valid_return(*REFS)
    for row in rows["operations"]:
        row["operation_name"] = _name(row["operation_ref"])
        if row["operation_ref"] in ("CL-129", "CL-130"):
            row.update(status="Closed", closed_date="2018-03-20", disruption_outcome="Convicted")
    raw = RawReturn.from_rows("march.csv", rows)
    result = submit_raw(site.engine, Principal("seed", Role.SYSTEM), raw, "Cleveland", MARCH, "x")
    assert result.outcome == Outcome.ACCEPTED, result.issues
    return site


def refs_on(html: str) -> list[str]:
    return re.findall(r'<a href="/operations/Cleveland/(CL-\d+)">', html)


def test_the_list_shows_a_hundred_a_page_in_reference_order(busy: Site) -> None:
    client = busy.client("force")
    first = client.get("/operations", params={"period": "2018-03"}).text
    assert "130 operations; page 1 of 2" in first
    assert refs_on(first) == REFS[:100]
    second = client.get("/operations", params={"period": "2018-03", "page": 2}).text
    assert refs_on(second) == REFS[100:]
    beyond = client.get("/operations", params={"period": "2018-03", "page": 9}).text
    assert refs_on(beyond) == REFS[100:]  # past the end: the last page


def test_search_and_filters_narrow_the_count_and_the_rows(busy: Site) -> None:
    client = busy.client("national")
    found = client.get("/operations", params={"period": "2018-03", "q": "harbour"}).text
    assert f"{len(HARBOUR)} operations." in found
    assert refs_on(found) == sorted(HARBOUR)
    by_ref = client.get("/operations", params={"period": "2018-03", "q": "cl-12"}).text
    assert refs_on(by_ref) == [r for r in REFS if "CL-12" in r]
    closed = client.get("/operations", params={"period": "2018-03", "status": "closed"}).text
    assert refs_on(closed) == ["CL-129", "CL-130"]
    nothing = client.get("/operations", params={"period": "2018-03", "q": "100%_"}).text
    assert "0 operations." in nothing  # % and _ are searched for as themselves


def test_the_api_pages_with_limit_and_offset(busy: Site) -> None:
    client = busy.client("regional")
    page = client.get("/api/operations", params={"period": "2018-03", "limit": 30, "offset": 95})
    assert [r["ref"] for r in page.json()] == REFS[95:125]
    everything = client.get("/api/operations", params={"period": "2018-03"}).json()
    assert [r["ref"] for r in everything] == REFS
    harbour = client.get("/api/operations", params={"period": "2018-03", "q": "HARBOUR"}).json()
    assert {r["ref"] for r in harbour} == HARBOUR


def test_scope_still_bounds_paging_and_counting(busy: Site) -> None:
    kent = busy.client("force_kent")
    assert "0 operations." in kent.get("/operations", params={"period": "2018-03"}).text
    engine: Engine = busy.engine
    outsider = Principal("kent", Role.FORCE_USER, organisation="Kent")
    with engine.connect() as conn:
        flt = OperationFilter(period=MARCH)
        assert count_operations(conn, outsider, flt) == 0
        assert list_operations(conn, outsider, flt, limit=10) == []
        national = Principal("n", Role.NATIONAL_ANALYST)
        assert count_operations(conn, national, flt, search="harbour") == len(HARBOUR)
        rows = list_operations(conn, national, flt, search="harbour", limit=5, offset=5)
        assert [r["ref"] for r in rows] == sorted(HARBOUR)[5:10]
        assert rows[0]["period"] == "2018-03" and rows[0]["organisation"] == "Cleveland"


def test_a_page_seen_before_shows_a_corrected_return_and_only_what_the_viewer_may_see(
    busy: Site,
) -> None:
    march = {"period": "2018-03", "page": 2}
    before = busy.client("force").get("/operations", params=march).text
    assert "130 operations" in before and refs_on(before) == REFS[100:]
    assert "0 operations." in busy.client("force_kent").get("/operations", params=march).text
    corrected = valid_return(*REFS[:-1])  # CL-130 was entered by mistake
    raw = RawReturn.from_rows("march-v2.csv", corrected)
    result = submit_raw(busy.engine, Principal("seed", Role.SYSTEM), raw, "Cleveland", MARCH, "x")
    assert result.outcome == Outcome.ACCEPTED, result.issues
    again = busy.client("force").get("/operations", params=march).text
    assert "129 operations" in again and refs_on(again) == REFS[100:129]
