"""Running the model with Splink on DuckDB: train on the data itself, predict, keep the evidence.

This is the only module that talks to Splink. The same settings run unchanged on Splink's Spark
backend (see docs/linkage.md); only `_backend` would change.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from msops.linkage import comparisons as cmp
from msops.linkage.prepare import COLUMNS

log = logging.getLogger(__name__)

Progress = Callable[[str], None]

_OPTIONAL = (
    "alias",
    "birth_year",
    "gender",
    "nationality",
    "phone",
    "postcode",
    "postcode_district",
    "address",
)


@dataclass(frozen=True)
class MatcherConfig:
    """The knobs of a run; defaults are what the benchmarks in docs/benchmarks.md measured."""

    # match probability at which two records are one person; None: `adaptive_threshold`
    threshold: float | None = None
    keep_pairs_from: float = 0.5  # pairs worth reporting (and explaining) start here
    u_max_pairs: float = 1e6
    em_max_pairs: float = 2e6
    seed: int | None = None
    evidence: bool = False  # keep per-field match weights (for threads; costs memory)


def adaptive_threshold(n_records: int) -> float:
    """The default threshold for `n_records`: 0.5 up to 100,000 records, then rising so that the
    odds needed grow as (n / 100,000) ** 0.6 (0.8 at 1,000,000).

    Empirical (docs/benchmarks.md): the more records, the more namesakes per name, and the
    best fixed threshold on the evaluation set was 0.5 at 5,000 and 100,000 records and 0.8 at
    1,000,000 (F1 0.884 at 0.5, 0.909 at 0.8, 0.900 at 0.9).
    """
    odds: float = max(1.0, (n_records / 100_000) ** 0.6)
    return odds / (1.0 + odds)


@dataclass
class ScoredPair:
    left: str
    right: str
    probability: float
    weight: float
    evidence: list[tuple[str, str, float]] = field(default_factory=list)  # field, level, weight


@dataclass
class MatchResult:
    pairs: list[ScoredPair]
    parameters: dict[str, dict[int, str]]  # comparison -> gamma -> level label
    present: set[str]


def present_columns(columns: dict[str, list[Any]]) -> set[str]:
    """Optional columns with at least a few values (an all-blank column trains nothing)."""
    return {c for c in _OPTIONAL if sum(v is not None for v in columns[c]) >= 2}


def settings(present: set[str], evidence: bool) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": cmp.comparisons(present),
        "blocking_rules_to_generate_predictions": cmp.prediction_blocking_rules(present),
        "retain_intermediate_calculation_columns": evidence,
        # gamma (level) columns come out only with the matching columns; evidence needs them
        "retain_matching_columns": evidence,
        "additional_columns_to_retain": [],
        "probability_two_random_records_match": 1e-4,
    }


# DuckDB's own default is 80% of the machine's memory; a run at 1,000,000 records fits in far
# less (it spills to disk beyond the limit), which keeps the whole process under 4 GB.
DUCKDB_MEMORY_LIMIT = "1500MB"


def _backend() -> Any:
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    return DuckDBAPI(connection=connection)


def match(
    columns: dict[str, list[Any]],
    config: MatcherConfig,
    progress: Progress | None = None,
) -> MatchResult:
    """Scored pairs (at or above `config.keep_pairs_from`) of prepared records."""
    from splink import Linker

    say = progress or (lambda _stage: None)
    logging.getLogger("splink").setLevel(logging.ERROR)  # its training chatter is not for users
    present = present_columns(columns)
    if len(columns["unique_id"]) < 2:
        return MatchResult([], {}, present)
    db = _backend()
    say(f"registering {len(columns['unique_id']):,} records")
    table = pa.table({c: columns[c] for c in COLUMNS})
    sdf = db.register(table, dataset_display_name="people")
    linker = Linker(sdf, settings(present, config.evidence), log_level=logging.ERROR)
    say("estimating how often records agree by chance (u)")
    _prior(linker, present)
    linker.training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    say("learning how often true matches agree (m, expectation maximisation)")
    for rule in cmp.training_blocking_rules(present):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=config.em_max_pairs
        )
    say("scoring candidate pairs")
    predicted = linker.inference.predict(
        threshold_match_probability=config.keep_pairs_from, warning_mode="never"
    )
    labels = _level_labels(linker)
    pairs = _pairs(predicted.as_pyarrow_table(), labels, config.evidence)  # type: ignore[no-untyped-call]
    predicted.drop_table_from_database_and_remove_from_cache()
    return MatchResult(pairs, labels, present)


def _prior(linker: Any, present: set[str]) -> None:
    """Estimate how likely two random records are the same person from near-certain pairs."""
    rules = ["l.full_name = r.full_name AND l.dob = r.dob"] if "birth_year" in present else []
    if "phone" in present:
        rules.append("l.phone = r.phone AND l.name_key = r.name_key")
    if not rules:
        rules = ["l.full_name = r.full_name"]
    try:
        linker.training.estimate_probability_two_random_records_match(rules, recall=0.8)
    except Exception as err:  # too few sure pairs to estimate from: keep the default prior
        log.info("prior left at its default: %s", type(err).__name__)


def _level_labels(linker: Any) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        levels = {}
        for level in comparison.comparison_levels:
            if not level.is_null_level:
                levels[level.comparison_vector_value] = level.label_for_charts
        out[comparison.output_column_name] = levels
    return out


def _pairs(table: pa.Table, labels: dict[str, dict[int, str]], evidence: bool) -> list[ScoredPair]:
    if not evidence:  # only the four columns a pair needs, not every retained column
        table = table.select(["unique_id_l", "unique_id_r", "match_probability", "match_weight"])
    data = table.to_pydict()
    out = []
    fields = [f for f in labels if evidence and f"gamma_{f}" in data and f"mw_{f}" in data]
    for i in range(table.num_rows):
        pair = ScoredPair(
            str(data["unique_id_l"][i]),
            str(data["unique_id_r"][i]),
            float(data["match_probability"][i]),
            float(data["match_weight"][i]),
        )
        for f in fields:
            gamma = data[f"gamma_{f}"][i]
            if gamma is None or gamma < 0:
                continue
            pair.evidence.append((f, labels[f].get(gamma, "?"), _weight(data, f, i)))
        out.append(pair)
    return out


def _weight(data: dict[str, Sequence[Any]], field_name: str, i: int) -> float:
    """The field's match weight (log2 Bayes factor), with its term-frequency adjustment."""
    weight = float(data[f"mw_{field_name}"][i] or 0.0)
    tf_key = f"mw_tf_adj_{field_name}"
    if tf_key in data and data[tf_key][i] is not None:
        weight += float(data[tf_key][i])
    return weight
