"""Checking an NRM table against its own margins: every published total must equal its details.

A row is a detail when none of the dimensions its responder type breaks down is "Total"; a
dimension the table never breaks down for a responder type (the `all` table gives police
referrals only as "Police total" by nationality) stays "Total" in its details. Every other row is a
margin: its value must equal the sum of the detail rows that agree with it on every dimension it
does not sum over. Zero rows are dropped, so a margin missing from a family of margins the table
publishes (same responder type, same level, same dimensions summed) reads as a published 0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations

from msops.analytics.nrm import DIMENSIONS, TOTAL, NrmFile, NrmRow

Key = tuple[object, ...]  # (year, quarter, responder type, *dimension values)
Family = tuple[str, tuple[str, ...]]  # (responder type, dimensions summed over)


@dataclass(frozen=True)
class MarginMismatch:
    key: str  # the margin's key as a user reads it
    published: int
    details_sum: int
    line: int | None  # None: the margin row is absent (read as a published 0)

    def describe(self) -> str:
        where = f"line {self.line}" if self.line else "row absent (a published 0)"
        return (
            f"{self.key}: published {self.published}, details add up to {self.details_sum}"
            f" ({where})"
        )


@dataclass(frozen=True)
class MarginFamily:
    responder_type: str
    summed_over: tuple[str, ...]  # subset of DIMENSIONS
    rows: int

    def describe(self) -> str:
        return f"{self.responder_type}: sum over {', '.join(self.summed_over)} ({self.rows} rows)"


@dataclass(frozen=True)
class CheckedNrmFile:
    file: NrmFile
    details: tuple[NrmRow, ...]
    margins: tuple[NrmRow, ...]
    broken_down: dict[str, tuple[str, ...]]  # responder type -> dimensions it breaks down
    families: tuple[MarginFamily, ...]
    mismatches: tuple[MarginMismatch, ...]

    @property
    def ok(self) -> bool:
        return not self.mismatches

    @property
    def people(self) -> int:
        return sum(r.people for r in self.details)


def broken_down_dimensions(rows: Iterable[NrmRow]) -> dict[str, tuple[str, ...]]:
    """Per responder type, the dimensions some row gives at a level finer than "Total"."""
    seen: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        for dim, value in zip(DIMENSIONS, r.values(), strict=True):
            if value != TOTAL:
                seen[r.responder_type].add(dim)
    return {t: tuple(d for d in DIMENSIONS if d in dims) for t, dims in seen.items()}


def summed_over(row: NrmRow) -> tuple[str, ...]:
    return tuple(d for d, v in zip(DIMENSIONS, row.values(), strict=True) if v == TOTAL)


def check_margins(file: NrmFile) -> CheckedNrmFile:
    """Split `file` into details and margins and compare every margin with its details."""
    broken = broken_down_dimensions(file.rows)
    details: list[NrmRow] = []
    margins: list[NrmRow] = []
    for r in file.rows:
        is_margin = any(d in broken[r.responder_type] for d in summed_over(r))
        (margins if is_margin else details).append(r)
    sums = _detail_sums(details, broken)
    family_rows = Counter(_family(m, broken) for m in margins)
    margin_keys = {_key(m) for m in margins}
    mismatches = [
        MarginMismatch(m.describe(), m.people, sums.get(_key(m), 0), m.line)
        for m in margins
        if sums.get(_key(m), 0) != m.people
    ]
    for key, total in sums.items():
        if total and key not in margin_keys and _key_family(key, broken) in family_rows:
            mismatches.append(MarginMismatch(_describe_key(key), 0, total, None))
    families = tuple(
        MarginFamily(t, dims, n) for (t, dims), n in sorted(family_rows.items(), key=_order)
    )
    return CheckedNrmFile(file, tuple(details), tuple(margins), broken, families, tuple(mismatches))


def _order(item: tuple[Family, int]) -> tuple[str, int, tuple[int, ...]]:
    (rtype, dims), _ = item
    return rtype, len(dims), tuple(DIMENSIONS.index(d) for d in dims)


def _key(row: NrmRow) -> Key:
    return (row.year, row.quarter, row.responder_type, *row.values())


def _family(row: NrmRow, broken: dict[str, tuple[str, ...]]) -> Family:
    return _key_family(_key(row), broken)


def _key_family(key: Key, broken: dict[str, tuple[str, ...]]) -> Family:
    rtype = str(key[2])
    dims = tuple(d for d, v in zip(DIMENSIONS, key[3:], strict=True) if v == TOTAL)
    return rtype, tuple(d for d in dims if d in broken[rtype])


def _detail_sums(details: list[NrmRow], broken: dict[str, tuple[str, ...]]) -> dict[Key, int]:
    """For every margin key a detail row falls under, the sum of those detail rows."""
    masks = {
        rtype: [
            tuple(i in subset for i in range(len(DIMENSIONS)))
            for subset in _nonempty_subsets([DIMENSIONS.index(d) for d in dims])
        ]
        for rtype, dims in broken.items()
    }
    sums: dict[Key, int] = defaultdict(int)
    for r in details:
        values = r.values()
        prefix = (r.year, r.quarter, r.responder_type)
        for mask in masks[r.responder_type]:
            general = [TOTAL if m else v for m, v in zip(mask, values, strict=True)]
            sums[(*prefix, *general)] += r.people
    return sums


def _nonempty_subsets(items: list[int]) -> Iterator[frozenset[int]]:
    for size in range(1, len(items) + 1):
        for combo in combinations(items, size):
            yield frozenset(combo)


def _describe_key(key: Key) -> str:
    year, quarter, rtype, responder, exploitation, age, gender, nationality = key
    responder_label = f"{rtype} total" if responder == TOTAL else responder
    return (
        f"{year}Q{quarter} {rtype} / {responder_label}, exploitation={exploitation},"
        f" age={age}, gender={gender}, nationality={nationality}"
    )
