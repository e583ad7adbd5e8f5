"""Printing rows as a table, CSV or JSON: one function shared by every listing command."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from rich.table import Table

from msops.cli.context import console
from msops.domain.tabular import csv_text


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def emit(
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: OutputFormat,
    title: str | None = None,
) -> None:
    if fmt == OutputFormat.json:
        sys.stdout.write(json.dumps([{c: r.get(c) for c in columns} for r in rows], default=_text))
        sys.stdout.write("\n")
        return
    if fmt == OutputFormat.csv:
        body = ([_text(r.get(c)) for c in columns] for r in rows)
        sys.stdout.write(csv_text(columns, body))
        return
    table = Table(title=title)
    for column in columns:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*(_text(row.get(c)) for c in columns))
    console.print(table)
