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


# The model is calibrated (prior from the data, namesakes' agreement counted as such), so one
# threshold serves every size of file: a link when one person is likelier than two.
DEFAULT_THRESHOLD = 0.5


@dataclass(frozen=True)
class MatcherConfig:
    """The knobs of a run; defaults are what the benchmarks in docs/benchmarks.md measured."""

    # match probability at which two records are one person; None: DEFAULT_THRESHOLD
    threshold: float | None = None
    keep_pairs_from: float = 0.5  # pairs worth reporting (and explaining) start here
    # random pairs for u: levels weighed by term frequencies (names, phone, postcode) do not
    # use it; the rest are common enough that 1e6 pairs scored the same (docs/benchmarks.md)
    u_max_pairs: float = 5e5
    em_max_pairs: float = 2e6
    seed: int | None = None
    evidence: bool = False  # keep per-field match weights (for threads; costs memory)


@dataclass(slots=True)  # a million are made at a million records
class ScoredPair:
    left: str
    right: str
    probability: float
    weight: float
    one_name: bool = True  # the names could be one person's (see `_with_names`)
    # other given names and another gender: two of a family, never one person
    family: bool = False
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


def _backend() -> tuple[Any, Any]:
    """Splink's DuckDB backend and its connection (msops reads a few things straight in SQL)."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    return DuckDBAPI(connection=connection), connection


def match(
    columns: dict[str, list[Any]],
    config: MatcherConfig,
    progress: Progress | None = None,
) -> MatchResult:
    """Scored pairs (at or above `config.keep_pairs_from`) of prepared records. The columns are
    cleared once they are in the model's table (they are the largest thing in memory)."""
    from splink import Linker

    say = progress or (lambda _stage: None)
    logging.getLogger("splink").setLevel(logging.ERROR)  # its training chatter is not for users
    present = present_columns(columns)
    if len(columns["unique_id"]) < 2:
        return MatchResult([], {}, present)
    db, connection = _backend()
    say(f"registering {len(columns['unique_id']):,} records")
    table = pa.table({c: columns[c] for c in COLUMNS})
    columns.clear()  # the records are in Arrow now: free the lists (a third of the memory at 1M)
    sdf = db.register(table, dataset_display_name="people")
    linker = Linker(sdf, settings(present, config.evidence), log_level=logging.ERROR)
    say("estimating how often records agree by chance (u)")
    _prior(linker, present)
    linker.training.estimate_u_using_random_sampling(max_pairs=config.u_max_pairs, seed=config.seed)
    _namesake_u(linker, connection, sdf.physical_name, present)
    if "gender" in present:
        _gender_by_names(connection, linker, sdf.physical_name)
    _order_tf(linker, db, connection, sdf.physical_name)
    for column in PEOPLE_TF:
        _people_tf(linker, db, connection, sdf.physical_name, column)
    _nearby_tf(linker, db, connection, sdf.physical_name)
    say("learning how often true matches agree (m, expectation maximisation)")
    for rule in cmp.training_blocking_rules(present):
        linker.training.estimate_parameters_using_expectation_maximisation(
            rule, estimate_without_term_frequencies=True, max_pairs=config.em_max_pairs
        )
    _prior_from_dates(linker)
    say("scoring candidate pairs")
    predicted = linker.inference.predict(
        threshold_match_probability=config.keep_pairs_from, warning_mode="never"
    )
    labels = _level_labels(linker)
    scored = _with_names(connection, predicted.physical_name, sdf.physical_name, config.evidence)
    pairs = _pairs(scored, labels, config.evidence)
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


def _prior_from_dates(linker: Any) -> None:
    """Re-estimate the prior once m is learnt: the share of matches among pairs sharing a date
    of birth (learnt by EM on that pass), divided by how much more often matches than other
    pairs share a date (the exact date's Bayes factor m/u, m learnt on the name pass).

    The first estimate (`_prior`) assumes its rules find 80% of matches; here the data says how
    many they find, so the prior follows the number of records (more records, fewer matches per
    pair). Left as it is when the data has no dates of birth.
    """
    sessions = [
        s
        for s in linker._em_training_sessions
        if s._blocking_rule_for_training.blocking_rule_sql == "l.dob = r.dob"
    ]
    if not sessions:
        return
    block = sessions[0].core_model_settings.probability_two_random_records_match
    dates = linker._settings_obj._get_comparison_by_output_column_name("date_of_birth")
    exact = max(dates._comparison_levels_excluding_null, key=lambda lv: lv.comparison_vector_value)
    m, u = exact.m_probability, exact.u_probability
    if not (m and u and 0.0 < block < 1.0):
        return
    odds = block / (1.0 - block) / (m / u)
    linker._settings_obj._probability_two_random_records_match = odds / (1.0 + odds)


# Records sampled to measure how often namesakes who are surely different people agree.
NAMESAKE_SAMPLE = 20_000
NAMESAKE_MIN_PAIRS = 100


def _namesake_u(linker: Any, connection: Any, table: str, present: set[str]) -> None:
    """u of gender and nationality among namesakes, not among random pairs.

    The model multiplies the fields' evidence as if independent, but a name already tells
    gender and community: two different people who share a name nearly always share both. The
    pairs the model scores share a name, so agreeing on gender or nationality must count only as
    much as it does among namesakes: u is measured on pairs with the same name key whose full
    dates of birth are more than five years apart (surely two people).
    """
    fields = [f for f in ("gender", "nationality") if f in present]
    if not fields:
        return
    agree = ", ".join(
        f"avg(CASE WHEN l.{f} = r.{f} THEN 1.0 ELSE 0.0 END)"
        f" FILTER (WHERE l.{f} IS NOT NULL AND r.{f} IS NOT NULL),"
        f" count(*) FILTER (WHERE l.{f} IS NOT NULL AND r.{f} IS NOT NULL)"
        for f in fields
    )
    # table names are Splink's own and the fields are fixed: no outside text in the query
    sql = f"""
        WITH s AS (
            SELECT * FROM {table} USING SAMPLE reservoir({NAMESAKE_SAMPLE} ROWS) REPEATABLE (7)
        )
        SELECT {agree} FROM s l JOIN {table} r ON l.name_key = r.name_key
        WHERE l.unique_id <> r.unique_id AND l.birth_year_exact AND r.birth_year_exact
          AND abs(l.birth_year - r.birth_year) > 5
    """  # noqa: S608
    row = connection.execute(sql).fetchall()[0]
    for i, name in enumerate(fields):
        u_agree, n_pairs = row[2 * i], row[2 * i + 1]
        if u_agree is None or n_pairs < NAMESAKE_MIN_PAIRS:
            continue
        u_agree = min(max(float(u_agree), 0.01), 0.99)
        for comparison in linker._settings_obj.comparisons:
            if comparison.output_column_name != name:
                continue
            for level in comparison._comparison_levels_excluding_null:
                if cmp.ANOTHER_GIVEN_NAME in level.label_for_charts:
                    continue  # measured among random pairs, as Splink does
                agrees = level.label_for_charts.startswith("exact match")
                level.u_probability = u_agree if agrees else 1.0 - u_agree
                level._fix_u_probability = True
        log.info("u of %s among namesakes: %.3f (%d pairs)", name, u_agree, n_pairs)


def _gender_by_names(connection: Any, linker: Any, table: str) -> None:
    """m of the gender levels, fixed: how often one person's records agree on gender, whatever
    the names. Learnt by EM, the levels split by given names would also count the names'
    agreement, which the name comparison already weighs. Measured on pairs sure to be one
    person (same full name and date of birth)."""
    sql = f"""
        WITH s AS (
            SELECT * FROM {table} USING SAMPLE reservoir({NAMESAKE_SAMPLE} ROWS) REPEATABLE (7)
        )
        SELECT avg(CASE WHEN l.gender = r.gender THEN 1.0 ELSE 0.0 END), count(*)
        FROM s l JOIN {table} r ON l.full_name = r.full_name AND l.dob = r.dob
        WHERE l.unique_id <> r.unique_id AND l.gender IS NOT NULL AND r.gender IS NOT NULL
    """  # noqa: S608
    m_agree, n_pairs = connection.execute(sql).fetchall()[0]
    if m_agree is None or n_pairs < NAMESAKE_MIN_PAIRS:
        m_agree = 0.99  # too few sure pairs: one record in a hundred with the gender wrong
    m_agree = min(max(float(m_agree), 0.5), 0.999)
    for comparison in linker._settings_obj.comparisons:
        if comparison.output_column_name != "gender":
            continue
        for level in comparison._comparison_levels_excluding_null:
            agrees = level.label_for_charts.startswith("exact match")
            level.m_probability = m_agree if agrees else 1.0 - m_agree
            level._fix_m_probability = True


def _order_tf(linker: Any, db: Any, connection: Any, table: str) -> None:
    """Term frequencies of the "same names in another order" level, among namesakes.

    The level's evidence is m / tf(name key), as if any two people sharing the name key wrote it
    in different orders. Two different people's records mostly write a shared name the same
    way (the exact level), so the chance of the level by coincidence is tf times the share of
    namesakes' record pairs written in another order, measured like `_namesake_u` on pairs
    surely of two people.
    """
    # table names are Splink's own: no outside text in the query
    sql = f"""
        WITH s AS (
            SELECT * FROM {table} USING SAMPLE reservoir({NAMESAKE_SAMPLE} ROWS) REPEATABLE (7)
        )
        SELECT avg(CASE WHEN l.full_name <> r.full_name THEN 1.0 ELSE 0.0 END), count(*)
        FROM s l JOIN {table} r ON l.name_key = r.name_key
        WHERE l.unique_id <> r.unique_id AND l.birth_year_exact AND r.birth_year_exact
          AND abs(l.birth_year - r.birth_year) > 5
    """  # noqa: S608
    share, n_pairs = connection.execute(sql).fetchall()[0]
    if share is None or n_pairs < NAMESAKE_MIN_PAIRS:
        return
    share = min(max(float(share), 0.01), 1.0)
    lookup = _tf_in_people(connection, table, "name_key", share)
    linker.table_management.register_term_frequency_lookup(
        db.register(lookup, dataset_display_name="tf_name_key_namesakes"), "name_key"
    )
    log.info("names in another order among namesakes: %.3f (%d pairs)", share, n_pairs)


# Columns whose term frequencies are counted in people (see `_people_tf`).
PEOPLE_TF = ("full_name", "surname")


def _people_tf(linker: Any, db: Any, connection: Any, table: str, column: str) -> None:
    """Term frequencies counted in people, not records (see `_tf_in_people`)."""
    lookup = _tf_in_people(connection, table, column)
    linker.table_management.register_term_frequency_lookup(
        db.register(lookup, dataset_display_name=f"tf_{column}_people"), column
    )


def _tf_in_people(connection: Any, table: str, column: str, scale: float = 1.0) -> pa.Table:
    """The column's term frequencies (times `scale`), counted in people, not records.

    The evidence of an agreeing value is m / tf: tf stands for the chance that another person's
    record carries the value. Counted in records, a name held by one person written on three
    records looks three times as common as it is among other people. Here a value's people are
    estimated by its distinct dates of birth (day and month in either order), scaled up to its
    records without a date, the person at hand is taken out (half of one: a name seen once may
    still belong to somebody else), and the frequency is the share of all people: another
    person's record has the value as often as other people have it, however many records the
    person at hand has.
    """
    # table names are Splink's own and the column one of the model's: no outside text
    sql = f"""
        WITH g AS (
            SELECT {column} AS v, count(*) AS c, count(DISTINCT dob_unordered) AS d,
                   count(dob_unordered) AS cd
            FROM {table} WHERE {column} IS NOT NULL GROUP BY {column}
        ), p AS (
            SELECT v, c, CASE WHEN cd = 0 THEN 1.0 ELSE greatest(1.0, d * c / cd) END AS people
            FROM g
        )
        SELECT v AS {column}, {scale} * (people - 0.5) / sum(people) OVER ()
            AS tf_{column}
        FROM p
    """  # noqa: S608
    return connection.sql(sql).to_arrow_table()


def _nearby_tf(linker: Any, db: Any, connection: Any, table: str) -> None:
    """Term frequencies of the "one letter different" level: the people whose name is at most
    one letter away from this one (this name included), counted as `_tf_in_people` counts.

    A typo of a rare name is strong evidence, unless the rare name has neighbours: distinct
    names one letter apart ("Ahmid", "Ahmmid") that belong to other people. Names one letter
    apart share a deletion variant (a name with one letter deleted, or the name itself).
    """
    people = _tf_in_people(connection, table, "full_name")
    names = db.register(people, dataset_display_name="tf_full_name_for_nearby").physical_name
    # table names are Splink's own: no outside text in the query
    sql = f"""
        WITH v AS (
            SELECT full_name, unnest(list_append(list_transform(
                range(1, length(full_name) + 1), lambda i: full_name[1:i - 1] || full_name[i + 1:]
            ), full_name)) AS variant
            FROM {names}
        ), near AS (
            SELECT DISTINCT a.full_name AS name, b.full_name AS other
            FROM v a JOIN v b ON a.variant = b.variant
        )
        SELECT near.name AS name_nearby, sum(n.tf_full_name) AS tf_name_nearby
        FROM near JOIN {names} n ON n.full_name = near.other GROUP BY near.name
    """  # noqa: S608
    lookup = connection.sql(sql).to_arrow_table()
    linker.table_management.register_term_frequency_lookup(
        db.register(lookup, dataset_display_name="tf_name_nearby"), "name_nearby"
    )


def _level_labels(linker: Any) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    for comparison in linker._settings_obj.comparisons:
        levels = {}
        for level in comparison.comparison_levels:
            if not level.is_null_level:
                levels[level.comparison_vector_value] = level.label_for_charts
        out[comparison.output_column_name] = levels
    return out


# Two names are alike from this Jaro-Winkler similarity (as in the model's "similar spelling").
SIMILAR_NAME = 0.88


def _with_names(connection: Any, predicted: str, people: str, evidence: bool) -> pa.Table:
    """The scored pairs, with whether their names could be one person's (`one_name`): given and
    family names alike (or blank), either way round. Two given names with one family name are a
    household's; see `clusters.connected_clusters`. Two given names and two genders are two of
    a family (`family`) whatever else they share: an alias does not change a person's gender.
    Only the columns a pair needs are read, unless the evidence is kept."""

    def alike(a: str, b: str) -> str:
        return f"coalesce(jaro_winkler_similarity({a}, {b}), 1) >= {SIMILAR_NAME}"

    one_name = (
        f"({alike('l.given', 'r.given')} AND {alike('l.surname', 'r.surname')})"
        f" OR ({alike('l.given', 'r.surname')} AND {alike('l.surname', 'r.given')})"
    )
    columns = (
        "p.*" if evidence else ("p.unique_id_l, p.unique_id_r, p.match_probability, p.match_weight")
    )
    family = f"NOT ({one_name}) AND coalesce(l.gender <> r.gender, false)"
    # table names are Splink's own: no outside text in the query
    sql = f"""
        SELECT {columns}, {one_name} AS one_name, {family} AS family FROM {predicted} p
        JOIN {people} l ON l.unique_id = p.unique_id_l
        JOIN {people} r ON r.unique_id = p.unique_id_r
    """  # noqa: S608
    return connection.sql(sql).to_arrow_table()


def _pairs(table: pa.Table, labels: dict[str, dict[int, str]], evidence: bool) -> list[ScoredPair]:
    """Python pairs from the scored table, a batch at a time (a whole table's Python lists
    next to the pairs would double the memory at a million records)."""
    out = []
    for batch in table.to_batches(max_chunksize=100_000):
        data = batch.to_pydict()
        fields = [f for f in labels if evidence and f"gamma_{f}" in data and f"mw_{f}" in data]
        for i in range(batch.num_rows):
            pair = ScoredPair(
                str(data["unique_id_l"][i]),
                str(data["unique_id_r"][i]),
                float(data["match_probability"][i]),
                float(data["match_weight"][i]),
                bool(data["one_name"][i]),
                bool(data["family"][i]),
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
