"""An analyst in a browser follows a figure down: national picture -> region -> force -> the
operations behind a bar -> one operation -> its golden thread."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.e2e.conftest import Server
from tests.e2e.test_browser import sign_in
from tests.web.threads_seed import THREAD


def test_a_national_analyst_walks_from_the_picture_to_a_thread(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    page = sign_in(browser, server, "national")
    shots = iter(range(1, 100))

    def shot(name: str) -> None:
        page.screenshot(path=str(tmp_path / f"{next(shots):02d}-{name}.png"), full_page=True)

    assert "England, Wales, Scotland and Northern Ireland: 2018-01" in page.inner_text("h1")
    shot("national")
    page.locator("#by_region a.bar").first.click()
    page.wait_for_url("**region=North+East**")
    assert page.inner_text("h1") == "North East: 2018-01"
    shot("region")
    page.locator("#live_operations_by_organisation a.bar").first.click()
    page.wait_for_url("**org=Cleveland**")
    assert page.inner_text("h1") == "Cleveland: 2018-01"
    shot("force")
    page.locator("#by_type a.bar").first.click()
    page.wait_for_url("**/operations?**")
    assert "2 operations" in page.inner_text("main")
    shot("operations")
    page.click("text=CL-001")
    assert "CL-001" in page.inner_text("h1")
    shot("operation")
    page.click(f"text={THREAD}")
    assert "Durham/DU-001/N1" in page.inner_text("main")
    shot("thread")
    assert len(list(tmp_path.glob("*.png"))) == 6
    page.context.close()
