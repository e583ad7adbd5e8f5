"""A data subject's rights in the web application: the national team searches by POST, downloads
the access report, rectifies, restricts and erases; each act audited as `msops subject` does,
no other role reaches the pages, and no name or date of birth reaches a URL or a log."""

from __future__ import annotations

import io
import logging

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from msops.store.schema import audit_event
from msops.store.schema.subject import nominal_rectification
from tests.web.conftest import Site, csrf_of

SAR = "SAR 2026/1"
PERSONAL = ("Popescu", "Ionescu", "1980-04-03", "900123")
RECORD = "Cleveland/CL-002/N2"  # Ana Ionescu, a victim, in the seeded return


def _national(site: Site) -> tuple[TestClient, str]:
    client = site.client("national")
    return client, csrf_of(client.get("/subject").text)


def _audit(site: Site) -> list[tuple[str, str, str | None, str | None]]:
    a = audit_event
    query = select(a.c.action, a.c.object_ref, a.c.purpose, a.c.recipient).where(
        a.c.object_type.in_(("data_subject", "nominal"))
    )
    with site.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(query.order_by(a.c.seq))]  # type: ignore[misc]


def _all_audit_text(site: Site) -> str:
    with site.engine.connect() as conn:
        return " ".join(str(tuple(r)) for r in conn.execute(select(audit_event)))


def test_a_search_is_a_post_finds_every_record_and_is_a_consultation(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    client, token = _national(site)
    with caplog.at_level(logging.DEBUG):
        found = client.post(
            "/subject", data={"csrf_token": token, "purpose": SAR, "family": "popescu"}
        )
    assert found.status_code == 200 and "2 records held" in found.text
    assert "Cleveland/CL-001/N1" in found.text and "Cleveland/CL-002/N1" in found.text
    assert "phone +447700900123" in found.text and "Ionescu" not in found.text
    assert "stpo 2018-01-20" in found.text.lower()  # the order on CL-001/N1
    assert found.url.path == "/subject" and not found.url.query
    assert _audit(site) == [("consultation", "subject search", SAR, None)]
    # the trail names the criteria's kinds and the logs carry nothing of the person
    logged = " ".join(r.getMessage() for r in caplog.records)
    for value in PERSONAL:
        assert value.lower() not in logged.lower()
        assert value.lower() not in _all_audit_text(site).lower()
    # the links from the results name records by their references only
    for link in found.text.split('href="')[1:]:
        assert not any(v.lower() in link.split('"')[0].lower() for v in PERSONAL)


def test_the_search_refuses_bad_input_without_repeating_it(site: Site) -> None:
    client, token = _national(site)
    bad = client.post("/subject", data={"csrf_token": token, "purpose": SAR, "dob": "3/4/1980"})
    assert bad.status_code == 422 and "date of birth is written YYYY-MM-DD" in bad.text
    nothing = client.post("/subject", data={"csrf_token": token, "purpose": SAR})
    assert nothing.status_code == 422 and "give a name" in nothing.text
    forged = client.post("/subject", data={"csrf_token": "forged", "purpose": SAR, "age": "30"})
    assert forged.status_code == 403
    assert _audit(site) == []


@pytest.mark.parametrize("account", ["force", "regional", "partner", "pcc", "admin"])
def test_only_the_national_team_reaches_subject_rights(site: Site, account: str) -> None:
    client = site.client(account)
    token = client.headers["X-CSRF-Token"]
    assert client.get("/subject").status_code == 403
    search = {"csrf_token": token, "purpose": SAR, "family": "Popescu"}
    refused = client.post("/subject", data=search)
    assert refused.status_code == 403 and "Popescu" not in refused.text
    report = {**search, "recipient": "x", "format": "pdf"}
    assert client.post("/subject/report", data=report).status_code == 403
    act = {"csrf_token": token, "nominal": RECORD, "reason": SAR, "confirm": "on"}
    assert client.post("/subject/erase", data=act).status_code == 403
    assert _audit(site) == []


def test_the_access_report_downloads_as_xlsx_or_pdf_and_is_a_disclosure(site: Site) -> None:
    client, token = _national(site)
    search = {"csrf_token": token, "purpose": SAR, "family": "Popescu", "recipient": "Mr Popescu"}
    xlsx = client.post("/subject/report", data={**search, "format": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx.headers["content-disposition"] == 'attachment; filename="subject-access.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert "Popescu" in cells and "Cleveland" in " ".join(str(c) for c in cells)
    pdf = client.post("/subject/report", data={**search, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    nobody = client.post("/subject/report", data={**search, "recipient": " ", "format": "pdf"})
    assert nobody.status_code == 422 and "who receives" in nobody.text
    acts = [(a, r) for a, _, p, r in _audit(site) if p == SAR]
    assert acts == [
        ("consultation", None),
        ("disclosure", "Mr Popescu"),
        ("consultation", None),
        ("disclosure", "Mr Popescu"),
    ]


def test_rectify_keeps_the_old_value_restrict_flags_and_erase_asks_to_confirm(
    site: Site,
) -> None:
    client, token = _national(site)
    form = client.get("/subject/rights", params={"nominal": RECORD})
    assert form.status_code == 200 and f'value="{RECORD}"' in form.text
    act = {"csrf_token": token, "nominal": RECORD, "reason": SAR}
    correction = {**act, "field": "family_name", "value": "Ionesco"}
    fixed = client.post("/subject/rectify", data=correction)
    assert fixed.status_code == 200 and "rectified" in fixed.text
    with site.engine.connect() as conn:
        history = conn.execute(select(nominal_rectification)).one()
    assert (history.field, history.old_value, history.reason) == ("family_name", "Ionescu", SAR)
    wrong = client.post("/subject/rectify", data={**act, "field": "password", "value": "x"})
    assert wrong.status_code == 422 and "Not done" in wrong.text

    restricted = client.post("/subject/restrict", data=act)
    assert restricted.status_code == 200 and f"{RECORD}: restricted." in restricted.text
    search = {"csrf_token": token, "purpose": SAR, "family": "Ionesco"}
    assert "restricted" in client.post("/subject", data=search).text

    unconfirmed = client.post("/subject/erase", data=act)
    assert unconfirmed.status_code == 422 and "tick the box" in unconfirmed.text
    erased = client.post("/subject/erase", data={**act, "confirm": "on"})
    assert erased.status_code == 200 and "erased" in erased.text
    assert "0 records held" in client.post("/subject", data=search).text
    acts = [(a, o) for a, o, _, _ in _audit(site) if a != "consultation"]
    assert acts == [("alteration", RECORD), ("alteration", RECORD), ("erasure", RECORD)]
