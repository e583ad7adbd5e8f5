"""How far any matcher can go on an evaluation set: the F1 lost to records that the fields do
not tell apart, with every other pair assumed right.

    cd benchmarks && ../.venv/bin/python linkage_ceiling.py /tmp/linkage/people_100000

(reads PREFIX.csv and PREFIX_truth.csv). Two kinds of records are counted.

- **Age records.** A record with only an estimated age *fits* a person when one of that
  person's records has the same order-free name, a birth within the age's slack (2.5 years
  from a full date, 5 from another age: the generator's age errors are uniform within it) and no
  contradicting gender, nationality, phone or postcode (in the generator a person has one phone
  and one postcode, so a different one proves another person). Records fitting one person are
  alike whichever person is the right one, or none (the record's own person may have no other
  record). So the age records are put in classes by what a matcher could see (how many people
  fit, how common the name is, whether two people tie for the most records that fit), and each
  class gets the better of "link to the person with the most records that fit" and "leave
  alone", judged on the class's true outcomes: the ceiling's matcher knows, per class, how
  often that pick is right. A matcher may see more than these classes hold: at 1M msops does
  slightly better than the ceiling's pick on two classes (two people fitting a name of 4-15
  records), while losing about 12% more over all of them (see the ceiling in docs/benchmarks.md). So
  read the figure as an estimate of the bound, not a proof.
- **Twins.** Full-date records of two people with the same order-free name, the same date and
  nothing contradicting: any matcher links them.

The estimate is still optimistic, as a ceiling must be: typos, aliases, swapped or mistyped
dates and households add ambiguity it leaves out; the matcher is granted the people (clusters)
of all other records and the number of people an age record fits. An age record sharing a
phone or postcode with its own person is counted as told apart. The truth is used to count,
never to match.
"""

from __future__ import annotations

import argparse
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from msops.linkage.clusters import Link, connected_clusters
from msops.linkage.files import iter_people, read_truth
from msops.linkage.prepare import prepare

Columns = dict[str, list[object]]
_CONTRADICT = ("gender", "nationality", "phone", "postcode")
K_MAX = 8  # classes by the number of people that fit: 8 stands for 8 or more
# an age record's class: (people that fit, log2 of the records of its name, a tie for the most)
Class = tuple[int, int, bool]


class Case(NamedTuple):
    """An age record that fits at least one person: what linking it would gain or cost."""

    own_fits: bool  # one of the people that fit is its own
    partners: int  # its own person's other records (true pairs at stake)
    right: float  # chance that the pick (the person that fits with most records) is its own
    wrong_size: float  # records of the person picked when the pick is wrong (mean)
    tie: bool  # two people or more fit with the most records (a matcher sees that)


def _agree(cols: Columns, a: int, b: int, fields: Sequence[str]) -> bool:
    return all(not (cols[f][a] and cols[f][b]) or cols[f][a] == cols[f][b] for f in fields)


def _fits(cols: Columns, a: int, b: int) -> bool:
    when_a, when_b = cols["birth_when"][a], cols["birth_when"][b]
    if not isinstance(when_a, float) or not isinstance(when_b, float):
        return False
    slack = 2.5 if cols["birth_year_exact"][a] or cols["birth_year_exact"][b] else 5.0
    return abs(when_a - when_b) <= slack and _agree(cols, a, b, _CONTRADICT)


def _shares_contact(cols: Columns, a: int, b: int) -> bool:
    return any(cols[f][a] is not None and cols[f][a] == cols[f][b] for f in ("phone", "postcode"))


def twin_false_pairs(cols: Columns, person: list[str], size: Counter[str]) -> int:
    """False pairs no matcher avoids: people joined by full-date records alike in every field."""
    groups: dict[tuple[object, object], list[int]] = defaultdict(list)
    for i, (key, dob) in enumerate(zip(cols["name_key"], cols["dob"], strict=True)):
        if key and dob:
            groups[(key, dob)].append(i)
    joins = [
        Link(person[a], person[b], 1.0, "twin")
        for members in groups.values()
        for x, a in enumerate(members)
        for b in members[x + 1 :]
        if person[a] != person[b] and _agree(cols, a, b, _CONTRADICT)
    ]
    merged: dict[str, list[int]] = defaultdict(list)
    for p, cluster in connected_clusters(list(size), joins).items():
        merged[cluster].append(size[p])
    return sum((sum(s) ** 2 - sum(n * n for n in s)) // 2 for s in merged.values())


def age_cases(cols: Columns, person: list[str], size: Counter[str]) -> dict[Class, list[Case]]:
    """(people that fit, log2 of the name's records) -> the age records of that class."""
    groups: dict[object, list[int]] = defaultdict(list)
    for i, key in enumerate(cols["name_key"]):
        if key:
            groups[key].append(i)
    cases: dict[Class, list[Case]] = defaultdict(list)
    for members in groups.values():
        common = int(math.log2(len(members)))
        for a in members:
            if cols["birth_year_exact"][a] or cols["birth_when"][a] is None:
                continue
            fitting = [b for b in members if b != a and _fits(cols, a, b)]
            own = person[a]
            if any(person[b] == own and _shares_contact(cols, a, b) for b in fitting):
                continue  # its own person's phone or postcode tells
            fits = Counter(person[b] for b in fitting)
            mine = fits.pop(own, 0)
            if not fits and not mine:
                continue
            k = min(len(fits) + (mine > 0), K_MAX)
            case = _case(mine, size[own] - 1, fits, size)
            cases[(k, common, case.tie)].append(case)
    return cases


def _case(mine: int, partners: int, fits: Counter[str], size: Counter[str]) -> Case:
    """A matcher that links picks the person with the most records that fit (the likeliest to
    have given one more); a tie is a toss. `mine`: the own person's records that fit."""
    most = max([mine, *fits.values()])
    picks = [p for p, n in fits.items() if n == most]
    right = 1 / (len(picks) + 1) if mine == most else 0.0
    wrong = sum(size[p] for p in picks) / len(picks) if picks else 0.0
    return Case(mine > 0, partners, right, wrong, len(picks) + (mine == most) > 1)


def _outcomes(cases: list[Case]) -> tuple[tuple[float, float], tuple[float, float]]:
    """(false, missed) pairs of the class when left alone and when linked to the pick."""
    leave = (0.0, float(sum(c.partners for c in cases if c.own_fits)))
    false = missed = 0.0
    for c in cases:
        false += (1 - c.right) * c.wrong_size
        missed += (1 - c.right) * c.partners
    return leave, (false, missed)


def best_choices(
    cases: dict[Class, list[Case]], true_pairs: int, fixed_false: float
) -> tuple[float, dict[Class, tuple[bool, float, float]]]:
    """F1 with each class's better choice (improved class by class until none helps), and per
    class (linked, false pairs, missed pairs)."""
    outcomes = {cls: _outcomes(rows) for cls, rows in cases.items()}
    link = dict.fromkeys(outcomes, False)

    def f1() -> float:
        false = fixed_false + sum(outcomes[c][link[c]][0] for c in outcomes)
        missed = sum(outcomes[c][link[c]][1] for c in outcomes)
        return 2 * (true_pairs - missed) / (2 * true_pairs - missed + false)

    best, improved = f1(), True
    while improved:
        improved = False
        for cls in outcomes:
            link[cls] = not link[cls]
            if (now := f1()) > best:
                best, improved = now, True
            else:
                link[cls] = not link[cls]
    return best, {c: (link[c], *outcomes[c][link[c]]) for c in outcomes}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prefix", type=Path, help="PREFIX.csv and PREFIX_truth.csv")
    parser.add_argument("--classes", action="store_true", help="print every class")
    args = parser.parse_args()
    cols = prepare(iter_people(args.prefix.with_suffix(".csv")))
    truth = read_truth(Path(f"{args.prefix}_truth.csv"))
    person = [truth[str(r)] for r in cols["unique_id"]]
    size = Counter(person)
    true_pairs = sum(k * (k - 1) // 2 for k in size.values())
    twins = twin_false_pairs(cols, person, size)
    cases = age_cases(cols, person, size)
    f1, chosen = best_choices(cases, true_pairs, twins)
    print(f"{args.prefix.name}: {len(person):,} records, {true_pairs:,} true pairs")
    print(f"  twins (full dates alike in every field): {twins:,} false pairs")
    ambiguous = sum(len(rows) for (k, _c, _t), rows in cases.items() if k > 1)
    alone = sum(not c.own_fits for rows in cases.values() for c in rows)
    print(
        f"  age records fitting someone: {sum(len(r) for r in cases.values()):,}"
        f" ({ambiguous:,} fit two people or more; {alone:,} fit only other people)"
    )
    false = sum(f for _l, f, _m in chosen.values())
    missed = sum(m for _l, _f, m in chosen.values())
    print(f"  lost to them: {false:,.0f} false pairs, {missed:,.0f} missed pairs")
    print(f"  F1 ceiling {f1:.4f}")
    if args.classes:
        for (k, common, tie), (linked, f, m) in sorted(chosen.items()):
            rows = cases[(k, common, tie)]
            own = sum(c.own_fits for c in rows)
            print(
                f"    fit {k}{'+' if k == K_MAX else ' '}{' tie' if tie else '    '}"
                f" name records 2^{common:<2d}"
                f" {len(rows):7,} records, own fits {own:7,}:"
                f" {'link ' if linked else 'leave'} false {f:8,.0f} missed {m:8,.0f}"
            )


if __name__ == "__main__":
    main()
