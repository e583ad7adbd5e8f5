"""Running the model with Splink on DuckDB: train on the data itself, predict, keep the evidence.

This is the only module that imports Splink (`training` works on the linker built here). The
same settings run unchanged on Splink's Spark backend (see docs/linkage.md); only `_backend`
would change.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from msops.linkage import comparisons as cmp
from msops.linkage import reference, training
from msops.linkage.prepare import COLUMNS

if TYPE_CHECKING:
    import pyarrow as pa

# pyarrow, duckdb and splink are imported by the functions that match: `msops` imports this
# module for its link commands, and starts without them.

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
    # random pairs for the names' u: only their levels without term frequencies use it, and
    # those are common among random pairs (`training.random_u`)
    u_name_max_pairs: float = 1e5
    # pairs sampled for each EM pass: 1e5 scored as 2e6 did (F1 within 0.0003 from 5,000 to
    # 1,000,000 records) and saves computing the levels of 180,000 pairs sharing a date at 100k
    em_max_pairs: float = 1e5
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
    weights: reference.Model = field(default_factory=dict)  # the m and u the pairs were scored by


def present_columns(columns: dict[str, list[Any]]) -> set[str]:
    """Optional columns with at least a few values (an all-blank column trains nothing)."""
    return {c for c in _OPTIONAL if sum(v is not None for v in columns[c]) >= 2}


def settings(present: set[str], evidence: bool, name_frequencies: bool = True) -> dict[str, Any]:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "comparisons": cmp.comparisons(present, name_frequencies),
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


def _backend(spill: str) -> tuple[Any, Any]:
    """Splink's DuckDB backend and its connection (msops reads a few things straight in SQL).
    Beyond its memory limit DuckDB spills to `spill` (by default it would write a `.tmp`
    folder into whatever directory the user ran msops from)."""
    import duckdb
    from splink import DuckDBAPI

    connection = duckdb.connect()
    connection.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    connection.execute("SET temp_directory = ?", [spill])
    return DuckDBAPI(connection=connection), connection


# A phone or postcode held by more records than this is not a household's but a placeholder (a
# police station's postcode, a switchboard's number): blocking on it would score every pair of
# its holders. They are still compared when another rule makes them a candidate pair.
BLOCK_VALUE_MAX = 100


def _with_block_columns(table: pa.Table) -> pa.Table:
    """`phone_block` and `postcode_block`: the value, or null where too many records hold it."""
    import pyarrow as pa
    import pyarrow.compute as pc

    for column in ("phone", "postcode"):
        values = table.column(column)
        counts = pc.value_counts(values)
        common = pc.filter(
            counts.field("values"), pc.greater(counts.field("counts"), BLOCK_VALUE_MAX)
        )
        blocked = values
        if len(common) > 0:
            blocked = pc.if_else(
                pc.is_in(values, value_set=common), pa.scalar(None, values.type), values
            )
        table = table.append_column(f"{column}_block", blocked)
    return table


def _with_name_roles(table: pa.Table) -> pa.Table:
    """`surname_given`: the record's family name is written more often as a given name in the
    file ("Hannah"), so a match of it against another record's given name is two given names
    alike, not a family name written first."""
    import pyarrow.compute as pc

    surname = table.column("surname")
    as_given = _count_in(surname, table.column("given"))
    return table.append_column("surname_given", pc.greater(as_given, _count_in(surname, surname)))


def _count_in(values: pa.ChunkedArray, among: pa.ChunkedArray) -> pa.ChunkedArray:
    """How many times each of `values` occurs in `among` (0 for a blank or absent value)."""
    import pyarrow.compute as pc

    found = pc.value_counts(among)
    at = pc.index_in(values, value_set=found.field("values"), skip_nulls=True)
    return pc.fill_null(pc.take(found.field("counts"), at), 0)


def match(
    columns: dict[str, list[Any]],
    config: MatcherConfig,
    progress: Progress | None = None,
) -> MatchResult:
    """Scored pairs (at or above `config.keep_pairs_from`) of prepared records. The columns are
    cleared once they are in the model's table (they are the largest thing in memory)."""
    say = progress or (lambda _stage: None)
    logging.getLogger("splink").setLevel(logging.ERROR)  # its training chatter is not for users
    present = present_columns(columns)
    if len(columns["unique_id"]) < 2:
        return MatchResult([], {}, present)
    with tempfile.TemporaryDirectory(prefix="msops-linkage-") as spill:
        db, connection = _backend(spill)
        try:
            return _match(columns, config, say, present, db, connection)
        finally:
            connection.close()


def _match(
    columns: dict[str, list[Any]],
    config: MatcherConfig,
    say: Progress,
    present: set[str],
    db: Any,
    connection: Any,
) -> MatchResult:
    from splink import Linker

    say(f"registering {len(columns['unique_id']):,} records")
    table = _with_name_roles(_with_block_columns(_arrow(columns)))
    columns.clear()  # the records are in Arrow now: free the lists (a third of the memory at 1M)
    sdf = db.register(table, dataset_display_name="people")
    people = sdf.physical_name
    small = reference.weighs(table.num_rows)
    # the reference model has no alias level (`reference`)
    compared = present - {"alias"} if small else present
    # validate_settings only logs warnings about the settings, which are fixed in this module
    linker = Linker(
        sdf,
        settings(compared, config.evidence, name_frequencies=not small),
        log_level=logging.ERROR,
        validate_settings=False,
    )
    if small:
        say(
            f"fewer than {reference.LEARN_FROM} records, too few to learn from:"
            " fields weighed as learnt on a reference population"
        )
        reference.apply(linker)
        training.prior(linker, compared)
    else:
        _learn(linker, db, connection, people, present, config, say)
    training.cap_prior(linker, table.num_rows)
    say("scoring candidate pairs")
    predicted = linker.inference.predict(
        threshold_match_probability=config.keep_pairs_from, warning_mode="never"
    )
    labels = _level_labels(linker)
    scored = _with_names(connection, predicted.physical_name, people, config.evidence)
    pairs = _pairs(scored, labels, config.evidence)
    predicted.drop_table_from_database_and_remove_from_cache()
    return MatchResult(pairs, labels, present, reference.parameters(linker))


def _learn(
    linker: Any,
    db: Any,
    connection: Any,
    people: str,
    present: set[str],
    config: MatcherConfig,
    say: Progress,
) -> None:
    """Train the model on the file itself: prior, u, term frequencies counted in people, m."""
    say("estimating how often records agree by chance (u)")
    training.prior(linker, present)
    training.random_u(linker, config.u_max_pairs, config.u_name_max_pairs, config.seed)
    training.namesake_u(linker, connection, people, present)
    if "gender" in present:
        training.gender_by_names(linker, connection, people)
    if {"phone", "postcode"} <= present:
        training.contact_weight(linker, connection, people)
    training.order_tf(linker, db, connection, people)
    full_names = training.people_tf(linker, db, connection, people, "full_name")
    training.people_tf(linker, db, connection, people, "surname")
    training.people_tf(linker, db, connection, people, "name_core")
    training.nearby_tf(linker, db, connection, full_names)
    say("learning how often true matches agree (m, expectation maximisation)")
    for rule in cmp.training_blocking_rules(present):
        if not _any_pair(connection, people, rule):
            # a file with ages but no dates, or a few people no two alike, may hold no pair
            # for a pass to learn from (Splink would raise, and leave its settings half
            # changed): the fields it would have taught keep the model's starting values
            say("too few likely matches to learn from in one pass: starting values kept")
            continue
        if not training.em_pass(linker, rule, config.em_max_pairs):
            say("one pass's estimate failed (a field whose records never disagree): undone")
    training.prior_from_dates(linker)


def _any_pair(connection: Any, people: str, rule: str) -> bool:
    """Whether a blocking rule (of `comparisons`, on columns `l` and `r`) pairs any records."""
    # the table name is Splink's own and the rule is the model's: no outside text in the query
    sql = f"SELECT 1 FROM {people} l JOIN {people} r ON {rule} AND l.unique_id < r.unique_id"  # noqa: S608
    return bool(connection.execute(f"{sql} LIMIT 1").fetchall())


def _arrow(columns: dict[str, list[Any]]) -> pa.Table:
    import pyarrow as pa

    # Arrow types of the prepared columns (see `prepare.COLUMNS`): text unless listed. A column
    # blank in every record would otherwise come out typed as null, which compares with nothing.
    types = {"birth_year": pa.int64(), "birth_year_exact": pa.bool_(), "birth_when": pa.float64()}
    return pa.table({c: pa.array(columns[c], type=types.get(c, pa.string())) for c in COLUMNS})


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


# the columns of a `ScoredPair`, in the order of its fields (the scored table's own types: text
# ids, double probability and weight, boolean one_name and family)
_PAIR_COLUMNS = (
    "unique_id_l",
    "unique_id_r",
    "match_probability",
    "match_weight",
    "one_name",
    "family",
)


def _pairs(table: pa.Table, labels: dict[str, dict[int, str]], evidence: bool) -> list[ScoredPair]:
    """Python pairs from the scored table, a batch at a time (a whole table's Python lists
    next to the pairs would double the memory at a million records)."""
    out: list[ScoredPair] = []
    for batch in table.to_batches(max_chunksize=100_000):
        data = batch.to_pydict()
        fields = [f for f in labels if evidence and f"gamma_{f}" in data and f"mw_{f}" in data]
        if not fields:  # the pairs alone (every run but one keeping the evidence): no loop
            out += map(ScoredPair, *(data[c] for c in _PAIR_COLUMNS))
            continue
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
