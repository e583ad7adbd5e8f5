"""`/healthz`, `/readyz`, `/metrics` and the access log: what a monitor sees, and nothing more."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine

from msops.store.engine import make_engine
from msops.web import create_app
from msops.web.logs import JsonFormatter, log_config
from msops.web.observe import METRICS_ENV
from tests.builders import operation, valid_return
from tests.web.conftest import PASSWORD, PERIOD, Site, return_file

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REVEALING = ("postgres", "sqlite", "msops_test", "version", "127.0.0.1", "revision")


def test_health_and_readiness_answer_without_signing_in_and_say_nothing_else(
    site: Site, tmp_path: Path
) -> None:
    client = site.client(None)
    health = client.get("/healthz")
    assert health.status_code == 200 and health.text == "ok"
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"database": "ok", "schema": "ok"}
    for answer in (health, ready):
        assert "set-cookie" not in answer.headers
        assert not any(word in answer.text.lower() for word in REVEALING)
        assert str(tmp_path) not in answer.text
    assert client.head("/healthz").status_code == 200
    assert "/healthz" not in client.get("/openapi.json").text  # not part of the API


def test_readiness_is_503_when_the_schema_is_behind_or_the_database_unreachable(
    tmp_path: Path,
) -> None:
    empty = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")  # never migrated
    answer = TestClient(create_app(empty)).get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"database": "ok", "schema": "behind"}
    (tmp_path / "a-file").write_text("")
    nowhere = create_engine(f"sqlite:///{tmp_path / 'a-file' / 'x.sqlite3'}")
    answer = TestClient(create_app(nowhere)).get("/readyz")
    assert answer.status_code == 503
    assert answer.json() == {"database": "unreachable", "schema": "unknown"}
    assert str(tmp_path) not in answer.text
    assert TestClient(create_app(nowhere)).get("/healthz").text == "ok"


def test_metrics_are_off_unless_asked_for(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(METRICS_ENV, raising=False)
    assert site.client("national").get("/metrics").status_code == 404


def test_metrics_count_requests_by_route_returns_audit_and_refused_sign_ins(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(METRICS_ENV, "1")
    app = create_app(site.engine)
    anonymous = TestClient(app, follow_redirects=False)
    assert anonymous.get("/healthz").status_code == 200
    refused = {"name": "force", "password": "not the password"}
    assert anonymous.post("/api/session", json=refused).status_code == 401
    force = TestClient(app, follow_redirects=False)
    token = force.post("/api/session", json={"name": "force", "password": PASSWORD})
    force.headers["X-CSRF-Token"] = token.json()["csrf_token"]
    assert force.get("/operations/Cleveland/CL-001?q=anything").status_code == 200

    def submit(arrests: int) -> str:
        rows = valid_return("CL-001", "CL-002")
        rows["operations"][0] = operation("CL-001", arrests=arrests)
        if arrests < 0:
            rows["operations"][0]["status"] = "Not a status"
        data = return_file(tmp_path, rows)
        form = {"org": "Cleveland", "period": str(PERIOD)}
        answer = force.post("/api/returns", data=form, files={"file": ("r.xlsx", data, XLSX)})
        assert answer.status_code == 200, answer.text
        return str(answer.json()["outcome"])

    assert submit(7) == "accepted"
    assert submit(-1) == "rejected"

    page = anonymous.get("/metrics")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/plain")
    metrics = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in page.text.splitlines()
        if line and not line.startswith("#")
    }
    assert metrics['msops_http_requests_total{method="GET",route="/healthz",status="200"}'] >= 1
    route = 'route="/operations/{org}/{ref:path}"'
    assert metrics[f'msops_http_requests_total{{method="GET",{route},status="200"}}'] >= 1
    assert metrics['msops_sign_in_failures_total{reason="refused"}'] >= 1
    assert metrics['msops_returns_total{outcome="accepted"}'] >= 1
    assert metrics['msops_returns_total{outcome="rejected"}'] >= 1
    assert any(k.startswith("msops_return_rejections_by_rule_total{rule=") for k in metrics)
    assert metrics["msops_audit_appends_total"] >= 2  # the operation page and the submission
    assert 'msops_http_request_duration_seconds_count{method="GET",route="/healthz"}' in metrics
    assert "CL-001" not in page.text and "anything" not in page.text  # never the path or query


def test_the_access_log_names_the_route_never_the_path(
    site: Site, caplog: pytest.LogCaptureFixture
) -> None:
    client = site.client("force")
    with caplog.at_level(logging.INFO, logger="msops.access"):
        client.get("/operations/Cleveland/CL-001?q=Popescu")
    records = [r for r in caplog.records if r.name == "msops.access"]
    line = json.loads(JsonFormatter().format(records[-1]))
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "method",
        "route",
        "status",
        "duration_ms",
    }
    assert line["route"] == "/operations/{org}/{ref:path}" and line["status"] == 200
    assert "CL-001" not in json.dumps(line) and "Popescu" not in json.dumps(line)


def test_a_logged_exception_keeps_its_type_and_place_not_its_message() -> None:
    try:
        raise ValueError("Ana Ionescu, born 1990-01-01")
    except ValueError:
        record = logging.LogRecord("msops.web", logging.ERROR, __file__, 1, "failed", (), None)
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert line["exception"] == "ValueError" and line["where"].startswith(__file__)
    assert "Ionescu" not in json.dumps(line)
    config = log_config()  # (`msops serve` loads it: tests/web/test_serve.py)
    assert config["loggers"]["uvicorn.access"]["handlers"] == []  # it would log the path
