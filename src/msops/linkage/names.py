"""Cleaning names so that one person written by two organisations compares as one.

Diacritics are dropped (Nguyễn -> nguyen), other scripts are transliterated (Попеску ->
popesku), case and punctuation are ignored. Name order is not trusted: the `name_key` is the
sorted set of all name tokens, the same whichever name a force wrote first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from unidecode import unidecode


@lru_cache(maxsize=200_000)
def soundex(token: str) -> str:
    """The American Soundex code of one token (nguyen -> N250, "" -> ""), cached: rigour's.

    Every token it is given here is a token of `clean_name`'s output, lower-case ASCII letters
    only: other scripts and diacritics are transliterated by `clean_name` first, never coded
    directly (tests/linkage/test_soundex.py pins the codes msops relies on). rigour is imported
    on the first code asked for: with its dependencies it takes a tenth of a second, which every
    `msops` command would otherwise pay at start.
    """
    from rigour.text.phonetics import soundex as rigour_soundex

    return rigour_soundex(token)


_NON_LETTERS = re.compile(r"[^a-z ]+")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=200_000)
def clean_name(raw: str | None) -> str | None:
    """Lower-case ASCII letters and single spaces; None when nothing is left."""
    if raw is None:
        return None
    decomposed = unicodedata.normalize("NFKD", raw)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = unidecode(stripped).lower()
    ascii_text = ascii_text.replace("'", "")  # O'Brien -> obrien, not "o brien"
    letters = _NON_LETTERS.sub(" ", ascii_text)
    cleaned = _SPACES.sub(" ", letters).strip()
    if cleaned in PLACEHOLDERS:
        return None
    return cleaned or None


# What systems write for a name nobody knows (after cleaning: "N/K" is "n k"). Two "Unknown
# Unknown" records are not one person by their names.
PLACEHOLDERS = frozenset(
    {"unknown", "not known", "nk", "n k", "unk", "unnamed", "no name", "noname", "tbc", "n a"}
    | {"x", "xx", "xxx", "anonymous", "none", "null"}  # not "anon": a Thai given name
)


# Particles and markers that one record carries and another drops (Nguyễn Thị Lan / Nguyen Lan).
PARTICLES = frozenset({"thi", "van", "al", "el", "bin", "ibn", "de", "da", "dos", "la", "von"})


def name_core(key: str | None) -> str | None:
    """A name key without particles; the whole key if nothing else is left."""
    if not key:
        return None
    return _core(key.split(), key)


def _core(tokens: Iterable[str], key: str) -> str:
    return " ".join(t for t in tokens if t not in PARTICLES) or key


def name_key(*names: str | None) -> str | None:
    """All tokens of the cleaned names, sorted: equal whatever order the names were written."""
    tokens = sorted({t for n in names if n for t in n.split()})
    return " ".join(tokens) or None


def phonetic_key(*names: str | None) -> str | None:
    """Soundex of every token, sorted: survives typos in vowels, dropped accents and swaps."""
    codes = sorted({soundex(t) for n in names if n for t in n.split()})
    return " ".join(codes) or None


class NameParts(NamedTuple):
    """What the keys of a whole name need from one of its cleaned names (given names or
    surname), worked out once per distinct name: a file holds far fewer names than pairs."""

    tokens: frozenset[str]
    codes: frozenset[str]  # the Soundex of each token
    first_code: str | None  # of the first token
    last_code: str | None  # of the last token


def name_parts(name: str | None) -> NameParts:
    """The parts of one cleaned name (see `clean_name`); None has none."""
    tokens = name.split() if name else []
    codes = [soundex(t) for t in tokens]
    return NameParts(
        frozenset(tokens),
        frozenset(codes),
        codes[0] if codes else None,
        codes[-1] if codes else None,
    )


def name_keys(given: NameParts, surname: NameParts) -> tuple[str | None, str | None, str | None]:
    """`name_key`, its `name_core` and `phonetic_key` of a given name and surname, from their
    parts (the same values as those functions give on the names themselves)."""
    tokens = sorted(given.tokens | surname.tokens)
    if not tokens:
        return None, None, None
    key = " ".join(tokens)
    return key, _core(tokens, key), " ".join(sorted(given.codes | surname.codes))


def first_token(name: str | None) -> str | None:
    if not name:
        return None
    return name.split()[0]
