"""Options and small helpers shared by the casework commands (orders, NRM, Europol, debriefs)."""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import typer

from msops.domain.errors import InvalidInput

OrgOpt = Annotated[str, typer.Option("--org", help="Organisation (full or short name).")]
PurposeOpt = Annotated[
    str, typer.Option("--purpose", help="Why you need this (recorded in the audit trail).")
]


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def write_rows(
    out: Path, rows: Sequence[Mapping[str, Any]], columns: Sequence[str], marking: str
) -> None:
    """Rows to a CSV (marking as a first comment line) or JSON file, chosen by the suffix."""
    suffix = out.suffix.lower()
    if suffix == ".json":
        body = {"marking": marking, "rows": [{c: _cell(r.get(c)) for c in columns} for r in rows]}
        out.write_text(json.dumps(body, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return
    if suffix != ".csv":
        raise InvalidInput(f"out: {out.name} must end in .csv or .json")
    with out.open("w", newline="", encoding="utf-8") as handle:
        handle.write(f"# {marking}\n")
        writer = csv.writer(handle)
        writer.writerow(columns)
        writer.writerows([_cell(r.get(c)) for c in columns] for r in rows)
