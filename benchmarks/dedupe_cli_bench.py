"""`msops link dedupe` as a person runs it, against a plain Splink script, whole processes.

    cd benchmarks && ../.venv/bin/python dedupe_cli_bench.py --out /tmp/linkage --people 10000 \
        --rounds 3

Writes the seed-4 people file of about `--people` records (`linkage_data.py`) unless it is
there, then in each round runs, one after the other, `msops link dedupe FILE --out ...` and
`python plain_splink.py FILE OUT`, each a new process: the times are wall times from start to
exit, imports included (which `linkage_bench.py`, timing inside each process, leaves out), with
the CPU time of each process (all its threads: DuckDB uses both cores) beside them. The
ratio is that of the medians; each round's ratio is printed too. Both outputs are scored
against the file's truth. Target: msops within 1.5x of plain Splink.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from linkage_data import people_rows, write

from msops.linkage.evaluation import pairwise_score
from msops.linkage.files import read_clusters, read_truth

HERE = Path(__file__).resolve().parent
MSOPS = Path(sys.executable).with_name("msops")
TARGET = 1.5


def timed(args: list[str]) -> tuple[float, float]:
    """Wall time and CPU time (user and system, all threads) of one process, which must succeed."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=HERE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{args[0]} failed:\n{stderr.decode(errors='replace')}")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/linkage"))
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    options = parser.parse_args()
    name = f"people_{options.people}"
    source = options.out / f"{name}.csv"
    if not source.exists():
        write(options.out, name, *people_rows(options.people, seed=4))
    truth = read_truth(options.out / f"{name}_truth.csv")
    outs = {m: options.out / f"{name}.cli_{m}.csv" for m in ("msops", "plain")}
    commands = {
        "msops": [str(MSOPS), "link", "dedupe", str(source), "--out", str(outs["msops"])],
        "plain": [sys.executable, str(HERE / "plain_splink.py"), str(source), str(outs["plain"])],
    }
    times: dict[str, list[float]] = {m: [] for m in commands}
    cpu: dict[str, list[float]] = {m: [] for m in commands}
    print(f"{len(truth):,} records; load average {os.getloadavg()[0]:.1f}", flush=True)
    for n in range(options.rounds):
        for method, args in commands.items():
            wall, used = timed(args)
            times[method].append(wall)
            cpu[method].append(used)
        ratio = times["msops"][-1] / times["plain"][-1]
        print(
            f"round {n + 1}: msops {times['msops'][-1]:.1f} s, plain Splink"
            f" {times['plain'][-1]:.1f} s, {ratio:.2f}x (load {os.getloadavg()[0]:.1f})",
            flush=True,
        )
    ours, theirs = statistics.median(times["msops"]), statistics.median(times["plain"])
    ours_cpu, theirs_cpu = statistics.median(cpu["msops"]), statistics.median(cpu["plain"])
    verdict = "met" if ours / theirs <= TARGET else "NOT MET"
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(
        f"medians: msops {ours:.1f} s, plain Splink {theirs:.1f} s: {ours / theirs:.2f}x"
        f" (target within {TARGET}x: {verdict}); CPU msops {ours_cpu:.1f} s, plain Splink"
        f" {theirs_cpu:.1f} s"
    )
    for method, path in outs.items():
        score = pairwise_score(truth, read_clusters(path))
        print(f"{method}: F1 {score.f1:.4f} (P {score.precision:.4f}, R {score.recall:.4f})")


if __name__ == "__main__":
    main()
