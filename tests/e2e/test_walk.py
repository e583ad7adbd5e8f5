"""An analyst's path through the pages, by clicks alone: the dashboard, the operations list
filtered to an organisation, an operation, and the thread its nominal is part of. Each page is
checked by axe-core on the way and photographed into var/e2e-screenshots/walk-<account>/."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.conftest import Server
from tests.e2e.test_accessibility import SCREENSHOTS, violations
from tests.e2e.test_browser import sign_in
from tests.web.threads_seed import THREAD


@pytest.mark.parametrize("account", ["national", "regional", "force"])
def test_an_analyst_walks_from_the_dashboard_to_a_thread(
    browser: Any, server: Server, account: str
) -> None:
    page = sign_in(browser, server, account)
    folder = SCREENSHOTS / f"walk-{account}"
    folder.mkdir(parents=True, exist_ok=True)
    seen: dict[str, list[str]] = {}

    def arrived(step: str) -> None:
        page.screenshot(path=str(folder / f"{len(seen) + 1}-{step}.png"), full_page=True)
        seen[step] = violations(page)

    arrived("dashboard")
    page.get_by_role("navigation").get_by_role("link", name="Operations").click()
    page.get_by_label("Organisation").select_option("Cleveland")
    page.get_by_role("button", name="Filter").click()
    assert "org=Cleveland" in page.url
    arrived("operations")
    page.get_by_role("link", name="CL-001", exact=True).click()
    assert "Cleveland · CL-001" in page.inner_text("h1")
    arrived("operation")
    page.get_by_role("link", name=THREAD).click()
    assert THREAD in page.inner_text("main")
    arrived("thread")
    page.context.close()
    assert seen == {step: [] for step in ("dashboard", "operations", "operation", "thread")}
