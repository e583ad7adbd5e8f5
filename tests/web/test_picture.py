"""The dashboard as the national picture: the report's figures, bars that lead to the operations
behind them, a comparison with earlier months, CSV downloads recorded as disclosures."""

from __future__ import annotations

import csv
import json
import re
from html import escape, unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli.main import app as cli_app
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.schema import audit_event
from tests.builders import operation, valid_return
from tests.web.conftest import Site

FEB = Period(2018, 2)
SEED = Principal("seed", Role.SYSTEM)


def submit(engine: Engine, org: str, period: Period, ops: list[dict[str, Any]]) -> None:
    rows = valid_return(*(op["operation_ref"] for op in ops))
    rows["operations"] = ops
    for nat in rows["nationalities"]:
        if nat["operation_ref"] == "KE-3" and nat["nationality"] == "Romanian":
            nat["nationality"] = "Vietnamese"
    for op in ops:
        if op.get("international_dimension") == "Yes":
            where = {"detail": "Country of international dimension", "value": "Vietnam"}
            rows["details"].append({"operation_ref": op["operation_ref"], **where})
    result = submit_raw(engine, SEED, RawReturn.from_rows(f"{org}.csv", rows), org, period, "x")
    assert result.outcome == Outcome.ACCEPTED, result.issues


@pytest.fixture
def busy(site: Site) -> Site:
    """Cleveland (2017-02, 2018-01, 2018-02), Durham and Kent (2018-02): leads of every type,
    several exploitation types, a closed operation, a Europol check."""
    e = site.engine
    submit(e, "Cleveland", Period(2017, 2), [operation("CL-000", opened_date="2017-01-10")])
    sexual = {
        "primary_category": "Sexual exploitation",
        "primary_type": "Forced sex work in a fixed location",
    }
    submit(
        e,
        "Cleveland",
        FEB,
        [
            operation("CL-001"),
            operation(
                "CL-002",
                status="Closed",
                closed_date="2018-02-20",
                disruption_outcome="Disrupted by other offences",
            ),
            operation("CL-003", opened_date="2018-02-03", **sexual),
            operation("CL-004", opened_date="2018-02-05", lead_org="NERSOU"),
        ],
    )
    submit(
        e,
        "Durham",
        FEB,
        [
            operation("DU-1", lead_org="Durham Constabulary", **sexual),
            operation("DU-2", lead_org="Durham Constabulary", primary_type=None),
        ],
    )
    submit(
        e,
        "Kent",
        FEB,
        [
            operation("KE-1", lead_org="Kent Police"),
            operation("KE-2", lead_org="GLAA"),
            operation(
                "KE-3",
                lead_org="SEROCU",
                international_dimension="Yes",
                europol_check_date="2018-02-10",
                **sexual,
            ),
        ],
    )
    return site


class Tables(HTMLParser):
    """Every <table> of a page as rows of cell texts, by caption (or "headline")."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        self._name = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._name = [], "headline" if "picture-headline" in str(attrs) else ""
        elif tag == "caption":
            self._caption = []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption" and self._caption is not None:
            self._name, self._caption = "".join(self._caption).strip(), None
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append("".join(self._cell).strip().replace(",", ""))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._name] = self._rows
            self._rows = None

    def handle_data(self, data: str) -> None:
        for part in (self._cell, self._caption):
            if part is not None:
                part.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def cli_tables(engine: Engine, tmp: Path, *options: str) -> dict[str, list[list[str]]]:
    """`msops report tables` for February, as CSV rows by file stem."""
    url = engine.url.render_as_string(hide_password=False)
    args = ["report", "tables", "--period", str(FEB), "--out", str(tmp), *options]
    done = CliRunner().invoke(cli_app, args, env={"MSOPS_DATABASE_URL": url})
    assert done.exit_code == 0, done.output
    return {
        p.stem: [
            [c.replace(",", "") for c in row] for row in csv.reader(p.read_text().splitlines())
        ]
        for p in tmp.glob("*.csv")
    }


@pytest.mark.parametrize(
    ("account", "options"),
    [
        ("national", ()),
        ("regional", ("--region", "North East")),
        ("force", ("--org", "Cleveland")),
        ("pcc", ("--org", "Cleveland", "--audience", "public")),
    ],
)
def test_the_dashboard_shows_the_overview_reports_figures(
    busy: Site, tmp_path: Path, account: str, options: tuple[str, ...]
) -> None:
    shown = page_tables(busy.client(account).get(f"/?period={FEB}").text)
    report = cli_tables(busy.engine, tmp_path, *options)
    headline = {row[0]: row[1] for row in shown["headline"][1:]}
    assert headline == {label: value for label, value in report["headline"][1:]}
    compared = 0
    for stem, rows in report.items():
        if stem not in TITLES:
            continue
        caption = next(c for c in shown if c.startswith(TITLES[stem]))
        assert shown[caption] == rows, stem
        compared += 1
    # trend, region, exploitation, both nationalities, outcomes, Europol
    assert compared == 7


TITLES = {  # the report's tables, by the start of their titles
    "trend_by_month": "Live operations, opened and closed",
    "live_operations_by_region_and_lead": "Live operations by region and lead",
    "exploitation_type_by_category": "Live operations by primary exploitation type",
    "victim_nationalities": "Potential victims in live operations",
    "suspect_nationalities": "Suspects in live operations",
    "outcomes": "Outcomes to date",
    "europol_checks": "Europol (SIENA) checks",
}


BAR = re.compile(r'<a href="(/operations\?[^"]+)" class="bar"><title>([^<]*): ([^<]*)</title>')
COUNTED = ("by_lead", "by_category", "by_type", "europol")  # bars that count operations


def sections(html: str) -> dict[str, str]:
    parts = html.split('<section class="chart" id="')[1:]
    return {p.split('"', 1)[0]: p for p in parts}


def listed(client: Any, href: str) -> int:
    text = client.get(unescape(href)).text
    return int(re.search(r"<p>([\d,]+) operations", text)[1].replace(",", ""))  # type: ignore[index]


@pytest.mark.parametrize("account", ["national", "regional", "force"])
def test_a_bar_leads_to_a_list_of_as_many_operations_as_it_counts(busy: Site, account: str) -> None:
    client = busy.client(account)
    html = client.get("/").text
    followed = 0
    for name in COUNTED:
        for href, label, value in BAR.findall(sections(html)[name]):
            assert listed(client, href) == int(value.replace(",", "")), (name, label, href)
            followed += 1
    assert followed >= 8
    headline = re.findall(r'<td class="num"><a href="([^"]+)">([\d,]+)</a>', html)
    assert len(headline) == 6  # live, police-led, local forces, ROCUs, partners, closed
    for href, value in headline:
        assert listed(client, href) == int(value.replace(",", "")), href


def test_national_to_region_to_force_to_an_operation(busy: Site) -> None:
    client = busy.client("national")
    regions = sections(client.get("/").text)["by_region"]
    north_east = re.search(r'<a href="([^"]+)" class="bar"><title>North East: 5', regions)
    assert north_east, regions
    region_page = client.get(unescape(north_east[1])).text
    assert "<h1>North East: 2018-02</h1>" in region_page
    forces = sections(region_page)["live_operations_by_organisation"]
    cleveland = re.search(r'<a href="([^"]+)" class="bar"><title>Cleveland: 3', forces)
    assert cleveland, forces
    force_page = client.get(unescape(cleveland[1])).text
    assert "<h1>Cleveland: 2018-02</h1>" in force_page
    assert '<a href="/?period=2018-02&amp;region=North+East">Back to North East</a>' in force_page
    assert '<a href="/?period=2018-02">Back to the whole picture</a>' in region_page
    durham = busy.client("regional").get("/?org=Durham").text
    assert '<a href="/?period=2018-02">Back to the region</a>' in durham
    href, _, _ = BAR.findall(sections(force_page)["by_type"])[0]
    assert "org=Cleveland" in href
    operations = client.get(unescape(href)).text
    first = re.search(r'<a href="(/operations/Cleveland/[^"]+)"', operations)
    assert first and client.get(first[1]).status_code == 200


def test_each_figure_is_compared_with_last_month_and_a_year_earlier(busy: Site) -> None:
    html = busy.client("national").get("/").text
    rows = page_tables(html)["headline"]
    assert rows[0] == ["Measure", "2018-02", "2018-01", "change", "2017-02", "change"]
    live = next(r for r in rows if r[0] == "Live operations")
    assert live == ["Live operations", "8", "2", "+6 (+300%)", "1", "+7 (+700%)"]
    months = re.findall(r"<option(?: selected)?>(\d{4}-\d\d)</option>", html)
    assert months[0] == "2018-02" and "2017-02" in months


def test_a_pccs_figures_are_protected_and_lead_to_no_operation(busy: Site) -> None:
    html = busy.client("pcc").get("/").text
    assert "disclosure-controlled" in html
    assert "/operations" not in html
    links = re.findall(r'<a href="([^"]+)" class="bar">', html)
    assert links and all(unescape(h).startswith("/?period=") for h in links)  # months only
    assert all(unescape(h).endswith("&org=Cleveland") for h in links)
    assert "[c]" in html


def test_a_table_downloaded_as_csv_is_recorded_as_a_disclosure(busy: Site) -> None:
    client = busy.client("regional")
    form = {
        "table": "exploitation_type_by_category",
        "period": str(FEB),
        "org": "Durham",
        "purpose": "tasking meeting",
        "recipient": "North East tasking group",
        "csrf_token": client.headers["X-CSRF-Token"],
    }
    answer = client.post("/picture.csv", data=form)
    assert answer.status_code == 200
    assert (
        "exploitation_type_by_category-2018-02-Durham-internal.csv"
        in (answer.headers["content-disposition"])
    )
    rows = list(csv.reader(answer.text.splitlines()))
    assert rows[-1][0] == "Total" and rows[-1][-1] == "2"
    with busy.engine.connect() as conn:
        entry = conn.execute(select(audit_event).order_by(audit_event.c.seq.desc())).first()
    assert entry is not None
    assert (entry.action, entry.actor, entry.purpose) == (
        "disclosure",
        "regional",
        "tasking meeting",
    )
    assert "exploitation_type_by_category 2018-02 Durham" in entry.object_ref
    kent = client.post("/picture.csv", data=form | {"org": "Kent"})
    assert kent.status_code == 403  # outside the region: nothing sent, nothing recorded


def test_performance_pages_show_the_forces_in_scope(busy: Site) -> None:
    national = busy.client("national").get("/performance").text
    assert "/performance/Kent?" in national and "/performance/Cleveland?" in national
    regional = busy.client("regional").get("/performance").text
    assert "/performance/Durham?" in regional and "/performance/Kent?" not in regional
    force = busy.client("force").get("/performance").text
    assert re.findall(r'href="/performance/([^"?]+)\?', force) == ["Cleveland"]
    page = busy.client("force").get("/performance/Cleveland").text
    assert "North East" in page and "England and Wales" in page
    assert busy.client("force").get("/performance/Kent").status_code == 403
    assert busy.client("regional_se").get("/performance/Cleveland").status_code == 403
    assert busy.client("national").get("/performance/GLAA").status_code == 404


def test_a_pccs_download_is_the_public_release_of_their_own_area(busy: Site) -> None:
    client = busy.client("pcc")
    form = {
        "table": "exploitation_type_by_category",
        "period": str(FEB),
        "org": "Kent",  # asked for another area: a PCC gets their own, controlled
        "purpose": "panel report",
        "recipient": "police and crime panel",
        "csrf_token": client.headers["X-CSRF-Token"],
    }
    answer = client.post("/picture.csv", data=form)
    assert answer.status_code == 200
    disposition = answer.headers["content-disposition"]
    assert "exploitation_type_by_category-2018-02-Cleveland-public.csv" in disposition
    total = list(csv.reader(answer.text.splitlines()))[-1]
    assert total[0] == "Total" and total[-1] == "[c]"  # three operations: too few to show


def test_the_returns_listed_are_those_behind_the_picture_shown(busy: Site) -> None:
    def submitted(html: str) -> str:
        return html.split("<h2>Returns for 2018-02</h2>", 1)[1]

    national = submitted(busy.client("national").get("/").text)
    assert "Kent Police" in national and "Durham Constabulary" in national
    region = submitted(busy.client("national").get("/?region=North+East").text)
    assert "Durham Constabulary" in region and "Kent Police" not in region
    force = submitted(busy.client("force").get("/").text)
    assert "Cleveland Police" in force and "Durham Constabulary" not in force


@pytest.mark.parametrize(
    "filters",
    [
        {"status": "live", "lead": "rocu"},
        {"exploitation": "sexual", "status": "live"},
        {"nationality": "Vietnamese", "people": "victim"},
        {"outcome": "arrests", "region": "North East"},
        {"europol": "checked"},
    ],
)
def test_a_drill_down_filter_lists_the_same_operations_on_the_page_api_and_command_line(
    busy: Site, filters: dict[str, str]
) -> None:
    query = {"period": str(FEB), **filters}
    client = busy.client("national")
    on_page = listed(client, escape("/operations?" + urlencode(query)))  # as a page's href
    by_api = client.get("/api/operations", params=query).json()
    url = busy.engine.url.render_as_string(hide_password=False)
    args = ["ops", "list", "--format", "json", *(f"--{k}={v}" for k, v in query.items())]
    done = CliRunner().invoke(cli_app, args, env={"MSOPS_DATABASE_URL": url})
    assert done.exit_code == 0, done.output
    on_cli = json.loads(done.stdout)
    assert on_page == len(by_api) == len(on_cli) > 0
    assert [r["ref"] for r in on_cli] == [r["ref"] for r in by_api]


def test_a_return_for_an_earlier_month_shows_in_the_comparison_at_once(busy: Site) -> None:
    client = busy.client("national")

    def live() -> list[str]:
        rows = page_tables(client.get(f"/?period={FEB}").text)["headline"]
        return next(r for r in rows if r[0] == "Live operations")

    assert live()[1:3] == ["8", "2"]
    # Durham's January: DU-1 as February's return describes it (a correction of an earlier
    # month must agree with the next month held)
    sexual = {
        "primary_category": "Sexual exploitation",
        "primary_type": "Forced sex work in a fixed location",
    }
    submit(
        busy.engine,
        "Durham",
        Period(2018, 1),
        [operation("DU-1", lead_org="Durham Constabulary", **sexual)],
    )
    assert live()[1:4] == ["8", "3", "+5 (+167%)"]
    submit(busy.engine, "Essex", Period(2018, 3), [operation("ES-1", lead_org="Essex Police")])
    assert live()[1:3] == ["8", "3"]  # a later month changes neither
