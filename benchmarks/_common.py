"""Shared set-up for the benchmarks: a fresh embedded database and the synthetic history."""

from __future__ import annotations

import platform
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine

from msops.domain.principal import Principal, system_principal
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.synthetic import MonthlyReturn

BENCH: Principal = system_principal("benchmark")


def fresh_sqlite(path: Path) -> Engine:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    return engine


def load(engine: Engine, returns: Iterable[MonthlyReturn]) -> int:
    """Submit synthetic returns through the force path; returns how many were accepted."""
    accepted = 0
    for item in returns:
        raw = RawReturn.from_rows(f"synthetic-{item.organisation}-{item.period}", item.parts)
        result = submit_raw(engine, BENCH, raw, item.organisation, item.period, "benchmark")
        if result.outcome != Outcome.ACCEPTED:
            raise SystemExit(f"{item.organisation} {item.period}: {result.issues[:3]}")
        accepted += 1
    return accepted


@contextmanager
def timed(label: str, results: dict[str, float]) -> Iterator[None]:
    """Wall time (the figure reported) and this process's CPU time, which other work on the
    machine disturbs far less; both are printed."""
    start, cpu = time.perf_counter(), time.process_time()
    yield
    results[label] = time.perf_counter() - start
    used = time.process_time() - cpu
    print(f"{label}: {results[label]:.2f} s (CPU {used:.2f} s)", flush=True)


def machine() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}"
