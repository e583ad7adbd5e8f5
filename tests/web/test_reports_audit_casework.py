"""Reports to download, the audit search and the casework registers, as a user sees them."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

from sqlalchemy import select

from msops.analytics.casework.nrm_referrals import Compliance
from msops.domain.casework.orders import OrderTerms, OrderType
from msops.domain.principal import Principal, Role
from msops.store.casework.orders import Subject, add_order
from msops.store.schema import audit_event
from msops.web.casework.figures.nrm_referrals import compliance_rows
from tests.web.conftest import Site, csrf_of

REPORT = {"period": "2018-01", "purpose": "monthly briefing", "recipient": "chief officers"}


def _disclosures(site: Site) -> list[tuple[str, str, str | None, str | None, str | None]]:
    a = audit_event
    with site.engine.connect() as conn:
        rows = conn.execute(
            select(a.c.actor, a.c.object_ref, a.c.purpose, a.c.recipient, a.c.detail).where(
                a.c.action == "disclosure", a.c.object_type == "report"
            )
        ).all()
    return [tuple(r) for r in rows]


def test_an_analyst_downloads_the_overview_and_the_download_is_audited(site: Site) -> None:
    client = site.client("national")
    form = client.get("/reports").text
    answer = client.post(
        "/reports",
        data={
            **REPORT,
            "kind": "overview-html",
            "audience": "internal",
            "csrf_token": csrf_of(form),
        },
    )
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    assert "Monthly overview" in answer.text and "2018-01" in answer.text
    actor, ref, purpose, recipient, detail = _disclosures(site)[-1]
    assert (actor, purpose, recipient) == ("national", "monthly briefing", "chief officers")
    assert "overview 2018-01" in ref and "audience internal" in (detail or "")


def test_tables_come_as_a_zip_of_csv_files(site: Site) -> None:
    client = site.client("force")
    answer = client.post("/api/reports", json={**REPORT, "kind": "tables-zip"})
    assert answer.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert names and all(n.endswith(".csv") for n in names)
    assert "Cleveland" in answer.headers["content-disposition"]


def test_a_pcc_gets_only_the_public_version_for_their_force_area(site: Site) -> None:
    client = site.client("pcc")
    asked = {**REPORT, "kind": "overview-html", "audience": "internal", "org": "Kent"}
    answer = client.post("/api/reports", json=asked)
    assert answer.status_code == 200
    assert answer.headers["content-disposition"].endswith('Cleveland-public.html"')
    assert "audience: public" in answer.text and "Kent" not in answer.text
    assert "Popescu" not in answer.text
    *_, detail = _disclosures(site)[-1]
    assert "audience public" in (detail or "")


def test_a_report_without_purpose_is_refused_and_not_recorded(site: Site) -> None:
    client = site.client("national")
    form = client.get("/reports").text
    data = {**REPORT, "purpose": " ", "kind": "tables-zip", "csrf_token": csrf_of(form)}
    assert client.post("/reports", data=data).status_code == 400
    assert _disclosures(site) == []


def test_the_audit_search_answers_who_looked_at_an_operation(site: Site) -> None:
    site.client("regional").get("/operations/Cleveland/CL-001")
    client = site.client("national")
    page = client.get("/audit", params={"ref": "Cleveland/CL-001", "action": "consultation"})
    assert page.status_code == 200
    assert "regional" in page.text and "Cleveland/CL-001" in page.text
    found = client.get("/api/audit", params={"user": "national"}).json()
    assert found[0]["object_type"] == "audit_trail"  # the search before was itself recorded
    assert site.client("regional").get("/audit").status_code == 403


def test_orders_list_detail_and_expiring(site: Site) -> None:
    today = date.today()
    terms = OrderTerms(
        OrderType.STPO,
        "Leeds Crown Court",
        today.replace(year=today.year - 5),
        today + timedelta(days=30),
        False,
        ("No contact with the victims",),
    )
    with site.engine.begin() as conn:
        soon = add_order(
            conn, Principal("s", Role.SYSTEM), Subject("Cleveland", "CL-002", "N1"), terms
        )
    client = site.client("force")
    listing = client.get("/casework/orders").text
    assert "Teesside Crown Court" in listing and "Leeds Crown Court" in listing
    detail = client.get(f"/casework/orders/{soon}").text
    assert "No contact with the victims" in detail and "made" in detail
    expiring = client.get("/casework/orders/expiring", params={"within": 60}).text
    assert "CL-002" in expiring and "Teesside" not in expiring
    assert client.get("/api/casework/orders/expiring?within=60").json()[0]["days_left"] == 30
    assert site.client("force_kent").get(f"/casework/orders/{soon}").status_code == 404


def test_europol_prompts_list_the_unchecked_international_operation(site: Site) -> None:
    rows = site.client("force").get("/api/casework/europol").json()
    assert [r["operation_ref"] for r in rows] == ["CL-001", "CL-002"]  # Romanian victims
    page = site.client("national").get("/casework/europol", params={"org": "Cleveland"}).text
    assert "CL-001" in page and "Europol checks due: Cleveland" in page


def test_a_pcc_sees_compliance_counts_under_disclosure_control() -> None:
    small = Compliance("Cleveland", referrals=12, crime_on_time=3, crime_late=9, rg_decided=4)
    row = compliance_rows([small], protect=True)[0]
    assert row["referrals"] == "10" and row["crime_on_time"] == "[c]"
    assert row["rg_within_target_pct"] == "[c]"  # a base of 4 decisions
    assert compliance_rows([small], protect=False)[0]["crime_on_time"] == 3


def test_a_force_users_report_says_it_holds_the_force_and_is_recorded_so(site: Site) -> None:
    client = site.client("force")
    answer = client.post("/api/reports", json={**REPORT, "kind": "overview-html"})
    assert answer.status_code == 200
    assert "Cleveland" in answer.headers["content-disposition"]
    title = answer.text.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "Cleveland" in title and "Northern Ireland" not in title
    _actor, ref, *_ = _disclosures(site)[-1]
    assert ref.endswith("Cleveland")


def test_a_report_for_an_area_outside_ones_scope_is_refused_and_not_recorded(
    site: Site,
) -> None:
    before = len(_disclosures(site))
    for account, asked in (
        ("force", {"org": "Durham"}),
        ("force", {"region": "North East"}),
        ("regional", {"region": "London"}),
        ("regional", {"org": "Kent"}),
    ):
        answer = site.client(account).post(
            "/api/reports", json={**REPORT, "kind": "overview-html", **asked}
        )
        assert answer.status_code == 403, (account, asked)
    assert len(_disclosures(site)) == before
    within = site.client("regional").post(
        "/api/reports", json={**REPORT, "kind": "overview-html", "org": "cleveland"}
    )
    assert within.status_code == 200 and "Cleveland" in within.headers["content-disposition"]
