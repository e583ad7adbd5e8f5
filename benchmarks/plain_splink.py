"""The Splink tutorial's model on a person file, as a plain script: the yardstick for msops.

    cd benchmarks && ../.venv/bin/python plain_splink.py PEOPLE.csv CLUSTERS.csv

Imports only what it uses (Splink, PyArrow), so that a whole process of it can be timed against
a whole `msops link dedupe` process (`dedupe_cli_bench.py`); `linkage_bench.py` runs the same
function in its own child process.
"""

from __future__ import annotations

import csv
import logging
import sys
from pathlib import Path
from typing import Any


def run_plain_splink(path: Path) -> dict[str, str]:
    """The Splink tutorial's model on the columns as written (lower-cased, blanks as null)."""
    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    cols = ["given_name", "surname", "dob", "gender", "nationality", "phone", "postcode", "address"]
    data: dict[str, list[Any]] = {"unique_id": [r["record_id"] for r in rows]}
    for c in cols:
        data[c] = [(r.get(c) or "").strip().lower() or None for r in rows]
    present = {c for c in cols if sum(v is not None for v in data[c]) >= 2}
    comparisons: list[Any] = [
        cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
        cl.NameComparison("surname").configure(term_frequency_adjustments=True),
        cl.DateOfBirthComparison("dob", input_is_string=True),
    ]
    comparisons += [cl.ExactMatch(c) for c in ("gender", "nationality", "phone", "postcode")
                    if c in present]  # fmt: skip
    if "address" in present:
        comparisons.append(cl.JaroWinklerAtThresholds("address"))
    rules: list[Any] = [block_on("given_name", "surname"), block_on("surname", "dob"),
             block_on("given_name", "dob")]  # fmt: skip
    if "postcode" in present:
        rules.append(block_on("postcode", "given_name"))
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )
    db = DuckDBAPI()
    linker = Linker(db.register(pa.table(data), dataset_display_name="people"), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    for rule in (block_on("given_name", "surname"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predicted = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predicted, 0.9)
    table = clusters.as_pyarrow_table().to_pydict()  # type: ignore[no-untyped-call]
    return {str(u): str(c) for u, c in zip(table["unique_id"], table["cluster_id"], strict=True)}


def write_clusters(path: Path, clusters: dict[str, str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "cluster_id"])
        writer.writerows(clusters.items())


if __name__ == "__main__":
    write_clusters(Path(sys.argv[2]), run_plain_splink(Path(sys.argv[1])))
