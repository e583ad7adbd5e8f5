"""Dates and times typed by a person (a command-line option, a form field, a JSON value), read
the same way everywhere, with an error naming the field when they are not dates."""

from __future__ import annotations

from datetime import date, datetime

from msops.domain.errors import InvalidInput


def parse_date(text: str | None, field: str) -> date | None:
    """A YYYY-MM-DD date, or None for no value; InvalidInput names the field otherwise."""
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{field}: {text!r} is not a date in the form YYYY-MM-DD") from None


def require_date(text: str | None, field: str) -> date:
    found = parse_date(text, field)
    if found is None:
        raise InvalidInput(f"{field}: a date (YYYY-MM-DD) is required")
    return found


def parse_datetime(text: str | None, field: str) -> datetime | None:
    """YYYY-MM-DD or YYYY-MM-DDTHH:MM (a bare date means 00:00), as naive UTC."""
    if text is None or not text.strip():
        return None
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{field}: {text!r} is not a date or time in the form YYYY-MM-DD or YYYY-MM-DDTHH:MM"
        ) from None
    return value.replace(tzinfo=None)


def require_datetime(text: str | None, field: str) -> datetime:
    found = parse_datetime(text, field)
    if found is None:
        raise InvalidInput(f"{field}: a date or time is required")
    return found
