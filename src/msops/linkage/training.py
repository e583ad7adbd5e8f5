"""Training the model on the data itself: what the matcher measures on each file before and
after Splink's own estimates (prior, u among namesakes, term frequencies counted in people).

Every function takes Splink's linker and the DuckDB connection behind it and changes the
linker's settings or registers term-frequency lookups; none imports Splink (`matcher` does).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from msops.linkage import comparisons as cmp

if TYPE_CHECKING:
    import pyarrow as pa  # the tables come from DuckDB: annotations only

log = logging.getLogger(__name__)


def prior(linker: Any, present: set[str]) -> None:
    """Estimate how likely two random records are the same person from near-certain pairs."""
    rules = ["l.full_name = r.full_name AND l.dob = r.dob"] if "birth_year" in present else []
    if "phone" in present:
        rules.append("l.phone = r.phone AND l.name_key = r.name_key")
    if not rules:
        rules = ["l.full_name = r.full_name"]
    settings = linker._settings_obj
    default = settings._probability_two_random_records_match
    try:
        linker.training.estimate_probability_two_random_records_match(rules, recall=0.8)
    except Exception as err:  # too few sure pairs to estimate from: keep the default prior
        log.info("prior left at its default: %s", type(err).__name__)
    if not 0.0 < settings._probability_two_random_records_match < 1.0:
        # no sure pair at all (a small file of distinct people): a prior of 0 would score
        # nothing, so the default stands
        log.info("prior left at its default: no sure pairs")
        settings._probability_two_random_records_match = default


def random_u(linker: Any, max_pairs: float, name_pairs: float, seed: int | None) -> None:
    """u of every comparison by random sampling (Splink's estimate), the names' on fewer pairs.

    The name levels that weigh anything by u are common among random pairs (two family names
    that sound alike, names partly similar: one pair in 200 to 700); the others are weighed by
    term frequencies, which u does not touch. Comparing names is the costly part of the
    estimate (half a second of one at 100,000 records on 500,000 pairs)."""
    settings = linker._settings_obj
    everything = settings.comparisons  # put back as it was, the list itself
    names = [c for c in everything if c.output_column_name == "name"]
    rest = [c for c in everything if c.output_column_name != "name"]
    try:
        for chosen, pairs in ((rest, max_pairs), (names, name_pairs)):
            if chosen:
                settings.comparisons = chosen
                linker.training.estimate_u_using_random_sampling(
                    max_pairs=pairs, seed=seed, num_chunks=1
                )
    finally:
        settings.comparisons = everything


def prior_from_dates(linker: Any) -> None:
    """Re-estimate the prior once m is learnt: the share of matches among pairs sharing a date
    of birth (learnt by EM on that pass), divided by how much more often matches than other
    pairs share a date (the exact date's Bayes factor m/u, m learnt on the name pass).

    The first estimate (`prior`) assumes its rules find 80% of matches; here the data says how
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


def em_pass(linker: Any, rule: str, max_pairs: float) -> bool:
    """One pass of expectation maximisation on the pairs `rule` blocks. False, with the model
    as it was before the pass, when the estimate fails even in a few iterations.

    Where one person's records never disagree on a field (nobody in the evaluation population
    has two phones), EM drives that level's m towards 0, a dozen orders of magnitude an
    iteration on some files of a few hundred records, until it is below what a float holds.
    Splink then raises, with its settings half changed (comparisons filtered for the pass,
    prior replaced). The pass is undone and run again in half as many iterations: the other
    parameters settle in a few, and the collapsing m stays a number."""
    settings = linker._settings_obj
    original = settings.training_settings
    iterations = original.max_iterations
    try:
        while True:
            before = settings.core_model_settings.copy()
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(
                    rule, estimate_without_term_frequencies=True, max_pairs=max_pairs
                )
                return True
            except ValueError as err:
                settings.core_model_settings = before
                log.info("an EM pass in %d iterations failed: %s", iterations, err)
                if iterations <= EM_ITERATIONS_MIN:
                    return False
                iterations //= 2
                settings.training_settings = replace(original, max_iterations=iterations)
    finally:
        settings.training_settings = original


# Fewest iterations an EM pass is tried in (`em_pass`); Splink's own default is 25.
EM_ITERATIONS_MIN = 3


# A guard for small files: two random records of n are one person's at most
# (RECORDS_PER_PERSON_MAX - 1) / (n - 1) of the time. Generous, so that it never binds on a
# file of thousands (FEBRL3's estimate is 0.009 at 5,000 records, under the cap of 0.0098).
RECORDS_PER_PERSON_MAX = 50


def cap_prior(linker: Any, n_records: int) -> None:
    """Hold the prior to what a file could hold. On a small file every pair sharing a date of
    birth may be one person's, and the estimate from dates then says nearly every pair is one
    (244 records: a prior of 0.99999, and six namesakes born years apart scored 0.9999)."""
    if n_records < 2:
        return
    settings = linker._settings_obj
    cap = min(1.0, (RECORDS_PER_PERSON_MAX - 1) / (n_records - 1))
    if settings._probability_two_random_records_match > cap:
        settings._probability_two_random_records_match = cap


# Records sampled to measure how often namesakes who are surely different people agree.
NAMESAKE_SAMPLE = 20_000
NAMESAKE_MIN_PAIRS = 100


def namesake_u(linker: Any, connection: Any, table: str, present: set[str]) -> None:
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


# Pairs needed before a measured rate replaces the fallback.
CONTACT_MIN_PAIRS = 50


def contact_weight(linker: Any, connection: Any, table: str) -> None:
    """m and u of "postcode agrees, as does the phone", fixed: given the shared phone, how
    often one person's records (same full name and date of birth) agree on the postcode, and
    how often two people's do (full dates more than five years apart: a household). The
    phone's own level has already counted the shared contact; this level adds only what the
    postcode says on top of it (about nothing when households share both). Too few pairs of
    either kind: the level weighs nothing."""
    sql = f"""
        SELECT
            avg(CASE WHEN l.postcode = r.postcode THEN 1.0 ELSE 0.0 END)
                FILTER (WHERE l.full_name = r.full_name AND l.dob = r.dob),
            count(*) FILTER (WHERE l.full_name = r.full_name AND l.dob = r.dob),
            avg(CASE WHEN l.postcode = r.postcode THEN 1.0 ELSE 0.0 END)
                FILTER (WHERE abs(l.birth_year - r.birth_year) > 5),
            count(*) FILTER (WHERE abs(l.birth_year - r.birth_year) > 5)
        FROM {table} l JOIN {table} r ON l.phone = r.phone AND l.unique_id < r.unique_id
        WHERE l.postcode IS NOT NULL AND r.postcode IS NOT NULL
          AND l.birth_year_exact AND r.birth_year_exact
    """  # noqa: S608
    m_agree, n_same, u_agree, n_two = connection.execute(sql).fetchall()[0]
    if m_agree is None or u_agree is None or min(n_same, n_two) < CONTACT_MIN_PAIRS:
        m_agree = u_agree = 0.5
    m_agree = min(max(float(m_agree), 0.01), 0.999)
    u_agree = min(max(float(u_agree), 0.01), 0.999)
    postcode = linker._settings_obj._get_comparison_by_output_column_name("postcode")
    for level in postcode._comparison_levels_excluding_null:
        if level.label_for_charts == cmp.WITH_THE_PHONE:
            level.m_probability, level.u_probability = m_agree, u_agree
            level._fix_m_probability = level._fix_u_probability = True
    log.info(
        "postcode given the phone: m %.3f u %.3f (%d, %d pairs)", m_agree, u_agree, n_same, n_two
    )


def gender_by_names(linker: Any, connection: Any, table: str) -> None:
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


# Record pairs the file's share of writing orders counts as in each name's own share (a name
# on a few records keeps about the file's share).
ORDER_PRIOR_PAIRS = 20


def order_tf(linker: Any, db: Any, connection: Any, table: str) -> None:
    """Term frequencies of the "same names in another order" level, among namesakes.

    The level's evidence is m / tf(name key), as if any two people sharing the name key wrote it
    in different orders. Two different people's records mostly write a shared name the same
    way (the exact level), so the chance of the level by coincidence is tf times the share of
    namesakes' record pairs written in another order, measured like `namesake_u` on pairs
    surely of two people. The share is then each name's own where its records show it
    (`_order_share`): a community that writes the family name first (Vietnamese, Chinese)
    writes its names in both orders far more often than the file as a whole, whose share is
    mostly other names'.
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
    lookup = _order_share(connection, table, share)
    linker.table_management.register_term_frequency_lookup(
        db.register(lookup, dataset_display_name="tf_name_key_namesakes"), "name_key"
    )
    log.info("names in another order among namesakes: %.3f (%d pairs)", share, n_pairs)


def _order_share(connection: Any, table: str, share: float) -> pa.Table:
    """The name key's term frequencies times each name's own share of record pairs written in
    different orders (a force writes the order it writes, whoever the person is), shrunk
    towards the file's `share`."""
    connection.register("msops_people_tf", tf_in_people(connection, table, "name_key"))
    # table names are Splink's own: no outside text in the query
    sql = f"""
        WITH c AS (
            SELECT name_key, count(*)::DOUBLE AS n FROM {table}
            WHERE name_key IS NOT NULL GROUP BY name_key, full_name
        ), k AS (SELECT name_key, sum(n) AS c, sum(n * (n - 1)) AS same FROM c GROUP BY name_key
        ), own AS (
            SELECT name_key, greatest(
                ((c * (c - 1) - same) / 2 + $a * $share) / (c * (c - 1) / 2 + $a), 0.01
            ) AS share
            FROM k WHERE c > 1
        )
        SELECT t.name_key, t.tf_name_key * coalesce(own.share, $share) AS tf_name_key
        FROM msops_people_tf t LEFT JOIN own USING (name_key)
    """  # noqa: S608
    try:
        params = {"a": ORDER_PRIOR_PAIRS, "share": share}
        return connection.sql(sql, params=params).to_arrow_table()
    finally:
        connection.unregister("msops_people_tf")


def people_tf(linker: Any, db: Any, connection: Any, table: str, column: str) -> Any:
    """Term frequencies counted in people, not records (see `tf_in_people`); returns the
    registered lookup (`nearby_tf` reads the full names')."""
    lookup = db.register(
        tf_in_people(connection, table, column), dataset_display_name=f"tf_{column}_people"
    )
    linker.table_management.register_term_frequency_lookup(lookup, column)
    return lookup


def tf_in_people(connection: Any, table: str, column: str, scale: float = 1.0) -> pa.Table:
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


def nearby_tf(linker: Any, db: Any, connection: Any, full_names: Any) -> None:
    """Term frequencies of the "one letter different" level: the people whose name is at most
    one letter away from this one (this name included), counted as `tf_in_people` counts.

    A typo of a rare name is strong evidence, unless the rare name has neighbours: distinct
    names one letter apart ("Ahmid", "Ahmmid") that belong to other people. Names one letter
    apart share a deletion variant (a name with one letter deleted, or the name itself).
    `full_names` is the registered lookup of full names counted in people.
    """
    names = full_names.physical_name  # the full names' lookup, from `people_tf`
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
