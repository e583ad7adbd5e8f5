"""One national month of returns, validated and stored, against a bare pandas read of the files.

    .venv/bin/python -m benchmarks.returns_month [--workdir DIR] [--repeat 3]

Sets up an embedded database holding the synthetic history up to January 2018, writes every
organisation's February 2018 return as an XLSX workbook and as a folder of CSV files, then
times (a) pandas reading every part (sheet or CSV file) of every file, (b) msops reading and
validating them against the earlier months held and (c) `submit_file` reading, validating and
storing them, on a fresh copy of the same database each time. Each round times all three, for
both formats, one after the other (so that a slow spell of the machine falls on every side);
the ratios are those of the medians, of wall time and of CPU time.
Targets: (b) within 3x of (a) for CSV, within 1.5x for XLSX; (c) is shown beside it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pandas as pd

from benchmarks._common import BENCH, fresh_sqlite, load, machine, timed
from msops.domain.periods import Period
from msops.domain.return_spec import PARTS
from msops.returns.files import read_return, write_return
from msops.returns.submit import Outcome, operation_refs, require_organisation, submit_file
from msops.returns.validate import validate_return
from msops.store.earlier_repo import earlier
from msops.store.engine import make_engine
from msops.store.scope import organisation_id
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


def validate_all(db: Path, files: list[tuple[str, Path]]) -> None:
    """What `submit_file` does before it stores: read each file, then validate it against the
    earlier months the database holds."""
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        for org_name, path in files:
            raw = read_return(path)
            org = require_organisation(org_name)
            before = earlier(conn, organisation_id(conn, org.short_name), FEB, operation_refs(raw))
            checked = validate_return(raw, org, FEB, earlier=before)
            if not checked.ok:
                raise SystemExit(f"{org_name}: {checked.issues[:3]}")
    engine.dispose()


STEPS = {
    "pandas": "pandas read of every part",
    "validate": "msops read and validate",
    "submit": "msops read, validate and store",
}


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
    wall: dict[str, list[float]] = {f"{step} {fmt}": [] for step in STEPS for fmt in TARGETS}
    cpu: dict[str, list[float]] = {key: [] for key in wall}
    for n in range(args.repeat):
        for fmt in TARGETS:
            db = work / f"{fmt}.sqlite3"
            shutil.copyfile(base, db)
            runs: dict[str, Callable[[], object]] = {
                "pandas": partial(pandas_read, files[fmt], fmt),
                "validate": partial(validate_all, db, files[fmt]),
                "submit": partial(submit_all, db, files[fmt]),
            }
            for step, run in runs.items():
                results: dict[str, float] = {}
                started = time.process_time()
                with timed(f"round {n + 1} {fmt}: {STEPS[step]}", results):
                    run()
                cpu[f"{step} {fmt}"].append(time.process_time() - started)
                wall[f"{step} {fmt}"].extend(results.values())
    load_now = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"medians of {args.repeat} rounds (load average {load_now}):")
    for fmt, target in TARGETS.items():
        theirs, theirs_cpu = (statistics.median(d[f"pandas {fmt}"]) for d in (wall, cpu))
        print(f"{fmt}: pandas {theirs:.2f} s (CPU {theirs_cpu:.2f} s)")
        for step in ("validate", "submit"):
            ours, ours_cpu = (statistics.median(d[f"{step} {fmt}"]) for d in (wall, cpu))
            ratio = ours / theirs
            verdict = "met" if ratio <= target else "NOT MET"
            print(
                f"  {STEPS[step]}: {ours:.2f} s (CPU {ours_cpu:.2f} s), {ratio:.2f}x"
                f" (CPU {ours_cpu / theirs_cpu:.2f}x); target within {target}x: {verdict}"
            )


if __name__ == "__main__":
    main()
