"""Web latency at the 10-year national history: 20 users on loopback (target: p95 < 150 ms).

    .venv/bin/python benchmarks/history_load.py --db /tmp/history.sqlite3      # once, minutes
    .venv/bin/python benchmarks/web_bench.py --db /tmp/history.sqlite3 [--users 20 --seconds 30]

The server runs in its own process (Uvicorn, one worker, as `msops serve` does) so that the load
generator does not share its interpreter. Each simulated user signs in once, then requests the
national dashboard and the operations list (first page of the latest month) in turn, for a
bounded time, over keep-alive connections to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from msops.domain.errors import NotFound
from msops.domain.principal import Role, system_principal
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.users_repo import add_user, get_user

USER, PASSWORD = "bench.national", "benchmark password"
ROUTES = ("/", "/operations")


def serve(db: str, port: int) -> None:
    import uvicorn

    from msops.web import create_app

    app = create_app(make_engine(f"sqlite:///{db}"))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def prepare(db: Path) -> None:
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    with engine.begin() as conn:
        try:
            get_user(conn, USER)
        except NotFound:
            add_user(conn, system_principal("benchmark"), USER, Role.NATIONAL_ANALYST, PASSWORD)
    engine.dispose()


async def user_loop(base: str, deadline: float, times: dict[str, list[float]]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        signed = await client.post("/api/session", json={"name": USER, "password": PASSWORD})
        signed.raise_for_status()
        n = 0
        while time.monotonic() < deadline:
            route = ROUTES[n % len(ROUTES)]
            start = time.perf_counter()
            answer = await client.get(route)
            elapsed = time.perf_counter() - start
            if answer.status_code != 200:
                raise SystemExit(f"{route}: HTTP {answer.status_code}")
            times[route].append(elapsed * 1000)
            n += 1


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def run(base: str, users: int, seconds: float) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {r: [] for r in ROUTES}
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(user_loop(base, deadline, times) for _ in range(users)))
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--serve-port", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_port:
        serve(str(args.db), args.serve_port)
        return
    prepare(args.db)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, __file__, "--db", str(args.db), "--serve-port", str(port)]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/sign-in", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        times = asyncio.run(run(base, args.users, args.seconds))
    finally:
        server.terminate()
        server.wait(timeout=10)
    total = sum(len(v) for v in times.values())
    print(
        f"{args.users} users, {args.seconds:.0f} s, {total} requests ({total / args.seconds:.0f}/s)"
    )
    for route, values in times.items():
        print(
            f"{route:12} n={len(values):5}  p50={statistics.median(values):6.1f} ms"
            f"  p95={p95(values):6.1f} ms  max={max(values):6.1f} ms"
        )


if __name__ == "__main__":
    main()
