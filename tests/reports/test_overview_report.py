"""The overview as a document: one self-contained HTML file, and a PDF with a marking per page."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from sqlalchemy import Engine

from msops.analytics.headline import Area
from msops.analytics.overview import Overview, overview
from msops.analytics.tables import Audience, Rule, overview_tables
from msops.domain.principal import Principal
from msops.reports.html import render_overview
from tests.analytics.test_overview import FEB, build_february


class Links(HTMLParser):
    """Every address the page would load or link to: src, href, and CSS url()."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.found += [v or "" for k, v in attrs if k in ("src", "href", "srcset", "data")]


def external(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    loads = [a for a in parser.found if not a.startswith(("#", "data:"))]
    loads += [t for t in parser.tags if t in ("script", "link", "img", "iframe", "object")]
    if "url(" in html or "@import" in html:
        loads.append("css url() or @import")
    return loads


@pytest.fixture
def synthetic_february(engine: Engine, operator: Principal) -> Overview:
    build_february(engine, operator, source="synthetic-test.csv")
    with engine.connect() as conn:
        return overview(conn, operator, FEB, Area())


def html_for(ov: Overview, audience: Audience) -> str:
    rule = Rule(audience)
    return render_overview(ov, overview_tables(ov, rule), rule, "tester")


def test_html_is_self_contained_and_marked(synthetic_february: Overview) -> None:
    html = html_for(synthetic_february, Audience.INTERNAL)
    assert external(html) == []
    assert html.count("<svg") >= 9  # trend x2, lead, category, type, 3 methods, 2 nationalities
    assert "OFFICIAL-SENSITIVE" in html
    assert "SYNTHETIC DATA" in html
    assert "Child sexual exploitation (group)" in html


def test_the_self_containment_check_can_fail() -> None:
    assert external('<p><img src="https://cdn.example/x.png"></p>') != []
    assert external("<style>body{background:url(x.png)}</style>") != []


def test_public_html_shows_no_small_counts(synthetic_february: Overview) -> None:
    html = html_for(synthetic_february, Audience.PUBLIC)
    assert "[c]" in html
    assert "OFFICIAL-SENSITIVE" not in html  # released outside the police: OFFICIAL
    internal = html_for(synthetic_february, Audience.INTERNAL)
    assert '<div class="n">5</div>' in internal  # five live police-led operations
    assert '<div class="n">5</div>' not in html


PDFTOPPM = shutil.which("pdftoppm")


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm missing: apt-get install poppler-utils")
def test_pdf_has_pages_marking_and_ink(synthetic_february: Overview, tmp_path: Path) -> None:
    from msops.reports.pdf import html_to_pdf

    pdf = tmp_path / "overview.pdf"
    pdf.write_bytes(html_to_pdf(html_for(synthetic_february, Audience.INTERNAL)))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")[:-1]
    assert len(pages) >= 2
    for i, page in enumerate(pages, 1):
        assert page.count("OFFICIAL-SENSITIVE") >= 2, i  # top and bottom of every page
        assert f"Page {i} of {len(pages)}" in page
    subprocess.run([PDFTOPPM, "-r", "50", "-png", str(pdf), str(tmp_path / "p")], check=True)
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == len(pages)
    assert ink(pngs[0]) > 0.02  # share of pixels that are not white


def ink(png: Path) -> float:
    from PIL import Image

    with Image.open(png) as image:
        grey = image.convert("L")
        histogram = grey.histogram()
    return 1 - sum(histogram[250:]) / sum(histogram)
