"""What makes a password acceptable, after the NCSC's password guidance.

Length matters, composition rules do not: a password needs at least 12 characters, and is
refused when it is easy to guess whatever its length:

* only spaces;
* it contains the account name, or a part of it of four characters or more (`spoc.cleveland`:
  `spoc`, `cleveland`), ignoring case;
* one character or one sequence repeated (`aaaaaaaaaaaa`, `abcabcabcabc`);
* it is on the deny-list of the 30,000 most common passwords seen in breaches
  (`data/common-passwords.txt`, source and licence beside it), ignoring case, spaces inside it,
  and digits, spaces and symbols added at either end (`Password1234!` is `password`).

Nothing here touches the network. Messages name the rule that refused the password and never
repeat it.
"""

from __future__ import annotations

import re
import string
from functools import cache
from importlib import resources

from msops.domain.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 1000
DENY_LIST = "common-passwords.txt"
NAME_PART = 4  # parts of an account name this long or longer may not appear in its password

_ENDS = string.digits + string.punctuation + string.whitespace
_NAME_SPLIT = re.compile(r"[\W_]+")


class WeakPassword(InvalidInput):
    """A new password that a rule refuses; the message says which rule."""


@cache
def common_passwords() -> frozenset[str]:
    """The deny-list, lower case (read once per process, about 2 MB in memory)."""
    text = resources.files("msops.domain.data").joinpath(DENY_LIST).read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip())


def is_repetition(text: str) -> bool:
    """True for one character, or one sequence, written over and over (`abab`, `xxxx`)."""
    return len(text) > 1 and text in (text + text)[1:-1]


def name_parts(account: str) -> set[str]:
    """The account name and its parts of `NAME_PART` characters or more, lower case."""
    name = account.strip().casefold()
    parts = {p for p in _NAME_SPLIT.split(name) if len(p) >= NAME_PART}
    if len(name) >= 3:
        parts.add(name)
    return parts


def is_common(password: str) -> bool:
    """On the deny-list as it is, without its spaces, or without what was added at its ends."""
    lowered = password.casefold()
    joined = "".join(lowered.split())
    forms = {lowered, joined, lowered.strip(_ENDS), joined.strip(_ENDS)}
    common = common_passwords()
    return any(form in common for form in forms if form)


def check_password(password: str, account: str) -> None:
    """Raise WeakPassword (naming the rule, never the password) unless `password` is acceptable
    for the account called `account`."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"a password needs at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"a password has at most {MAX_LENGTH} characters")
    if not password.strip():
        raise WeakPassword("a password cannot be only spaces")
    lowered = password.casefold()
    if any(part in lowered for part in name_parts(account)):
        raise WeakPassword("a password cannot contain the account name or a part of it")
    if is_repetition(lowered):
        raise WeakPassword(
            "a password cannot be one character or one sequence repeated: three random words"
            " make a good one"
        )
    if is_common(password):
        raise WeakPassword(
            "that password is on the list of common passwords that attackers try first:"
            " choose another (three random words make a good one)"
        )
