"""From one month to the next: no operation vanishes, and what does not change is not changed.

* Every operation Live or Reopened in the organisation's previous return (its latest current
  return for an earlier month) is in this one: Live, Reopened, or Closed in the month with its
  date and disruption outcome ('Transferred to another organisation' when another organisation
  has taken it on).
* An operation's opened date, lead organisation and primary category (FIXED_COLUMNS) are what
  its latest earlier month said, unless the row's `correction` names the column: then the row
  corrects the earlier months, which keep what they said in their stored versions.
* A return for a month before one already held (most often a correction, submitted after the
  next month's return) is also checked against that next return: an operation both list may
  not vanish from it, and the fixed columns agree with the next return's unless the row's
  `correction` names the column (or the next return's row corrected it).

Values shown are dates, codes and organisation names: never personal data.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from datetime import date

from msops.domain.content import Earlier, FollowingReturn, ReturnContent, Row
from msops.domain.periods import Period
from msops.domain.reference import clear_best, code_lists, find_organisation
from msops.domain.return_spec import FIXED_COLUMNS, OPERATIONS
from msops.returns.file_layout import header_key
from msops.returns.located import issue_at
from msops.returns.raw import Issue

CORRECTION = "correction"
_SEPARATORS = re.compile(r"[;,/|]+")


def continuity_rules(content: ReturnContent, period: Period, earlier: Earlier) -> Iterator[Issue]:
    yield from _vanished(content, period, earlier)
    yield from _vanished_before_next(content, period, earlier.following)
    for row in content.operations:
        corrected, issues = _corrections(row)
        yield from issues
        yield from _fixed_values(row, corrected, earlier)
        yield from _fixed_before_next(row, corrected, period, earlier.following)


def _vanished(content: ReturnContent, period: Period, earlier: Earlier) -> Iterator[Issue]:
    previous = earlier.previous
    if previous is None:
        return
    for ref in _unlisted(content, previous.live_refs):
        yield _missing(
            ref,
            f"operation {ref} was live in the {previous.period} return and is not in this one:"
            f" list it as Live, or as Closed in {period} with its closed_date and"
            " disruption_outcome ('Transferred to another organisation' if another"
            " organisation has taken it on)",
        )


def _vanished_before_next(
    content: ReturnContent, period: Period, following: FollowingReturn | None
) -> Iterator[Issue]:
    if following is None:
        return
    for ref in _unlisted(content, following.held_refs):
        yield _missing(
            ref,
            f"operation {ref} is in the {period} return held now and in the {following.period}"
            f" return, and is not in this {period} return: list it as it stood in {period}"
            f" (Live, or Closed in {period} with its closed_date and disruption_outcome), or"
            f" correct the {following.period} return first if it should not be there",
        )


def _unlisted(content: ReturnContent, refs: Set[str]) -> list[str]:
    """Of `refs`, those this return does not list, in order."""
    listed = {r["operation_ref"] for r in content.operations if r.get("operation_ref")}
    return sorted(refs - listed)


def _missing(ref: str, message: str) -> Issue:
    return Issue(OPERATIONS.sheet, None, "operation_ref", ref, "operation_missing", message)


def _corrections(row: Row) -> tuple[set[str], list[Issue]]:
    """The columns the row says it corrects; its `correction` cell is rewritten to them, in the
    spec's order, separated by '; ' (None when it names none)."""
    text = row.get(CORRECTION)
    if not text:
        return set(), []
    named: set[str] = set()
    issues: list[Issue] = []
    for part in filter(None, (p.strip() for p in _SEPARATORS.split(str(text)))):
        name = header_key(part)
        if name in FIXED_COLUMNS:
            named.add(name)
            continue
        issues.append(
            issue_at(
                OPERATIONS.sheet,
                row,
                CORRECTION,
                "correction_unknown",
                f"correction names columns that correct earlier months: {', '.join(FIXED_COLUMNS)}"
                " (separated by ';'); leave it blank when nothing is corrected",
                part,
                clear_best(name, FIXED_COLUMNS),
            )
        )
    row[CORRECTION] = "; ".join(c for c in FIXED_COLUMNS if c in named) or None
    return named, issues


def _fixed_values(row: Row, corrected: set[str], earlier: Earlier) -> Iterator[Issue]:
    ref = row.get("operation_ref") or ""
    state = earlier.prior.get(ref)
    # a correction may also be of what the next return (when one is held) says
    later = earlier.following.fixed.get(ref, {}) if earlier.following is not None else {}
    idle = {c for c in corrected if later.get(c) in (None, row.get(c))}  # corrects nothing later
    if state is None:
        if idle:
            yield issue_at(
                OPERATIONS.sheet,
                row,
                CORRECTION,
                "correction_without_change",
                "correction is for a row that corrects what earlier months said, and this"
                " operation is in no earlier return: leave it blank",
                row[CORRECTION],
            )
        return
    for column in FIXED_COLUMNS:
        before, now = state.fixed.get(column), row.get(column)
        if before is None or now is None:
            continue
        if before != now and column not in corrected:
            yield issue_at(
                OPERATIONS.sheet,
                row,
                column,
                "fixed_value_changed",
                f"{column} was {_shown(column, before)} in the {state.period} return, and does"
                f" not change from month to month: if {state.period}'s was wrong, write"
                f" {column} in the correction column; if not, give it as before",
                _shown(column, now),
                _shown(column, before),
            )
        elif before == now and column in idle:
            yield issue_at(
                OPERATIONS.sheet,
                row,
                CORRECTION,
                "correction_without_change",
                f"correction names {column}, but {column} is as the {state.period} return gave"
                f" it: take {column} out of the correction column",
                column,
            )


def _fixed_before_next(
    row: Row, corrected: set[str], period: Period, following: FollowingReturn | None
) -> Iterator[Issue]:
    """The fixed columns against the next held return, unless this row corrects them."""
    ref = row.get("operation_ref") or ""
    later = following.fixed.get(ref) if following is not None else None
    if following is None or later is None:
        return
    for column in FIXED_COLUMNS:
        after, now = later.get(column), row.get(column)
        if after is None or now is None or after == now or column in corrected:
            continue
        yield issue_at(
            OPERATIONS.sheet,
            row,
            column,
            "fixed_value_changed",
            f"{column} of operation {ref} is {_shown(column, after)} in the {following.period}"
            f" return, and does not change from month to month: give it as there in this"
            f" {period} return; if the {following.period} return is the wrong one, write"
            f" {column} in the correction column and correct that return too",
            _shown(column, now),
            _shown(column, after),
        )


def _shown(column: str, value: object) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if column == "lead_org":
        org = find_organisation(str(value))
        return org.name if org else str(value)
    if column == "primary_category":
        labels = {c.code: c.label for c in code_lists()["exploitation_category"]}
        return labels.get(str(value), str(value))
    return str(value)
