"""Web latency at the 10-year national history: 20 users on loopback (target: p95 < 150 ms).

    MSOPS_DATABASE_URL=URL .venv/bin/msops demo --to 2026-11        # once, minutes
    .venv/bin/python -m benchmarks.web_bench --url URL \\
        [--users 20 --seconds 60 --workers 2 --think 0]

(`--db PATH` instead of `--url` for an SQLite file, e.g. one `benchmarks.history_load` made.)
The server is `msops serve --workers N` in its own processes, exactly as deployed, on a free
port of 127.0.0.1. Each simulated user signs in once, then views the national dashboard, the
operations list (a page of the latest month: first page, a later page, a filtered search) and
operations' pages in turn, waiting for each answer before the next request, then pausing for a
think time drawn from an exponential distribution with mean `--think` seconds (0: no pause at
all, a stress test). Requests go to 127.0.0.1 only and stop after `--seconds`. It also prints
the CPU time msops's processes and PostgreSQL's (for this database) used per request, read from
/proc (Linux): unlike the latencies, little changed by other work on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx

from msops.domain.errors import NotFound
from msops.domain.principal import Role, system_principal
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.operations_repo import OperationFilter, latest_period, list_operations
from msops.store.users_repo.accounts import add_user, get_user
from msops.web.session import COOKIE

USER, PASSWORD = "bench.national", "loopback load test only"
OPERATION = "/operations/{org}/{ref}"  # the label of any operation's page
# (label, path): what a national analyst does in turn; OPERATION is one of the latest month's.
VISITS = (
    ("/", "/"),
    ("/operations", "/operations"),
    (OPERATION, OPERATION),
    ("/", "/"),
    ("/operations", "/operations?page=4"),
    (OPERATION, OPERATION),
    ("/operations", "/operations?status=live&q=ar"),
)


def prepare(url: str) -> list[str]:
    """The benchmark account, and the pages of the latest month's operations (the first 400)."""
    engine = make_engine(url)
    upgrade(engine)
    bench = system_principal("benchmark")
    with engine.begin() as conn:
        try:
            get_user(conn, USER)
        except NotFound:
            add_user(conn, bench, USER, Role.NATIONAL_ANALYST, PASSWORD)
        month = latest_period(conn)
        if month is None:
            raise SystemExit("the database holds no returns: load the history first")
        rows = list_operations(conn, bench, OperationFilter.from_text(str(month)), limit=400)
    engine.dispose()
    return [f"/operations/{quote(r['organisation'])}/{quote(r['ref'], safe='')}" for r in rows]


class Browser:
    """One keep-alive HTTP/1.1 connection that sends a request and reads the whole answer.

    Deliberately minimal (a few microseconds a request): the load generator shares the machine
    with the server, and a heavy client would measure itself rather than msops.
    """

    def __init__(self, port: int, cookie: str) -> None:
        self.port, self.cookie = port, cookie
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> tuple[int, bytes]:
        if self.reader is not None and self.reader.at_eof():
            await self.close()  # the server closed the idle keep-alive connection
        try:
            return await self._get(path)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()  # closed while we were sending: a browser reconnects once
            return await self._get(path)

    async def _get(self, path: str) -> tuple[int, bytes]:
        if self.reader is None or self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
            f"Cookie: {self.cookie}\r\nAccept: text/html\r\n\r\n"
        )
        self.writer.write(request.encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = next(
            int(line.split(":", 1)[1])
            for line in lines
            if line.lower().startswith("content-length:")
        )
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(ConnectionError):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def sign_in(port: int) -> str:
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
        signed = await client.post("/api/session", json={"name": USER, "password": PASSWORD})
        signed.raise_for_status()
        return f"{COOKIE}={client.cookies[COOKIE]}"


async def user_loop(
    port: int,
    cookie: str,
    operations: list[str],
    deadline: float,
    think: float,
    seed: int,
    times: dict[str, list[float]],
) -> None:
    rng = random.Random(seed)
    browser = Browser(port, cookie)
    n = rng.randrange(len(VISITS))  # users do not move in step
    try:
        while time.monotonic() < deadline:
            label, path = VISITS[n % len(VISITS)]
            if path == OPERATION:
                path = rng.choice(operations)
            start = time.perf_counter()
            status, _body = await browser.get(path)
            elapsed = time.perf_counter() - start
            if status != 200:
                raise SystemExit(f"{path}: HTTP {status}")
            times[label].append(elapsed * 1000)
            n += 1
            if think > 0:
                await asyncio.sleep(min(rng.expovariate(1 / think), 10 * think))
    finally:
        await browser.close()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


async def run(
    port: int, operations: list[str], users: int, seconds: float, think: float
) -> dict[str, list[float]]:
    """The users share one session: one account signing in 20 times at once is locked out."""
    times: dict[str, list[float]] = {label: [] for label, _path in VISITS}
    cookie = await sign_in(port)
    deadline = time.monotonic() + seconds
    await asyncio.gather(
        *(user_loop(port, cookie, operations, deadline, think, i, times) for i in range(users))
    )
    return times


def start_server(url: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    msops = Path(sys.executable).parent / "msops"
    env = {**os.environ, "MSOPS_DATABASE_URL": url}
    command = [str(msops), "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int | str) -> list[str]:
    """/proc/PID/stat's fields after the command's name (Linux): [1] the parent, [11] and [12]
    the CPU time used in user and system mode, in ticks. Empty if the process is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """The CPU time each process has used so far."""
    found = {pid: _stat(pid) for pid in pids}
    return {pid: (int(f[11]) + int(f[12])) / TICK for pid, f in found.items() if f}


def server_processes(root: int) -> list[int]:
    """`msops serve` and its worker processes."""
    children = [int(p.parent.name) for p in Path("/proc").glob("[0-9]*/stat")]
    return [root, *(pid for pid in children if (f := _stat(pid)) and int(f[1]) == root)]


def database_processes(url: str) -> list[int]:
    """PostgreSQL's server processes for this database (none on SQLite)."""
    if not url.startswith("postgresql"):
        return []
    engine = make_engine(url)
    with engine.connect() as conn:
        query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        pids = [int(pid) for pid in conn.exec_driver_sql(query).scalars()]
    engine.dispose()
    return pids


def used_since(before: dict[int, float], pids: list[int]) -> float:
    """CPU seconds the processes used since `before` (from nothing for a process started
    since)."""
    return sum(now - before.get(pid, 0.0) for pid, now in cpu_seconds(pids).items())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def report(
    args: argparse.Namespace, times: dict[str, list[float]], load: str, cpu: tuple[float, float]
) -> None:
    total = sum(len(v) for v in times.values())
    print(
        f"{args.users} users, {args.workers} workers, think {args.think:g} s, {args.seconds:.0f} s:"
        f" {total} requests ({total / args.seconds:.0f}/s); load average {load}"
    )
    print(
        f"CPU per request: msops {cpu[0] / total * 1000:.1f} ms,"
        f" database server {cpu[1] / total * 1000:.1f} ms"
    )
    for route, values in times.items():
        print(
            f"{route:24} n={len(values):5}  p50={statistics.median(values):6.1f} ms"
            f"  p95={p95(values):6.1f} ms  max={max(values):6.1f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="database URL, e.g. postgresql://user:pw@host:port/name")
    where.add_argument("--db", type=Path, help="an SQLite file")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--think", type=float, default=0.0, help="mean think time, seconds")
    args = parser.parse_args()
    url = args.url or f"sqlite:///{args.db}"
    operations = prepare(url)
    port = free_port()
    before = " ".join(f"{x:.1f}" for x in os.getloadavg())
    server = start_server(url, port, args.workers)
    try:
        warm_up = min(args.seconds, 5.0)
        asyncio.run(run(port, operations, args.users, warm_up, args.think))
        msops, database = server_processes(server.pid), database_processes(url)
        msops_cpu, database_cpu = cpu_seconds(msops), cpu_seconds(database)
        times = asyncio.run(run(port, operations, args.users, args.seconds, args.think))
        cpu = (used_since(msops_cpu, msops), used_since(database_cpu, database_processes(url)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    after = " ".join(f"{x:.1f}" for x in os.getloadavg())
    report(args, times, f"{before} before, {after} after", cpu)


if __name__ == "__main__":
    main()
