"""Reading and writing a monthly return file: an XLSX workbook or CSV UTF-8 files.

`read_return` turns a file into a `RawReturn` (cells as written, with their row numbers) and
never raises for bad content: every problem with the file's shape becomes an `Issue`.
`write_return` writes the template, a prefilled template or the export of a stored return.

Layout (the details are in `xlsx_io` and `csv_io`; `xlsx_write` writes the workbook):

* XLSX: an `About` sheet, then one sheet per part titled `Part.sheet` with the marking banner on
  row 1, the column names on row 2 and data from row 3; a `Data dictionary` sheet; and a hidden
  `Lists` sheet behind the dropdowns. The reader also accepts headers on row 1 (no banner).
* CSV: one `<part>.csv` per part, in a `.zip` or a folder, or a single `.csv` holding only the
  operations part. Plain UTF-8 (a BOM is accepted), header on line 1 (line 2 after a banner).

What comes back from a round trip `read_return(write_return(...))`:

* XLSX keeps types: text stays `str`, whole numbers `int`, and dates come back as `datetime`
  at midnight (Excel has no date-only type); the validator reads both.
* CSV gives every cell as `str` (dates as YYYY-MM-DD).
* Text beginning with `=`, `+`, `-` or `@` is written as text, never as a formula (a quote
  prefix in XLSX, a leading `'` in CSV that the reader removes), and reads back unchanged.
* Surrounding spaces are stripped and empty text becomes None.

Issues are placed on `Part.sheet` (as the validator places its own); a problem with the file
as a whole is placed on the file's name.

A file may say whose return it is, for which month, and that it is a nil return: see
`file_identity`. What both readers share is in `file_layout` (banners, headers, missing parts)
and `file_tables` (a part's rows into a `RawTable`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from msops.domain.return_spec import PARTS_BY_NAME
from msops.returns import limits
from msops.returns.file_identity import Identity
from msops.returns.file_layout import file_issue
from msops.returns.raw import FILE_TOO_LARGE, Issue, RawReturn

Format = Literal["xlsx", "csv"]
Rows = Mapping[str, Sequence[Mapping[str, object]]]

XLSX_SUFFIXES = (".xlsx", ".xlsm")
FORMULA_STARTS = ("=", "+", "-", "@")
# Written into every file made from synthetic (demonstration) data, CSV and workbook alike.
SYNTHETIC = "SYNTHETIC DATA – NOT REAL PEOPLE OR OPERATIONS"


def read_return(path: Path) -> RawReturn:
    """What `path` holds, with every problem of the file's shape in `issues`; never raises.

    A file beyond `limits` (what it unpacks to, its shared strings, rows per part) is refused
    with one `file_too_large` issue, before anything in it is inflated or as soon as a part
    has too many rows."""
    raw = RawReturn(source=path.name)
    suffix = path.suffix.lower()
    if not path.exists():
        raw.issues.append(file_issue(path.name, f"{path.name} was not found: check its name"))
        return raw
    refused = limits.read_problem(path)
    if refused is not None:
        raw.issues.append(Issue(path.name, None, None, None, FILE_TOO_LARGE, refused))
        return raw
    try:
        _read(path, suffix, raw)
    except limits.TooManyRows as too_many:
        raw.tables.clear()
        raw.issues[:] = [Issue(path.name, None, None, None, FILE_TOO_LARGE, str(too_many))]
    return raw


def _read(path: Path, suffix: str, raw: RawReturn) -> None:
    if path.is_dir() or suffix in (".zip", ".csv"):
        from msops.returns import csv_io

        csv_io.read_csv(path, raw)
    elif suffix in XLSX_SUFFIXES:
        from msops.returns import xlsx_io

        xlsx_io.read_xlsx(path, raw)
    else:
        old = " (the old Excel format)" if suffix == ".xls" else ""
        raw.issues.append(
            file_issue(
                path.name,
                f"{path.name} is not a file msops reads{old}: save the return from Excel as"
                " 'Excel Workbook (*.xlsx)', or as 'CSV UTF-8' files, and send that",
            )
        )


def write_return(
    path: Path,
    fmt: Format,
    rows: Rows,
    *,
    organisation: str,
    period: str,
    synthetic: bool = False,
    nil: bool = False,
) -> None:
    """Write a return: `rows` maps a part's name to its rows (column name -> value).

    Values are str, int, date/datetime or None; parts left out are written with headers only.
    A `.zip` path gets a zip of CSV files with `fmt="csv"`, any other path a folder of them.
    `organisation`, `period` and `nil` (a nil return: nothing to report) are written where the
    reader finds them again (About sheet, README.txt). Raises ValueError for a part or column
    the spec does not have.
    """
    check_rows(rows)
    identity = Identity(organisation, period, nil)
    if fmt == "xlsx":
        from msops.returns import xlsx_write

        xlsx_write.write_xlsx(path, rows, identity, synthetic)
    elif fmt == "csv":
        from msops.returns import csv_io

        csv_io.write_csv(path, rows, identity, synthetic)
    else:
        raise ValueError(f"unknown return format {fmt!r}: use 'xlsx' or 'csv'")


def check_rows(rows: Rows) -> None:
    for name, part_rows in rows.items():
        part = PARTS_BY_NAME.get(name)
        if part is None:
            raise ValueError(f"a return has no part called {name!r}")
        known = set(part.column_names)
        for row in part_rows:
            extra = set(row) - known
            if extra:
                raise ValueError(f"{name} has no column {sorted(extra)[0]!r}")
