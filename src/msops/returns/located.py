"""Where a problem is: building issues for rows of a return, shared by the cross-row rules."""

from __future__ import annotations

from collections.abc import Mapping

from msops.domain.content import Row
from msops.returns.raw import Issue


def issue_at(
    sheet: str,
    row: Row,
    column: str | None,
    rule: str,
    message: str,
    value: object = None,
    suggestion: str | None = None,
) -> Issue:
    shown = None if value is None else str(value)
    return Issue(sheet, row.get("_row"), column, shown, rule, message, suggestion)


def known_ref(row: Row, refs: Mapping[str, Row]) -> bool:
    return row.get("operation_ref") is None or row["operation_ref"] in refs


def unknown_ref(sheet: str, row: Row) -> Issue:
    return issue_at(
        sheet,
        row,
        "operation_ref",
        "unknown_operation",
        "operation_ref is not on the Operations sheet",
        row["operation_ref"],
    )
