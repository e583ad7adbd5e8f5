"""The audit trail under load: 20 analysts opening operation pages at once through 2 workers.

    .venv/bin/python -m benchmarks.audit_load [--url URL] [--users 20 --seconds 30 --workers 2]

Starts `msops serve --workers N` on a free port of 127.0.0.1 against a temporary SQLite file
(or `--url`, e.g. an empty PostgreSQL database), loads one synthetic month of returns, and has
each simulated user sign in and open operation pages one after another for `--seconds` (each
view is a consultation recorded in the audit trail). Then it stops the server, runs
`msops audit verify`, and prints the requests answered, the consultations recorded and the
verification. The keys are temporary too. Requests go to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import func, select

from benchmarks._common import BENCH, load
from benchmarks.web_bench import PASSWORD, USER, Browser, free_port, sign_in
from msops.domain.errors import NotFound
from msops.domain.periods import Period
from msops.domain.principal import Role
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.operations_repo import OperationFilter, list_operations
from msops.store.schema import audit_event
from msops.store.users_repo.accounts import add_user, get_user
from msops.synthetic import generate_history

MONTH = Period(2016, 12)
MAX_REQUESTS = 200_000  # a bound on the whole run, whatever the clock says

CONSULTATIONS = select(func.count()).where(
    audit_event.c.action == "consultation", audit_event.c.object_type == "operation"
)


def prepare(url: str) -> tuple[list[str], int]:
    """The database with one month of returns and the benchmark account; the operation pages to
    open, and the number of operation consultations already recorded."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.begin() as conn:
        try:
            get_user(conn, USER)
        except NotFound:
            add_user(conn, BENCH, USER, Role.NATIONAL_ANALYST, PASSWORD)
    flt = OperationFilter.from_text(str(MONTH))
    with engine.connect() as conn:
        stored = list_operations(conn, BENCH, flt, limit=1)
    if not stored:
        load(engine, generate_history(first=MONTH, last=MONTH))
    with engine.connect() as conn:
        rows = list_operations(conn, BENCH, flt, limit=400)
        before = int(conn.execute(CONSULTATIONS).scalar_one())
    engine.dispose()
    # (a reference holding "/", as the Met's do, has no page of its own: left out)
    pages = [
        f"/operations/{quote(r['organisation'])}/{quote(r['ref'])}"
        for r in rows
        if "/" not in r["ref"]
    ]
    return pages, before


async def analyst(
    port: int,
    cookie: str,
    pages: list[str],
    deadline: float,
    seed: int,
    counts: dict[str, list[float]],
) -> None:
    rng = random.Random(seed)
    browser = Browser(port, cookie)
    try:
        while time.monotonic() < deadline and len(counts["ok"]) < MAX_REQUESTS:
            start = time.perf_counter()
            status, _body = await browser.get(rng.choice(pages))
            label = "ok" if status == 200 else f"HTTP {status}"
            counts.setdefault(label, []).append(time.perf_counter() - start)
    finally:
        await browser.close()


async def run(port: int, pages: list[str], users: int, seconds: float) -> dict[str, list[float]]:
    """The users share one session: one account signing in 20 times at once is locked out."""
    counts: dict[str, list[float]] = {"ok": []}
    cookie = await sign_in(port)
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(analyst(port, cookie, pages, deadline, i, counts) for i in range(users)))
    return counts


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    msops = Path(sys.executable).parent / "msops"
    command = [str(msops), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(
        [*command, "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            asyncio.run(_probe(port))
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


async def _probe(port: int) -> None:
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.close()
    await writer.wait_closed()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    seconds = min(args.seconds, 300.0)
    with tempfile.TemporaryDirectory(prefix="msops-audit-load-") as tmp:
        url = args.url or f"sqlite:///{Path(tmp) / 'load.sqlite3'}"
        env = {
            **os.environ,
            "MSOPS_DATABASE_URL": url,
            "MSOPS_AUDIT_KEY_FILE": str(Path(tmp) / "keys" / "audit-hmac.key"),
            "MSOPS_AUDIT_SIGNING_KEY_FILE": str(Path(tmp) / "keys" / "audit-signing.key"),
        }
        os.environ.update(env)  # this process appends (sign-ins, set-up) with the same keys
        pages, before = prepare(url)
        port = free_port()
        server = start_server(env, port, args.workers)
        try:
            counts = asyncio.run(run(port, pages, args.users, seconds))
        finally:
            server.terminate()
            server.wait(timeout=30)
        engine = make_engine(url)
        with engine.connect() as conn:
            recorded = int(conn.execute(CONSULTATIONS).scalar_one()) - before
        engine.dispose()
        msops = Path(sys.executable).parent / "msops"
        started = time.perf_counter()
        verified = subprocess.run(
            [str(msops), "audit", "verify"], env=env, capture_output=True, text=True, check=False
        )
        verify_seconds = time.perf_counter() - started
    ok = counts.pop("ok")
    failed = ", ".join(f"{len(v)} {k}" for k, v in sorted(counts.items())) or "none"
    print(
        f"{args.users} users, {args.workers} workers, {seconds:.0f} s,"
        f" {'SQLite' if args.url is None else 'given database'}:"
        f" {len(ok)} pages answered ({len(ok) / seconds:.0f}/s); failed: {failed}"
    )
    if ok:
        print(
            f"page time p50 {statistics.median(ok) * 1000:.1f} ms,"
            f" p95 {statistics.quantiles(ok, n=20)[-1] * 1000:.1f} ms,"
            f" max {max(ok) * 1000:.1f} ms"
        )
    print(f"consultations recorded: {recorded} (pages answered: {len(ok)})")
    print(f"msops audit verify: exit {verified.returncode} in {verify_seconds:.1f} s")
    print((verified.stdout + verified.stderr).strip())
    if recorded != len(ok) or verified.returncode != 0:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
