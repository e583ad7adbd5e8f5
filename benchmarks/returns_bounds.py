"""Bounded work: two files built to exhaust a reader, and the largest valid return msops reads.

    .venv/bin/python -m benchmarks.returns_bounds [--rows 200000] [--runs 3]

Each case is one `msops returns submit` process, as a person at a terminal starts it, into a
copy of a migrated SQLite database; the figures are its wall time and its peak resident memory
(the child's own `ru_maxrss`, from `os.wait4`), the medians of `--runs` runs, with its CPU time
(user and system), which a busy machine inflates far less than the wall time:

* a zip bomb: a zip of about 780 KB holding a 190 MB `operations.csv`;
* a shared-strings bomb: a workbook of a few MB whose shared strings (the table of its texts)
  hold 40 million unused entries;
* a valid return of `--rows` rows in all (one operation per 10: its details, nationalities,
  nominals and identifiers, as in `tests/builders.py`), as CSV files in a zip.

Targets: each bomb refused (exit 2) within 5 s and 300 MB; the valid return accepted within
the bound stated in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tests.builders import valid_return

from benchmarks._common import fresh_sqlite
from msops.returns.files import write_return

MSOPS = Path(sys.executable).with_name("msops")
BOMB_SECONDS, BOMB_MB = 5.0, 300.0
ROW = b"CL-001,Operation,Cleveland Police,Live,2018-01-15,,,,1,2,0,0,0,0,1,Yes,No,,No,3,0\n"
SHARED_STRINGS = "xl/sharedStrings.xml"


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float
    peak_mb: float
    exit_code: int
    last_line: str


def zip_bomb(path: Path, megabytes: int = 190) -> Path:
    """A zip of a few hundred KB whose operations.csv unpacks to `megabytes` MB."""
    block = ROW * (2**20 // len(ROW))
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("operations.csv", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(block)
    return path


def strings_bomb(workbook: Path, path: Path, entries: int = 40_000_000) -> Path:
    """A copy of `workbook` whose shared strings hold `entries` unused one-letter texts."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    )
    chunk = b"<si><t>x</t></si>" * 100_000
    with zipfile.ZipFile(workbook) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename != SHARED_STRINGS:
                new.writestr(info, old.read(info))
        with new.open(SHARED_STRINGS, "w", force_zip64=True) as member:
            member.write(head)
            for _ in range(entries // 100_000):
                member.write(chunk)
            member.write(b"</sst>")
    return path


def big_return(path: Path, rows: int) -> Path:
    """A valid return of `rows` rows in all, as CSV files in a zip."""
    refs = [f"CL-{n:06}" for n in range(1, rows // 10 + 1)]
    write_return(
        path, "csv", valid_return(*refs), organisation="Cleveland Police", period="2018-02"
    )
    return path


def submit(path: Path, db: Path, work: Path) -> Run:
    """One `msops returns submit` process: its wall time, peak memory and last line."""
    env = {
        **os.environ,
        "MSOPS_DATABASE_URL": f"sqlite:///{db}",
        "MSOPS_USER": "benchmark",
        "MSOPS_ERROR_LOG": str(work / "errors.log"),
    }
    args = ["returns", "submit", str(path), "--org", "Cleveland", "--period", "2018-02"]
    out = work / "stdout.txt"
    with out.open("w") as stdout:
        started = time.perf_counter()
        proc = subprocess.Popen([str(MSOPS), *args], env=env, stdout=stdout, stderr=stdout)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = out.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    cpu = usage.ru_utime + usage.ru_stime
    last = lines[-1] if lines else ""
    return Run(seconds, cpu, usage.ru_maxrss / 1024, proc.returncode, last)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows of the valid return")
    parser.add_argument("--runs", type=int, default=3, help="runs of each case (median)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="msops-bounds-") as tmp:
        work = Path(tmp)
        template = work / "template.sqlite"
        fresh_sqlite(template).dispose()
        workbook = work / "return.xlsx"
        write_return(
            workbook, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-02"
        )
        cases = {
            "zip bomb": zip_bomb(work / "bomb.zip"),
            "shared-strings bomb": strings_bomb(workbook, work / "strings.xlsx"),
            f"valid return, {options.rows:,} rows": big_return(work / "big.zip", options.rows),
        }
        for name, path in cases.items():
            unpacked = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
            print(
                f"{name}: {path.stat().st_size / 2**10:,.0f} KB, unpacks to"
                f" {unpacked / 2**20:,.0f} MB",
                flush=True,
            )
        runs: dict[str, list[Run]] = {name: [] for name in cases}
        for n in range(options.runs):
            for name, path in cases.items():
                db = work / f"run-{n}.sqlite"
                shutil.copyfile(template, db)
                runs[name].append(submit(path, db, work))
                db.unlink()
    print(
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {options.runs} runs each,"
        f" load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for name, done in runs.items():
        seconds = statistics.median(r.seconds for r in done)
        cpu = statistics.median(r.cpu for r in done)
        peak = statistics.median(r.peak_mb for r in done)
        codes = sorted({r.exit_code for r in done})
        slowest, largest = max(r.seconds for r in done), max(r.peak_mb for r in done)
        print(
            f"{name}: exit {codes}, median {seconds:.2f} s (max {slowest:.2f}, CPU {cpu:.2f}),"
            f" peak {peak:.0f} MB (max {largest:.0f});"
            f" last line: {done[-1].last_line[:160]}"
        )
        if "bomb" in name:
            within = seconds < BOMB_SECONDS and peak < BOMB_MB and codes == [2]
            print(f"  target refused within 5 s and 300 MB: {'met' if within else 'NOT MET'}")


if __name__ == "__main__":
    main()
