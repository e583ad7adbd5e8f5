"""Options and small helpers shared by the casework commands."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from msops.cli.output import OutputFormat
from msops.domain.errors import InvalidInput
from msops.reports.rows import rows_bytes

OrgOpt = Annotated[str, typer.Option("--org", help="Organisation (full or short name).")]
FmtOpt = Annotated[OutputFormat, typer.Option("--format")]
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


def shown(rows: Sequence[Mapping[str, Any]], fmt: OutputFormat) -> list[dict[str, Any]]:
    """Rows for `emit`: in a table, "[c]", "[force]" and the like are text, not Rich markup."""
    if fmt != OutputFormat.table:
        return [dict(r) for r in rows]
    return [{k: escape(v) if isinstance(v, str) else v for k, v in r.items()} for r in rows]


def out_suffix(out: Path) -> str:
    """The suffix of a document to write: .md or .html, else InvalidInput naming the file."""
    suffix = out.suffix.lower()
    if suffix not in (".md", ".html"):
        raise InvalidInput(f"out: {out.name} must end in .md or .html")
    return suffix
