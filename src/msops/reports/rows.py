"""Rows of a register as a file: CSV with its marking as a first comment line, or JSON with the
marking beside the rows. The command line writes it to a path, the web application sends it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any, Literal

from msops.domain.tabular import csv_text

RowsFormat = Literal["csv", "json"]


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def rows_bytes(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], marking: str, fmt: RowsFormat
) -> bytes:
    if fmt == "json":
        body = {"marking": marking, "rows": [{c: _cell(r.get(c)) for c in columns} for r in rows]}
        return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    cells = ([r.get(c) for c in columns] for r in rows)
    return csv_text(columns, cells, comment=marking).encode("utf-8")
