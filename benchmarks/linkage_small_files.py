"""`link dedupe` on small files: the model learnt from the file against the reference model.

    cd benchmarks && ../.venv/bin/python linkage_small_files.py /tmp/linkage/febrl3 \\
        --sizes 8 12 24 50 100 200 400 1000 --samples 8

(reads PREFIX.csv and PREFIX_truth.csv). Each sample takes whole people at random until it
holds the size's records, so every person in it keeps all their records. Each sample is matched
twice: learnt from itself (`reference.LEARN_FROM` set to 0) and with the reference model (set
above the size). Prints the mean and the lowest pairwise F1 of each size, and the runs that
stopped with an error (counted as F1 0).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import random
import statistics
import tempfile
from collections import defaultdict
from pathlib import Path

from msops.linkage import reference
from msops.linkage.dedupe import dedupe
from msops.linkage.evaluation import pairwise_score
from msops.linkage.files import iter_people, read_truth
from msops.linkage.matcher import MatcherConfig

MODES = {"learnt from the file": 0, "reference model": 10**9}


def samples(path: Path, truth: dict[str, str], size: int, count: int) -> list[list[dict[str, str]]]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    by_person: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_person[truth[row["record_id"]]].append(row)
    people = sorted(by_person)
    out = []
    for i in range(count):
        picked: list[dict[str, str]] = []
        for person in random.Random(f"{size}-{i}").sample(people, len(people)):
            if len(picked) >= size:
                break
            picked.extend(by_person[person])
        out.append(picked)
    return out


def f1(rows: list[dict[str, str]], truth: dict[str, str], folder: Path) -> float | None:
    path = folder / "sample.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            found = dedupe(iter_people(path), MatcherConfig()).clusters
    except Exception:  # a run that stops is what this measures
        return None
    return float(pairwise_score({r["record_id"]: truth[r["record_id"]] for r in rows}, found).f1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", help="PREFIX.csv and PREFIX_truth.csv")
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 12, 24, 50, 100, 200])
    parser.add_argument("--samples", type=int, default=8)
    args = parser.parse_args()
    truth = read_truth(Path(f"{args.prefix}_truth.csv"))
    print(f"{Path(args.prefix).name}: mean F1 (lowest) of {args.samples} samples per size")
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            line = [f"{size:>5}"]
            for mode, learn_from in MODES.items():
                reference.LEARN_FROM = learn_from
                scores = [
                    f1(rows, truth, Path(folder))
                    for rows in samples(Path(f"{args.prefix}.csv"), truth, size, args.samples)
                ]
                stopped = sum(s is None for s in scores)
                values = [s or 0.0 for s in scores]
                cell = f"{mode}: {statistics.mean(values):.3f} ({min(values):.2f})"
                line.append(cell + (f", {stopped} stopped" if stopped else ""))
            print("  ".join(line), flush=True)


if __name__ == "__main__":
    main()
