"""Turning one cell as written into a clean value of its column's kind, or saying why not."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from functools import cache, partial

from msops.domain.reference import exact_code, find_code, suggest_code
from msops.domain.return_spec import INTEGER_MAXIMUM, Column
from msops.returns.raw import Cell

# C0 controls but tab, line feed and carriage return; DEL; C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# In a reference or a code not even tab or a line break.
_REF_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Invisible characters removed from any text: zero-width space, word joiner, zero-width
# no-break space (a byte order mark), Mongolian vowel separator. Other format characters
# (zero-width joiners, direction marks) are kept in names, where scripts need them, and
# removed from references and codes, where they never belong.
_INVISIBLE = frozenset("\u200b\u2060\ufeff\u180e")
_SPACES = frozenset(("Zs", "Zl", "Zp"))  # no-break, thin, ideographic spaces; line separators
# Longer than any whole number msops keeps (and Python refuses to read over 4,300 digits).
_MAX_DIGITS = 20
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


class CellError(ValueError):
    """A cell that cannot be read as its column's kind."""

    def __init__(
        self, rule: str, message: str, suggestion: str | None = None, show_value: bool = True
    ) -> None:
        super().__init__(message)
        self.rule = rule
        self.message = message
        self.suggestion = suggestion
        self.show_value = show_value  # False: repeating the value would not help (too long)


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


def clean_int(value: Cell, maximum: int = INTEGER_MAXIMUM) -> int:
    if isinstance(value, bool):
        raise CellError("not_a_number", "should be a whole number")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = (as_text(value) or "").replace(",", "")
        if not re.fullmatch(r"[0-9]+", text):
            raise CellError("not_a_number", "should be a whole number, 0 or more")
        if len(text.lstrip("0")) > _MAX_DIGITS:
            raise CellError("too_large", f"is too large: at most {maximum:,}", show_value=False)
        number = int(text)
    if number < 0:
        raise CellError("negative_count", "a count cannot be negative")
    if number > maximum:
        raise CellError("too_large", f"is too large: at most {maximum:,}")
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
    if not text.isprintable():  # an invisible character or odd space copied in with the label
        text = visible(text, reference=True).strip()
    code = exact_code(list_name, text) or find_code(list_name, text)
    if code is None:
        raise CellError(
            "code_unknown",
            f"is not in the list of {list_name.replace('_', ' ')} values",
            suggest_code(list_name, text),
        )
    return code.code


def visible(text: str, reference: bool = False) -> str:
    """`text` without invisible characters, every kind of space as a plain space; raises
    CellError for a control character. A reference loses every format character."""
    if (_REF_CONTROL if reference else _CONTROL).search(text):
        raise CellError("control_character", "holds a control character; retype the text")
    kept: list[str] = []
    for char in text:
        if char.isprintable():
            kept.append(char)
            continue
        category = unicodedata.category(char)
        if category in _SPACES:
            kept.append(" ")
        elif category == "Cs":  # half of a character: the file was damaged
            raise CellError("control_character", "holds a broken character; retype the text")
        elif char in _INVISIBLE or (reference and category == "Cf"):
            continue
        else:
            kept.append(char)
    return "".join(kept)


def clean_text(value: Cell, max_length: int | None = None, reference: bool = False) -> str | None:
    if type(value) is str and value.isprintable():  # the common case: nothing invisible
        text = value.strip() or None
    else:
        text = as_text(value)
        if text is not None and not text.isprintable():
            text = visible(text, reference).strip() or None
    if text is not None and max_length is not None and len(text) > max_length:
        raise CellError("too_long", f"is too long: at most {max_length} characters", None, False)
    return text


@cache
def cleaner(column: Column) -> Callable[[Cell], object]:
    """The function that cleans a non-empty cell of this column (raises CellError)."""
    if column.kind == "int":
        return partial(clean_int, maximum=column.maximum or INTEGER_MAXIMUM)
    if column.kind == "date":
        return clean_date
    if column.kind == "code":
        assert column.codes is not None
        return partial(clean_code, column.codes)
    return partial(clean_text, max_length=column.max_length, reference=column.reference)


def clean_cell(column: Column, value: Cell) -> object:
    """The clean value of a non-empty cell for its column; raises CellError."""
    return cleaner(column)(value)
