"""The msops matching model: which fields are compared, at which levels, blocked how.

Levels are written as SQL over the prepared columns (see `prepare.COLUMNS`). Names are compared
order-free (a swap of given and family name is its own level, not a mismatch); a date of birth
with day and month exchanged, or an estimated age that agrees, count as partial agreement.
"""

from __future__ import annotations

from typing import Any

Level = dict[str, Any]
Comparison = dict[str, Any]

_JW = "jaro_winkler_similarity"


def _null(sql: str) -> Level:
    return {"sql_condition": sql, "label_for_charts": "missing", "is_null_level": True}


def _level(sql: str, label: str, tf: str | None = None, own_u: bool = False) -> Level:
    level: Level = {"sql_condition": sql, "label_for_charts": label}
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    if own_u:
        level["disable_tf_exact_match_detection"] = True
    return level


# Spelling and sound levels weigh by how common the name's sound is (the Soundex key of all
# its tokens): "Lewis Davise" ~ "Lewis Davies" is weaker evidence than a rare name misspelt.
_SOUND_TF = "name_sdx"

_ELSE: Level = {"sql_condition": "ELSE", "label_for_charts": "different"}


def name_comparison(with_alias: bool) -> Comparison:
    fuzzy = (
        f"({_JW}(given_l, given_r) >= 0.88 AND {_JW}(surname_l, surname_r) >= 0.88)"
        f" OR ({_JW}(given_l, surname_r) >= 0.88 AND {_JW}(surname_l, given_r) >= 0.88)"
    )
    # one slip of the keyboard: a letter dropped, doubled, changed or two swapped
    # on the name key (sorted tokens), so either order; the edit distance is costly: tested
    # only on keys of one length give or take a letter that share their first letter (a slip
    # after a token's first letter leaves the tokens' order as it was)
    slip = (
        "abs(length(name_key_l) - length(name_key_r)) <= 1"
        " AND left(name_key_l, 1) = left(name_key_r, 1)"
        " AND damerau_levenshtein(name_key_l, name_key_r) <= 1"
    )
    levels = [
        _null("name_key_l IS NULL OR name_key_r IS NULL"),
        _level("full_name_l = full_name_r", "exact match", tf="full_name"),
        _level("name_key_l = name_key_r", "same names in another order", tf="name_key"),
        # weighed by how common the name is without its particles (its u from random pairs
        # rests on one or two pairs in 500,000)
        _level(
            "name_core_l = name_core_r",
            "same names apart from particles (Thi, Van, al)",
            tf="name_core",
        ),
        _level(slip, "one letter different", tf="name_nearby", own_u=True),
        _level(fuzzy, "similar spelling", tf=_SOUND_TF, own_u=True),
        _level("name_sdx_l = name_sdx_r", "sound alike", tf=_SOUND_TF, own_u=True),
        _level("surname_l = surname_r", "same family name, another given name", tf="surname"),
        _level(
            "(surname_l = given_r AND NOT surname_given_l)"
            " OR (given_l = surname_r AND NOT surname_given_r)",
            "same family name (written first), another given name",
            tf="surname",
        ),
        _level(
            "abs(length(surname_l) - length(surname_r)) <= 1"
            " AND left(surname_l, 1) = left(surname_r, 1)"
            " AND damerau_levenshtein(surname_l, surname_r) <= 1",
            "family name one letter different, another given name",
            tf="surname",
            own_u=True,
        ),
        _level(
            "surname_sdx_l = surname_sdx_r"
            " OR (surname_sdx_l = given_sdx_r AND NOT surname_given_l)"
            " OR (given_sdx_l = surname_sdx_r AND NOT surname_given_r)",
            "family name sounds alike, another given name",
        ),
        _level(f"{_JW}(name_key_l, name_key_r) >= 0.8", "partly similar"),
    ]
    if with_alias:
        levels.append(
            _level(
                "alias_l = given_first_r OR alias_r = given_first_l OR alias_l = alias_r",
                "an alias matches",
            )
        )
    return {"output_column_name": "name", "comparison_levels": [*levels, _ELSE]}


def dob_comparison() -> Comparison:
    both_exact = "birth_year_exact_l AND birth_year_exact_r"
    both_ages = "NOT birth_year_exact_l AND NOT birth_year_exact_r"
    # an estimated age against a date or another age: years apart, with their fractions
    apart = "abs(birth_when_l - birth_when_r)"
    return {
        "output_column_name": "date_of_birth",
        "comparison_levels": [
            _null("birth_year_l IS NULL OR birth_year_r IS NULL"),
            _level("dob_l = dob_r", "exact match"),
            _level("dob_unordered_l = dob_unordered_r", "day and month swapped"),
            _level(f"{both_exact} AND hamming(dob_l, dob_r) <= 1", "one digit different"),
            _level(f"NOT ({both_exact}) AND {apart} <= 1", "estimated age agrees"),
            _level(f"NOT ({both_exact}) AND {apart} <= 2.5", "estimated age nearly agrees"),
            # two estimates each a year or two out sit further apart than an age and a date
            _level(f"{both_ages} AND {apart} <= 5", "two estimated ages roughly agree"),
            _level(f"NOT ({both_exact}) AND {apart} <= 5", "estimated age roughly agrees"),
            _level(f"{both_exact} AND birth_year_l = birth_year_r", "same year of birth"),
            _level(f"{both_exact} AND hamming(dob_l, dob_r) <= 2", "two digits different"),
            _ELSE,
        ],
    }


def exact_comparison(column: str, label: str, tf: bool = False) -> Comparison:
    return {
        "output_column_name": label,
        "comparison_levels": [
            _null(f"{column}_l IS NULL OR {column}_r IS NULL"),
            _level(f"{column}_l = {column}_r", "exact match", tf=column if tf else None),
            _ELSE,
        ],
    }


# Gender levels of records whose given names differ (see `gender_comparison`).
ANOTHER_GIVEN_NAME = "another given name"


def gender_comparison() -> Comparison:
    """Gender, split by whether the given names sound alike (either name order, blanks alike).

    A given name already tells gender: between records with alike given names agreeing on it
    is nearly certain whoever they are, between records with other given names (an alias, a
    family member) it is a coin toss for two people, so agreeing and differing weigh far
    more there (see `training.gender_by_names`)."""
    alike = " OR ".join(
        f"coalesce({a} = {b}, true)"
        for a, b in (
            ("given_sdx_l", "given_sdx_r"),
            ("given_sdx_l", "surname_sdx_r"),
            ("surname_sdx_l", "given_sdx_r"),
        )
    )
    return {
        "output_column_name": "gender",
        "comparison_levels": [
            _null("gender_l IS NULL OR gender_r IS NULL"),
            _level(f"gender_l = gender_r AND ({alike})", "exact match"),
            _level("gender_l = gender_r", f"exact match, {ANOTHER_GIVEN_NAME}"),
            _level(alike, "different"),
            {"sql_condition": "ELSE", "label_for_charts": f"different, {ANOTHER_GIVEN_NAME}"},
        ],
    }


# The postcode level of records that share a phone as well (see `postcode_comparison`).
WITH_THE_PHONE = "exact match, as does the phone"


def postcode_comparison(with_phone: bool) -> Comparison:
    """Postcode; with phones, a postcode shared by records that share a phone is its own level.

    A household shares both, so for two people of one household they are one piece of
    evidence, not two: counted apart they add up to more than either (some +27 against +14)
    and outweigh two given names and two dates. The level's weight is measured on the data
    (`training.contact_weight`), not learnt."""
    both = [_level("postcode_l = postcode_r AND phone_l = phone_r", WITH_THE_PHONE)]
    return {
        "output_column_name": "postcode",
        "comparison_levels": [
            _null(
                "(postcode_l IS NULL AND postcode_district_l IS NULL)"
                " OR (postcode_r IS NULL AND postcode_district_r IS NULL)"
            ),
            *(both if with_phone else []),
            _level("postcode_l = postcode_r", "exact match", tf="postcode"),
            _level("postcode_district_l = postcode_district_r", "same postcode district"),
            _level("levenshtein(postcode_l, postcode_r) <= 1", "one character different"),
            _ELSE,
        ],
    }


def address_comparison() -> Comparison:
    return {
        "output_column_name": "address",
        "comparison_levels": [
            _null("address_l IS NULL OR address_r IS NULL"),
            _level("address_l = address_r", "exact match", tf="address"),
            _level(f"{_JW}(address_l, address_r) >= 0.9", "similar"),
            _level(
                f"jaccard(address_l, address_r) >= 0.6 OR {_JW}(address_l, address_r) >= 0.75",
                "partly similar",
            ),
            _ELSE,
        ],
    }


def comparisons(present: set[str], name_frequencies: bool = True) -> list[Comparison]:
    """The comparisons worth making on data with these (non-empty) prepared columns. Without
    `name_frequencies`, the name levels weigh by their own m and u: a file too small to say
    which names are common (`reference`). Identifiers keep theirs: a phone that many records
    of a small file hold is still a shared phone."""
    out = [name_comparison(with_alias="alias" in present)]
    if "birth_year" in present:
        out.append(dob_comparison())
    if "gender" in present:
        out.append(gender_comparison())
    if "nationality" in present:
        # no term frequencies: a name already tells the community, so a rare nationality
        # agreeing on top of a rare name is not independent evidence
        out.append(exact_comparison("nationality", "nationality"))
    if "phone" in present:
        out.append(exact_comparison("phone", "phone", tf=True))  # a household shares one
    if "postcode" in present or "postcode_district" in present:
        out.append(postcode_comparison(with_phone="phone" in present))
    if "address" in present:
        out.append(address_comparison())
    if not name_frequencies:
        for level in out[0]["comparison_levels"]:
            level.pop("tf_adjustment_column", None)
            level.pop("tf_adjustment_weight", None)
    return out


def prediction_blocking_rules(present: set[str]) -> list[str]:
    """Blocking for recall: each rule catches pairs the others miss, none is a cartesian join."""
    rules = [
        "l.name_sdx = r.name_sdx AND abs(l.birth_year - r.birth_year) <= 3",
        "l.dob_unordered = r.dob_unordered AND substr(l.name_sdx, 1, 1) = substr(r.name_sdx, 1, 1)",
        "l.dob_unordered = r.dob_unordered AND l.given_first = r.given_first",
        "l.dob_unordered = r.dob_unordered AND l.surname = r.surname",
        "l.name_key = r.name_key AND l.birth_year IS NULL",
        # the same day of the year with a mistyped year; one name sounding alike either way
        "l.name_sdx = r.name_sdx AND l.dob_md = r.dob_md",
        "l.surname_sdx = r.surname_sdx AND l.dob_md = r.dob_md",
        "l.given_sdx = r.given_sdx AND l.dob_md = r.dob_md",
        "l.dob_unordered = r.dob_unordered AND l.surname_sdx = r.surname_sdx",
        "l.dob_unordered = r.dob_unordered AND l.given_sdx = r.given_sdx",
        "l.dob_unordered = r.dob_unordered AND l.surname_sdx = r.given_sdx",
        "l.dob_unordered = r.dob_unordered AND l.given_sdx = r.surname_sdx",
        "l.given = r.given AND l.surname = r.surname AND l.gender = r.gender",
    ]
    if "birth_year" in present:
        rules += _age_typo_rules()
    if "phone" in present:
        rules.append("l.phone_block = r.phone_block")
    if "postcode" in present:
        # a postcode is a few households (13 records at most share one in the 1M evaluation set):
        # every pair sharing one is worth scoring, whatever its names and dates say (a value
        # held by too many records to be a household's is left out: `matcher.BLOCK_VALUE_MAX`)
        rules.append("l.postcode_block = r.postcode_block")
    if "address" in present:
        rules.append("l.address = r.address")
    return rules


def _age_only(side: str, column: str) -> str:
    """The column's value on records with only an estimated age (NULL on dated records), so
    the join key itself keeps to age records, not a filter after a join over all namesakes."""
    return f"(CASE WHEN {side}.birth_year_exact THEN NULL ELSE {side}.{column} END)"


def _age_typo_rules() -> list[str]:
    """A record with only an estimated age has no date to block on, and a typo that changes
    the Soundex key of one name loses its partners: one name written the same, the other's
    first letter, years in one band (two bands of four years, offset by two: every two years
    at most 2 apart share one), at least one of the two an age. The names may be written in
    either order (family name first, and a typo in the other)."""
    rules = []
    orders = (
        ("given", "given", "surname", "surname"),
        ("surname", "surname", "given", "given"),
    )
    for same_l, same_r, other_l, other_r in orders:
        for offset in (0, 2):
            years = f"floor((l.birth_year + {offset}) / 4) = floor((r.birth_year + {offset}) / 4)"
            initial = f"substr(l.{other_l}, 1, 1) = substr(r.{other_r}, 1, 1)"
            rules += [
                f"{_age_only('l', same_l)} = r.{same_r} AND {initial} AND {years}",
                f"l.{same_l} = {_age_only('r', same_r)} AND {initial} AND {years}",
            ]
    return rules


def training_blocking_rules(present: set[str]) -> list[str]:
    """EM passes: one blocks on dates (to learn names), one on names (to learn the rest).

    The name pass also asks for a shared phone or postcode where there are any: common names
    otherwise fill it with namesakes, and EM would learn that true matches often disagree on
    date of birth.
    """
    rules = ["l.dob = r.dob"] if "birth_year" in present else []
    anchors = [f"l.{c} = r.{c}" for c in ("phone", "postcode") if c in present]
    # the name pass learns the comparisons of the columns it does not block on: a file of
    # names and contacts only learns the contacts on names alone, one of names only has
    # nothing for it to learn
    others = {"birth_year", "gender", "nationality", "address"} & present
    if anchors and others:
        rules.append(f"l.name_key = r.name_key AND ({' OR '.join(anchors)})")
    elif others or {"phone", "postcode", "postcode_district"} & present:
        rules.append("l.name_key = r.name_key")
    return rules
