"""Sign-in and upload under attack: what the server refuses, and its memory, on loopback.

    .venv/bin/python -m benchmarks.signin_load [--workers 1] [--attempts 100]

The server is `msops serve --workers N` as deployed, on a free port of 127.0.0.1, over a fresh
SQLite database in a temporary folder with two accounts, and with its own temporary folder
(TMPDIR) so that what it spools can be measured. Four cases, one after the other:

1. one account, one client: `--attempts` wrong passwords for one account sent at once, each
   with a different forged X-Forwarded-For (the server trusts no proxy, so all count against
   127.0.0.1);
2. many accounts, many clients: the server restarted with MSOPS_TRUSTED_PROXIES=127.0.0.1 and
   `--attempts` wrong passwords at once, each for a different account name from a different
   forwarded address, so that no throttle stops them and only the bound on hashing holds;
3. a 200 MB upload, sent in 64 KiB pieces on a raw socket, once with its Content-Length and
   once chunked without one, stopping as soon as the server answers or closes;
4. a zip bomb: a 60 MB operations.csv in a zip of about 240 KiB.

For each: the answers by status (401: the password was checked and wrong; 429: refused before
hashing, the account or client is locked; 503: busy, not hashed), whether the account ended
locked, the server processes' resident memory before and at its peak (sampled every 20 ms from
/proc, summed over the process tree), and for uploads the time, the bytes sent before the
answer and the peak of what the server held in its temporary folder (including files already
unlinked but still open). Requests go to 127.0.0.1 only; every loop is bounded in count and
time.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
from sqlalchemy import select as sql_select

from benchmarks.web_bench import free_port
from msops.domain.principal import Role, system_principal
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.schema.web import sign_in_throttle
from msops.store.users_repo.accounts import add_user
from msops.web.session import COOKIE

TARGET, UPLOADER = "bench.signin", "bench.uploader"
PASSWORD = "loopback load test only"
WRONG = "not the right one at all"
MIB = 2**20
TIMEOUT = 120.0  # seconds, for any one request


# The server and its processes ------------------------------------------------------------


def prepare(db: Path) -> None:
    engine = make_engine(f"sqlite:///{db}")
    upgrade(engine)
    with engine.begin() as conn:
        actor = system_principal("benchmark")
        add_user(conn, actor, TARGET, Role.NATIONAL_ANALYST, PASSWORD)
        add_user(conn, actor, UPLOADER, Role.NATIONAL_ANALYST, PASSWORD)
    engine.dispose()


def start_server(db: Path, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    msops = Path(sys.executable).parent / "msops"
    full = {**os.environ, "MSOPS_DATABASE_URL": f"sqlite:///{db}", **env}
    command = [str(msops), "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(
        command, env=full, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.TransportError):
            answer = httpx.get(f"http://127.0.0.1:{port}/sign-in", timeout=2)
            if answer.status_code == 200 and (workers == 1 or len(tree(server.pid)) > workers):
                return server
        time.sleep(0.2)
    stop(server)
    raise SystemExit("the server did not start")


def stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=30)


def tree(pid: int) -> list[int]:
    """`pid` and every process below it."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, todo = [pid], [pid]
    while todo:
        parent = todo.pop()
        children = [p for p, pp in parents.items() if pp == parent]
        found += children
        todo += children
    return found


def rss_mib(pid: int) -> float:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def spooled_bytes(pids: list[int], folder: Path) -> int:
    """Bytes in files under `folder`: those listed, and those open in the server but unlinked."""
    seen: dict[tuple[int, int], int] = {}
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            st = path.stat()
            if path.is_file():
                seen[(st.st_dev, st.st_ino)] = st.st_size
    prefix = str(folder)
    for pid in pids:
        fds = Path(f"/proc/{pid}/fd")
        with contextlib.suppress(OSError):
            for fd in fds.iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd).startswith(prefix):
                        st = fd.stat()
                        seen[(st.st_dev, st.st_ino)] = st.st_size
    return sum(seen.values())


@dataclass
class Peak:
    before_mib: float = 0.0
    peak_mib: float = 0.0
    spool_bytes: int = 0
    processes: int = 1
    largest_mib: float = 0.0  # the peak of the largest single process


class Sampler:
    """Samples the server's memory (and spool folder) every 20 ms while in a `with` block."""

    def __init__(self, server: subprocess.Popen[bytes], spool: Path) -> None:
        self.pids = tree(server.pid)
        self.spool = spool
        self.peak = Peak(processes=len(self.pids))
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._done.is_set():
            each = [rss_mib(pid) for pid in self.pids]
            self.peak.peak_mib = max(self.peak.peak_mib, sum(each))
            self.peak.largest_mib = max(self.peak.largest_mib, *each)
            self.peak.spool_bytes = max(self.peak.spool_bytes, spooled_bytes(self.pids, self.spool))
            self._done.wait(0.02)

    def __enter__(self) -> Peak:
        self.peak.before_mib = sum(rss_mib(pid) for pid in self.pids)
        self.peak.peak_mib = self.peak.before_mib
        self._thread.start()
        return self.peak

    def __exit__(self, *_exc: object) -> None:
        time.sleep(0.2)  # let memory settle into the last samples
        self._done.set()
        self._thread.join(timeout=10)


# Sign-in ---------------------------------------------------------------------------------


async def wrong_sign_ins(port: int, attempts: int, spread: bool) -> Counter[int]:
    """`attempts` wrong sign-ins at once, each on its own connection: for one account, or
    (`spread`) each for another account name from another forwarded address."""
    limits = httpx.Limits(max_connections=attempts, max_keepalive_connections=0)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=TIMEOUT, limits=limits
    ) as client:

        async def one(i: int) -> int:
            name = f"guess{i}.nobody" if spread else TARGET
            forwarded = {"X-Forwarded-For": f"203.0.113.{i // 250}, 198.51.100.{i % 250 + 1}"}
            body = {"name": name, "password": WRONG}
            try:
                answer = await client.post("/api/session", json=body, headers=forwarded)
            except httpx.TransportError:
                return 0
            return answer.status_code

        return Counter(await asyncio.gather(*(one(i) for i in range(attempts))))


def throttle_rows(db: Path) -> dict[str, tuple[int, bool]]:
    engine = make_engine(f"sqlite:///{db}")
    now = datetime.now(UTC).replace(tzinfo=None)
    with engine.connect() as conn:
        rows = conn.execute(sql_select(sign_in_throttle)).all()
    engine.dispose()
    return {r.key: (r.failures, r.locked_until is not None and r.locked_until > now) for r in rows}


# Uploads ---------------------------------------------------------------------------------


def signed_in(port: int) -> tuple[str, str]:
    """(session cookie, CSRF token) of the uploading account."""
    answer = httpx.post(
        f"http://127.0.0.1:{port}/api/session",
        json={"name": UPLOADER, "password": PASSWORD},
        timeout=TIMEOUT,
    )
    answer.raise_for_status()
    return answer.cookies[COOKIE], answer.json()["csrf_token"]


@dataclass
class Sent:
    status: str
    seconds: float
    sent: int


def raw_upload(port: int, cookie: str, csrf: str, size: int, declare: bool) -> Sent:
    """A multipart upload of `size` bytes on a raw socket, sent in 64 KiB pieces until the
    server answers or closes (bounded: at most `size` bytes and TIMEOUT seconds)."""
    boundary = "benchboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="org"\r\n\r\nCleveland\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="period"\r\n\r\n2018-02\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    total = len(head) + size + len(tail)
    framing = f"Content-Length: {total}" if declare else "Transfer-Encoding: chunked"
    request = (
        f"POST /api/returns HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Cookie: {COOKIE}={cookie}\r\nX-CSRF-Token: {csrf}\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n{framing}\r\n\r\n"
    ).encode()

    def pieces() -> Iterator[bytes]:
        yield head
        left = size
        while left > 0:
            n = min(left, 2**16)
            yield b"y" * n
            left -= n
        yield tail

    sent, answer = 0, b""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as sock:
        sock.sendall(request)
        try:
            for piece in pieces():
                if time.monotonic() - started > TIMEOUT:
                    break
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break
                data = piece if declare else b"%x\r\n%b\r\n" % (len(piece), piece)
                sock.sendall(data)
                sent += len(piece)
            if not declare and sent >= total:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection while we were sending
        with contextlib.suppress(OSError):
            sock.settimeout(TIMEOUT)
            answer = sock.recv(65536)
    elapsed = time.monotonic() - started
    status = answer.split(b"\r\n", 1)[0].decode("latin-1") if answer else "closed, no answer"
    return Sent(status, elapsed, sent)


def zip_bomb(path: Path, inflated: int) -> bytes:
    header = b"operation_ref,operation_name,lead_org,status,opened_date\n"
    rows = b"CL-900,Operation Bomb,Cleveland Police,Live,2018-01-15\n" * 1200
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("operations.csv", "w") as out,
    ):
        out.write(header)
        written = len(header)
        while written < inflated:
            out.write(rows)
            written += len(rows)
    return path.read_bytes()


def bomb_upload(port: int, cookie: str, csrf: str, bomb: bytes) -> Sent:
    started = time.monotonic()
    answer = httpx.post(
        f"http://127.0.0.1:{port}/api/returns",
        cookies={COOKIE: cookie},
        headers={"X-CSRF-Token": csrf},
        data={"org": "Cleveland", "period": "2018-02"},
        files={"file": ("bomb.zip", bomb, "application/zip")},
        timeout=TIMEOUT,
    )
    detail = ""
    with contextlib.suppress(ValueError, KeyError):
        detail = ": " + json.loads(answer.text)["detail"].split(";")[0]
    return Sent(f"HTTP {answer.status_code}{detail}", time.monotonic() - started, len(bomb))


# Report ----------------------------------------------------------------------------------


def memory(peak: Peak) -> str:
    if peak.processes == 1:
        return f"RSS {peak.before_mib:,.0f} MiB before, peak {peak.peak_mib:,.0f} MiB"
    return (
        f"RSS {peak.before_mib:,.0f} MiB before, peak {peak.peak_mib:,.0f} MiB over"
        f" {peak.processes} processes, largest {peak.largest_mib:,.0f} MiB"
    )


def sign_in_case(
    label: str, answers: Counter[int], peak: Peak, locked: bool | None, seconds: float
) -> None:
    shown = ", ".join(f"{code}: {n}" for code, n in sorted(answers.items()))
    print(f"{label}: {sum(answers.values())} attempts in {seconds:.1f} s ({shown})")
    hashed = answers.get(401, 0)
    refused = answers.get(429, 0) + answers.get(503, 0)
    lock = "" if locked is None else f"; account locked: {'yes' if locked else 'no'}"
    print(f"    hashed {hashed}, refused {refused}{lock}; {memory(peak)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--attempts", type=int, default=100)
    parser.add_argument("--upload-mb", type=int, default=200)
    parser.add_argument("--bomb-mb", type=int, default=60)
    args = parser.parse_args()
    attempts = max(1, min(args.attempts, 500))
    with tempfile.TemporaryDirectory(prefix="msops-signin-bench-") as folder:
        work = Path(folder)
        db, spool = work / "bench.sqlite3", work / "spool"
        spool.mkdir()
        prepare(db)
        print(
            f"msops serve --workers {args.workers} on 127.0.0.1, SQLite;"
            f" {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}"
        )

        port = free_port()
        server = start_server(db, port, args.workers, {"TMPDIR": str(spool)})
        try:
            with Sampler(server, spool) as peak:
                started = time.monotonic()
                answers = asyncio.run(wrong_sign_ins(port, attempts, spread=False))
                seconds = time.monotonic() - started
            rows = throttle_rows(db)
            locked = rows.get(f"user:{TARGET}", (0, False))[1]
            sign_in_case("one account, one client", answers, peak, locked, seconds)
            clients = sorted(k for k in rows if k.startswith("client:"))
            print(f"    client keys counted: {', '.join(clients)} (forged X-Forwarded-For ignored)")
        finally:
            stop(server)

        port = free_port()
        env = {"TMPDIR": str(spool), "MSOPS_TRUSTED_PROXIES": "127.0.0.1"}
        server = start_server(db, port, args.workers, env)
        try:
            with Sampler(server, spool) as peak:
                started = time.monotonic()
                answers = asyncio.run(wrong_sign_ins(port, attempts, spread=True))
                seconds = time.monotonic() - started
            sign_in_case("many accounts, many clients", answers, peak, None, seconds)

            cookie, csrf = signed_in(port)
            for declare in (True, False):
                with Sampler(server, spool) as peak:
                    sent = raw_upload(port, cookie, csrf, args.upload_mb * MIB, declare)
                how = "with Content-Length" if declare else "chunked"
                print(
                    f"{args.upload_mb} MB upload {how}: {sent.status} after {sent.seconds:.2f} s,"
                    f" {sent.sent / MIB:.1f} MiB sent; {memory(peak)};"
                    f" spooled at most {peak.spool_bytes / MIB:.1f} MiB"
                )
            bomb = zip_bomb(work / "bomb.zip", args.bomb_mb * 10**6)
            with Sampler(server, spool) as peak:
                sent = bomb_upload(port, cookie, csrf, bomb)
            print(
                f"zip bomb ({len(bomb) / 1024:.0f} KiB holding {args.bomb_mb} MB of CSV):"
                f" {sent.status} after {sent.seconds:.2f} s; {memory(peak)};"
                f" spooled at most {peak.spool_bytes / MIB:.1f} MiB"
            )
        finally:
            stop(server)


if __name__ == "__main__":
    main()
