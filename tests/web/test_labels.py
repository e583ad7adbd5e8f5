"""Pages show the labels a person reads, not the codes the database keeps."""

from __future__ import annotations

from datetime import date

from msops.domain.casework.orders import OrderTerms, OrderType
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.casework.orders import Subject, add_order
from tests.builders import valid_return
from tests.web.conftest import Site


def _with_transit_country(site: Site) -> None:
    rows = valid_return("CL-001", "CL-002")
    rows["details"].append(
        {"operation_ref": "CL-001", "detail": "Transit country", "value": "Albania"}
    )
    raw = RawReturn.from_rows("cleveland.csv", rows)
    operator = Principal("seed", Role.SYSTEM)
    result = submit_raw(site.engine, operator, raw, "Cleveland", Period(2018, 2), "sha-feb")
    assert result.outcome == Outcome.ACCEPTED, result.issues


def test_an_operation_reads_in_labels(site: Site) -> None:
    _with_transit_country(site)
    client = site.client("national")
    page = client.get("/operations/Cleveland/CL-001").text
    for label in ("Car washes", "Labour exploitation", "Live", "Potential victims", "Albania"):
        assert label in page, label
    assert "Transit country" in page and "Sector" in page
    for code in ("car_wash", ">labour<", ">live<", ">victim<", ">AL<", "transit_country"):
        assert code not in page, code
    shown = client.post(
        "/operations/Cleveland/CL-001/nominals",
        data={"purpose": "checking labels", "csrf_token": client.headers["X-CSRF-Token"]},
    ).text
    assert "<td>Suspect</td>" in shown and "<td>Male</td>" in shown and "Phone: " in shown
    assert "<td>suspect</td>" not in shown and "phone: " not in shown


def test_lists_read_in_labels(site: Site) -> None:
    client = site.client("national")
    listed = client.get("/operations?period=2018-01").text
    assert "<td>Live</td><td>Labour exploitation</td>" in listed
    assert '<option value="live">Live</option>' in listed
    filtered = client.get("/operations?period=2018-01&status=live").text
    assert '<option value="live" selected>Live</option>' in filtered and "2 operations" in filtered
    audit = client.get("/audit").text
    assert "<td>national analyst</td>" in audit and "<td>national_analyst</td>" not in audit
    status = client.get("/returns/status?period=2018-01").text
    assert "Regional organised crime unit" in status and "Territorial force" in status


def test_casework_registers_read_in_labels(site: Site) -> None:
    court, made, ends = "Teesside Crown Court", date(2018, 2, 1), date(2023, 2, 1)
    banned = ("AL", "PL")
    terms = OrderTerms(OrderType.STPO, court, made, ends, False, ("No contact",), banned, ends)
    with site.engine.begin() as conn:
        add_order(conn, Principal("seed", Role.SYSTEM), Subject("Cleveland", "CL-002", "N1"), terms)
    client = site.client("force")
    listed = client.get("/casework/orders").text
    assert "<td>In force</td>" in listed and "<td>Albania, Poland</td>" in listed
    assert "in_force" not in listed and "<td>AL, PL</td>" not in listed
    order = client.get("/casework/orders/2").text
    assert "<td>In force</td>" in order and "<td>Albania, Poland</td>" in order
