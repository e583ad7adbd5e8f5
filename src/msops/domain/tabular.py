"""Tables as CSV text: the one writer behind every CSV msops produces, and the rule that keeps a
spreadsheet from running a cell as a formula.

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is one that Excel or
LibreOffice may evaluate (CSV injection: `=HYPERLINK(...)` entered by one user, opened by
another). Such text is written with a leading apostrophe, which spreadsheets show as text and
do not evaluate; `restored` takes it off again where msops reads its own files. Numbers are
written as numbers. The returns' XLSX writer applies the same rule (`neutralised`) per cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"


def neutralised(value: object) -> object:
    """`value` as a cell: text a spreadsheet would evaluate gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return GUARD + value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def restored(text: str) -> str:
    """A cell read back from a file msops wrote: the guarding apostrophe removed."""
    if text.startswith(GUARD) and text[1:2] in FORMULA_STARTS and text[1:2]:
        return text[1:]
    return text


def csv_text(
    header: Sequence[str] | None,
    rows: Iterable[Sequence[object]],
    comment: str | None = None,
    lineterminator: str = "\r\n",
) -> str:
    """The rows (and header, and a first `# comment` line such as a marking) as CSV text, every
    cell neutralised."""
    buffer = io.StringIO(newline="")
    if comment is not None:
        buffer.write(f"# {comment}{lineterminator}")
    writer = csv.writer(buffer, lineterminator=lineterminator)
    if header is not None:
        writer.writerow(header)
    writer.writerows([neutralised(v) for v in row] for row in rows)
    return buffer.getvalue()
