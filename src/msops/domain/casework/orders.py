"""Slavery and Trafficking Prevention and Risk Orders (Modern Slavery Act 2015, ss.14-34).

The legal minimums and maximums are checked here, on plain values, before anything is stored:
- a prevention order (STPO) lasts at least 5 years or until further order (s.17(2));
- a risk order (STRO) lasts at least 2 years or until further order (s.24(2));
- a foreign travel prohibition lasts at most 5 years (ss.18(1), 25(1)); a renewal (s.20, s.27)
  starts a new period of at most 5 years from the date of the renewal.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from msops.domain.errors import InvalidInput
from msops.domain.reference import find_code


class OrderType(StrEnum):
    STPO = "STPO"
    STRO = "STRO"


ORDER_NAMES = {OrderType.STPO: "prevention order (STPO)", OrderType.STRO: "risk order (STRO)"}
MINIMUM_YEARS = {OrderType.STPO: 5, OrderType.STRO: 2}
DURATION_SECTION = {OrderType.STPO: "s.17(2)", OrderType.STRO: "s.24(2)"}
TRAVEL_SECTION = {OrderType.STPO: "s.18(1)", OrderType.STRO: "s.25(1)"}
MAXIMUM_TRAVEL_BAN_YEARS = 5
ALL_COUNTRIES = "ALL"  # a ban on travel to any country outside the United Kingdom


class VariationKind(StrEnum):
    VARIATION = "variation"
    RENEWAL = "renewal"
    DISCHARGE = "discharge"


class BreachOutcome(StrEnum):
    PENDING = "pending"
    NO_FURTHER_ACTION = "no_further_action"
    CAUTIONED = "cautioned"
    CHARGED = "charged"
    CONVICTED = "convicted"
    ACQUITTED = "acquitted"


class OrderRuleBroken(InvalidInput):
    """An order's terms break a rule of the Act; the message names the field and the rule."""


@dataclass(frozen=True)
class OrderTerms:
    """What the court ordered, as it stands after any variation."""

    order_type: OrderType
    court: str
    made_on: date
    expires_on: date | None
    until_further_order: bool
    prohibitions: tuple[str, ...]
    travel_countries: tuple[str, ...] = ()
    travel_ban_ends: date | None = None
    notification_requirements: str | None = None


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def parse_order_type(text: str) -> OrderType:
    try:
        return OrderType(text.strip().upper())
    except ValueError:
        raise InvalidInput(f"type: {text!r} is not an order type; use STPO or STRO") from None


def clean_countries(values: tuple[str, ...]) -> tuple[str, ...]:
    """ISO 3166 alpha-2 codes (or country names) as codes; ALL for any country outside the UK."""
    out: list[str] = []
    for value in values:
        if value.strip().upper() == ALL_COUNTRIES:
            out.append(ALL_COUNTRIES)
            continue
        code = find_code("country", value)
        if code is None:
            raise InvalidInput(
                f"travel countries: {value!r} is not a country code or name (e.g. RO, Romania)"
                f" or {ALL_COUNTRIES}"
            )
        out.append(code.code)
    if ALL_COUNTRIES in out and len(out) > 1:
        raise InvalidInput(f"travel countries: {ALL_COUNTRIES} already covers every country")
    return tuple(dict.fromkeys(out))


def check_terms(terms: OrderTerms, travel_period_starts: date | None = None) -> OrderTerms:
    """The terms, cleaned, or OrderRuleBroken naming the first rule they break.

    `travel_period_starts` is the date the current travel prohibition period began: the date
    the order was made, or the date of its last renewal.
    """
    name = ORDER_NAMES[terms.order_type]
    if not terms.court.strip():
        raise OrderRuleBroken("court: say which court made the order")
    prohibitions = tuple(p.strip() for p in terms.prohibitions if p.strip())
    if not prohibitions and not terms.travel_countries:
        raise OrderRuleBroken(
            f"prohibitions: a {name} prohibits the defendant from doing something described in"
            " it; give at least one prohibition or a foreign travel prohibition"
        )
    _check_duration(terms, name)
    _check_travel(terms, name, travel_period_starts or terms.made_on)
    return replace(terms, court=terms.court.strip(), prohibitions=prohibitions)


def _check_duration(terms: OrderTerms, name: str) -> None:
    minimum = MINIMUM_YEARS[terms.order_type]
    rule = (
        f"a {name} has effect for a fixed period of at least {minimum} years or until further"
        f" order (Modern Slavery Act 2015 {DURATION_SECTION[terms.order_type]})"
    )
    if terms.until_further_order and terms.expires_on is not None:
        raise OrderRuleBroken(
            "expiry: an order made until further order has no expiry date; give one or the other"
        )
    if not terms.until_further_order and terms.expires_on is None:
        raise OrderRuleBroken(f"expiry: give the expiry date or 'until further order': {rule}")
    if terms.expires_on is not None:
        earliest = add_years(terms.made_on, minimum)
        if terms.expires_on < earliest:
            raise OrderRuleBroken(
                f"expiry: {terms.expires_on.isoformat()} is earlier than"
                f" {earliest.isoformat()}: {rule}"
            )


def _check_travel(terms: OrderTerms, name: str, period_starts: date) -> None:
    section = TRAVEL_SECTION[terms.order_type]
    if not terms.travel_countries:
        if terms.travel_ban_ends is not None:
            raise OrderRuleBroken(
                "travel ban end: a foreign travel prohibition needs the countries it covers"
                f" (codes, or {ALL_COUNTRIES})"
            )
        return
    if terms.travel_ban_ends is None:
        raise OrderRuleBroken(
            f"travel ban end: a foreign travel prohibition in a {name} is for a fixed period"
            f" (Modern Slavery Act 2015 {section}); give its end date"
        )
    latest = add_years(period_starts, MAXIMUM_TRAVEL_BAN_YEARS)
    if terms.travel_ban_ends > latest:
        raise OrderRuleBroken(
            f"travel ban end: {terms.travel_ban_ends.isoformat()} is later than"
            f" {latest.isoformat()}: a foreign travel prohibition lasts at most"
            f" {MAXIMUM_TRAVEL_BAN_YEARS} years from {period_starts.isoformat()}, renewable"
            f" (Modern Slavery Act 2015 {section})"
        )
    if terms.travel_ban_ends <= period_starts:
        raise OrderRuleBroken(
            f"travel ban end: {terms.travel_ban_ends.isoformat()} is not after"
            f" {period_starts.isoformat()}, when the prohibition began"
        )
    if terms.expires_on is not None and terms.travel_ban_ends > terms.expires_on:
        raise OrderRuleBroken(
            f"travel ban end: {terms.travel_ban_ends.isoformat()} is after the order expires"
            f" ({terms.expires_on.isoformat()}); a prohibition cannot outlast its order"
        )


def days_to_expiry(terms: OrderTerms, today: date) -> int | None:
    """Days until the order expires; None for an order made until further order."""
    return None if terms.expires_on is None else (terms.expires_on - today).days


def generalise(day: date | None) -> str | None:
    """A date as its year and quarter, for the anonymised library (e.g. 2018-Q1)."""
    return None if day is None else f"{day.year}-Q{(day.month - 1) // 3 + 1}"
