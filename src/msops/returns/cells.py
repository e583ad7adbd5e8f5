"""Turning one cell as written into a clean value of its column's kind, or saying why not."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from functools import cache, partial

from msops.domain.reference import code_lists, exact_code, find_code, suggest
from msops.domain.return_spec import Column
from msops.returns.raw import Cell

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class CellError(ValueError):
    """A cell that cannot be read as its column's kind."""

    def __init__(self, rule: str, message: str, suggestion: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.suggestion = suggestion


def as_text(value: Cell) -> str | None:
    if type(value) is str:  # the common case, first
        return value.strip() or None
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def clean_int(value: Cell) -> int:
    if isinstance(value, bool):
        raise CellError("not_a_number", "should be a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = as_text(value) or ""
        if not re.fullmatch(r"\d+", text.replace(",", "")):
            raise CellError("not_a_number", "should be a whole number, 0 or more")
        number = int(text.replace(",", ""))
    if number < 0:
        raise CellError("negative_count", "a count cannot be negative")
    return number


def clean_date(value: Cell) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = as_text(value) or ""
    iso = _ISO_DATE.match(text)
    uk = _UK_DATE.match(text)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if uk:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
    except ValueError as exc:
        raise CellError("not_a_date", "is not a real calendar date") from exc
    raise CellError("not_a_date", "should be a date written YYYY-MM-DD (or DD/MM/YYYY)")


def clean_code(list_name: str, value: Cell) -> str:
    text = as_text(value) or ""
    code = exact_code(list_name, text) or find_code(list_name, text)
    if code is None:
        labels = [c.label for c in code_lists()[list_name]]
        raise CellError(
            "code_unknown",
            f"is not in the list of {list_name.replace('_', ' ')} values",
            suggest(text, labels),
        )
    return code.code


def _clean_text(value: Cell) -> str | None:
    if type(value) is str and value.isprintable():  # the common case: no control characters
        return value.strip() or None
    text = as_text(value)
    if text is not None and _CONTROL.search(text):
        raise CellError("control_character", "holds a control character; retype the text")
    return text


@cache
def cleaner(column: Column) -> Callable[[Cell], object]:
    """The function that cleans a non-empty cell of this column (raises CellError)."""
    if column.kind == "int":
        return clean_int
    if column.kind == "date":
        return clean_date
    if column.kind == "code":
        assert column.codes is not None
        return partial(clean_code, column.codes)
    return _clean_text


def clean_cell(column: Column, value: Cell) -> object:
    """The clean value of a non-empty cell for its column; raises CellError."""
    return cleaner(column)(value)
