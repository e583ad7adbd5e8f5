"""Review dates from the MoPI rules in domain/data/retention.toml: the group an operation's
outcomes put it in, and its first review date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from msops.domain import retention as r
from msops.domain.errors import InvalidInput

CLOSED_ON = date(2018, 3, 31)


def closed(**facts: object) -> r.OperationFacts:
    return r.OperationFacts(status="closed", closed_date=CLOSED_ON, **facts)  # type: ignore[arg-type]


def test_every_shipped_group_names_its_source() -> None:
    rules = r.default_rules()
    assert {g.name for g in rules.groups} == {"group_1", "group_2", "group_3", "nfa"}
    for group in rules.groups:
        assert "MoPI APP, Retention, review and disposal" in group.source
    assert rules.group("group_1").retain_until_age == 100


@pytest.mark.parametrize(
    ("facts", "group", "review"),
    [
        (closed(convictions=1, charges=2), "group_1", date(2028, 3, 31)),
        (closed(charges=1), "group_2", date(2028, 3, 31)),
        (closed(orders=1), "group_2", date(2028, 3, 31)),
        (closed(disruption_outcome="intelligence_only"), "group_3", date(2024, 3, 31)),
        (closed(), "group_3", date(2024, 3, 31)),
        (closed(disruption_outcome="no_further_action"), "nfa", date(2021, 3, 31)),
    ],
)
def test_the_outcomes_choose_the_group_and_the_review_date(
    facts: r.OperationFacts, group: str, review: date
) -> None:
    rules = r.default_rules()
    assert r.group_of(facts, rules).name == group
    assert r.review_date(facts, rules) == review


def test_a_live_operation_is_not_reviewed() -> None:
    for status in ("live", "reopened"):
        facts = r.OperationFacts(status=status, closed_date=None, convictions=3)
        assert r.review_date(facts, r.default_rules()) is None


def test_a_leap_day_closure_is_reviewed_on_28_february() -> None:
    facts = r.OperationFacts(status="closed", closed_date=date(2020, 2, 29))
    assert r.review_date(facts, r.default_rules()) == date(2026, 2, 28)


def test_an_override_file_changes_only_the_years_it_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "retention.toml"
    path.write_text("[groups.group_3]\nreview_years = 7\n", encoding="utf-8")
    monkeypatch.setenv(r.ENV_RETENTION_FILE, str(path))
    rules = r.rules()
    assert rules.group("group_3").review_years == 7
    assert rules.group("group_2").review_years == 10
    assert r.review_date(closed()) == date(2025, 3, 31)


def test_rules_that_leave_a_condition_without_a_group_are_refused() -> None:
    text = '[groups.only]\nwhen = "otherwise"\nreview_years = 6\n'
    with pytest.raises(InvalidInput, match="convictions"):
        r.parse_rules(text)
    with pytest.raises(InvalidInput, match="review_years"):
        r.parse_rules("[groups.group_3]\nreview_years = 0\n", r.default_rules())
