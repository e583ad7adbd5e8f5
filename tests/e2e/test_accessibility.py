"""Every page each role can open, in Chromium, checked by axe-core: no serious or critical
violation of WCAG 2.2 AA (or of axe's best practices). A screenshot of each page is kept in
var/e2e-screenshots/<account>/ for a person to look at."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.conftest import Server
from tests.e2e.test_browser import sign_in
from tests.web.threads_seed import THREAD

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "e2e-screenshots"
BLOCKING = {"serious", "critical"}
# WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices (landmarks, headings).
RULES = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

# Every page of the application; a role that may not open one gets 403 and skips it.
PAGES = (
    "/",
    "/operations",
    "/operations?status=live&q=CL",
    "/operations/Cleveland/CL-001",
    "/threads",
    f"/threads/{THREAD}",
    "/returns/status",
    "/returns/upload",
    "/returns/export",
    "/casework",
    "/casework/orders",
    "/casework/orders/1",
    "/casework/orders/1/vary",
    "/casework/orders/1/breach",
    "/casework/orders/expiring",
    "/casework/orders/library",
    "/casework/peer-reviews",
    "/casework/peer-reviews/summary",
    "/casework/peer-reviews/criteria",
    "/casework/debriefs",
    "/casework/debriefs/records",
    "/casework/lessons",
    "/casework/lessons/summary",
    "/casework/europol",
    "/casework/europol/events",
    "/casework/europol/annual",
    "/casework/nrm-referrals",
    "/casework/duty-to-notify",
    "/casework/nrm-compliance",
    "/casework/nrm-settings",
    "/casework/action-plan",
    "/reports",
    "/map",
    "/performance",
    "/performance/Cleveland",
    "/profile",
    "/profile?sector=Car+washes",
    "/retention",
    "/subject",
    "/audit",
    "/accounts",
    "/account/password",
    "/operations/Cleveland/NO-SUCH-OPERATION",  # the error page
)
ACCOUNTS = ("national", "regional", "force", "partner", "pcc", "admin")


def violations(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page as shown, one line each."""
    found = Axe().run(page, options=RULES).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in found
        if v["impact"] in BLOCKING
    ]


def _slug(path: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "dashboard"


@pytest.mark.parametrize("account", ACCOUNTS)
def test_every_page_a_role_opens_has_no_serious_accessibility_problem(
    browser: Any, server: Server, account: str
) -> None:
    page = sign_in(browser, server, account)
    folder = SCREENSHOTS / account
    folder.mkdir(parents=True, exist_ok=True)
    problems: dict[str, list[str]] = {}
    opened = 0
    for path in PAGES:
        answer = page.goto(server.url + path)
        if answer.status == 403 and "NO-SUCH" not in path:
            continue
        opened += 1
        page.screenshot(path=str(folder / f"{_slug(path)}.png"), full_page=True)
        if found := violations(page):
            problems[path] = found
    page.context.close()
    assert opened >= 4
    assert problems == {}


def test_the_sign_in_page_has_no_serious_accessibility_problem(
    browser: Any, server: Server
) -> None:
    page = browser.new_page()
    page.goto(f"{server.url}/sign-in")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "sign-in.png"), full_page=True)
    assert violations(page) == []
    page.close()


def test_a_keyboard_user_skips_to_the_main_content(browser: Any, server: Server) -> None:
    page = sign_in(browser, server, "national")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.context.close()
