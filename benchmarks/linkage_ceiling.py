"""How far any matcher can go on an evaluation set: records with only an estimated age that a
namesake could claim as well as their own person.

    cd benchmarks && ../.venv/bin/python linkage_ceiling.py /tmp/linkage/people_100000

(reads PREFIX.csv and PREFIX_truth.csv). An age record is ambiguous when another person has a
record with the same order-free name, a birth within the age's slack (2.5 years from a date, 5
from another age), no contradicting gender or nationality, and the age record shares no phone or
postcode with its own person's records: nothing in these fields tells the people apart. Among
k + 1 such people a guess is right 1 / (k + 1) of the time, so even a matcher that never links
wrongly (precision 1) loses k / (k + 1) of those records' true pairs. Typos, aliases and
mistyped dates are ignored (they only add ambiguity), and so is the commonest ambiguity of
all: an age record of someone with no other record whose name and age fit a namesake looks
exactly like an age record of that namesake. The ceiling printed is therefore optimistic: a
matcher may well sit far below it. The truth is used to count, never to match.
"""

from __future__ import annotations

import argparse
from collections import Counter, defaultdict
from pathlib import Path

from msops.linkage.files import iter_people, read_truth
from msops.linkage.prepare import prepare


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", type=Path, help="PREFIX.csv and PREFIX_truth.csv")
    args = parser.parse_args()
    cols = prepare(iter_people(args.prefix.with_suffix(".csv")))
    truth = read_truth(Path(f"{args.prefix}_truth.csv"))
    person = [truth[str(r)] for r in cols["unique_id"]]
    records_of = Counter(person)
    true_pairs = sum(k * (k - 1) // 2 for k in records_of.values())
    groups: dict[object, list[int]] = defaultdict(list)
    for i, key in enumerate(cols["name_key"]):
        if key:
            groups[key].append(i)
    ambiguous, pairs, lost = 0, 0, 0.0
    for members in groups.values():
        for a in members:
            if cols["birth_year_exact"][a] or cols["birth_when"][a] is None:
                continue
            fitting = [b for b in members if b != a and _fits(cols, a, b)]
            own = [b for b in fitting if person[b] == person[a]]
            others = {person[b] for b in fitting if person[b] != person[a]}
            if not own or not others or any(_shares_contact(cols, a, b) for b in own):
                continue
            ambiguous += 1
            pairs += records_of[person[a]] - 1
            lost += (records_of[person[a]] - 1) * len(others) / (len(others) + 1)
    recall = 1 - lost / true_pairs
    print(f"{args.prefix.name}: {len(person):,} records, {true_pairs:,} true pairs")
    share = pairs / true_pairs
    print(f"  ambiguous age records: {ambiguous:,}, in {pairs:,} true pairs ({share:.2%})")
    f1 = 2 * recall / (1 + recall)
    print(f"  recall ceiling with precision 1: {recall:.4f}; F1 ceiling {f1:.4f}")


def _fits(cols: dict[str, list[object]], a: int, b: int) -> bool:
    when_a, when_b = cols["birth_when"][a], cols["birth_when"][b]
    if not isinstance(when_a, float) or not isinstance(when_b, float):
        return False
    slack = 2.5 if cols["birth_year_exact"][a] or cols["birth_year_exact"][b] else 5.0
    if abs(when_a - when_b) > slack:
        return False
    return all(
        not (cols[f][a] and cols[f][b]) or cols[f][a] == cols[f][b]
        for f in ("gender", "nationality")
    )


def _shares_contact(cols: dict[str, list[object]], a: int, b: int) -> bool:
    return any(cols[f][a] is not None and cols[f][a] == cols[f][b] for f in ("phone", "postcode"))


if __name__ == "__main__":
    main()
