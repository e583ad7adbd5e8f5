"""A validated return: clean values in the shape of the spec, ready to store or export."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter
from typing import Any

from msops.domain.periods import Period

Row = dict[str, Any]


@dataclass
class ReturnContent:
    """Every part of one organisation's return for one month, cleaned and cross-checked.

    Code columns hold codes (not labels); dates are `date`; counts are `int`. Identifier rows
    carry `value_norm` beside the value as written.
    """

    operations: list[Row] = field(default_factory=list)
    details: list[Row] = field(default_factory=list)
    nationalities: list[Row] = field(default_factory=list)
    nominals: list[Row] = field(default_factory=list)
    identifiers: list[Row] = field(default_factory=list)

    def part(self, name: str) -> list[Row]:
        rows: list[Row] = getattr(self, name)
        return rows

    def canonical_sha256(self) -> str:
        """A hash of the content alone: a return saved twice or re-exported hashes alike.

        Each row is the repr() of its values in key order (repr quotes strings and tells None,
        0 and '0' apart); rows are sorted, so neither column nor row order matters.
        """
        sha = hashlib.sha256()
        for name in PART_NAMES:
            rows = self.part(name)
            keys = sorted(k for k in (rows[0] if rows else {}) if not k.startswith("_"))
            lines = sorted(map(repr, map(itemgetter(*keys), rows))) if keys else []
            sha.update(repr(keys).encode())
            sha.update(f"{name}:{len(lines)}\n".encode())
            for line in lines:
                sha.update(line.encode("utf-8"))
                sha.update(b"\n")
        return sha.hexdigest()


PART_NAMES = ("operations", "details", "nationalities", "nominals", "identifiers")


@dataclass(frozen=True)
class PriorState:
    """What the latest earlier return said of an operation: the base for month-to-month rules."""

    period: Period
    status: str
    closed_date: date | None
    cumulative: Mapping[str, int]
