"""Validation of a whole return: every cell, then the rules that span rows, parts and months.

Nothing here touches the database: what earlier months said comes in as `prior`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from msops.domain.content import Earlier, PriorState, ReturnContent, Row
from msops.domain.periods import Period
from msops.domain.reference import Organisation
from msops.domain.return_spec import PARTS, Column, Part
from msops.returns.cells import CellError, as_text, cleaner
from msops.returns.continuity import continuity_rules
from msops.returns.cross import check_cross_rules
from msops.returns.identity import future_period_rule, identity_rules
from msops.returns.raw import WHOLE_FILE_RULES, Issue, RawReturn, RawTable


@dataclass
class Validation:
    content: ReturnContent
    issues: list[Issue]

    @property
    def ok(self) -> bool:
        return not self.issues


def validate_return(
    raw: RawReturn,
    organisation: Organisation,
    period: Period,
    prior: Mapping[str, PriorState] | None = None,
    *,
    earlier: Earlier | None = None,
    nil: bool = False,
    today: date | None = None,
) -> Validation:
    """Check every cell and rule; the content is only to be stored when there are no issues.

    `earlier`: what the database holds of the organisation's past (`prior` alone: the earlier
    months of the operations listed); `nil`: declared a nil return when submitting; `today`:
    the date that decides which months have begun."""
    earlier = earlier if earlier is not None else Earlier(prior=prior or {})
    issues = list(raw.issues)
    issues.extend(future_period_rule(period, today or date.today()))
    content = ReturnContent()
    for part in PARTS:
        table = raw.tables.get(part.name)
        if table is not None:
            content.part(part.name).extend(_clean_table(part, table, issues))
    if not any(i.rule in WHOLE_FILE_RULES for i in issues):
        issues.extend(check_cross_rules(raw, content, organisation, period, earlier.prior))
        issues.extend(identity_rules(raw, content, organisation, period, earlier, nil))
        issues.extend(continuity_rules(content, period, earlier))
    issues.sort(key=_issue_order)
    return Validation(content, issues)


def _issue_order(issue: Issue) -> tuple[int, str, int, str]:
    sheets = [p.sheet for p in PARTS]
    sheet_rank = sheets.index(issue.sheet) if issue.sheet in sheets else -1
    return (sheet_rank, issue.sheet, issue.row or 0, issue.column or "")


def _clean_table(part: Part, table: RawTable, issues: list[Issue]) -> list[Row]:
    columns = [(c, cleaner(c), _empty_value(c)) for c in part.columns]
    rows: list[Row] = []
    for raw_row in table.rows:
        cells = raw_row.cells
        row: Row = {"_row": raw_row.number}
        for column, clean, empty in columns:
            value = cells.get(column.name)
            if value is None or (type(value) is str and not value.strip()):
                row[column.name] = empty
                if column.required:
                    issues.append(_required(part, raw_row.number, column))
                continue
            try:
                cleaned = clean(value)
            except CellError as err:
                hidden = part.personal or column.personal or not err.show_value
                shown = None if hidden else as_text(value)
                issues.append(
                    Issue(
                        part.sheet,
                        raw_row.number,
                        column.name,
                        shown,
                        err.rule,
                        f"{column.name} {err.message}",
                        err.suggestion,
                    )
                )
                row[column.name] = None
                continue
            if cleaned is None:  # nothing but invisible characters and spaces
                row[column.name] = empty
                if column.required:
                    issues.append(_required(part, raw_row.number, column))
                continue
            row[column.name] = cleaned
        rows.append(row)
    return rows


def _empty_value(column: Column) -> object:
    """What an empty cell means: 0 for a count, otherwise nothing (an unknown age stays unknown)."""
    return 0 if column.zero_when_blank else None


def _required(part: Part, row: int, column: Column) -> Issue:
    return Issue(part.sheet, row, column.name, None, "required", f"{column.name} is required")
