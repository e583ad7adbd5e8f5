"""The Soundex codes the name keys are made of: the comparisons and blocking rules join on them
(`name_sdx`, `given_sdx`, `surname_sdx`), so a code that changed would change who is compared."""

from __future__ import annotations

import re

import pytest

from msops.linkage.names import clean_name, name_parts, phonetic_key, soundex


@pytest.mark.parametrize(
    ("token", "code"),
    [
        # the textbook American Soundex examples
        ("robert", "R163"),
        ("rupert", "R163"),
        ("rubin", "R150"),
        ("ashcraft", "A261"),  # h between s and c: one code, not two
        ("tymczak", "T522"),  # a vowel between z and k: both coded
        ("pfister", "P236"),  # f has the first letter's code: not coded again
        ("honeyman", "H555"),
        # names the linkage sees every day
        ("nguyen", "N250"),
        ("hoxha", "H200"),
        ("popescu", "P120"),
        ("kowalski", "K420"),
        ("wisniewski", "W252"),  # w does not separate n and s; sk one code
        ("akhtar", "A236"),
        ("ahtar", "A360"),  # a typo that changes the sound changes the code
        # short tokens are padded with zeros
        ("lee", "L000"),
        ("a", "A000"),
        ("x", "X000"),
        ("bbbb", "B000"),
    ],
)
def test_a_cleaned_token_gets_its_american_soundex_code(token: str, code: str) -> None:
    assert soundex(token) == code


def test_an_empty_token_has_an_empty_code() -> None:
    assert soundex("") == ""


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Nguyễn Thị Lan", "L500 N250 T000"),
        ("Łukasz", "L220"),
        ("Попеску", "P120"),  # transliterated: the same code as Popescu
        ("Παπαδόπουλος", "P131"),
        ("Çela", "C400"),
        ("O'Brien", "O165"),
    ],
)
def test_other_scripts_and_diacritics_are_coded_after_cleaning(raw: str, key: str) -> None:
    """Soundex is only ever given `clean_name`'s tokens (lower-case ASCII letters): a name in
    another script or with diacritics gets the code of its transliteration."""
    cleaned = clean_name(raw)
    assert phonetic_key(cleaned) == key
    assert all(re.fullmatch(r"[A-Z][0-9]{3}", code) for code in name_parts(cleaned).codes)


def test_the_parts_of_a_name_carry_the_codes_of_its_first_and_last_tokens() -> None:
    parts = name_parts("nguyen thi lan")
    assert parts.first_code == "N250"
    assert parts.last_code == "L500"
    assert parts.codes == frozenset({"N250", "T000", "L500"})
    assert name_parts(None) == (frozenset(), frozenset(), None, None)
