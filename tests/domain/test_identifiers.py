"""Identifier cleaning: the same phone, plate or postcode written two ways becomes one value."""

from __future__ import annotations

import pytest

from msops.domain.identifiers import clean_identifier, clean_postcode_district


@pytest.mark.parametrize(
    ("kind", "written", "clean"),
    [
        ("phone", "07700 900123", "+447700900123"),
        ("phone", "+44 (0)7700-900123", "+447700900123"),
        ("phone", "+40 721 234 567", "+40721234567"),
        ("email", " Ana.Pop@Example.COM ", "ana.pop@example.com"),
        ("vehicle", "ab12 cde", "AB12CDE"),
        ("postcode", "ts1 2ab", "TS1 2AB"),
        ("passport", "12-345 678a", "12345678A"),
        ("bank_account", "12-34-56 12345678", "123456-12345678"),
        ("bank_account", "GB29 NWBK 6016 1331 9268 19", "GB29NWBK60161331926819"),
        ("advert_handle", "https://adultwork.example/@Lola.99/", "lola.99"),
        ("advert_handle", "@Lola.99", "lola.99"),
    ],
)
def test_identifiers_are_normalised(kind: str, written: str, clean: str) -> None:
    assert clean_identifier(kind, written) == clean


@pytest.mark.parametrize(
    ("kind", "written"),
    [
        ("phone", "call me"),
        ("phone", "12"),
        ("email", "nobody"),
        ("vehicle", "A"),
        ("postcode", "TS1"),
        ("passport", "X9"),
        ("bank_account", "1234"),
        ("advert_handle", "a b c"),
    ],
)
def test_invalid_identifiers_are_refused_without_repeating_them(kind: str, written: str) -> None:
    with pytest.raises(ValueError) as err:
        clean_identifier(kind, written)
    assert written not in str(err.value)


def test_a_full_postcode_is_cut_to_its_district() -> None:
    assert clean_postcode_district("b9 4aa") == "B9"
    assert clean_postcode_district("sw1a") == "SW1A"
    with pytest.raises(ValueError):
        clean_postcode_district("99")
