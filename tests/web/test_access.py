"""Every route and API endpoint, for every role: allowed or denied as this table says."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from tests.builders import valid_return
from tests.web.conftest import ACCOUNTS, Site, return_file

ALL = set(ACCOUNTS)
OPERATIONAL = {"national", "regional", "regional_se", "force", "force_kent", "partner"}
SEES_CLEVELAND = {"national", "regional", "force"}  # Cleveland is in the North East
SUBMIT_CLEVELAND = {"national", "force"}
SUBMITTERS = {"national", "force", "force_kent", "partner"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Call = Callable[[TestClient, Path], httpx.Response]


def form(client: TestClient, **fields: str) -> dict[str, str]:
    return {"csrf_token": client.headers.get("X-CSRF-Token", ""), **fields}


def upload(url: str) -> Call:
    def call(client: TestClient, tmp: Path) -> httpx.Response:
        data = return_file(tmp, valid_return("CL-001", "CL-002"))
        return client.post(
            url,
            data=form(client, org="Cleveland", period="2018-01"),
            files={"file": ("cleveland.xlsx", data, XLSX)},
        )

    return call


def get(url: str) -> Call:
    return lambda client, _tmp: client.get(url)


def post(url: str, **fields: str) -> Call:
    return lambda client, _tmp: client.post(url, data=form(client, **fields))


def post_json(url: str, body: dict[str, Any]) -> Call:
    return lambda client, _tmp: client.post(url, json=body)


OVERSEERS = OPERATIONAL | {"pcc"}
AUDITORS = {"national", "admin"}
EUROPOL = OPERATIONAL - {"regional_se"}  # force and partner users see their own organisation's
REPORT = {"period": "2018-01", "kind": "tables-zip", "purpose": "briefing", "recipient": "board"}
OP = "/operations/Cleveland/CL-001"
EXPORT = {"org": "Cleveland", "period": "2018-01", "purpose": "case review", "recipient": "CPS"}
# (route as FastAPI names it, method, call, roles allowed, status when allowed)
TABLE: list[tuple[str, str, Call, set[str], int]] = [
    ("/", "GET", get("/"), ALL, 200),
    ("/operations", "GET", get("/operations"), OPERATIONAL, 200),
    ("/operations/{org}/{ref}", "GET", get(OP), SEES_CLEVELAND, 200),
    (
        "/operations/{org}/{ref}/nominals",
        "POST",
        post(f"{OP}/nominals", purpose="x"),
        SEES_CLEVELAND,
        200,
    ),
    ("/returns/upload", "GET", get("/returns/upload"), SUBMITTERS, 200),
    ("/returns/upload", "POST", upload("/returns/upload"), SUBMIT_CLEVELAND, 200),
    ("/returns/status", "GET", get("/returns/status"), OPERATIONAL, 200),
    ("/returns/export", "GET", get("/returns/export"), OPERATIONAL, 200),
    ("/returns/export", "POST", post("/returns/export", **EXPORT), SEES_CLEVELAND, 200),
    ("/accounts", "GET", get("/accounts"), {"admin"}, 200),
    (
        "/accounts",
        "POST",
        post(
            "/accounts", name="new.user", role="national_analyst", password="another long password"
        ),
        {"admin"},
        303,
    ),
    ("/accounts/disable", "POST", post("/accounts/disable", name="regional_se"), {"admin"}, 303),
    ("/api/headline", "GET", get("/api/headline"), ALL - {"admin"}, 200),
    ("/api/operations", "GET", get("/api/operations"), OPERATIONAL, 200),
    ("/api/operations/{org}/{ref}", "GET", get(f"/api{OP}"), SEES_CLEVELAND, 200),
    (
        "/api/operations/{org}/{ref}/nominals",
        "POST",
        post_json(f"/api{OP}/nominals", {"purpose": "safeguarding check"}),
        SEES_CLEVELAND,
        200,
    ),
    ("/api/returns/status", "GET", get("/api/returns/status"), OPERATIONAL, 200),
    ("/api/returns", "POST", upload("/api/returns"), SUBMIT_CLEVELAND, 200),
    ("/reports", "GET", get("/reports"), OVERSEERS, 200),
    ("/reports", "POST", post("/reports", **REPORT), OVERSEERS, 200),
    ("/api/reports", "POST", post_json("/api/reports", REPORT), OVERSEERS, 200),
    ("/audit", "GET", get("/audit?action=consultation"), AUDITORS, 200),
    ("/api/audit", "GET", get("/api/audit?user=national"), AUDITORS, 200),
    ("/casework", "GET", get("/casework"), OVERSEERS, 200),
    ("/casework/orders", "GET", get("/casework/orders"), OPERATIONAL, 200),
    ("/casework/orders/expiring", "GET", get("/casework/orders/expiring"), OPERATIONAL, 200),
    ("/casework/orders/{order_id}", "GET", get("/casework/orders/1"), SEES_CLEVELAND, 200),
    ("/casework/europol", "GET", get("/casework/europol?org=Cleveland"), EUROPOL, 200),
    ("/casework/debriefs", "GET", get("/casework/debriefs"), OPERATIONAL, 200),
    ("/casework/nrm-compliance", "GET", get("/casework/nrm-compliance"), OVERSEERS, 200),
    ("/api/casework/orders", "GET", get("/api/casework/orders"), OPERATIONAL, 200),
    (
        "/api/casework/orders/expiring",
        "GET",
        get("/api/casework/orders/expiring?within=30"),
        OPERATIONAL,
        200,
    ),
    ("/api/casework/orders/{order_id}", "GET", get("/api/casework/orders/1"), SEES_CLEVELAND, 200),
    ("/api/casework/europol", "GET", get("/api/casework/europol?org=Cleveland"), EUROPOL, 200),
    ("/api/casework/debriefs", "GET", get("/api/casework/debriefs"), OPERATIONAL, 200),
    ("/api/casework/nrm-compliance", "GET", get("/api/casework/nrm-compliance"), OVERSEERS, 200),
]
# Operational users outside the order's organisation: the register says it has no such order.
NOT_FOUND = {("/casework/orders/{order_id}", name) for name in OPERATIONAL - SEES_CLEVELAND} | {
    ("/api/casework/orders/{order_id}", name) for name in OPERATIONAL - SEES_CLEVELAND
}
PUBLIC = {
    ("/sign-in", "GET"),
    ("/sign-in", "POST"),
    ("/api/session", "POST"),
    ("/openapi.json", "GET"),
    ("/sign-out", "POST"),
    ("/api/session", "DELETE"),
}


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every endpoint, through included routers (kept nested by this FastAPI version)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


def test_the_table_covers_every_route(site: Site) -> None:
    routes = {(r.path, m) for r in _api_routes(site.app.routes) for m in r.methods}
    covered = {(path, method) for path, method, *_ in TABLE}
    assert routes - PUBLIC == covered


@pytest.mark.parametrize("account", sorted(ALL))
def test_every_route_allows_or_denies_as_the_table_says(
    site: Site, account: str, tmp_path: Path
) -> None:
    client = site.client(account)
    for path, method, call, allowed, ok in TABLE:
        answer = call(client, tmp_path)
        expected = ok if account in allowed else 403
        if (path, account) in NOT_FOUND:
            expected = 404
        assert answer.status_code == expected, (account, method, path, answer.text[:300])


def test_anonymous_visitors_are_sent_to_sign_in(site: Site, tmp_path: Path) -> None:
    client = site.client(None)
    for path, method, call, _allowed, _ok in TABLE:
        answer = call(client, tmp_path)
        if path.startswith("/api/"):
            assert answer.status_code == 401, (method, path)
        else:
            assert answer.status_code in (303, 403), (method, path)  # 403: POST without CSRF
            if method == "GET":
                assert answer.headers["location"] == "/sign-in"
