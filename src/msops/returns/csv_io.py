"""The return as CSV UTF-8 files: a zip or a folder of `<part>.csv`, or one operations `.csv`.

Each file has the column names on line 1 (line 2 when line 1 is an `OFFICIAL...` banner) and
one row per line; row numbers are the line numbers a text editor (or Excel) shows. Files are
plain UTF-8 (a BOM is accepted when reading); anything else is reported, never guessed. Every
cell comes back as text or None. Text beginning with `=`, `+`, `-` or `@` is written with a
leading `'` so that a spreadsheet shows it rather than runs it; the reader removes that quote.
The writer adds a `README.txt` with the marking, organisation, period and nil return (Yes or
No); the reader takes those three from it, or from a part's banner line, into
`RawReturn.declared`.
"""

from __future__ import annotations

import csv
import io
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from datetime import date, datetime, time
from itertools import chain, islice
from pathlib import Path, PurePosixPath
from zipfile import ZIP_DEFLATED, BadZipFile, ZipFile, ZipInfo

from msops.domain.marking import OFFICIAL_SENSITIVE
from msops.domain.return_spec import OPERATIONS, PARTS, Part
from msops.returns.file_identity import (
    NIL_LABEL,
    ORGANISATION_LABEL,
    PERIOD_LABEL,
    Identity,
    declared_from_text,
    is_identity_field,
)
from msops.returns.file_layout import (
    TITLE_ROWS,
    file_issue,
    is_banner,
    layout_issue,
    layout_problem,
    missing_part_issues,
)
from msops.returns.file_tables import TableBuilder
from msops.returns.files import FORMULA_STARTS, SYNTHETIC, Rows
from msops.returns.raw import Declared, Issue, RawReturn, RawTable

README = "README.txt"
README_BYTES = 64 * 1024  # a README.txt larger than this is not one msops wrote: not read
MAX_MEMBER_BYTES = 200 * 1024 * 1024  # a zip member larger than this is refused, unread
_UNGUARD = frozenset(FORMULA_STARTS)
_SAVE_AS = "in Excel use File > Save As and choose 'CSV UTF-8 (Comma delimited) (*.csv)'"


# Reading ---------------------------------------------------------------------------------


def read_csv(path: Path, raw: RawReturn) -> None:
    """Read a folder, a zip or one operations file of CSV into `raw`."""
    try:
        if path.is_dir():
            entries = sorted(path.iterdir())
            files = {p.name: p.read_bytes for p in entries if _is_csv(p.name)}
            _read_files(files, f"the folder {path.name}", raw)
            readme = [p for p in entries if p.name.casefold() == README.casefold()]
            if readme and readme[0].is_file() and readme[0].stat().st_size <= README_BYTES:
                _read_readme(readme[0].name, readme[0].read_bytes(), raw)
        elif path.suffix.lower() == ".zip":
            _read_zip(path, raw)
        else:
            _read_part(OPERATIONS, path.name, path.read_bytes(), raw)
    except (OSError, BadZipFile, EOFError, zlib.error, RuntimeError, ValueError):
        raw.tables.clear()
        raw.issues[:] = [
            file_issue(
                raw.source,
                f"{raw.source} could not be opened: it may be damaged, cut short in sending or"
                " password-protected. Make the CSV files again (in Excel: File > Save As >"
                " 'CSV UTF-8'), zip them without a password if you zip them, and send them",
            )
        ]


def _is_csv(name: str) -> bool:
    return name.lower().endswith(".csv") and not name.startswith(("._", "~$"))


def _read_readme(name: str, data: bytes, raw: RawReturn) -> None:
    """The return's identity from README.txt, when it is text and says anything."""
    try:
        declared = declared_from_text(name, data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return  # not the README msops writes: the identity is then not in it
    if declared:
        raw.declared.append(declared)


def _read_zip(path: Path, raw: RawReturn) -> None:
    with ZipFile(path) as archive:
        members: dict[str, ZipInfo] = {}
        readme: ZipInfo | None = None
        for info in archive.infolist():
            name = PurePosixPath(info.filename).name
            if name.casefold() == README.casefold() and "__MACOSX" not in info.filename:
                readme = readme or info
            if info.is_dir() or "__MACOSX" in info.filename or not _is_csv(name):
                continue
            if info.file_size > MAX_MEMBER_BYTES:
                limit = MAX_MEMBER_BYTES // 2**20
                message = f"{name} in {path.name} is larger than msops reads ({limit} MB)"
                raw.issues.append(file_issue(path.name, message))
                return
            members.setdefault(name, info)
        loaders = {name: _zip_loader(archive, info) for name, info in members.items()}
        _read_files(loaders, path.name, raw)
        if readme is not None and readme.file_size <= README_BYTES:
            _read_readme(PurePosixPath(readme.filename).name, archive.read(readme), raw)


def _zip_loader(archive: ZipFile, info: ZipInfo) -> Callable[[], bytes]:
    return lambda: archive.read(info)


def _read_files(files: Mapping[str, Callable[[], bytes]], container: str, raw: RawReturn) -> None:
    """Each part from `<part>.csv` (any case) among `files`: name -> how to read its bytes."""
    by_key = {name.casefold(): name for name in files}
    used: set[str] = set()
    missing: list[tuple[Part, str]] = []
    for part in PARTS:
        expected = f"{part.name}.csv"
        name = by_key.get(expected)
        if name is None:
            missing.append((part, expected))
            continue
        used.add(name)
        _read_part(part, name, files[name](), raw)
    unmatched = [name for name in files if name not in used]
    raw.issues.extend(missing_part_issues(missing, unmatched, container, "file"))


def _read_part(part: Part, name: str, data: bytes, raw: RawReturn) -> None:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raw.issues.append(
            Issue(
                part.sheet,
                line,
                None,
                None,
                "encoding",
                f"{name} line {line} is not UTF-8 text, so msops cannot read {name}: {_SAVE_AS},"
                " and send that file",
            )
        )
        return
    table, issues, banner = _parse(part, name, text)
    if table is not None:
        raw.tables[part.name] = table
    raw.issues.extend(issues)
    if banner:
        raw.declared.append(banner)


def _records(
    reader: Iterator[list[str]], line_num: Callable[[], int]
) -> Iterator[tuple[int, list[str]]]:
    """Records with the line each starts on (a quoted value may run over several lines)."""
    start = 1
    for record in reader:
        yield start, record
        start = line_num() + 1


def _parse(
    part: Part, name: str, text: str
) -> tuple[RawTable | None, list[Issue], Declared | None]:
    """The part's table and issues, and the identity its banner line gives (if it has one)."""
    reader = csv.reader(io.StringIO(text, newline=""))
    records = _records(reader, lambda: reader.line_num)
    banner: Declared | None = None
    try:
        header_row, header = next(records, (1, []))
        if header and _is_banner_line(header):
            banner = declared_from_text(f"{name} line {header_row}", "; ".join(header)) or None
            header_row, header = next(records, (2, []))
        first = list(islice(records, TITLE_ROWS))
        layout = layout_problem(part, [(header_row, header), *first], csv=True)
        if layout is not None:
            return None, [layout_issue(name, layout)], banner
        builder = TableBuilder(part, header_row, header, name)
        for number, record in chain(first, records):
            builder.add(number, [_clean(value) for value in record])
    except csv.Error as exc:
        line = reader.line_num
        message = f"{name} line {line} could not be read as CSV ({exc}): {_SAVE_AS}"
        return None, [Issue(part.sheet, line, None, None, "file_unreadable", message)], None
    return (*builder.finish(), banner)


def _is_banner_line(record: list[str]) -> bool:
    """A marking above the column names, its other cells empty or the return's identity
    ('OFFICIAL-SENSITIVE,Organisation: Cleveland Police,Period: 2018-03')."""
    return is_banner(record[0]) and all(not v.strip() or is_identity_field(v) for v in record[1:])


def _clean(value: str) -> str | None:
    text = value.strip()
    if not text:
        return None
    if len(text) > 1 and text[0] == "'" and text[1] in _UNGUARD:
        return text[1:]  # our own guard against a spreadsheet running it as a formula
    return text


# Writing ---------------------------------------------------------------------------------


def write_csv(path: Path, rows: Rows, identity: Identity, synthetic: bool) -> None:
    """A zip of CSV files when `path` ends `.zip`, else a folder of them (made if need be)."""
    files = {f"{p.name}.csv": _csv_bytes(p, rows.get(p.name, ())) for p in PARTS}
    files[README] = _readme(identity, synthetic).encode("utf-8")
    if path.suffix.lower() == ".zip":
        with ZipFile(path, "w", ZIP_DEFLATED) as archive:
            for name, data in files.items():
                archive.writestr(name, data)
    else:
        path.mkdir(parents=True, exist_ok=True)
        for name, data in files.items():
            (path / name).write_bytes(data)


def _csv_bytes(part: Part, rows: Sequence[Mapping[str, object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(part.column_names)
    for row in rows:
        writer.writerow([_text(row.get(name)) for name in part.column_names])
    return buffer.getvalue().encode("utf-8")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_STARTS) else value
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"a return cell cannot hold a {type(value).__name__}")


def _readme(identity: Identity, synthetic: bool) -> str:
    lines = [OFFICIAL_SENSITIVE, ""]
    if synthetic:
        lines += [SYNTHETIC, ""]
    lines += [
        "Monthly return: police-led modern slavery operations",
        f"{ORGANISATION_LABEL}: {identity.organisation}",
        f"{PERIOD_LABEL}: {identity.period}",
        f"{NIL_LABEL}: {identity.nil_text}",
        "",
        "msops reads the three lines above: it refuses the return if the organisation or the",
        "period differ from what it is submitted as. With nothing to report for the month,",
        "write Yes on the nil return line and leave the files without rows; an empty return",
        "without it is refused.",
        "",
        "One CSV file per part of the return, column names on line 1, one row per line.",
        "Keep the file and column names; write dates as YYYY-MM-DD. When you edit the files",
        f"in Excel, {_SAVE_AS}. msops removes the ' that starts a value such as '=1+1 or",
        "'+447700900123: it stops a spreadsheet from treating the value as a formula.",
        "",
    ]
    lines += [f"{p.name}.csv: {p.description}" for p in PARTS]
    return "\r\n".join([*lines, ""])
