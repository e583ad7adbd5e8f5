"""One national month of returns, validated and stored, against a bare pandas read of the files.

    .venv/bin/python -m benchmarks.returns_month [--workdir DIR] [--repeat 3]

Sets up an embedded database holding the synthetic history up to January 2018, writes every
organisation's February 2018 return as an XLSX workbook and as a folder of CSV files, then
times (a) pandas reading every part (sheet or CSV file) of every file and (b) `submit_file`
validating and storing them, on a fresh copy of the same database each time. With `--repeat`,
each round times both, for both formats, one after the other (so that a slow spell of the
machine falls on both sides), and the ratio is that of the medians.
Targets: (b) within 3x of (a) for CSV, within 1.5x for XLSX.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import pandas as pd

from benchmarks._common import BENCH, fresh_sqlite, load, machine, timed
from msops.domain.periods import Period
from msops.domain.return_spec import PARTS
from msops.returns.files import write_return
from msops.returns.submit import Outcome, submit_file
from msops.store.engine import make_engine
from msops.synthetic import MonthlyReturn, generate_history

FEB = Period(2018, 2)
SHEETS = [part.sheet for part in PARTS]  # the return's own sheets, as msops reads them
TARGETS = {"xlsx": 1.5, "csv": 3.0}


def write_month(returns: list[MonthlyReturn], folder: Path, fmt: str) -> list[tuple[str, Path]]:
    files: list[tuple[str, Path]] = []
    for item in returns:
        name = f"{item.organisation}-{item.period}".replace(" ", "_")
        path = folder / (f"{name}.xlsx" if fmt == "xlsx" else name)
        write_return(path, fmt, item.parts, organisation=item.organisation, period=str(item.period))
        files.append((item.organisation, path))
    return files


def pandas_read(files: list[tuple[str, Path]], fmt: str) -> int:
    rows = 0
    for _org, path in files:
        if fmt == "xlsx":
            frames = pd.read_excel(path, sheet_name=SHEETS, header=1, engine="openpyxl")
        else:
            frames = {p.stem: pd.read_csv(p, dtype=str) for p in sorted(path.glob("*.csv"))}
        rows += sum(len(f) for f in frames.values())
    return rows


def submit_all(db: Path, files: list[tuple[str, Path]]) -> None:
    engine = make_engine(f"sqlite:///{db}")
    for org, path in files:
        result = submit_file(engine, BENCH, path, org, FEB)
        if result.outcome != Outcome.ACCEPTED:
            raise SystemExit(f"{org}: {result.outcome} {result.issues[:3]}")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--repeat", type=int, default=3, help="rounds (medians)")
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="msops-bench-"))
    history = list(generate_history(seed=2018))
    before = [r for r in history if r.period < FEB]
    month = [r for r in history if r.period == FEB]
    base = work / "base.sqlite3"
    load(fresh_sqlite(base), before)
    n_ops = sum(len(r.parts["operations"]) for r in month)
    n_nominals = sum(len(r.parts["nominals"]) for r in month)
    print(f"{machine()}; {len(month)} returns, {n_ops} operations, {n_nominals} nominal rows")
    files = {}
    for fmt in TARGETS:
        (work / fmt).mkdir(parents=True, exist_ok=True)
        files[fmt] = write_month(month, work / fmt, fmt)
    pandas: dict[str, list[float]] = {fmt: [] for fmt in TARGETS}
    msops: dict[str, list[float]] = {fmt: [] for fmt in TARGETS}
    cpu: dict[str, list[float]] = {
        f"{side} {fmt}": [] for side in ("pandas", "msops") for fmt in TARGETS
    }
    for n in range(args.repeat):
        for fmt in TARGETS:
            results: dict[str, float] = {}
            db = work / f"{fmt}.sqlite3"
            shutil.copyfile(base, db)
            started = time.process_time()
            with timed(f"round {n + 1} {fmt}: pandas read of every part", results):
                rows = pandas_read(files[fmt], fmt)
            cpu[f"pandas {fmt}"].append(time.process_time() - started)
            started = time.process_time()
            with timed(f"round {n + 1} {fmt}: msops validate and store", results):
                submit_all(db, files[fmt])
            cpu[f"msops {fmt}"].append(time.process_time() - started)
            pandas[fmt].append(results[f"round {n + 1} {fmt}: pandas read of every part"])
            msops[fmt].append(results[f"round {n + 1} {fmt}: msops validate and store"])
            print(f"  {rows} rows; this round {msops[fmt][-1] / pandas[fmt][-1]:.2f}x")
    load_now = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"medians of {args.repeat} rounds (load average {load_now}):")
    for fmt, target in TARGETS.items():
        ours, theirs = statistics.median(msops[fmt]), statistics.median(pandas[fmt])
        ratio = ours / theirs
        verdict = "met" if ratio <= target else "NOT MET"
        cpu_ratio = statistics.median(cpu[f"msops {fmt}"]) / statistics.median(cpu[f"pandas {fmt}"])
        print(
            f"{fmt}: pandas {theirs:.2f} s, msops {ours:.2f} s, {ratio:.2f}x"
            f" (target within {target}x: {verdict}); CPU time {cpu_ratio:.2f}x"
        )


if __name__ == "__main__":
    main()
