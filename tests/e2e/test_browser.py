"""A person at a browser: correct a return, a PCC kept from nominals, an audited export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from msops.cli import audit_cmd
from msops.domain.periods import Period
from tests.builders import operation, valid_return
from tests.e2e.conftest import Server
from tests.web.conftest import PASSWORD, return_file
from tests.web.threads_seed import THREAD


def sign_in(browser: Any, server: Server, name: str) -> Any:
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(f"{server.url}/sign-in")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{server.url}/")
    return page


def test_force_user_corrects_a_return_and_finds_it_on_the_dashboard(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    page = sign_in(browser, server, "force")
    bad = valid_return("CL-001", "CL-002")
    bad["operations"][1] = operation("CL-002", status="Sleeping")
    page.click("text=Upload a return")
    page.fill("input[name=period]", "2018-02")
    page.set_input_files("input[name=file]", str(_file(tmp_path, bad, "feb-draft.xlsx")))
    page.click("text=Check and submit")
    assert "Rejected: 1 problems" in page.inner_text("#outcome")
    problems = page.inner_text("table.issues")
    assert "Sleeping" in problems
    good = valid_return("CL-001", "CL-002")
    page.fill("input[name=period]", "2018-02")
    page.set_input_files("input[name=file]", str(_file(tmp_path, good, "feb-final.xlsx")))
    page.click("text=Check and submit")
    assert "Accepted, version 1" in page.inner_text("#outcome")
    page.click("text=Dashboard")
    assert "2018-02" in page.inner_text("h1")
    assert "Cleveland Police" in page.inner_text("main")
    assert "force" in page.inner_text("main")  # submitted by
    page.context.close()


def _file(tmp_path: Path, rows: Any, name: str) -> Path:
    path = tmp_path / name
    path.write_bytes(return_file(tmp_path, rows, "draft-" + name, Period(2018, 2)))
    return path


def test_pcc_cannot_reach_any_nominal_by_page_or_api(browser: Any, server: Server) -> None:
    page = sign_in(browser, server, "pcc")
    assert "disclosure-controlled" in page.inner_text("main")
    assert page.locator("nav a").all_inner_texts() == [
        "Dashboard",
        "Map",
        "Casework",
        "Reports",
        "Profiles",
    ]
    answer = page.goto(f"{server.url}/operations/Cleveland/CL-001")
    assert answer.status == 403 and "Not allowed" in page.inner_text("h1")
    assert page.goto(f"{server.url}/casework/orders").status == 403
    api = page.request.get(f"{server.url}/api/operations/Cleveland/CL-001")
    assert api.status == 403
    listing = page.request.get(f"{server.url}/api/operations")
    assert listing.status == 403
    for text in (page.content(), api.text(), listing.text()):
        assert "Popescu" not in text and "Ionescu" not in text
    page.context.close()


def test_an_export_asks_for_a_purpose_and_is_found_in_the_audit_trail(
    browser: Any, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = sign_in(browser, server, "national")
    page.goto(f"{server.url}/returns/export")
    page.select_option("select[name=org]", "Cleveland")
    page.fill("input[name=period]", "2018-01")
    with page.expect_download() as no_download:
        page.click("main button[type=submit]")
        page.wait_for_timeout(300)
        assert page.evaluate("document.querySelector('input[name=purpose]').validity.valueMissing")
        page.fill("input[name=purpose]", "joint investigation with Durham")
        page.fill("input[name=recipient]", "DI Example, Durham Constabulary")
        page.click("main button[type=submit]")
    download = no_download.value
    assert download.suggested_filename == "Cleveland-2018-01.xlsx"
    page.context.close()
    monkeypatch.setenv("MSOPS_DATABASE_URL", server.database_url)
    found = CliRunner().invoke(
        audit_cmd.app, ["search", "--action", "disclosure", "--format", "csv"]
    )
    assert found.exit_code == 0, found.output
    assert "national,national_analyst,disclosure,return,Cleveland/2018-01" in found.output
    assert "joint investigation with Durham" in found.output
    assert "DI Example, Durham Constabulary" in found.output


def test_a_pcc_downloads_the_public_overview_of_their_force_area(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    page = sign_in(browser, server, "pcc")
    page.click("text=Reports")
    assert page.locator("select[name=audience]").count() == 0  # no choice: public only
    page.fill("input[name=period]", "2018-01")
    page.fill("input[name=purpose]", "police and crime panel")
    page.fill("input[name=recipient]", "the panel")
    with page.expect_download() as info:
        page.click("main button[type=submit]")
    download = info.value
    assert download.suggested_filename == "overview-2018-01-Cleveland-public.html"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8")
    assert "audience: public" in text and "Popescu" not in text
    page.context.close()


def test_a_force_user_follows_a_thread_alert_and_confirms_the_thread(
    browser: Any, server: Server
) -> None:
    page = sign_in(browser, server, "force")
    page.click("text=1 golden thread waits for a review")
    page.click(f"text={THREAD}")
    assert "Durham/DU-001/N1" in page.inner_text("main")
    assert "same phone number" in page.inner_text("ul.links")
    assert "Popescu" not in page.inner_text("main")
    page.fill("input[name=purpose]", "joint visit planning")
    page.click("text=Show the people")
    assert "Popescu" in page.inner_text("table.nominals")
    page.select_option("select[name=judgement]", "confirmed")
    page.fill("textarea[name=reason]", "same phone and date of birth")
    page.click("text=Record the judgement")
    assert page.inner_text("#status") == "confirmed"
    page.click("text=Dashboard")
    assert "golden thread" not in page.inner_text("main")
    page.context.close()
