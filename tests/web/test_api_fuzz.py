"""Schemathesis generates requests from /openapi.json: none may end in a server error."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.schemas import OpenApiSchema
from sqlalchemy import Engine

from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.web import create_app
from tests.web.conftest import PASSWORD, seed


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.sqlite3'}")
    upgrade(engine)
    seed(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def api_schema(fuzz_engine: Engine) -> OpenApiSchema:
    app = create_app(fuzz_engine)
    # Signing out would end the fuzzer's own session: every later request would only see 401.
    return schemathesis.openapi.from_asgi("/openapi.json", app).exclude(method="DELETE")


@pytest.fixture(scope="module")
def auth(api_schema: OpenApiSchema) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    client = TestClient(api_schema.app)
    answer = client.post("/api/session", json={"name": "national", "password": PASSWORD})
    assert answer.status_code == 200
    return {
        "cookies": {"msops_session": answer.cookies["msops_session"]},
        "headers": {"X-CSRF-Token": answer.json()["csrf_token"]},
    }


def test_no_request_ends_in_a_server_error(api_schema: OpenApiSchema, auth: dict[str, Any]) -> None:
    """Each operation, with generated (valid and invalid) input, signed in as a national user."""
    failures: list[str] = []
    statuses: list[int] = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(headers=auth["headers"], cookies=auth["cookies"])
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path}: {response.status_code}")

        run()
    assert failures == []
    assert len(statuses) >= 50 and any(s < 300 for s in statuses)  # it did reach the API


def test_the_schema_describes_the_api_and_nothing_else(api_schema: OpenApiSchema) -> None:
    paths = set(api_schema.raw_schema["paths"])
    assert paths == {
        "/api/session",
        "/api/headline",
        "/api/operations",
        "/api/operations/{org}/{ref}",
        "/api/operations/{org}/{ref}/nominals",
        "/api/returns/status",
        "/api/returns",
        "/api/reports",
        "/api/audit",
        "/api/casework/orders",
        "/api/casework/orders/expiring",
        "/api/casework/orders/{order_id}",
        "/api/casework/europol",
        "/api/casework/debriefs",
        "/api/casework/nrm-compliance",
        # casework forms
        "/api/casework/orders/{order_id}/variations",
        "/api/casework/orders/{order_id}/breaches",
        "/api/casework/nrm-referrals",
        "/api/casework/nrm-referrals/decisions",
        "/api/casework/nrm-referrals/crime-records",
        "/api/casework/duty-to-notify",
        "/api/casework/europol/events",
        "/api/casework/debrief-records",
        "/api/casework/lessons",
        "/api/casework/peer-reviews",
        "/api/casework/peer-reviews/summary",
        "/api/casework/peer-reviews/{review_id}",
        "/api/casework/action-plan/items",
        "/api/casework/action-plan/assessments",
        "/api/casework/action-plan/position",
        # casework downloads and settings
        "/api/casework/orders/library",
        "/api/casework/lessons/summary",
        "/api/casework/europol/annual",
        "/api/casework/peer-reviews/criteria",
        "/api/casework/nrm-settings",
        "/api/threads",
        "/api/threads/alerts",
        "/api/threads/{key}",
        "/api/threads/{key}/people",
        "/api/threads/{key}/review",
        "/api/account/password",
    }
