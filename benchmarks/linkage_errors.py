"""Where `msops link dedupe` goes wrong on an evaluation set: false links and missed links by cause.

    cd benchmarks && ../.venv/bin/python linkage_errors.py /tmp/lkh/people_100000.csv \
        /tmp/lkh/people_100000_truth.csv [--threshold P] [--examples 5]

The truth is used only to score and to sort the errors, never by the matcher. Pairwise errors
are attributed as `pairwise_score` counts them: a false pair is two records of different people
in one cluster; a missed pair is two records of one person in different clusters. Each missed
pair is put down to the best thing that could have joined it: no candidate pair at all
(blocking), a direct pair scored below the threshold, or a direct link refused by clustering;
each false pair to the kind of records it joins (full dates of birth, estimated ages).
"""

from __future__ import annotations

import argparse
import csv
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

from msops.linkage.clusters import Link
from msops.linkage.dedupe import dedupe
from msops.linkage.files import read_people, read_truth
from msops.linkage.matcher import DEFAULT_THRESHOLD, MatcherConfig, ScoredPair

# what a record says about the birth: a full date, an estimated age, or nothing
RECORD_KINDS = ("dob", "age", "nobirth")


def record_kind(row: dict[str, str]) -> str:
    """One of `RECORD_KINDS`."""
    if row["dob"]:
        return "dob"
    return "age" if row["estimated_age"] else "nobirth"


def _pair_kind(a: dict[str, str], b: dict[str, str]) -> str:
    return "+".join(sorted((record_kind(a), record_kind(b))))


Raw = dict[str, dict[str, str]]
Pairs = dict[tuple[str, ...], ScoredPair]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("people", type=Path)
    parser.add_argument("truth", type=Path)
    parser.add_argument("--threshold", type=float)
    parser.add_argument("--examples", type=int, default=4)
    parser.add_argument(
        "--keep-from",
        type=float,
        default=1e-12,
        help="keep scored pairs from this probability (0.2 lets 1,000,000 records fit in memory;"
        " missed pairs scored lower then count as having no candidate pair)",
    )
    args = parser.parse_args()
    people = read_people(args.people)
    truth = read_truth(args.truth)
    with args.people.open(newline="") as handle:
        raw = {r["record_id"]: r for r in csv.DictReader(handle)}
    threshold = args.threshold or DEFAULT_THRESHOLD
    config = MatcherConfig(threshold=threshold, keep_pairs_from=args.keep_from, evidence=True)
    result = dedupe(people, config)
    scored = {tuple(sorted((p.left, p.right))): p for p in result.scored.pairs}
    print(f"threshold {threshold:.3f}")
    _false(result.clusters, truth, raw)
    bad = [k for k in result.links if truth[k.left] != truth[k.right]]
    _report(f"used links between different people: {len(bad):,}", _false_links(bad, scored, raw))
    used = {tuple(sorted((k.left, k.right))) for k in result.links}
    missed = _missed(result.clusters, truth, raw, scored, used, threshold)
    _report("missed pairs by cause:", missed, args.examples)
    _calibration(scored.values(), truth, raw, threshold)


def _false(clusters: dict[str, str], truth: dict[str, str], raw: Raw) -> None:
    """False pairs (two people in one cluster) by the kinds of their two records."""
    by_kind: Counter[str] = Counter()
    by_cluster: dict[str, list[str]] = defaultdict(list)
    for rid, c in clusters.items():
        by_cluster[c].append(rid)
    for members in by_cluster.values():
        if len({truth[m] for m in members}) > 1:
            for a, b in combinations(members, 2):
                if truth[a] != truth[b]:
                    by_kind[_pair_kind(raw[a], raw[b])] += 1
    print(f"false pairs {sum(by_kind.values()):,}, by record kinds:")
    for key, n in by_kind.most_common():
        print(f"  {n:7,}  {key}")


Examples = dict[str, list[str]]


def _false_links(bad: list[Link], scored: Pairs, raw: Raw) -> tuple[Counter[str], Examples]:
    """Links used between different people, by record kinds and the name level reached."""
    counts: Counter[str] = Counter()
    examples: Examples = defaultdict(list)
    for k in bad:
        p = scored.get(tuple(sorted((k.left, k.right))))
        levels = {f: lvl for f, lvl, _w in p.evidence} if p else {}
        key = f"{_pair_kind(raw[k.left], raw[k.right])} | name: {levels.get('name', k.kind)}"
        counts[key] += 1
        examples[key].append(_show(raw[k.left], raw[k.right], p))
    return counts, examples


def _missed(
    clusters: dict[str, str],
    truth: dict[str, str],
    raw: Raw,
    scored: Pairs,
    used: set[tuple[str, ...]],
    threshold: float,
) -> tuple[Counter[str], Examples]:
    """Pairs of one person in two clusters, by what could have joined them."""
    counts: Counter[str] = Counter()
    examples: Examples = defaultdict(list)
    by_person: dict[str, list[str]] = defaultdict(list)
    for rid, pid in truth.items():
        by_person[pid].append(rid)
    for members in by_person.values():
        for a, b in combinations(sorted(members), 2):
            if clusters[a] == clusters[b]:
                continue
            p = scored.get((a, b))
            if p is None:
                cause = "no candidate pair (blocking)"
            elif (a, b) in used or p.probability >= threshold:
                cause = "linked but refused by clustering"
            else:
                cause = f"scored {_band(p.probability)}"
            key = f"{cause} | {_pair_kind(raw[a], raw[b])}"
            counts[key] += 1
            examples[key].append(_show(raw[a], raw[b], p))
    return counts, examples


def _report(title: str, found: tuple[Counter[str], Examples], shown: int = 4) -> None:
    counts, examples = found
    print(f"\n{title}")
    for key, n in counts.most_common(15):
        print(f"  {n:7,}  {key}")
        for line in examples[key][:shown]:
            print(f"           {line}")


def _calibration(
    pairs: Iterable[ScoredPair], truth: dict[str, str], raw: Raw, threshold: float
) -> None:
    """Pairs scored near the threshold (0.3-0.7), by record kinds and levels: how many are one
    person against the model's mean probability. A cell far from its probability is a level
    whose weight is off; a cell near it is ambiguous (the records do not tell)."""
    cells: dict[tuple[str, ...], list[float]] = defaultdict(lambda: [0, 0.0, 0])
    for p in pairs:
        if not 0.3 <= p.probability < 0.7:
            continue
        levels = {f: lvl for f, lvl, _w in p.evidence}
        contact = any(levels.get(f, "").startswith("exact") for f in ("phone", "postcode"))
        side = "linked" if p.probability >= threshold else "below"
        key = (side, _pair_kind(raw[p.left], raw[p.right]), levels.get("name", "-"))
        key += (levels.get("date_of_birth", "-"), "shared contact" if contact else "")
        cell = cells[key]
        cell[0] += 1
        cell[1] += p.probability
        cell[2] += truth[p.left] == truth[p.right]
    print("\npairs scored 0.3-0.7: one person against the mean probability")
    for side in ("below", "linked"):
        n, total, true = (sum(c[i] for k, c in cells.items() if k[0] == side) for i in range(3))
        if n:
            print(f"  {side:6}  {n:8,.0f} pairs, mean p {total / n:.3f}, one person {true / n:.3f}")
    by_gap = sorted(cells.items(), key=lambda kv: -abs(kv[1][2] - kv[1][1]))
    for key, (n, total, true) in by_gap[:15]:
        print(f"  {n:7,.0f}  p {total / n:.3f}  one person {true / n:.3f}  {' | '.join(key)}")


def _band(p: float) -> str:
    for edge in (0.5, 0.2, 0.05, 0.01):
        if p >= edge:
            return f">= {edge}"
    return "< 0.01"


def _one(r: dict[str, str]) -> str:
    """A record in one line (the evaluation set is synthetic: no real personal data)."""
    birth = r["dob"] or (f"~{r['estimated_age']}@{r['age_on'][:4]}" if r["estimated_age"] else "-")
    rest = f"{r['gender'][:1]} {r['nationality'][:3]} {r['phone'][-4:]} {r['postcode']}"
    return f"{r['given_name']} {r['surname']} {birth} {rest}"


def _show(a: dict[str, str], b: dict[str, str], p: ScoredPair | None) -> str:
    text = f"[{_one(a)}] ~ [{_one(b)}]"
    if p is not None:
        ev = ", ".join(f"{f[:4]}={lvl[:18]}:{w:+.1f}" for f, lvl, w in p.evidence)
        text += f" p={p.probability:.3f} {ev}"
    return text


if __name__ == "__main__":
    main()
