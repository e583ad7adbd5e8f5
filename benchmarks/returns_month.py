"""One national month of returns, validated and stored, against a bare pandas read of the files.

    .venv/bin/python benchmarks/returns_month.py [--workdir DIR]

Sets up an embedded database holding the synthetic history up to January 2018, writes every
organisation's February 2018 return as an XLSX workbook and as a folder of CSV files, then
times (a) pandas reading every part (sheet or CSV file) of every file and (b) `submit_file`
validating and storing them, on a copy of the same database for each format.
Target: (b) within 3x of (a).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
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
    args = parser.parse_args()
    work = args.workdir or Path(tempfile.mkdtemp(prefix="msops-bench-"))
    history = list(generate_history(seed=2018))
    before = [r for r in history if r.period < FEB]
    month = [r for r in history if r.period == FEB]
    base = work / "base.sqlite3"
    load(fresh_sqlite(base), before)
    results: dict[str, float] = {}
    n_ops = sum(len(r.parts["operations"]) for r in month)
    n_nominals = sum(len(r.parts["nominals"]) for r in month)
    print(f"{machine()}; {len(month)} returns, {n_ops} operations, {n_nominals} nominal rows")
    for fmt in ("xlsx", "csv"):
        folder = work / fmt
        folder.mkdir(parents=True, exist_ok=True)
        files = write_month(month, folder, fmt)
        db = work / f"{fmt}.sqlite3"
        shutil.copyfile(base, db)
        with timed(f"{fmt}: pandas read of every part", results):
            rows = pandas_read(files, fmt)
        with timed(f"{fmt}: msops validate and store", results):
            submit_all(db, files)
        ratio = (
            results[f"{fmt}: msops validate and store"]
            / results[f"{fmt}: pandas read of every part"]
        )
        print(f"{fmt}: {rows} rows read; msops / pandas = {ratio:.2f}x (target <= 3x)")


if __name__ == "__main__":
    main()
