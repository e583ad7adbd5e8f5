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
        0 and '0' apart); rows are sorted, so neither column nor row order matters. A column
        added to the spec since returns were first stored (`LATER_COLUMNS`) counts only where a
        row fills it, so a return stored before it hashes as it did.
        """
        sha = hashlib.sha256()
        for name in PART_NAMES:
            rows = self.part(name)
            keys = sorted(
                k
                for k in (rows[0] if rows else {})
                if not k.startswith("_")
                and not (k in LATER_COLUMNS and all(r.get(k) is None for r in rows))
            )
            lines = sorted(map(repr, map(itemgetter(*keys), rows))) if keys else []
            sha.update(repr(keys).encode())
            sha.update(f"{name}:{len(lines)}\n".encode())
            for line in lines:
                sha.update(line.encode("utf-8"))
                sha.update(b"\n")
        return sha.hexdigest()


PART_NAMES = ("operations", "details", "nationalities", "nominals", "identifiers")
LATER_COLUMNS = frozenset({"correction"})


@dataclass(frozen=True)
class PriorState:
    """What the latest earlier return said of an operation: the base for month-to-month rules.

    `fixed` holds what it said of the columns that do not change (FIXED_COLUMNS: opened date,
    lead organisation's short name, primary category code)."""

    period: Period
    status: str
    closed_date: date | None
    cumulative: Mapping[str, int]
    fixed: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class PreviousReturn:
    """An organisation's latest current return for a month before the one being submitted."""

    period: Period
    live_refs: frozenset[str]  # its operations that were Live or Reopened


@dataclass(frozen=True)
class FollowingReturn:
    """An organisation's earliest current return for a month after the one being submitted: a
    return for an earlier month (most often a correction) must not contradict it.

    `held_refs`: its operations that the current version of the submitted month lists too (they
    may not vanish from that month); `fixed`: for the operations the submitted return lists,
    what it says of FIXED_COLUMNS, leaving out a column its own row says it corrects."""

    period: Period
    held_refs: frozenset[str] = frozenset()
    fixed: Mapping[str, Mapping[str, object]] = field(default_factory=dict)


@dataclass(frozen=True)
class Earlier:
    """What the database holds that a return is checked against, read before validation (and
    read again before storing: a difference means it is validated again).

    `prior`: the latest earlier month of each operation the return lists; `previous`: the
    organisation's previous return; `own_refs`: every reference the organisation has used;
    `others_refs`: for organisations that have used one of the return's references (read only
    when the return uses none of the organisation's own), every reference each has used;
    `following`: the organisation's next return after this month, if one is held."""

    prior: Mapping[str, PriorState] = field(default_factory=dict)
    previous: PreviousReturn | None = None
    own_refs: frozenset[str] = frozenset()
    others_refs: Mapping[str, frozenset[str]] = field(default_factory=dict)
    following: FollowingReturn | None = None
