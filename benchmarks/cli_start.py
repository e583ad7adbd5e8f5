"""How long the `msops` command takes to start: `msops --help`, and a small `returns submit`.

Each run is a new process, as a person at a terminal starts it, so the figures include Python's
start-up and every import the command makes. The submission is a two-operation CSV return of
Cleveland Police for February 2018 (the rows of `tests/builders.py`), stored into a copy of a
migrated SQLite database made once beforehand, so that every run does the same work.

Run from the root of the checkout:

    .venv/bin/python -m benchmarks.cli_start --runs 7

With `--before SRC` (the `src` folder of another version, e.g. from `git archive`), that version
is timed too, in alternating runs so that both see the same load on the machine.
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
from datetime import UTC, datetime
from pathlib import Path

from tests.builders import valid_return

from benchmarks._common import fresh_sqlite
from msops.returns.files import write_return

MSOPS = Path(sys.executable).with_name("msops")
HELP_TARGET = 1.0  # seconds, from the issue
SUBMIT_TARGET = 2.0


def _time(args: list[str], env: dict[str, str], cpu: list[float]) -> float:
    """Wall time of one `msops` process, which must succeed; its CPU time (user and system,
    which a busy machine inflates far less than the wall time) is appended to `cpu`."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(MSOPS), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    took = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"msops {' '.join(args)} failed:\n{out.decode(errors='replace')}")
    cpu.append(usage.ru_utime + usage.ru_stime)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each command (median)")
    parser.add_argument("--before", type=Path, help="src folder of a version to compare with")
    options = parser.parse_args()
    versions = {"current": os.environ.get("PYTHONPATH", "")}
    if options.before is not None:
        versions = {"before": str(options.before.resolve()), **versions}

    with tempfile.TemporaryDirectory(prefix="msops-cli-start-") as tmp:
        work = Path(tmp)
        template = work / "template.sqlite"
        fresh_sqlite(template).dispose()
        ret = work / "cleveland-2018-02.zip"
        write_return(
            ret,
            "csv",
            valid_return("CL-001", "CL-002"),
            organisation="Cleveland Police",
            period="2018-02",
        )
        helps: dict[str, list[float]] = {v: [] for v in versions}
        submits: dict[str, list[float]] = {v: [] for v in versions}
        cpu: dict[str, list[float]] = {f"{k} {v}": [] for k in ("help", "submit") for v in versions}
        args = ["returns", "submit", str(ret), "--org", "Cleveland", "--period", "2018-02"]
        for n in range(options.runs):
            for version, path in versions.items():
                env = {**os.environ, "MSOPS_ERROR_LOG": str(work / "errors.log")}
                env["PYTHONPATH"] = path
                helps[version].append(_time(["--help"], env, cpu[f"help {version}"]))
                db = work / f"{version}-{n}.sqlite"
                shutil.copyfile(template, db)
                env["MSOPS_DATABASE_URL"] = f"sqlite:///{db}"
                submits[version].append(_time(args, env, cpu[f"submit {version}"]))

    print(
        f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {options.runs} runs each,"
        f" {os.cpu_count()} cores, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for key, label, timings, target in (
        ("help", "msops --help", helps, HELP_TARGET),
        ("submit", "msops returns submit (2 operations, CSV)", submits, SUBMIT_TARGET),
    ):
        for version, runs in timings.items():
            median = statistics.median(runs)
            verdict = "within" if median < target else "OVER"
            print(
                f"{label} [{version}]: median {median:.2f} s (min {min(runs):.2f},"
                f" max {max(runs):.2f}), CPU {statistics.median(cpu[f'{key} {version}']):.2f} s;"
                f" target under {target:.0f} s: {verdict}"
            )


if __name__ == "__main__":
    main()
