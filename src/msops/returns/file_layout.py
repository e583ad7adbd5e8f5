"""The shape of a return file, as both readers see it: marking banners, header rows, a layout
that is wrong as a whole (separators, title rows), parts not found, and the issues that say so."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from msops.domain.marking import OFFICIAL
from msops.domain.reference import suggest
from msops.domain.return_spec import REQUIRED_PARTS, Part
from msops.returns.raw import FILE_LAYOUT, Issue


def file_issue(source: str, message: str, row: int | None = None) -> Issue:
    """A problem with the file as a whole: nothing in it can be read."""
    return Issue(source, row, None, None, "file_unreadable", message)


def is_banner(first: object) -> bool:
    """A marking line (OFFICIAL, OFFICIAL-SENSITIVE...) above the column names."""
    return isinstance(first, str) and first.strip().upper().startswith(OFFICIAL)


def header_key(text: str) -> str:
    """'Operation Ref ' and 'operation_ref' are the same header."""
    return re.sub(r"[\s_]+", "_", text.strip().casefold())


TITLE_ROWS = 4  # a header found this many rows below where it belongs: title rows above it
_SEPARATORS = ((";", "';'"), ("\t", "tabs"))


def header_matches(part: Part, cells: Iterable[object]) -> int:
    """How many of the part's columns `cells` name (a header row names them all)."""
    wanted = {header_key(name) for name in part.column_names}
    return len({key for c in cells if c is not None and (key := header_key(str(c))) in wanted})


def layout_problem(
    part: Part, rows: Sequence[tuple[int, Sequence[object]]], csv: bool
) -> str | None:
    """What is wrong with the whole layout, when the header row (the first of `rows`, with the
    row numbers) names none of the part's columns: a CSV file separated by ';' or tabs, or
    title rows above a header found in one of the next rows. None when it is not that."""
    if not rows:
        return None
    (first, header), below = rows[0], rows[1:]
    if header_matches(part, header) > 0:
        return None
    texts = [str(c) for c in header if c is not None and str(c).strip()]
    if csv and len(texts) == 1:
        for separator, said in _SEPARATORS:
            if separator in texts[0] and header_matches(part, texts[0].split(separator)) > 0:
                return (
                    f"the values are separated by {said}, not commas: save it as CSV (comma"
                    " delimited), or in Excel 'CSV UTF-8 (Comma delimited) (*.csv)'"
                )
    for number, cells in below[:TITLE_ROWS]:
        if header_matches(part, cells) >= min(2, len(part.column_names)):
            span = f"row {first}" if number - 1 == first else f"rows {first}-{number - 1}"
            return (
                f"a title row above the header in {span}: remove it, so that the column names"
                f" are on row {first}"
            )
    return None


def layout_issue(where: str, message: str) -> Issue:
    """A layout problem found in the first rows, said once instead of on every row."""
    return Issue(where, None, None, None, FILE_LAYOUT, message)


def column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter  # openpyxl (and numpy) only when one is named

    return str(get_column_letter(index + 1))


def missing_part_issues(
    missing: Sequence[tuple[Part, str]], unmatched: Sequence[str], container: str, kind: str
) -> list[Issue]:
    """Parts not found: `(part, expected title)` pairs; `unmatched` titles present but not used.

    A required part missing is `sheet_missing`; an optional one is only reported when an unused
    sheet (or file) has a name close to it, as it probably holds that part under a wrong name.
    """
    issues: list[Issue] = []
    for part, expected in missing:
        nearest = suggest(expected, unmatched, cutoff=50.0) if unmatched else None
        if part.name in REQUIRED_PARTS:
            found = ", ".join(f"'{t}'" for t in unmatched) or "none"
            issues.append(
                Issue(
                    part.sheet,
                    None,
                    None,
                    None,
                    "sheet_missing",
                    f"{container} has no {kind} called '{expected}', which every return needs"
                    f" ({kind}s found that msops does not read: {found}); add it, or rename"
                    f" the {kind} that holds the {part.sheet.lower()} rows",
                    nearest,
                )
            )
        elif nearest is not None and suggest(expected, [nearest], cutoff=80.0):
            issues.append(
                Issue(
                    nearest,
                    None,
                    None,
                    None,
                    "sheet_unknown",
                    f"msops does not read a {kind} called '{nearest}': if it holds the"
                    f" {part.sheet.lower()} rows, rename it '{expected}'",
                    expected,
                )
            )
    return issues
