"""Saved themes belong to the organisation, region or national team of whoever saved them."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal, Role
from msops.store.profile_repo import find_theme, list_themes, save_theme

KENT = Principal("kent.analyst", Role.FORCE_USER, organisation="Kent")
KENT_TWO = Principal("kent.two", Role.FORCE_USER, organisation="Kent")
ESSEX = Principal("essex.analyst", Role.FORCE_USER, organisation="Essex")
NATIONAL = Principal("national.analyst", Role.NATIONAL_ANALYST)


def test_a_theme_is_shared_within_its_organisation_only(engine: Engine) -> None:
    with engine.begin() as conn:
        assert save_theme(conn, KENT, "Car washes", {"sector": "Car washes"})
        assert not save_theme(conn, KENT_TWO, " Car  washes ", {"sector": "Nail bars"})
        save_theme(conn, NATIONAL, "Car washes", {"sector": "Car washes", "children": True})
    with engine.connect() as conn:
        assert find_theme(conn, KENT, "Car washes").definition == {"sector": "Nail bars"}
        assert find_theme(conn, KENT, "Car washes").saved_by == "kent.two"
        assert [t.definition for t in list_themes(conn, NATIONAL)] == [
            {"sector": "Car washes", "children": True}
        ]
        assert list_themes(conn, ESSEX) == []
        with pytest.raises(InvalidInput, match="no saved theme"):
            find_theme(conn, ESSEX, "Car washes")


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "zero\u200bwidth", "bell\x07"])
def test_a_theme_needs_a_plain_name(engine: Engine, name: str) -> None:
    with engine.begin() as conn, pytest.raises(InvalidInput, match="theme's name"):
        save_theme(conn, KENT, name, {})
