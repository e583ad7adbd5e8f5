"""Options and small helpers shared by the casework commands (orders, NRM, Europol, debriefs)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer

from msops.domain.errors import InvalidInput
from msops.reports.rows import rows_bytes

OrgOpt = Annotated[str, typer.Option("--org", help="Organisation (full or short name).")]
PurposeOpt = Annotated[
    str, typer.Option("--purpose", help="Why you need this (recorded in the audit trail).")
]


def write_rows(
    out: Path, rows: Sequence[Mapping[str, Any]], columns: Sequence[str], marking: str
) -> None:
    """Rows to a CSV (marking as a first comment line) or JSON file, chosen by the suffix."""
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InvalidInput(f"out: {out.name} must end in .csv or .json")
    out.write_bytes(rows_bytes(rows, columns, marking, "json" if suffix == ".json" else "csv"))
