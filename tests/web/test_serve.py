"""`msops serve`: one process or several workers over the same database."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import anyio.to_thread
import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.web.app import SECURE_COOKIES_ENV, app_from_environment
from tests.web.conftest import PASSWORD, seed


def _seeded(path: Path) -> str:
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade(engine)
    seed(engine)
    engine.dispose()
    return url


def test_a_worker_opens_the_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSOPS_DATABASE_URL", _seeded(tmp_path / "w.sqlite3"))
    monkeypatch.setenv(SECURE_COOKIES_ENV, "1")
    client = TestClient(app_from_environment(), base_url="https://testserver")
    answer = client.post("/api/session", json={"name": "force", "password": PASSWORD})
    assert answer.status_code == 200
    assert "Secure" in answer.headers["set-cookie"]
    assert "Cleveland" in client.get("/").text


def test_a_worker_runs_as_many_requests_at_once_as_web_threads_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSOPS_DATABASE_URL", _seeded(tmp_path / "w.sqlite3"))
    monkeypatch.setenv("MSOPS_WEB_THREADS", "3")
    app = app_from_environment()

    async def probe() -> float:  # a route of this test only: requests the worker runs at once
        return anyio.to_thread.current_default_thread_limiter().total_tokens

    app.add_api_route("/probe", probe)
    with TestClient(app) as client:  # as served: the application's start-up runs
        assert client.get("/probe").json() == 3
        assert "Sign in" in client.get("/operations").text  # pages still answer


def test_the_server_runs_on_the_c_event_loop_and_http_parser() -> None:
    """uvloop and httptools are installed with msops: Uvicorn's pure-Python loop and parser
    cost about a quarter more CPU a request (docs/benchmarks.md)."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    config = uvicorn.Config("msops.web.app:app_from_environment", factory=True)  # as serve does
    assert config.get_loop_factory().__module__ == "uvloop"
    assert AutoHTTPProtocol.__name__ == "HttpToolsProtocol"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers_shares_sessions_through_the_database(tmp_path: Path) -> None:
    env = {**os.environ, "MSOPS_DATABASE_URL": _seeded(tmp_path / "s.sqlite3")}
    port = _free_port()
    msops = Path(sys.executable).parent / "msops"
    command = [str(msops), "serve", "--port", str(port), "--workers", "2"]
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                httpx.get(f"{base}/sign-in", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "did not start"
                time.sleep(0.2)
        signed = httpx.post(f"{base}/api/session", json={"name": "force", "password": PASSWORD})
        cookies = {"msops_session": signed.cookies["msops_session"]}
        # A new connection each time: the kernel spreads them over both workers.
        for _ in range(12):
            answer = httpx.get(f"{base}/operations", cookies=cookies, timeout=30)
            assert answer.status_code == 200 and "CL-001" in answer.text
    finally:
        server.terminate()
        out, _err = server.communicate(timeout=60)
    assert b"2 workers" in out
