"""Validation of a whole return: every cell, then the rules that span rows, parts and months.

Nothing here touches the database: what earlier months said comes in as `prior`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from msops.domain.content import PriorState, ReturnContent, Row
from msops.domain.periods import Period
from msops.domain.reference import Organisation
from msops.domain.return_spec import PARTS, Part
from msops.returns.cells import CellError, as_text, clean_cell
from msops.returns.cross import check_cross_rules
from msops.returns.raw import Issue, RawReturn, RawTable


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
) -> Validation:
    """Check every cell and rule; the content is only to be stored when there are no issues."""
    issues = list(raw.issues)
    content = ReturnContent()
    for part in PARTS:
        table = raw.tables.get(part.name)
        if table is not None:
            content.part(part.name).extend(_clean_table(part, table, issues))
    if not any(i.rule in ("file_unreadable", "sheet_missing", "encoding") for i in issues):
        issues.extend(check_cross_rules(raw, content, organisation, period, prior or {}))
    issues.sort(key=_issue_order)
    return Validation(content, issues)


def _issue_order(issue: Issue) -> tuple[int, str, int, str]:
    sheets = [p.sheet for p in PARTS]
    sheet_rank = sheets.index(issue.sheet) if issue.sheet in sheets else -1
    return (sheet_rank, issue.sheet, issue.row or 0, issue.column or "")


def _clean_table(part: Part, table: RawTable, issues: list[Issue]) -> list[Row]:
    rows: list[Row] = []
    for raw_row in table.rows:
        row: Row = {"_row": raw_row.number}
        for column in part.columns:
            value = raw_row.cells.get(column.name)
            if as_text(value) is None:
                row[column.name] = 0 if column.kind == "int" and not column.required else None
                if column.required:
                    issues.append(
                        Issue(
                            part.sheet,
                            raw_row.number,
                            column.name,
                            None,
                            "required",
                            f"{column.name} is required",
                        )
                    )
                continue
            try:
                row[column.name] = clean_cell(column, value)
            except CellError as err:
                shown = None if (part.personal or column.personal) else as_text(value)
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
        rows.append(row)
    return rows
