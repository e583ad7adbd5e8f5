"""A 10-year national history loaded through the submission path (target: under 2 minutes).

    .venv/bin/python benchmarks/history_load.py [--to 2026-11] [--db PATH]

Generates the synthetic history from December 2016 (timed separately: it is not msops's
work), then submits every organisation's return for every month, as forces would, into a
fresh embedded SQLite database, and reports the time and the database's size.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks._common import fresh_sqlite, load, machine, timed
from msops.domain.periods import Period
from msops.synthetic import generate_history


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--to", default="2026-11")
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    db = args.db or Path(tempfile.mkdtemp(prefix="msops-bench-")) / "history.sqlite3"
    results: dict[str, float] = {}
    with timed("generate the synthetic history", results):
        returns = list(generate_history(seed=2018, last=Period.parse(args.to)))
    months = len({r.period for r in returns})
    n_ops = sum(len(r.parts["operations"]) for r in returns)
    n_nominals = sum(len(r.parts["nominals"]) for r in returns)
    print(
        f"{machine()}; {months} months, {len(returns)} returns, {n_ops} operation-months,"
        f" {n_nominals} nominal rows"
    )
    engine = fresh_sqlite(db)
    with timed("validate and store every return", results):
        load(engine, returns)
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 2**20
    print(f"database: {size:.0f} MiB; target under 120 s")


if __name__ == "__main__":
    main()
