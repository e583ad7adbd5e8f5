"""MoPI review in the web application: the operations due for review in a person's scope, a
retain decision, and a disposal that asks to be confirmed, each audited as on the command line."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.store import schema as s
from msops.store.schema.retention import retention_decision
from msops.web import pages_retention
from tests.builders import load_operations
from tests.web.conftest import Site, csrf_of

SYSTEM = Principal("seed", Role.SYSTEM)
FEB = Period(2018, 2)
# closed without a charge in February 2018: MoPI group 3, reviewed six years on (2024), due now
CLOSED = {
    "status": "Closed",
    "closed_date": "2018-02-20",
    "disruption_outcome": "safeguarding",
}
REVIEW = "/retention/review"


@pytest.fixture
def due_site(site: Site) -> Site:
    """Cleveland's CL-001 and CL-002 and Kent's KE-1, all closed in February 2018."""
    cleveland = ["CL-001", "CL-002"]
    load_operations(site.engine, SYSTEM, "Cleveland", "Cleveland Police", cleveland, FEB, **CLOSED)
    load_operations(site.engine, SYSTEM, "Kent", "Kent Police", ["KE-1"], FEB, **CLOSED)
    return site


def _rows(html: str) -> list[str]:
    """The 'ORG/REF' of each operation listed as due."""
    body = html.split("<tbody>")[1].split("</tbody>")[0]
    cells = [row.split("</td>")[:2] for row in body.split("<tr>")[1:]]
    return [f"{c[0].split('<td>')[-1]}/{c[1].split('<td>')[-1]}" for c in cells]


def _audit(site: Site, ref: str) -> list[tuple[str, str | None]]:
    a = s.audit_event
    with site.engine.connect() as conn:
        rows = conn.execute(select(a.c.action, a.c.purpose).where(a.c.object_ref == ref))
        return [(r.action, r.purpose) for r in rows]


def _names(site: Site, org: str, ref: str) -> list[str | None]:
    nm, om, op, o = s.nominal, s.operation_month, s.operation, s.organisation
    query = (
        select(nm.c.family_name)
        .join(om, nm.c.operation_month_id == om.c.id)
        .join(op, om.c.operation_id == op.c.id)
        .join(o, op.c.organisation_id == o.c.id)
        .where(o.c.short_name == org, op.c.ref == ref)
    )
    with site.engine.connect() as conn:
        return [r[0] for r in conn.execute(query)]


def test_each_force_sees_only_its_own_operations_due(due_site: Site) -> None:
    assert _rows(due_site.client("force").get("/retention").text) == [
        "Cleveland/CL-001",
        "Cleveland/CL-002",
    ]
    assert _rows(due_site.client("force_kent").get("/retention").text) == ["Kent/KE-1"]
    national = due_site.client("national").get("/retention").text
    assert sorted(_rows(national)) == ["Cleveland/CL-001", "Cleveland/CL-002", "Kent/KE-1"]
    assert _rows(due_site.client("national").get("/retention?org=Kent").text) == ["Kent/KE-1"]
    # another force's list, or the decision form on another force's operation, is refused
    assert due_site.client("force").get("/retention?org=Kent").status_code == 403
    kent = due_site.client("force_kent").get(f"{REVIEW}?org=Cleveland&operation=CL-001")
    assert kent.status_code == 403 and "Popescu" not in kent.text
    # roles that hold no operational records have no review pages
    for account in ("pcc", "admin"):
        assert due_site.client(account).get("/retention").status_code == 403
    # a regional analyst sees the list but decides nothing
    regional = due_site.client("regional").get("/retention")
    assert sorted(_rows(regional.text)) == ["Cleveland/CL-001", "Cleveland/CL-002"]
    assert 'href="/retention/review' not in regional.text
    form = due_site.client("regional").get(f"{REVIEW}?org=Cleveland&operation=CL-001")
    assert form.status_code == 403


def test_the_list_filters_by_date_and_group_and_pages(
    due_site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = due_site.client("national")
    assert _rows(client.get("/retention?as_of=2024-02-19").text) == []  # before the review date
    assert _rows(client.get("/retention?group=group_1").text) == []  # none convicted
    assert len(_rows(client.get("/retention?group=group_3").text)) == 3
    monkeypatch.setattr(pages_retention, "PAGE_SIZE", 2)
    first = client.get("/retention")
    assert len(_rows(first.text)) == 2 and "page 1 of 2" in first.text
    assert "page=2" in first.text
    second = client.get("/retention?page=2")
    assert len(_rows(second.text)) == 1 and "page=1" in second.text
    assert set(_rows(first.text)) | set(_rows(second.text)) == {
        "Cleveland/CL-001",
        "Cleveland/CL-002",
        "Kent/KE-1",
    }
    assert client.get("/retention?as_of=yesterday").status_code == 400


def test_a_force_retains_its_operation_with_a_reason_and_next_review(due_site: Site) -> None:
    client = due_site.client("force")
    form = client.get(f"{REVIEW}?org=Cleveland&operation=CL-001")
    assert form.status_code == 200 and "2018-02-20" in form.text
    decision = {
        "csrf_token": csrf_of(form.text),
        "org": "Cleveland",
        "operation": "CL-001",
        "decision": "retain",
        "reason": "linked to a live enquiry",
    }
    silent = client.post(REVIEW, data={**decision, "reason": " ", "next_review": "2031-01-01"})
    assert silent.status_code == 422 and "give the reason for the decision<" in silent.text
    past = client.post(REVIEW, data={**decision, "next_review": "2020-01-01"})
    assert past.status_code == 422 and "future" in past.text
    assert _audit(due_site, "Cleveland/CL-001") == []
    done = client.post(REVIEW, data={**decision, "next_review": "2031-01-01"})
    assert done.status_code == 200 and "next review 2031-01-01" in done.text
    assert _audit(due_site, "Cleveland/CL-001") == [("alteration", "linked to a live enquiry")]
    assert _rows(client.get("/retention").text) == ["Cleveland/CL-002"]
    assert _rows(client.get("/retention?as_of=2031-01-01").text)[-1] == "Cleveland/CL-001"


def test_a_disposal_is_confirmed_then_erases_and_is_audited(due_site: Site) -> None:
    client = due_site.client("force")
    token = csrf_of(client.get(f"{REVIEW}?org=Cleveland&operation=CL-002").text)
    decision = {
        "csrf_token": token,
        "org": "Cleveland",
        "operation": "CL-002",
        "decision": "dispose",
        "reason": "past review, nothing linked",
    }
    # another force cannot dispose of Cleveland's operation, nor can a forged form
    kent = due_site.client("force_kent")
    refused = kent.post(REVIEW, data={**decision, "csrf_token": kent.headers["X-CSRF-Token"]})
    assert refused.status_code == 403
    assert client.post(REVIEW, data={**decision, "csrf_token": "forged"}).status_code == 403
    asked = client.post(REVIEW, data=decision)
    assert asked.status_code == 200 and "Confirm disposal" in asked.text
    assert "Popescu" in _names(due_site, "Cleveland", "CL-002")  # nothing erased yet
    with due_site.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(retention_decision)).scalar() == 0
    done = client.post(REVIEW, data={**decision, "confirm": "yes"})
    assert done.status_code == 200 and "disposed of" in done.text
    assert "Popescu" not in _names(due_site, "Cleveland", "CL-002")
    assert "Popescu" in _names(due_site, "Cleveland", "CL-001")
    assert _audit(due_site, "Cleveland/CL-002") == [("erasure", "past review, nothing linked")]
    assert _rows(client.get("/retention").text) == ["Cleveland/CL-001"]
    again = client.get(f"{REVIEW}?org=Cleveland&operation=CL-002")
    assert again.status_code == 404
