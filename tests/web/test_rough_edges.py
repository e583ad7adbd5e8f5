"""Small things a person notices: the site's icon, error pages that keep the navigation, and an
upload form that keeps what was typed when the file is refused."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import text

from msops.domain.periods import Period
from tests.builders import operation, valid_return
from tests.web.conftest import Site, return_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NAV = '<a href="/operations"'


def test_the_icon_is_served_to_anyone(site: Site) -> None:
    client = site.client(None)
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header
    assert client.get("/static/favicon.svg").status_code == 200
    assert 'rel="icon" href="/static/favicon.svg"' in client.get("/sign-in").text


def test_error_pages_keep_the_navigation_for_a_signed_in_person(site: Site) -> None:
    client = site.client("force")
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and NAV in missing.text and "Sign out" in missing.text
    refused = client.get("/accounts")
    assert refused.status_code == 403 and NAV in refused.text
    outside = client.get("/operations/Kent/KT-1")  # another force's register
    assert outside.status_code == 403 and NAV in outside.text
    anonymous = site.client(None).get("/no-such-page")
    assert anonymous.status_code == 404 and NAV not in anonymous.text


def test_an_unexpected_failure_keeps_the_navigation_and_hides_the_cause(site: Site) -> None:
    signed_in = site.client("national")
    with site.engine.begin() as conn:
        conn.execute(text("DROP TABLE operation_nationality"))
    client = TestClient(site.app, raise_server_exceptions=False, cookies=signed_in.cookies)
    answer = client.get("/operations/Cleveland/CL-001")
    assert answer.status_code == 500
    assert "Something went wrong" in answer.text and NAV in answer.text
    assert "operation_nationality" not in answer.text and "Traceback" not in answer.text


def _upload(client: TestClient, period: str, data: bytes, name: str = "feb.xlsx") -> str:
    fields = {"org": "Cleveland", "period": period, "csrf_token": client.headers["X-CSRF-Token"]}
    answer = client.post("/returns/upload", data=fields, files={"file": (name, data, XLSX)})
    assert answer.status_code in (400, 422), answer.status_code
    return answer.text


def test_a_rejected_upload_keeps_the_month_and_organisation(site: Site, tmp_path: Path) -> None:
    client = site.client("national")  # chooses among every organisation
    rows = valid_return("CL-003")
    rows["operations"] = [operation("CL-003", status="Sleeping")]
    page = _upload(client, "2018-02", return_file(tmp_path, rows, period=Period(2018, 2)))
    assert "Sleeping" in page
    assert 'name="period" value="2018-02"' in page
    assert "<option selected>Cleveland</option>" in page


def test_a_refused_month_or_file_type_keeps_what_was_typed(site: Site, tmp_path: Path) -> None:
    client = site.client("national")
    page = _upload(client, "2018-13", b"x")
    assert "2018-13 is not a month" in page and 'name="period" value="2018-13"' in page
    assert "<option selected>Cleveland</option>" in page
    page = _upload(client, "2018-02", b"x", name="notes.txt")
    assert "upload an XLSX workbook" in page and 'name="period" value="2018-02"' in page


def test_a_force_users_report_form_names_the_area_it_covers(site: Site) -> None:
    client = site.client("force")
    form = client.get("/reports").text
    assert "The report covers Cleveland" in form
    fields = {
        "period": "2018-01",
        "kind": "overview-html",
        "purpose": "monthly briefing",
        "recipient": "force SPOC",
        "csrf_token": client.headers["X-CSRF-Token"],
    }
    report = client.post("/reports", data=fields)
    assert report.status_code == 200 and "Cleveland" in report.text
    assert "The report covers" not in site.client("national").get("/reports").text
