"""Reference data shipped in the package: organisations, typology, codes, nationalities, periods."""

from __future__ import annotations

import pytest

from msops.domain.errors import InvalidInput
from msops.domain.periods import Period, months_between
from msops.domain.reference import (
    REGIONS,
    code_lists,
    find_code,
    find_organisation,
    nationalities,
    nrm_label_for_category,
    organisations,
    suggest,
    suggest_code,
    suggest_organisation,
    typology,
)


def test_organisations_cover_forces_rocus_and_partners() -> None:
    kinds = [o.kind for o in organisations()]
    assert kinds.count("territorial_force") == 43
    assert kinds.count("rocu") == 9
    assert kinds.count("partner_agency") == 5
    assert {o.region for o in organisations() if o.kind == "territorial_force"} == set(REGIONS)


def test_organisations_are_found_by_full_or_short_name_in_any_case() -> None:
    met = find_organisation("metropolitan police service") or find_organisation("Metropolitan")
    assert met is not None and met.region == "London"
    glaa = find_organisation("glaa")
    assert glaa is not None and not glaa.is_police
    assert find_organisation("Atlantis Police") is None


def test_typology_has_17_types_in_4_categories_mapped_to_nrm_labels() -> None:
    types = typology()
    assert len(types) == 17
    assert {t.category_code for t in types} == {"labour", "domestic", "sexual", "criminal"}
    assert nrm_label_for_category("labour") == "Labour"
    assert nrm_label_for_category("domestic") == "Domestic servitude"


def test_codes_are_found_by_code_or_label() -> None:
    by_label = find_code("sector", "car washes")
    by_code = find_code("sector", "car_wash")
    assert by_label == by_code and by_label is not None
    assert find_code("sector", "space mining") is None


def test_nationalities_use_nrm_labels_with_iso_codes() -> None:
    by_label = {n.label: n for n in nationalities()}
    assert by_label["Albanian"].iso2 == "AL"
    assert by_label["Vietnamese"].iso2 == "VN"
    assert by_label["UK"].iso2 == "GB"
    assert by_label["Unknown"].iso2 is None
    assert len(code_lists()["country"]) >= 190


def test_suggestion_finds_the_nearest_label() -> None:
    labels = [t.label for t in typology()]
    assert suggest("Forced begin", labels) == "Forced begging"
    assert suggest("zzzzzz", labels) is None


def test_periods_parse_and_step() -> None:
    p = Period.parse("2018-02")
    assert str(p.previous()) == "2018-01" and str(Period(2017, 12).next()) == "2018-01"
    assert p.last_day.day == 28
    assert len(months_between(Period(2016, 12), p)) == 15
    with pytest.raises(InvalidInput):
        Period.parse("Feb 2018")


def test_a_code_is_suggested_only_when_close_and_unambiguous() -> None:
    assert suggest_code("status", "Livee") == "Live"
    assert suggest_code("status", "Sleeping") is None
    # 'Forced sex work' is as near one fixed location as changing ones: no guess
    assert suggest_code("exploitation_type", "Forced sex work") is None
    assert suggest_code("exploitation_type", "Victims work for offender") == (
        "Victims work for offenders"
    )


def test_field_words_suggest_their_value_not_the_nearest_spelling() -> None:
    assert suggest_code("status", "Open") == "Live"  # not 'Reopened'
    assert suggest_code("status", "completed") == "Closed"
    assert suggest_code("nationality", "British") == "UK"


def test_organisations_are_matched_on_the_words_that_tell_them_apart() -> None:
    assert suggest_code("organisation", "Cleveland Constabulary") == "Cleveland Police"
    assert suggest_code("organisation", "Clevelend Police") == "Cleveland Police"
    assert suggest_code("organisation", "Durham Police") == "Durham Constabulary"
    assert suggest_organisation("Constabulary") is None
    # the force and the ROCU of the West Midlands are equally near: no guess
    assert suggest_organisation("West Midlands") is None
