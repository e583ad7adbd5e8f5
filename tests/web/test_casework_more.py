"""Casework downloads and settings in the browser, as a user sees them: the orders library and
the quarterly lessons summary (disclosures with purpose and recipient, the same files the CLI
writes), the Europol annual counts, the peer-review criteria, the NRM rule settings; and a form
naming something that does not exist answers 404, as the API does."""

from __future__ import annotations

import csv
import json
import tomllib
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from msops.cli import context
from msops.cli.main import app as cli
from msops.domain.casework.debriefs import Method
from msops.domain.casework.europol import CheckOutcome, EventKind
from msops.domain.principal import Principal, Role
from msops.store.casework.debriefs import add_debrief, add_lesson
from msops.store.casework.europol import record_event
from msops.store.casework.nrm_referrals import settings
from msops.store.schema import audit_event
from tests.conftest import row_counts
from tests.web.conftest import Site, csrf_of

SYSTEM = Principal("seed", Role.SYSTEM)
ASKED = {"purpose": "court liaison training", "recipient": "CPS North East"}
NOT_OPERATIONAL = ("pcc", "admin")


def _cli(site: Site, monkeypatch: pytest.MonkeyPatch, *args: str) -> str:
    """Run `msops ARGS` against the site's database, as an operator on the server would."""
    # the site's own engine: one the command opened would be left open (ResourceWarning)
    monkeypatch.setattr(context, "make_engine", lambda _url, **_options: site.engine)
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def _audit(site: Site, action: str) -> list[dict[str, str | None]]:
    a = audit_event
    with site.engine.connect() as conn:
        rows = conn.execute(
            select(
                a.c.actor, a.c.object_type, a.c.object_ref, a.c.purpose, a.c.recipient, a.c.detail
            )
            .where(a.c.action == action)
            .order_by(a.c.id)
        ).mappings()
        return [dict(r) for r in rows]


def _form_post(site: Site, account: str, url: str, fields: dict[str, str]) -> tuple[str, Any]:
    client = site.client(account)
    form = client.get(url)
    assert form.status_code == 200, form.text[:300]
    return form.text, client.post(url, data={**fields, "csrf_token": csrf_of(form.text)})


# --- the orders reference library -----------------------------------------------------------


def test_the_library_downloads_as_the_cli_writes_it_and_is_a_disclosure(
    site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page, answer = _form_post(
        site, "national", "/casework/orders/library", {**ASKED, "format": "csv"}
    )
    assert "anonymised library" in page
    assert answer.status_code == 200
    disposition = answer.headers["content-disposition"]
    assert disposition == 'attachment; filename="orders-library.csv"'
    text = answer.content.decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "# OFFICIAL: anonymised library of orders"
    row = dict(zip(next(csv.reader([lines[1]])), next(csv.reader([lines[2]])), strict=True))
    assert row["order_type"] == "STPO" and row["made"] == "2018-Q1"
    assert row["duration_years"] == "5" and row["court"] == "Teesside Crown Court"
    assert not any(word in text for word in ("Cleveland", "CL-001", "N1"))
    # one disclosure, by the register, with the purpose and the recipient
    (entry,) = _audit(site, "disclosure")
    assert (entry["object_type"], entry["actor"], entry["object_ref"]) == (
        "order",
        "national",
        "library export",
    )
    assert (entry["purpose"], entry["recipient"]) == (ASKED["purpose"], ASKED["recipient"])
    out = tmp_path / "library.csv"
    _cli(site, monkeypatch, "orders", "library", "--out", str(out), "--purpose", "compare")
    assert out.read_bytes() == answer.content


def test_the_library_through_the_api_is_the_users_scope(site: Site) -> None:
    body = {**ASKED, "format": "json"}
    force = site.client("force").post("/api/casework/orders/library", json=body)
    assert force.status_code == 200 and force.headers["content-type"] == "application/json"
    assert force.json()["marking"] == "OFFICIAL: anonymised library of orders"
    assert [r["court"] for r in force.json()["rows"]] == ["Teesside Crown Court"]
    kent = site.client("force_kent").post("/api/casework/orders/library", json=body)
    assert kent.status_code == 200 and kent.json()["rows"] == []
    recipients = [d["recipient"] for d in _audit(site, "disclosure") if d["recipient"]]
    assert recipients == [ASKED["recipient"]] * 2


def test_a_library_download_without_a_recipient_is_refused_and_changes_nothing(
    site: Site,
) -> None:
    client = site.client("national")
    form = client.get("/casework/orders/library").text
    before = row_counts(site.engine)
    answer = client.post(
        "/casework/orders/library",
        data={
            "purpose": "training",
            "recipient": " ",
            "format": "csv",
            "csrf_token": csrf_of(form),
        },
    )
    assert answer.status_code == 422
    assert "Not downloaded: recipient: a value is required" in answer.text
    assert 'value="training"' in answer.text  # what was entered stays
    api = client.post("/api/casework/orders/library", json={"recipient": "CPS"})
    assert (api.status_code, api.json()["detail"]) == (400, "purpose: a value is required")
    assert row_counts(site.engine) == before


@pytest.mark.parametrize("account", NOT_OPERATIONAL)
def test_the_library_is_not_for_pcc_or_administrators(site: Site, account: str) -> None:
    client = site.client(account)
    before = row_counts(site.engine)
    token = client.headers["X-CSRF-Token"]
    assert client.get("/casework/orders/library").status_code == 403
    page = client.post("/casework/orders/library", data={**ASKED, "csrf_token": token})
    assert page.status_code == 403
    assert client.post("/api/casework/orders/library", json=ASKED).status_code == 403
    assert row_counts(site.engine) == before


# --- the quarterly lessons summary ----------------------------------------------------------


def _lessons(site: Site) -> None:
    with site.engine.begin() as conn:
        add_debrief(
            conn, SYSTEM, "Cleveland", "CL-001", Method.STRUCTURED, date(2018, 3, 5), "Findings"
        )
        add_lesson(
            conn,
            SYSTEM,
            "Cleveland",
            date(2018, 3, 6),
            "Call the GLAA early",
            "Partners first",
            ("partnership",),
        )
        add_lesson(
            conn,
            SYSTEM,
            "Cleveland",
            date(2018, 2, 1),
            "Interpreters on day one",
            "Book them",
            ("victim care", "partnership"),
        )
        add_lesson(
            conn,
            SYSTEM,
            "Cleveland",
            date(2018, 4, 2),
            "A second-quarter lesson",
            "Later",
            ("disruption",),
        )


def test_the_lessons_summary_downloads_as_the_cli_writes_it_and_is_a_disclosure(
    site: Site, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _lessons(site)
    page = site.client("national").get("/casework/lessons/summary").text
    assert 'name="quarter" value="2018-Q1"' in page  # the quarter of the latest returns
    fields = {**ASKED, "quarter": "2018-Q1", "format": "md"}
    _page, answer = _form_post(site, "force", "/casework/lessons/summary", fields)
    assert answer.status_code == 200
    disposition = answer.headers["content-disposition"]
    assert disposition == 'attachment; filename="lessons-2018-Q1.md"'
    text = answer.text
    assert "OFFICIAL-SENSITIVE" in text and "1 debriefs and 2 lessons" in text
    assert "- partnership: 2" in text and "- victim care: 1" in text
    assert "Call the GLAA early" in text and "A second-quarter lesson" not in text
    download = _audit(site, "disclosure")[-1]
    assert (download["actor"], download["purpose"], download["recipient"]) == (
        "force",
        ASKED["purpose"],
        ASKED["recipient"],
    )
    assert download["object_ref"] == "lessons summary 2018-Q1"
    out = tmp_path / "lessons.md"
    _cli(site, monkeypatch, "report", "lessons", "--quarter", "2018-Q1", "--out", str(out))
    assert out.read_text(encoding="utf-8") == text
    api = site.client("national").post("/api/casework/lessons/summary", json=fields)
    assert api.status_code == 200 and api.text == text


def test_a_lessons_summary_for_a_bad_quarter_is_refused_and_changes_nothing(site: Site) -> None:
    _lessons(site)
    client = site.client("national")
    form = client.get("/casework/lessons/summary?quarter=2018-Q1").text
    before = row_counts(site.engine)
    for quarter, message in (
        ("2018-Q5", "quarter: '2018-Q5' is not in the form YYYY-Qn"),
        ("0000-Q1", "quarter: '0000-Q1' is not a quarter of the years 1900 to 2999"),
    ):
        fields = {**ASKED, "quarter": quarter, "format": "html", "csrf_token": csrf_of(form)}
        answer = client.post("/casework/lessons/summary", data=fields)
        assert answer.status_code == 422
        assert f"Not downloaded: {message}" in answer.text.replace("&#39;", "'")
        assert f'value="{quarter}"' in answer.text
        api = client.post("/api/casework/lessons/summary", json={**ASKED, "quarter": quarter})
        assert api.status_code == 400 and api.json()["detail"].startswith(message)
    assert row_counts(site.engine) == before


@pytest.mark.parametrize("account", NOT_OPERATIONAL)
def test_the_lessons_summary_is_not_for_pcc_or_administrators(site: Site, account: str) -> None:
    client = site.client(account)
    before = row_counts(site.engine)
    fields = {**ASKED, "quarter": "2018-Q1"}
    assert client.get("/casework/lessons/summary").status_code == 403
    token = client.headers["X-CSRF-Token"]
    assert (
        client.post("/casework/lessons/summary", data={**fields, "csrf_token": token}).status_code
        == 403
    )
    assert client.post("/api/casework/lessons/summary", json=fields).status_code == 403
    assert row_counts(site.engine) == before


# --- Europol annual counts ------------------------------------------------------------------


def _events(site: Site) -> None:
    with site.engine.begin() as conn:
        for op in ("CL-001", "CL-002"):
            record_event(
                conn, SYSTEM, "Cleveland", EventKind.CHECK, date(2018, 2, 1), op, CheckOutcome.TRACE
            )
        record_event(
            conn,
            SYSTEM,
            "Cleveland",
            EventKind.CHECK,
            date(2017, 6, 1),
            "CL-001",
            CheckOutcome.NO_TRACE,
        )
        record_event(conn, SYSTEM, "Cleveland", EventKind.OPERATIONAL_MEETING, date(2018, 3, 1))
        record_event(conn, SYSTEM, "Cleveland", EventKind.JIT, date(2018, 4, 1), "CL-002")
        record_event(conn, SYSTEM, "Kent", EventKind.OPERATIONAL_MEETING, date(2018, 5, 1))


def test_the_annual_counts_are_per_organisation_in_scope_and_in_total(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    _events(site)
    page = site.client("national").get("/casework/europol/annual?year=2018")
    assert page.status_code == 200 and "Europol activity 2018" in page.text
    api = site.client("national").get("/api/casework/europol/annual?year=2018").json()
    by_org = {r["organisation"]: r for r in api}
    assert list(by_org) == ["Cleveland", "Kent", "Total"]
    assert by_org["Cleveland"]["checks_recorded"] == 2  # the 2017 check is another year's
    assert by_org["Cleveland"]["operational_meetings_recorded"] == 1
    assert by_org["Kent"]["operational_meetings_recorded"] == 1
    assert by_org["Total"]["operational_meetings_recorded"] == 2
    assert by_org["Total"]["jits_recorded"] == 1 and by_org["Total"]["checks_recorded"] == 2
    assert "<td>Kent</td>" in page.text
    shown = json.loads(
        _cli(site, monkeypatch, "europol", "annual", "--year", "2018", "--format", "json")
    )
    assert shown == api
    kent = site.client("force_kent").get("/api/casework/europol/annual?year=2018").json()
    assert [r["organisation"] for r in kent] == ["Kent", "Total"]
    assert (
        "Cleveland"
        not in site.client("force_kent")
        .get("/casework/europol/annual?year=2018")
        .text.split("<main ")[1]
    )
    # default: the year of the latest returns (2018-01)
    assert "Europol activity 2018" in site.client("force").get("/casework/europol/annual").text
    assert site.client("pcc").get("/casework/europol/annual").status_code == 403


def test_a_year_out_of_range_is_refused(site: Site) -> None:
    assert site.client("national").get("/casework/europol/annual?year=0").status_code == 400
    api = site.client("national").get("/api/casework/europol/annual?year=99999")
    assert api.status_code == 422 and "year" in api.json()["detail"]


# --- the peer-review criteria ---------------------------------------------------------------


def test_the_criteria_page_shows_the_criteria_and_scale_in_force(site: Site) -> None:
    data = resources.files("msops.domain").joinpath("data", "peer_review_criteria.toml")
    shipped = tomllib.loads(data.read_text(encoding="utf-8"))
    listing = site.client("regional").get("/casework/peer-reviews").text
    assert 'href="/casework/peer-reviews/criteria"' in listing
    page = site.client("force").get("/casework/peer-reviews/criteria")
    assert page.status_code == 200
    text = page.text.replace("&#39;", "'")
    assert shipped["version"] in text
    api = site.client("partner").get("/api/casework/peer-reviews/criteria").json()
    assert api["version"] == shipped["version"]
    assert len(api["criteria"]) == 6 and len(api["scale"]) == 4
    for criterion in api["criteria"]:
        assert criterion["title"] in text and criterion["question"] in text
    for rating in api["scale"]:
        assert rating["label"] in text
    needs = {r["code"] for r in api["scale"] if r["findings_required"]}
    assert needs == {"requires_improvement", "inadequate"}
    assert site.client("pcc").get("/casework/peer-reviews/criteria").status_code == 403


# --- NRM rule settings ----------------------------------------------------------------------


def _settings(site: Site) -> dict[str, int]:
    with site.engine.connect() as conn:
        return settings(conn)


def test_a_national_analyst_changes_a_setting_and_it_is_kept_with_history(site: Site) -> None:
    page = site.client("force").get("/casework/nrm-settings").text
    assert "crime_recording_hours" in page and "Never changed" in page
    assert "/casework/nrm-settings/change" not in page  # only national analysts change them
    fields = {"name": "crime_recording_hours", "value": "72"}
    form, answer = _form_post(site, "national", "/casework/nrm-settings/change", fields)
    assert "rg_target_working_days" in form
    assert answer.status_code == 303
    assert answer.headers["location"] == "/casework/nrm-settings"
    assert _settings(site)["crime_recording_hours"] == 72
    shown = site.client("regional").get("/casework/nrm-settings").text
    assert '<td class="num">72</td>' in shown and "<td>national</td>" in shown
    changed = site.client("national").post(
        "/api/casework/nrm-settings", json={"name": "rg_target_working_days", "value": 7}
    )
    assert changed.status_code == 200 and changed.json() == {"version": 1}
    api = site.client("partner").get("/api/casework/nrm-settings").json()
    assert {s["name"]: s["value"] for s in api["settings"]} == {
        "crime_recording_hours": 72,
        "rg_target_working_days": 7,
    }
    assert [(h["name"], h["value"], h["version"]) for h in api["history"]] == [
        ("rg_target_working_days", 7, 1),
        ("crime_recording_hours", 72, 1),
    ]
    note = site.client("national").get("/casework/nrm-compliance").text
    assert "within 72 hours" in note and "within 7 working days" in note
    alterations = [d["detail"] for d in _audit(site, "alteration") if d["object_type"] == "setting"]
    assert alterations == ["crime_recording_hours=72 v1", "rg_target_working_days=7 v1"]


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("crime_recording_hours", "0", "crime_recording_hours: 0 must be between 1 and 1000"),
        ("crime_recording_hours", "a day", "crime_recording_hours: 'a day' is not a whole number"),
        ("deadline", "24", "setting: 'deadline' is not a setting; known: crime_recording_hours"),
    ],
)
def test_a_bad_setting_is_refused_with_the_message_and_changes_nothing(
    site: Site, name: str, value: str, message: str
) -> None:
    client = site.client("national")
    form = client.get("/casework/nrm-settings/change").text
    before, values = row_counts(site.engine), _settings(site)
    answer = client.post(
        "/casework/nrm-settings/change",
        data={"name": name, "value": value, "csrf_token": csrf_of(form)},
    )
    assert answer.status_code == 422
    assert f"Not saved: {message}" in answer.text.replace("&#39;", "'")
    assert f'value="{value}"' in answer.text
    api = client.post("/api/casework/nrm-settings", json={"name": name, "value": value})
    assert api.status_code == 400 and api.json()["detail"].startswith(message)
    assert row_counts(site.engine) == before and _settings(site) == values


def test_the_api_takes_a_setting_as_a_whole_number_only(site: Site) -> None:
    client = site.client("national")
    before = row_counts(site.engine)
    for value in (True, 48.0, 10**12, None):
        body = {"name": "crime_recording_hours", "value": value}
        answer = client.post("/api/casework/nrm-settings", json=body)
        assert answer.json() == {"detail": "missing or invalid: value"}, value
    assert row_counts(site.engine) == before
    body = {"name": "crime_recording_hours", "value": 48}
    assert client.post("/api/casework/nrm-settings", json=body).json() == {"version": 1}
    assert _settings(site)["crime_recording_hours"] == 48


@pytest.mark.parametrize("account", ["regional", "force", "partner", "pcc", "admin"])
def test_only_national_analysts_change_settings(site: Site, account: str) -> None:
    client = site.client(account)
    before = row_counts(site.engine)
    fields = {"name": "crime_recording_hours", "value": "72"}
    assert client.get("/casework/nrm-settings/change").status_code == 403
    token = client.headers["X-CSRF-Token"]
    page = client.post("/casework/nrm-settings/change", data={**fields, "csrf_token": token})
    assert page.status_code == 403
    assert client.post("/api/casework/nrm-settings", json=fields).status_code == 403
    assert row_counts(site.engine) == before and _settings(site)["crime_recording_hours"] == 24


# --- a form naming what does not exist: 404, as the API answers ----------------------------


@pytest.mark.parametrize(
    ("url", "api", "fields", "message"),
    [
        (
            "/casework/nrm-referrals/decision",
            "/api/casework/nrm-referrals/decisions",
            {"org": "Cleveland", "ref": "R-404", "stage": "rg", "date": "2018-01-12"}
            | {"outcome": "positive"},
            "referral: Cleveland has no referral 'R-404'",
        ),
        (
            "/casework/debriefs/new",
            "/api/casework/debrief-records",
            {"org": "Cleveland", "operation": "ZZ-9", "method": "hot", "date": "2018-02-05"}
            | {"findings": "x"},
            "operation: Cleveland has no operation with reference 'ZZ-9' in its returns",
        ),
        (
            "/casework/orders/999999/breach",
            "/api/casework/orders/999999/breaches",
            {"date": "2018-05-01", "summary": "x", "outcome": "pending"},
            "order: no order 999999 in your scope",
        ),
    ],
)
def test_a_form_naming_something_that_does_not_exist_answers_404_like_the_api(
    site: Site, url: str, api: str, fields: dict[str, str], message: str
) -> None:
    client = site.client("national")
    form = client.get(url).text
    before = row_counts(site.engine)
    answer = client.post(url, data={**fields, "csrf_token": csrf_of(form)})
    assert answer.status_code == 404
    assert f"Not saved: {message}" in answer.text.replace("&#39;", "'")
    assert f'value="{fields["date"]}"' in answer.text  # the form, with what was entered
    by_api = client.post(api, json=fields)
    assert by_api.status_code == 404 and by_api.json()["detail"] == message
    assert row_counts(site.engine) == before


def test_the_casework_index_links_the_new_pages(site: Site) -> None:
    index = site.client("force").get("/casework").text
    for href in (
        "/casework/orders/library",
        "/casework/lessons/summary",
        "/casework/europol/annual",
        "/casework/peer-reviews/criteria",
        "/casework/nrm-settings",
    ):
        assert f'href="{href}"' in index
    assert "/casework/orders/library" not in site.client("pcc").get("/casework").text
