"""Rebuild `msops/linkage/reference_model.json`: the weights for files too small to learn from.

    cd benchmarks && ../.venv/bin/python linkage_reference.py   # about a minute

msops learns its model on a synthetic population of 100,000 records (seed 11: neither the
reported population, seed 4, nor the tuning one, seed 7), with u from 5,000,000 random pairs,
and takes the address comparison (which that population lacks) from FEBRL3. Rebuild it whenever
a comparison or a level changes: `tests/linkage/test_reference.py` fails until then.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from linkage_data import FEBRL3, febrl3_rows, people_rows, write

from msops.linkage.dedupe import dedupe
from msops.linkage.files import iter_people
from msops.linkage.matcher import MatcherConfig
from msops.linkage.reference import REFERENCE_FILE, Model

SEED = 11
RECORDS = 100_000
TRAINING = MatcherConfig(u_max_pairs=5e6, u_name_max_pairs=5e6, seed=SEED)


# What the synthetic population cannot teach. Its people keep one phone, one postcode and one
# nationality, and its dates of birth are only ever miswritten partly (a swap, a digit, an age),
# so it learns that one person's records never disagree on them (m of 1e-8 or 0: a veto). Real
# people change phones and addresses, and a victim may be recorded under a false date of birth.
# A phone or postcode that differs weighs nothing here, and no level's m is below MIN_M
# (about -16.5 bits against u near 1: strong evidence, not a veto).
NEUTRAL = {
    ("phone", "different"),
    ("postcode", "different"),
    ("postcode", "same postcode district"),
}
MIN_M = 1e-5


def learnt(path: Path) -> Model:
    return dedupe(iter_people(path), TRAINING).scored.weights


def adjusted(model: Model) -> Model:
    out: Model = {}
    for name, levels in model.items():
        out[name] = {}
        for label, (m, u) in levels.items():
            out[name][label] = (u, u) if (name, label) in NEUTRAL else (max(m, MIN_M), u)
    return out


def _digits(value: float) -> float:
    return float(f"{value:.7g}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REFERENCE_FILE)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        write(work, "people", *people_rows(RECORDS, seed=SEED))
        write(work, "febrl3", *febrl3_rows(FEBRL3))
        model = learnt(work / "people.csv")
        model["address"] = learnt(work / "febrl3.csv")["address"]
    model = adjusted(model)
    document = {
        "about": (
            "m and u of each level, learnt by msops on a synthetic population of"
            f" {RECORDS:,} records (benchmarks/linkage_data.py, seed {SEED}) and, for"
            " addresses, on FEBRL3; rebuilt by benchmarks/linkage_reference.py. A phone or"
            " postcode that differs weighs nothing, and no m is below"
            f" {MIN_M} (what that population cannot teach: see the script)"
        ),
        "comparisons": {
            name: {label: [_digits(m), _digits(u)] for label, (m, u) in levels.items()}
            for name, levels in model.items()
        },
    }
    args.out.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
