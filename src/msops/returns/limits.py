"""How much a return file may unpack to, checked before anything in it is inflated or parsed.

A `.zip` of CSV files and an XLSX workbook are both zip archives, and a small archive can hold
far more than it weighs: a 238 KiB zip can hold a 60 MB CSV file, which costs a minute of CPU
and over a gigabyte of memory to read. `unpack_problem` reads only the archive's directory
(the declared size of each member) and says why the file is refused, if it is:

* the members add up to more than `max_bytes` once unpacked (50 MB by default: a monthly
  return is well under one);
* the archive is compressed more than `max_ratio` to one overall, once it unpacks to over
  `RATIO_FROM` bytes (spreadsheets and CSV files compress ten or twenty to one; a zip bomb a
  thousand);
* it holds more than `max_members` files (a return has a dozen).

The declared sizes can be trusted as a bound: Python's zipfile never returns more than a
member's declared size, and a member that holds more fails its CRC check, which the readers
report as a damaged file.

`read_problem` is what every submission path asks before a file is read (the web upload, `msops
returns submit` and `submit-many` all go through `files.read_return`): the unpack limits above
(the settings max_unpacked_mb and max_archive_members change them), a plain CSV file no larger
than those, and an XLSX workbook's shared strings (the table of every distinct text cell, which
openpyxl loads whole before the first sheet) at most `MAX_SHARED_STRINGS` strings and
`MAX_SHARED_STRINGS_BYTES`. The readers then stop a part at more than `max_rows_per_part()` rows
(`TooManyRows`; the max_rows_per_part setting).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from msops.domain import settings
from msops.domain.errors import InvalidInput

# Defaults; the settings (max_unpacked_mb, max_archive_members, max_rows_per_part) override them.
MAX_UNPACKED_BYTES = settings.default("max_unpacked_mb") * 2**20
MAX_RATIO = 200
RATIO_FROM = 2**20  # the ratio is not judged on archives that unpack to less than this
MAX_MEMBERS = settings.default("max_archive_members")
ARCHIVE_SUFFIXES = (".zip", ".xlsx", ".xlsm")
MAX_SHARED_STRINGS = 2_000_000
MAX_SHARED_STRINGS_BYTES = 50 * 2**20
MAX_ROWS_PER_PART = settings.default("max_rows_per_part")  # a return has tens or hundreds
_CHUNK = 2**20
_SST_COUNTS = re.compile(rb"\b(?:count|uniqueCount)\s*=\s*[\"'](\d+)")
_SST_HEAD = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_SI = re.compile(rb"<(?:\w+:)?si[\s/>]")


class TooLargeUnpacked(InvalidInput):
    """A zip or XLSX file that would unpack to more than msops reads."""


class TooManyRows(Exception):
    """A part of a return with more rows than msops reads; raised by the readers as they go."""


def too_many_rows_message(where: str, limit: int) -> str:
    return (
        f"{where} has more than {limit:,} rows, more than msops reads in one part of a"
        " monthly return (which has tens or hundreds): check that it is the right file, with"
        " no rows pasted in from elsewhere"
    )


@dataclass(frozen=True)
class UnpackLimits:
    max_bytes: int = MAX_UNPACKED_BYTES
    max_ratio: int = MAX_RATIO
    max_members: int = MAX_MEMBERS


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size / 2**20:.1f} MB"


def unpack_problem(path: Path, limits: UnpackLimits = UnpackLimits()) -> str | None:
    """Why the archive at `path` is refused unread, or None when it is within `limits` (or
    is not a zip archive at all: its reader reports that). Nothing is inflated."""
    if path.suffix.lower() not in ARCHIVE_SUFFIXES or not path.is_file():
        return None
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if len(members) > limits.max_members:
        return (
            f"{path.name} holds {len(members):,} files; a return has at most a dozen, and msops"
            f" opens no archive of more than {limits.max_members:,}"
        )
    unpacked = sum(m.file_size for m in members)
    if unpacked > limits.max_bytes:
        return (
            f"{path.name} would unpack to {_megabytes(unpacked)}, more than msops reads"
            f" ({_megabytes(limits.max_bytes)}); a monthly return is far smaller: check that it"
            " is the right file, with no other files added to it"
        )
    packed = sum(m.compress_size for m in members)
    if unpacked > RATIO_FROM and unpacked > limits.max_ratio * max(packed, 1):
        return (
            f"{path.name} is compressed {unpacked // max(packed, 1):,} to 1, far more than a"
            " spreadsheet or CSV file ever is, so msops does not unpack it: save the return"
            " again and send that file"
        )
    return None


def configured_limits() -> UnpackLimits:
    """The unpack limits in the settings (max_unpacked_mb, max_archive_members)."""
    current = settings.current()
    return UnpackLimits(
        max_bytes=current.max_unpacked_mb * 2**20, max_members=current.max_archive_members
    )


def max_rows_per_part() -> int:
    """Rows one part of a return may hold: the max_rows_per_part setting."""
    return settings.current().max_rows_per_part


def read_problem(path: Path, limits: UnpackLimits | None = None) -> str | None:
    """Why the return file at `path` is refused before it is read, or None. Reads at most the
    archive's directory and its shared strings part, chunk by chunk; never a sheet."""
    limits = limits or configured_limits()
    problem = unpack_problem(path, limits)
    if problem is not None:
        return problem
    suffix = path.suffix.lower()
    size = _plain_size(path) if path.is_dir() or suffix == ".csv" else 0
    if size > limits.max_bytes:
        return (
            f"{path.name} is {size / 2**20:,.1f} MB, more than msops reads"
            f" ({_megabytes(limits.max_bytes)}); a monthly return is far smaller: check that it"
            " is the right file"
        )
    if suffix in (".xlsx", ".xlsm") and path.is_file():
        return shared_strings_problem(path)
    return None


def _plain_size(path: Path) -> int:
    """The bytes of a CSV file, or of a folder's CSV files."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.glob("*.[cC][sS][vV]") if p.is_file())


def shared_strings_problem(
    path: Path,
    max_strings: int = MAX_SHARED_STRINGS,
    max_bytes: int = MAX_SHARED_STRINGS_BYTES,
) -> str | None:
    """Why a workbook's shared strings are refused unloaded: the part larger than `max_bytes`,
    its declared `count`/`uniqueCount` or the `<si>` entries it holds more than `max_strings`
    (counted while inflating a chunk at a time, stopping at the limit). None when within them,
    or when the file is not a readable zip (its reader reports that)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [
                i for i in archive.infolist() if i.filename.lower().endswith("sharedstrings.xml")
            ]
            for info in parts:
                problem = _strings_problem(archive, info, path.name, max_strings, max_bytes)
                if problem is not None:
                    return problem
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, RuntimeError, zlib.error):
        return None  # a damaged file: its reader reports that
    return None


def _strings_problem(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, max_strings: int, max_bytes: int
) -> str | None:
    too_many = (
        f"{name} holds more than {max_strings:,} distinct texts (its shared strings), far more"
        " than a monthly return has, so msops does not open it: copy the return's sheets into"
        " a new workbook, save it as 'Excel Workbook (*.xlsx)' and send that"
    )
    if info.file_size > max_bytes:
        return (
            f"{name}'s shared strings (the workbook's texts) would unpack to"
            f" {_megabytes(info.file_size)}, more than msops reads ({_megabytes(max_bytes)}):"
            " copy the return's sheets into a new workbook, save it as 'Excel Workbook"
            " (*.xlsx)' and send that"
        )
    count, carry = 0, b""
    with archive.open(info) as stream:
        head = stream.read(4096)
        tag = _SST_HEAD.search(head)
        if tag is not None:
            declared = [int(n) for n in _SST_COUNTS.findall(tag.group(0))]
            if any(n > max_strings for n in declared):
                return too_many
        data = head
        while data:
            buffer = carry + data
            cut = buffer.rfind(b"<")
            if cut == -1 or len(buffer) - cut > 16:
                cut = len(buffer)
            count += len(_SI.findall(buffer, 0, cut))
            if count > max_strings:
                return too_many
            carry = buffer[cut:]
            data = stream.read(_CHUNK)
    return None


def check_unpacked(path: Path, limits: UnpackLimits = UnpackLimits()) -> None:
    """Raise TooLargeUnpacked (with the reason) unless `path` is within `limits`."""
    problem = unpack_problem(path, limits)
    if problem is not None:
        raise TooLargeUnpacked(problem)
