"""Where a clustering's pairwise errors are, by the kinds of the two records (full date of birth,
estimated age, neither), and what F1 would be if one kind of pair were all right.

    cd benchmarks && ../.venv/bin/python linkage_error_kinds.py /tmp/l5/people_1000000.csv \
        /tmp/l5/people_1000000_truth.csv /tmp/l5/m1_msops.csv

Reads the person file, its truth and a clusters file (`link dedupe --out`); counts pairs per
(predicted cluster, true person) cell, so it needs no pair list and runs at 1,000,000 records
in well under a minute (`linkage_errors.py` keeps every scored pair and does not fit there).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from itertools import combinations
from pathlib import Path

from linkage_errors import RECORD_KINDS, record_kind

from msops.linkage.files import read_clusters, read_truth

Kinds = tuple[str, str]


def record_kinds(path: Path) -> dict[str, str]:
    """record id -> one of `linkage_errors.RECORD_KINDS`."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {r["record_id"]: record_kind(r) for r in csv.DictReader(handle)}


def pairs_by_kinds(groups: dict[object, Counter[str]]) -> Counter[Kinds]:
    """Record pairs inside each group, by the (sorted) kinds of their two records."""
    out: Counter[Kinds] = Counter()
    for counts in groups.values():
        for kind, n in counts.items():
            out[(kind, kind)] += n * (n - 1) // 2
        for a, b in combinations(sorted(counts), 2):
            out[(a, b)] += counts[a] * counts[b]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("people", type=Path)
    parser.add_argument("truth", type=Path)
    parser.add_argument("clusters", type=Path)
    args = parser.parse_args()
    kinds = record_kinds(args.people)
    truth, predicted = read_truth(args.truth), read_clusters(args.clusters)
    cells: dict[object, Counter[str]] = defaultdict(Counter)
    by_cluster: dict[object, Counter[str]] = defaultdict(Counter)
    by_person: dict[object, Counter[str]] = defaultdict(Counter)
    for rid, kind in kinds.items():
        cells[(predicted[rid], truth[rid])][kind] += 1
        by_cluster[predicted[rid]][kind] += 1
        by_person[truth[rid]][kind] += 1
    correct, linked, true = (pairs_by_kinds(g) for g in (cells, by_cluster, by_person))
    n_true, n_linked, n_correct = sum(true.values()), sum(linked.values()), sum(correct.values())
    print(f"true pairs {n_true:,}, linked {n_linked:,}, right {n_correct:,}")
    print(f"F1 {2 * n_correct / (n_true + n_linked):.4f}")
    every = sorted(set(true) | set(linked))

    def f1_if_right(keys: list[Kinds]) -> float:
        missed = sum(true[k] - correct[k] for k in keys)
        false = sum(linked[k] - correct[k] for k in keys)
        return 2 * (n_correct + missed) / (n_true + n_linked - false + missed)

    for key in every:
        false, missed = linked[key] - correct[key], true[key] - correct[key]
        pair = f"{key[0]}+{key[1]}"
        print(
            f"  {pair:>9} true {true[key]:>10,}  false {false:>9,}  missed {missed:>9,}"
            f"  F1 if all right {f1_if_right([key]):.4f}"
        )
    for kind in RECORD_KINDS:
        f1 = f1_if_right([k for k in every if kind in k])
        print(f"  every pair with a {kind} record right: F1 {f1:.4f}")


if __name__ == "__main__":
    main()
