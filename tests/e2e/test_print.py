"""A page printed from Chromium: the protective marking on every sheet, no navigation or forms."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from msops.domain.marking import OFFICIAL_SENSITIVE
from tests.e2e.conftest import Server
from tests.e2e.test_browser import sign_in

if shutil.which("pdftotext") is None:
    pytest.skip(
        "printing tests need pdftotext (apt-get install poppler-utils)", allow_module_level=True
    )


def sheets(pdf: Path) -> list[str]:
    """The text of each printed sheet, in order."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [sheet for sheet in text.split("\f") if sheet.strip()]


def test_every_printed_sheet_of_a_long_page_carries_the_marking(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    page = sign_in(browser, server, "national")
    for path in ("/operations", "/threads", "/returns/status", "/"):  # a trail to print
        page.goto(server.url + path)
    page.goto(f"{server.url}/audit")
    pdf = tmp_path / "audit.pdf"
    page.pdf(path=str(pdf), width="210mm", height="110mm")  # small sheets: many of them
    printed = sheets(pdf)
    page.context.close()
    assert len(printed) >= 3
    for number, sheet in enumerate(printed, 1):
        lines = [line.strip() for line in sheet.splitlines() if line.strip()]
        assert lines[0] == OFFICIAL_SENSITIVE, f"sheet {number} has no marking on top"
        assert lines[-1] == OFFICIAL_SENSITIVE, f"sheet {number} has no marking at its foot"
        assert "Sign out" not in sheet and "Upload a return" not in sheet  # no navigation
    assert "Who looked at what" in printed[0]


def test_a_printed_operation_keeps_its_figures_and_drops_the_forms(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    page = sign_in(browser, server, "force")
    page.goto(f"{server.url}/operations/Cleveland/CL-001")
    pdf = tmp_path / "operation.pdf"
    page.pdf(path=str(pdf), format="A4")
    printed = "\n".join(sheets(pdf))
    page.context.close()
    assert "CL-001" in printed
    assert "Show nominals" not in printed  # the purpose form is for the screen
    assert printed.count(OFFICIAL_SENSITIVE) >= 2
