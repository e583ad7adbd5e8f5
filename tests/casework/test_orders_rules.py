"""The Act's minimums and maximums, checked before anything is stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from msops.domain.casework.orders import (
    OrderRuleBroken,
    OrderTerms,
    OrderType,
    add_years,
    check_terms,
    clean_countries,
    generalise,
)

MADE = date(2018, 3, 1)


def terms(order_type: OrderType = OrderType.STPO, **changes: object) -> OrderTerms:
    base = OrderTerms(
        order_type=order_type,
        court="Teesside Crown Court",
        made_on=MADE,
        expires_on=date(2023, 3, 1),
        until_further_order=False,
        prohibitions=("No contact with named victims",),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_prevention_order_of_exactly_five_years_is_accepted() -> None:
    assert check_terms(terms()).expires_on == date(2023, 3, 1)


def test_prevention_order_one_day_short_of_five_years_names_the_rule() -> None:
    with pytest.raises(OrderRuleBroken) as err:
        check_terms(terms(expires_on=date(2023, 2, 28)))
    message = str(err.value)
    assert message.startswith("expiry:")
    assert "at least 5 years" in message and "s.17(2)" in message
    assert "2023-03-01" in message


def test_risk_order_minimum_is_two_years() -> None:
    assert check_terms(terms(OrderType.STRO, expires_on=date(2020, 3, 1)))
    with pytest.raises(OrderRuleBroken, match=r"at least 2 years.*s\.24\(2\)"):
        check_terms(terms(OrderType.STRO, expires_on=date(2020, 2, 29)))


def test_until_further_order_needs_no_expiry_and_excludes_one() -> None:
    assert check_terms(terms(expires_on=None, until_further_order=True)).expires_on is None
    with pytest.raises(OrderRuleBroken, match="expiry"):
        check_terms(terms(until_further_order=True))
    with pytest.raises(OrderRuleBroken, match="until further order"):
        check_terms(terms(expires_on=None))


def test_foreign_travel_ban_lasts_at_most_five_years() -> None:
    long_order = terms(expires_on=None, until_further_order=True, travel_countries=("RO",))
    assert check_terms(replace(long_order, travel_ban_ends=date(2023, 3, 1)))
    with pytest.raises(OrderRuleBroken) as err:
        check_terms(replace(long_order, travel_ban_ends=date(2023, 3, 2)))
    assert str(err.value).startswith("travel ban end:")
    assert "at most 5 years" in str(err.value) and "s.18(1)" in str(err.value)


def test_a_renewed_travel_ban_counts_five_years_from_the_renewal() -> None:
    long_order = terms(
        expires_on=None,
        until_further_order=True,
        travel_countries=("RO",),
        travel_ban_ends=date(2027, 3, 1),
    )
    assert check_terms(long_order, travel_period_starts=date(2022, 6, 1))
    with pytest.raises(OrderRuleBroken, match=r"s\.18"):
        check_terms(long_order)


def test_travel_ban_needs_countries_an_end_and_cannot_outlast_the_order() -> None:
    with pytest.raises(OrderRuleBroken, match="countries"):
        check_terms(terms(travel_ban_ends=date(2020, 1, 1)))
    with pytest.raises(OrderRuleBroken, match="fixed period"):
        check_terms(terms(travel_countries=("ALL",)))
    with pytest.raises(OrderRuleBroken, match="outlast"):
        check_terms(
            terms(
                OrderType.STRO,
                expires_on=date(2020, 3, 1),
                travel_countries=("RO",),
                travel_ban_ends=date(2021, 1, 1),
            )
        )


def test_an_order_must_prohibit_something() -> None:
    with pytest.raises(OrderRuleBroken, match="prohibitions"):
        check_terms(terms(prohibitions=("  ",)))


def test_countries_are_cleaned_to_codes() -> None:
    assert clean_countries(("Romania", "al", "RO")) == ("RO", "AL")
    assert clean_countries(("all",)) == ("ALL",)
    with pytest.raises(Exception, match="travel countries: 'Atlantis'"):
        clean_countries(("Atlantis",))


def test_leap_day_and_generalised_dates() -> None:
    assert add_years(date(2016, 2, 29), 5) == date(2021, 2, 28)
    assert generalise(date(2018, 11, 3)) == "2018-Q4"
