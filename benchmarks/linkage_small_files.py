"""`link dedupe` on small files: the model learnt from the file against the reference model.

    cd benchmarks && ../.venv/bin/python linkage_small_files.py /tmp/linkage/febrl3 \\
        --sizes 8 12 24 50 100 200 400 1000 --samples 8

(reads PREFIX.csv and PREFIX_truth.csv). Each sample takes whole people at random until it
holds the size's records, so every person in it keeps all their records. Each sample is matched
twice: learnt from itself (`reference.LEARN_FROM` set to 0) and with the reference model (set
above the size). Prints the mean and the lowest pairwise F1 of each size, and the runs that
stopped with an error (counted as F1 0).

    ../.venv/bin/python linkage_small_files.py --shared-phone --sizes 10 20 40 70

builds instead, for each size, four files: ten people sharing one phone (names all different,
no dates) among that many other people recorded one to three times, and prints how many
people the ten became in each (10 is right).
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
from msops.synthetic.names import draw_name

MODES = {"learnt from the file": 0, "reference model": 10**9}


def by_person(path: Path, truth: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """The file's records grouped by their true person."""
    out: dict[str, list[dict[str, str]]] = defaultdict(list)
    with path.open(newline="") as handle:
        for row in csv.DictReader(handle):
            out[truth[row["record_id"]]].append(row)
    return out


def samples(
    records: dict[str, list[dict[str, str]]], size: int, count: int
) -> list[list[dict[str, str]]]:
    """`count` samples of whole people, each stopped once it holds `size` records."""
    people = sorted(records)
    out = []
    for i in range(count):
        picked: list[dict[str, str]] = []
        for person in random.Random(f"{size}-{i}").sample(people, len(people)):
            if len(picked) >= size:
                break
            picked.extend(records[person])
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


HEADER = ["record_id", "source", "given_name", "surname", "dob", "phone"]
SHARERS = ["Anna Smith", "Brian Jones", "Chen Wei", "Dmitri Ivanov", "Eve Taylor", "Farah Khan",
           "George Brown", "Hana Sato", "Ivan Petrov", "Julia Novak"]  # fmt: skip


def shared_phone(others: int, seed: int, folder: Path) -> int:
    """How many people ten people sharing one phone become among `others` other people."""
    rng = random.Random(seed)
    rows = [
        [f"s{i}", f"org{i}", *name.split(), "", "+447700900123"] for i, name in enumerate(SHARERS)
    ]
    for i in range(others):
        given, family = draw_name(rng, rng.choice(["vn", "al", "ro", "uk"]), rng.random() < 0.5)
        dob = f"19{60 + rng.randint(0, 39)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"
        phone = f"+4477009{i:05d}" if rng.random() < 0.5 else ""
        for copy in range(rng.choice([1, 2, 3])):
            held = phone if rng.random() < 0.5 else ""
            rows.append([f"o{i}-{copy}", f"org{copy}", given, family, dob, held])
    path = folder / "shared.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    with contextlib.redirect_stderr(io.StringIO()):
        found = dedupe(iter_people(path), MatcherConfig()).clusters
    return len({found[f"s{i}"] for i in range(len(SHARERS))})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", nargs="?", help="PREFIX.csv and PREFIX_truth.csv")
    parser.add_argument("--sizes", type=int, nargs="+", default=[8, 12, 24, 50, 100, 200])
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--shared-phone", action="store_true", help="ten people on one phone")
    args = parser.parse_args()
    if args.shared_phone:
        print("ten people on one phone among N others: people they became, four files each")
        with tempfile.TemporaryDirectory() as folder:
            for others in args.sizes:
                line = [f"{others:>4} others"]
                for mode, learn_from in MODES.items():
                    reference.LEARN_FROM = learn_from
                    found = [shared_phone(others, seed, Path(folder)) for seed in range(4)]
                    line.append(f"{mode}: {found}")
                print("  ".join(line), flush=True)
        return
    if args.prefix is None:
        parser.error("a PREFIX, or --shared-phone")
    truth = read_truth(Path(f"{args.prefix}_truth.csv"))
    print(f"{Path(args.prefix).name}: mean F1 (lowest) of {args.samples} samples per size")
    records = by_person(Path(f"{args.prefix}.csv"), truth)
    with tempfile.TemporaryDirectory() as folder:
        for size in args.sizes:
            line = [f"{size:>5}"]
            picked = samples(records, size, args.samples)
            for mode, learn_from in MODES.items():
                reference.LEARN_FROM = learn_from
                scores = [f1(rows, truth, Path(folder)) for rows in picked]
                stopped = sum(s is None for s in scores)
                values = [s or 0.0 for s in scores]
                cell = f"{mode}: {statistics.mean(values):.3f} ({min(values):.2f})"
                line.append(cell + (f", {stopped} stopped" if stopped else ""))
            print("  ".join(line), flush=True)


if __name__ == "__main__":
    main()
