"""Long lists come a page at a time, and the links between pages keep the filters: the audit
trail, the threads and the casework registers."""

from __future__ import annotations

import re
from datetime import date

from msops.domain.casework.orders import OrderTerms, OrderType
from msops.domain.principal import Principal, Role
from msops.store import linkage_repo as repo
from msops.store.audit import Action, AuditEntry, record
from msops.store.casework.orders import Subject, add_order
from tests.web.conftest import Site
from tests.web.threads_seed import add_thread

OPERATOR = Principal("seed", Role.SYSTEM)


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr")


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]*)" rel="{rel}">', html)
    return found.group(1).replace("&amp;", "&") if found else None


def test_the_audit_trail_pages_and_keeps_its_filters(site: Site) -> None:
    with site.engine.begin() as conn:
        for n in range(130):
            record(conn, OPERATOR, AuditEntry(Action.ALTERATION, "probe", f"probe/{n}"))
    client = site.client("national")
    first = client.get("/audit?ref=probe").text
    assert _rows(first) == 100 and "probe/129" in first and _link(first, "prev") is None
    following = _link(first, "next")
    assert following is not None and "ref=probe" in following and "page=2" in following
    second = client.get("/audit" + following).text
    assert _rows(second) == 30 and "probe/29<" in second and "probe/30<" not in second
    assert _link(second, "next") is None and _link(second, "prev") is not None
    assert client.get("/audit?page=0").status_code == 400
    assert client.get("/audit?page=x").status_code == 400


def test_the_threads_page_pages(site: Site) -> None:
    add_thread(site.engine)
    with site.engine.begin() as conn:
        pair = [r for r in repo.current_nominals(conn, OPERATOR) if r.nominal_ref == "N1"]
        run_id = repo.start_run(conn, OPERATOR, {"seed": "paging"}, repo.utc_now())
        for n in range(110):
            thread_id = repo.new_thread(conn, run_id)
            repo.set_thread(conn, thread_id, key=f"t{n:016d}", n_members=2, n_organisations=2)
            link = repo.PairRow(pair[0].nominal_id, pair[1].nominal_id, "phone", 1.0, None, [])
            repo.save_clusters(conn, run_id, [repo.ClusterRow(pair[:2], [link], thread_id)])
        repo.finish_run(conn, OPERATOR, run_id, {"n_threads": 110})
    client = site.client("national")
    first = client.get("/threads").text
    assert "Threads in your scope (111)" in first and "Page 1 of 2" in first
    following = _link(first, "next")
    assert following == "?page=2"
    second = client.get("/threads" + following).text
    assert "Page 2 of 2" in second and "t0000000000000109" in second
    assert "t0000000000000109" not in first
    assert client.get("/threads?page=9").text.count("Page 2 of 2") == 1  # past the end: the last


def test_a_casework_register_pages_and_keeps_its_filter(site: Site) -> None:
    court, made, ends = "Teesside Crown Court", date(2018, 1, 20), date(2023, 1, 20)
    terms = OrderTerms(OrderType.STPO, court, made, ends, False, ("No contact",))
    with site.engine.begin() as conn:
        for _ in range(104):
            add_order(conn, OPERATOR, Subject("Cleveland", "CL-002", "N1"), terms)
    client = site.client("force")
    first = client.get("/casework/orders?org=Cleveland").text
    assert "105 rows; page 1 of 2." in first and _rows(first) == 100
    following = _link(first, "next")
    assert following is not None and "org=Cleveland" in following
    second = client.get("/casework/orders" + following).text
    assert "page 2 of 2" in second and _rows(second) == 5


def test_registers_filter_by_organisation_in_scope(site: Site) -> None:
    client = site.client("national")
    for url in ("/casework/orders", "/casework/nrm-referrals", "/casework/peer-reviews"):
        assert '<select name="org"><option value="">any</option>' in client.get(url).text, url
    chosen = client.get("/casework/orders?org=Cleveland").text
    assert "<option selected>Cleveland</option>" in chosen and "1 rows." in chosen
    assert "0 rows." in client.get("/casework/orders?org=Durham").text
    regional = site.client("regional").get("/casework/europol/events").text
    assert "<option>Durham</option>" in regional and "<option>Kent</option>" not in regional
    assert '<select name="org">' not in site.client("force").get("/casework/orders").text
