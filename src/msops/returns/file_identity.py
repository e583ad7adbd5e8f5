"""What a return file says of itself: whose return it is, for which month, and whether it is a
nil return.

A file may say so in the XLSX About sheet's `Organisation`, `Period` and `Nil return` rows; in
CSV, the same lines in `README.txt` beside the parts, or on a part's banner line
(`OFFICIAL-SENSITIVE; Organisation: Cleveland Police; Period: 2018-03`). The reader hands them
over as `RawReturn.declared`, as written; validation compares them with what the file is
submitted as. A written file says it through `Identity`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from msops.returns.raw import Cell, Declared


@dataclass(frozen=True)
class Identity:
    """What a written return says of itself (see `Declared` for what a read one says)."""

    organisation: str
    period: str
    nil: bool = False

    @property
    def nil_text(self) -> str:
        return "Yes" if self.nil else "No"


# The labels of the file's own identity (About sheet rows, README.txt lines, banner fields),
# as written: the reader also takes 'Organization' and 'Month'.
ORGANISATION_LABEL, PERIOD_LABEL, NIL_LABEL = "Organisation", "Period", "Nil return"
_IDENTITY_KEYS = {
    "organisation": "organisation",
    "organization": "organisation",
    "period": "period",
    "month": "period",
    "nil return": "nil",
    "nil": "nil",
}
# In text, each at the start of a line or after ';', '|' or ',': 'Period: 2018-03'.
_IDENTITY_FIELD = re.compile(
    r"(?:^|[;|,])[ \t]*(organi[sz]ation|period|nil return)[ \t]*[:=][ \t]*([^;|,\r\n]*)",
    re.IGNORECASE | re.MULTILINE,
)


def _identity_key(label: object) -> str | None:
    if not isinstance(label, str):
        return None
    return _IDENTITY_KEYS.get(" ".join(label.replace("_", " ").split()).rstrip(":").casefold())


def declared_from_pairs(where: str, pairs: Iterable[tuple[object, Cell]]) -> Declared:
    """The identity in (label, value) pairs, such as an About sheet's first two columns."""
    found: dict[str, Cell] = {}
    for label, value in pairs:
        key = _identity_key(label)
        if key is None or key in found:
            continue
        found[key] = (value.strip() or None) if isinstance(value, str) else value
    organisation, nil = found.get("organisation"), found.get("nil")
    return Declared(
        where,
        None if organisation is None else str(organisation),
        found.get("period"),
        None if nil is None else str(nil),
    )


def declared_from_text(where: str, text: str) -> Declared:
    """The identity in text holding 'Organisation: ...', 'Period: ...', 'Nil return: ...'
    (one to a line, or separated by ';', '|' or ',')."""
    pairs = [(m.group(1), m.group(2)) for m in _IDENTITY_FIELD.finditer(text)]
    return declared_from_pairs(where, pairs)


def is_identity_field(text: str) -> bool:
    """A banner cell such as 'Period: 2018-03'."""
    return _IDENTITY_FIELD.match(text.strip()) is not None
