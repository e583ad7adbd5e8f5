"""A validated return: clean values in the shape of the spec, ready to store or export."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
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
        """A hash of the content alone: a return saved twice or re-exported hashes alike."""
        body = {
            name: sorted(
                json.dumps(_public(r), sort_keys=True, default=_json_value) for r in self.part(name)
            )
            for name in ("operations", "details", "nationalities", "nominals", "identifiers")
        }
        text = json.dumps(body, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class PriorState:
    """What the latest earlier return said of an operation: the base for month-to-month rules."""

    period: Period
    status: str
    closed_date: date | None
    cumulative: Mapping[str, int]


def _public(row: Row) -> Row:
    """The row without bookkeeping keys (those starting with an underscore, e.g. `_row`)."""
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _json_value(value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(type(value).__name__)
