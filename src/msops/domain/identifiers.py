"""Cleaning of personal identifiers, so that the same phone or plate written two ways is one value.

Each cleaner returns the normalised form, or raises ValueError with a sentence saying why the
value cannot be one of its kind. Messages never repeat the value: it is personal data.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

_PHONE_CHARS_RE = re.compile(r"^\+?[0-9 ()\-./]{4,30}$")
_POSTCODE_RE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})$")
_DISTRICT_RE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_VEHICLE_RE = re.compile(r"^[A-Z0-9]{2,8}$")
_PASSPORT_RE = re.compile(r"^[A-Z0-9]{6,12}$")
_IBAN_RE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$")
_UK_ACCOUNT_RE = re.compile(r"^([0-9]{6})([0-9]{8})$")
_HANDLE_RE = re.compile(r"^[a-z0-9._\-]{2,64}$")


def clean_phone(raw: str, default_region: str = "GB") -> str:
    """A phone number in E.164 (+447700900123); UK numbers may be written nationally."""
    if not _PHONE_CHARS_RE.match(raw.strip()):
        raise ValueError("is not a phone number (digits, spaces, +, brackets and dashes only)")
    import phonenumbers  # imported at the first number, not by every `msops` command

    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("is not a phone number") from exc
    if not phonenumbers.is_possible_number(number):
        raise ValueError("is not a possible phone number (wrong length for its country)")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_email(raw: str) -> str:
    value = raw.strip().lower()
    if not _EMAIL_RE.match(value):
        raise ValueError("is not an email address (name@domain)")
    return value


def clean_vehicle(raw: str) -> str:
    """A vehicle registration mark in capitals without spaces (AB12 CDE -> AB12CDE)."""
    value = re.sub(r"[\s\-]", "", raw).upper()
    if not _VEHICLE_RE.match(value):
        raise ValueError("is not a vehicle registration (2 to 8 letters and digits)")
    return value


def clean_postcode(raw: str) -> str:
    """A full UK postcode with one space (sw1a1aa -> SW1A 1AA)."""
    value = re.sub(r"\s+", "", raw).upper()
    match = _POSTCODE_RE.match(value)
    if not match:
        raise ValueError("is not a full UK postcode (e.g. SW1A 1AA)")
    return f"{match.group(1)} {match.group(2)}"


def clean_postcode_district(raw: str) -> str:
    """A UK postcode district (the outward code: B9, SW1A); a full postcode is cut to it."""
    value = re.sub(r"\s+", "", raw).upper()
    full = _POSTCODE_RE.match(value)
    if full:
        return full.group(1)
    if not _DISTRICT_RE.match(value):
        raise ValueError("is not a postcode district (the first half of a postcode, e.g. B9)")
    return value


def clean_passport(raw: str) -> str:
    value = re.sub(r"[\s\-]", "", raw).upper()
    if not _PASSPORT_RE.match(value):
        raise ValueError("is not a passport number (6 to 12 letters and digits)")
    return value


def clean_bank_account(raw: str) -> str:
    """An IBAN, or a UK sort code and account number as 'SSSSSS-AAAAAAAA'."""
    value = re.sub(r"[\s\-/]", "", raw).upper()
    if _IBAN_RE.match(value):
        return value
    uk = _UK_ACCOUNT_RE.match(value)
    if uk:
        return f"{uk.group(1)}-{uk.group(2)}"
    raise ValueError("is not an IBAN or a UK sort code with an 8-digit account number")


def clean_advert_handle(raw: str) -> str:
    """An online advert or social media handle, lower case, without @ or a site address."""
    value = raw.strip().lower()
    value = re.sub(r"^https?://[^/]+/", "", value).strip("/")
    value = value.lstrip("@")
    if not _HANDLE_RE.match(value):
        raise ValueError("is not a handle (2 to 64 letters, digits, dots, dashes, underscores)")
    return value


CLEANERS: dict[str, Callable[[str], str]] = {
    "phone": clean_phone,
    "email": clean_email,
    "vehicle": clean_vehicle,
    "postcode": clean_postcode,
    "passport": clean_passport,
    "bank_account": clean_bank_account,
    "advert_handle": clean_advert_handle,
}


@lru_cache(maxsize=100_000)
def clean_identifier(kind: str, raw: str) -> str:
    """The normalised form of an identifier of the given kind.

    Cached: monthly returns repeat the same people's identifiers month after month, and phone
    parsing is the costliest step of validation.
    """
    return CLEANERS[kind](raw)
