"""Person files for `msops link dedupe` and `evaluate`: read with clear errors, write plainly."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from pathlib import Path

from msops.domain.errors import InvalidInput
from msops.domain.tabular import csv_text, restored
from msops.linkage.clusters import Link
from msops.linkage.prepare import MAX_AGE, PersonInput, written_as_date

# the first bytes of an .xlsx (a zip) and of an old .xls (an OLE2 compound file)
_WORKBOOK_SIGNATURES = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
# A name or address longer than this is no name: comparing spellings costs the square of the
# length, and one value of 10,000 characters stalled a run for minutes.
MAX_VALUE_LENGTH = 500

PERSON_FIELDS = (
    "source",
    "given_name",
    "surname",
    "dob",
    "gender",
    "nationality",
    "phone",
    "postcode",
    "address",
)


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """The file's rows as they are read (a million records are never all in memory as text),
    with unreadable files refused by name."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    if not path.is_file():
        raise InvalidInput(f"{path}: not a file")
    with path.open("rb") as raw:
        if raw.read(4) in _WORKBOOK_SIGNATURES:
            raise InvalidInput(
                f"{path}: a spreadsheet workbook, not a CSV file (save it as CSV UTF-8)"
            )
    reader = None
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            # strict: a quote left open would otherwise swallow every row after it unseen
            reader = csv.reader(handle, skipinitialspace=True, strict=True)
            yield from reader
    except UnicodeDecodeError as err:
        raise InvalidInput(f"{path}: not UTF-8 text (byte {err.start})") from None
    except csv.Error as err:
        at = f", line {reader.line_num}" if reader is not None else ""
        raise InvalidInput(f"{path}{at}: not a readable CSV file ({err})") from None


def _open_rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    """The stripped header, and each non-blank row as a dict of stripped values."""
    rows = _csv_rows(path)
    header = [h.strip() for h in next(rows, [])]
    return header, [
        {h: (raw[i].strip() if i < len(raw) else "") for i, h in enumerate(header)}
        for raw in rows
        if raw
    ]


def read_people(path: Path) -> list[PersonInput]:
    """Records of a person file; `record_id` is required and unique, every other column optional."""
    return list(iter_people(path))


def iter_people(path: Path) -> Iterator[PersonInput]:
    """The records of a person file one by one (see `read_people`); a bad row stops the reading
    with an error naming it, so nothing is written from a file with one."""
    return _people_rows(path, _csv_rows(path))


def _people_rows(path: Path, reader: Iterator[list[str]]) -> Iterator[PersonInput]:
    header = [h.strip() for h in next(reader, [])]
    if "record_id" not in header:
        raise InvalidInput(f"{path}: {_no_record_id(header)}")
    for name in ("record_id", *PERSON_FIELDS, "estimated_age", "age_on"):
        if header.count(name) > 1:  # which of the two holds the value is anybody's guess
            raise InvalidInput(f"{path}: the column {name} appears twice in the first row")
    at = {name: i for i, name in reversed(list(enumerate(header)))}  # first of a repeated name
    # where each PersonInput field is read (None: not a column of the file, or not read from one)
    take = [at.get(f) if f in PERSON_FIELDS else None for f in PersonInput._fields]
    age_at, age_on_at = at.get("estimated_age"), at.get("age_on")
    age_slot = PersonInput._fields.index("estimated_age")
    dob_slot = PersonInput._fields.index("dob")
    id_at, width = at["record_id"], len(header)
    read_at = {i for i in [id_at, *take, age_at, age_on_at] if i is not None}
    seen: dict[str, int] = {}
    for number, raw in enumerate(reader, start=2):
        if not raw:
            continue  # a blank line, as csv.DictReader skips it
        if len(raw) < width:
            raw += [""] * (width - len(raw))
        if max(map(len, raw)) > MAX_VALUE_LENGTH:  # rare: which column only then
            _refuse_long(path, number, header, raw, read_at)
        rid = raw[id_at].strip()
        if not rid:
            raise InvalidInput(f"{path}, row {number}, column record_id: blank")
        if rid in seen:
            raise InvalidInput(
                f"{path}, row {number}, column record_id: {rid!r} repeats row {seen[rid]}"
            )
        seen[rid] = number
        values: list[object] = [None if i is None else (raw[i].strip() or None) for i in take]
        values[0] = rid
        if values[dob_slot] is not None and not written_as_date(values[dob_slot]):  # type: ignore[arg-type]
            # a whole file of day-first dates would otherwise run without a date of birth
            raise InvalidInput(f"{path}, row {number}, column dob: not a date as YYYY-MM-DD")
        if age_at is not None and raw[age_at].strip():
            on = raw[age_on_at].strip() if age_on_at is not None else ""
            values[age_slot : age_slot + 2] = _estimated_age(path, number, raw[age_at].strip(), on)
        yield PersonInput._make(values)


def _refuse_long(
    path: Path, number: int, header: list[str], raw: list[str], read_at: set[int]
) -> None:
    """Refuse a row with a value longer than `MAX_VALUE_LENGTH` in a column that is read (the
    columns the matcher ignores may hold anything)."""
    for at in sorted(read_at):
        if len(raw[at]) > MAX_VALUE_LENGTH:
            raise InvalidInput(
                f"{path}, row {number}, column {header[at]}: longer than"
                f" {MAX_VALUE_LENGTH} characters"
            )


def _no_record_id(header: list[str]) -> str:
    """Why a first row names no record_id column, without repeating it: a file without a
    header row starts with a person's details."""
    if len(header) == 1 and "record_id" in header[0]:
        separator = next((c for c in ";\t|" if c in header[0]), None)
        if separator is not None:
            shown = "tab" if separator == "\t" else repr(separator)
            return f"columns separated by {shown}, not commas (save it as CSV UTF-8)"
    return (
        f"no record_id column in the first row ({len(header)} columns; the first row must"
        " name the columns: record_id, given_name, surname, dob, ...)"
    )


def _estimated_age(path: Path, number: int, raw: str, when: str) -> tuple[int, date]:
    """The optional `estimated_age` (whole years) and `age_on` (YYYY-MM-DD, default today)."""
    if not (raw.isascii() and raw.isdigit()):
        raise InvalidInput(f"{path}, row {number}, column estimated_age: not a whole number")
    if int(raw) > MAX_AGE:
        raise InvalidInput(f"{path}, row {number}, column estimated_age: more than {MAX_AGE} years")
    try:
        age_on = date.fromisoformat(when) if when else date.today()
    except ValueError:
        raise InvalidInput(
            f"{path}, row {number}, column age_on: not a date (YYYY-MM-DD)"
        ) from None
    if age_on > date.today():
        raise InvalidInput(f"{path}, row {number}, column age_on: after today")
    return int(raw), age_on


def read_truth(path: Path, column: str = "true_cluster") -> dict[str, str]:
    return _read_map(path, column)


def read_clusters(path: Path) -> dict[str, str]:
    """A clusters file `link dedupe` wrote: cells it guarded against spreadsheets restored."""
    return {restored(k): restored(v) for k, v in _read_map(path, "cluster_id").items()}


def _read_map(path: Path, column: str) -> dict[str, str]:
    """record_id -> the column's value; every row must have both, and each id once (a truth
    with a blank or repeated id would score something other than the file says)."""
    header, rows = _open_rows(path)
    for needed in ("record_id", column):
        if needed not in header:
            raise InvalidInput(f"{path}: no {needed} column")
    out: dict[str, str] = {}
    for number, row in enumerate(rows, start=2):
        rid = row["record_id"]
        for name in ("record_id", column):
            if not row[name]:
                raise InvalidInput(f"{path}, record {number - 1}, column {name}: blank")
        if rid in out:
            raise InvalidInput(f"{path}, record {number - 1}, column record_id: repeated")
        out[rid] = row[column]
    if not out:
        raise InvalidInput(f"{path}: no records")
    return out


def write_clusters(path: Path, clusters: Mapping[str, str]) -> None:
    text = csv_text(["record_id", "cluster_id"], clusters.items())
    path.write_text(text, encoding="utf-8", newline="")


def write_pairs(path: Path, links: Iterable[Link]) -> None:
    rows = ((x.left, x.right, f"{x.probability:.6f}") for x in links)
    text = csv_text(["record_id_l", "record_id_r", "match_probability"], rows)
    path.write_text(text, encoding="utf-8", newline="")
