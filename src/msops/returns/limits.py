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
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

from msops.domain.errors import InvalidInput

MAX_UNPACKED_BYTES = 50 * 2**20
MAX_RATIO = 200
RATIO_FROM = 2**20  # the ratio is not judged on archives that unpack to less than this
MAX_MEMBERS = 1000
ARCHIVE_SUFFIXES = (".zip", ".xlsx", ".xlsm")


class TooLargeUnpacked(InvalidInput):
    """A zip or XLSX file that would unpack to more than msops reads."""


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


def check_unpacked(path: Path, limits: UnpackLimits = UnpackLimits()) -> None:
    """Raise TooLargeUnpacked (with the reason) unless `path` is within `limits`."""
    problem = unpack_problem(path, limits)
    if problem is not None:
        raise TooLargeUnpacked(problem)
