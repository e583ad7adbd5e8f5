"""Preparing person records: names, dates of birth and identifiers as the matcher will see them."""

from __future__ import annotations

from datetime import date

import pytest

from msops.linkage.names import clean_name, name_core, name_key, phonetic_key, soundex
from msops.linkage.prepare import PersonInput, parse_dob, prepare, prepare_one


def test_diacritics_are_dropped() -> None:
    assert clean_name("Nguyễn") == "nguyen"
    assert clean_name("Çela") == "cela"
    assert clean_name("Stankevičius") == "stankevicius"
    assert clean_name("Žaneta Wiśniewska") == "zaneta wisniewska"


def test_cyrillic_and_greek_are_transliterated() -> None:
    assert clean_name("Попеску") == "popesku"
    assert clean_name("Иванов") == "ivanov"
    assert clean_name("Παπαδόπουλος") == "papadopoulos"


def test_case_and_punctuation_do_not_matter() -> None:
    assert clean_name("  O'BRIEN-Smith ") == "obrien smith"
    assert clean_name("...") is None
    assert clean_name(None) is None


def test_name_order_does_not_change_the_key() -> None:
    assert name_key("van anh", "nguyen") == name_key("nguyen", "van anh") == "anh nguyen van"
    assert phonetic_key("nguyen", "hoang") == phonetic_key("hoang", "nguyen")
    assert phonetic_key("nguyen", "hoang") == phonetic_key("nguien", "hoang")
    assert name_core("lan nguyen thi") == name_core("lan nguyen") == "lan nguyen"


def test_a_batch_gives_each_record_the_keys_of_its_own_names() -> None:
    """A batch works each distinct name out once and shares the results: every record must
    still carry its own names' keys, in its own place, whatever the others are called."""
    names = [
        ("Văn Anh", "Nguyễn"),
        ("Nguyen", "Van Anh"),  # family name first: the same key
        ("Thi", "Van"),  # nothing but particles: the core is the whole key
        ("Anh Anh", "Anh"),  # a token repeated across the names
        (None, "Hoxha"),
        ("Elira", None),
        (None, None),
        ("...", "Kaur"),
        ("Văn Anh", "Nguyễn"),  # the first record again
    ]
    people = [PersonInput(f"r{i}", given_name=g, surname=s) for i, (g, s) in enumerate(names)]
    columns = prepare(people)
    assert columns["unique_id"] == [p.record_id for p in people]
    for at, (given, surname) in enumerate(names):
        g, s = clean_name(given), clean_name(surname)
        key = name_key(g, s)
        assert columns["name_key"][at] == key
        assert columns["name_core"][at] == name_core(key)
        assert columns["name_sdx"][at] == phonetic_key(g, s)
        assert columns["full_name"][at] == (" ".join(n for n in (g, s) if n) or None)
        assert columns["given_sdx"][at] == (soundex(g.split()[0]) if g else None)
        assert columns["surname_sdx"][at] == (soundex(s.split()[-1]) if s else None)
    assert columns["name_core"][2] == "thi van"
    assert columns["name_key"][0] == columns["name_key"][1] == "anh nguyen van"


def test_dates_of_birth_give_parts_and_the_swapped_variant() -> None:
    parts = parse_dob("1990-03-11")
    assert parts is not None
    assert (parts.year, parts.month, parts.day) == (1990, 3, 11)
    assert parts.swapped == "1990-11-03"
    swapped = parse_dob("19901103")
    assert swapped is not None and swapped.unordered == parts.unordered
    late = parse_dob("1990-03-25")
    assert late is not None and late.swapped is None  # no 25th month
    assert parse_dob("1990-02-30") is None
    assert parse_dob("unknown") is None


def test_a_placeholder_date_is_no_birth_and_stops_nothing() -> None:
    """Systems write 9999-12-31 for "not known": it is no date of birth, and a batch holding
    it (or an age given on it) is prepared like any other."""
    assert parse_dob("9999-12-31") is None
    assert parse_dob(f"{date.today().year + 1}-01-01") is None
    columns = prepare(
        [
            PersonInput("a", dob="9999-12-31"),
            PersonInput("b", estimated_age=30, age_on=date(9999, 12, 31)),
            PersonInput("c", dob="2000-07-01"),
        ]
    )
    assert columns["dob"] == [None, None, "2000-07-01"]
    assert columns["birth_year"][1] == 9969 and columns["birth_year_exact"] == [False, False, True]
    assert columns["birth_when"][2] == pytest.approx(2000.5, abs=0.01)


def test_a_record_is_prepared_with_cleaned_identifiers() -> None:
    row = prepare_one(
        PersonInput(
            "r1",
            given_name="Văn Anh",
            surname="NGUYỄN",
            estimated_age=30,
            age_on=date(2018, 2, 1),
            gender="Male",
            phone="07700 900123",
            postcode="sw1a1aa",
        )
    )
    assert row["given"] == "van anh" and row["surname"] == "nguyen"
    assert row["dob"] is None and row["birth_year"] == 1987 and not row["birth_year_exact"]
    # 30 on 1 February 2018: born between February 1987 and February 1988, likeliest mid-way
    assert row["birth_when"] == pytest.approx(1987.59, abs=0.01)
    assert row["phone"] == "+447700900123"
    assert (row["postcode"], row["postcode_district"]) == ("SW1A 1AA", "SW1A")
    assert row["gender"] == "m"


def test_a_date_and_an_age_compare_as_decimal_years() -> None:
    """An age given late in a year and a date early in the next are one year apart in whole
    years but not in fact: the model compares when people were born, with fractions."""
    dated = prepare_one(PersonInput("a", dob="1990-01-10"))
    aged = prepare_one(PersonInput("b", estimated_age=27, age_on=date(2017, 5, 26)))
    assert dated["birth_year"] - aged["birth_year"] == 1  # whole years: 1990 against 1989
    assert abs(dated["birth_when"] - aged["birth_when"]) < 0.2  # 1990.03 against 1989.90
