"""msops linkage against the exact-match baseline and a plain tutorial Splink model, same files.

    cd benchmarks && ../.venv/bin/python linkage_bench.py --out /tmp/linkage \
        --people 5000 100000 --dense 5000 100000 --febrl3 [--before /tmp/old/src] [--repeat 3]

Each method runs in its own process (time and peak memory are its own) on the same CSV; the
clusters are scored with msops.linkage.evaluation (pairwise precision, recall, F1). `--people`
sets carry common names at the shares real name statistics give them, with a long tail of
rarer names; `--dense` sets put half of every community on the common names (the harder
evaluation set); `--narrow` sets give everyone a common name (the stress set).
`--before SRC` also runs the msops matcher of another source tree (e.g. `git archive HEAD src |
tar -x -C /tmp/old`) as "msops_before", on the same files.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from linkage_data import FEBRL3, febrl3_rows, people_rows, write
from plain_splink import run_plain_splink

from msops.linkage import files
from msops.linkage.dedupe import dedupe
from msops.linkage.evaluation import pairwise_score
from msops.linkage.files import read_clusters, read_truth, write_clusters

METHODS = ("exact", "plain_splink", "msops")


def run_exact(path: Path) -> dict[str, str]:
    """Same given name, surname and date of birth (as written, case-folded), else alone."""
    out = {}
    with path.open(newline="") as handle:
        for r in csv.DictReader(handle):
            key = (r["given_name"].strip().lower(), r["surname"].strip().lower(), r["dob"])
            out[r["record_id"]] = "|".join(key) if all(key) else r["record_id"]
    return out


def run_msops(path: Path) -> dict[str, str]:
    # streamed where the matcher can take it (`--before` may run a source tree without it)
    people = getattr(files, "iter_people", files.read_people)(path)
    return dedupe(people).clusters


def child(method: str, path: Path, out: Path) -> None:
    started = time.perf_counter()
    clusters = {"exact": run_exact, "plain_splink": run_plain_splink, "msops": run_msops}[method](
        path
    )
    seconds = time.perf_counter() - started
    write_clusters(out, clusters)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak_mb}))


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def measure(name: str, folder: Path, before: Path | None, repeat: int = 1) -> list[dict[str, Any]]:
    """Each method on one file, `repeat` rounds of all methods in turn (so that a slow spell of
    the machine falls on every method); with more than one round, a last row per method gives
    the median time (this VM's speed varies by a third from one minute to the next)."""
    path, truth = folder / f"{name}.csv", read_truth(folder / f"{name}_truth.csv")
    methods = [*METHODS, *(["msops_before"] if before else [])]
    results = [
        _run(name, path, truth, folder, method, before) for _ in range(repeat) for method in methods
    ]
    if repeat > 1:
        for method in methods:
            runs = [r for r in results if r["method"] == method]
            seconds = statistics.median(r["seconds"] for r in runs)
            print(f"{name:>14} {method:>22}  median of {repeat}: {seconds:7.1f} s", flush=True)
            results.append({**runs[-1], "seconds": seconds, "method": f"{method} (median)"})
    return results


def _run(
    name: str, path: Path, truth: dict[str, str], folder: Path, method: str, before: Path | None
) -> dict[str, Any]:
    out = folder / f"{name}.{method}.clusters.csv"
    env = dict(os.environ)
    if method == "msops_before" and before:
        env["PYTHONPATH"] = str(before)
    proc = subprocess.run(
        [sys.executable, __file__, "--child", method.removesuffix("_before"), str(path),
         str(out)],
        check=True, capture_output=True, text=True, env=env,
    )  # fmt: skip
    stats = json.loads(proc.stdout.strip().splitlines()[-1])
    score = pairwise_score(truth, read_clusters(out))
    row = {"data": name, "records": len(truth), "method": method, **stats,
           "precision": score.precision, "recall": score.recall, "f1": score.f1,
           "load_after": load()}  # fmt: skip
    print(
        f"{name:>14} {len(truth):>9,} {method:>13}  P {score.precision:.4f}"
        f"  R {score.recall:.4f}  F1 {score.f1:.4f}  {stats['seconds']:7.1f} s"
        f"  {stats['peak_mb']:7.0f} MB  load {row['load_after']}",
        flush=True,
    )
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("/tmp/linkage"))
    parser.add_argument("--people", type=int, nargs="*", default=[5000])
    parser.add_argument("--dense", type=int, nargs="*", default=[])
    parser.add_argument("--narrow", type=int, nargs="*", default=[])
    parser.add_argument("--febrl3", action="store_true")
    parser.add_argument("--seed", type=int, default=4, help="population (4: the reported one)")
    parser.add_argument("--before", type=Path, help="source tree of the msops to compare with")
    parser.add_argument("--repeat", type=int, default=1, help="rounds of all methods (median time)")
    parser.add_argument("--child", nargs=3, metavar=("METHOD", "INPUT", "OUTPUT"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return
    names = []
    if args.febrl3:
        write(args.out, "febrl3", *febrl3_rows(FEBRL3))
        names.append("febrl3")
    tag = "" if args.seed == 4 else f"_s{args.seed}"
    for n in args.people:
        write(args.out, f"people{tag}_{n}", *people_rows(n, seed=args.seed))
        names.append(f"people{tag}_{n}")
    for variant, sizes in (("dense", args.dense), ("narrow", args.narrow)):
        for n in sizes:
            write(args.out, f"{variant}{tag}_{n}", *people_rows(n, seed=args.seed, names=variant))
            names.append(f"{variant}{tag}_{n}")
    print(f"load average at start: {load()} ({os.cpu_count()} cores)", flush=True)
    results = [r for name in names for r in measure(name, args.out, args.before, args.repeat)]
    (args.out / "linkage_bench.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
