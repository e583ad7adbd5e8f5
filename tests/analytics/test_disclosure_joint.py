"""Tables released together: no small count is given away by combining them.

The real case comes from the demo history (`msops.synthetic`, seed 2018): the North East in
July 2017, where each public table protected on its own is safe, but the exploitation table's
eight small cells tell that live operations are 8 or 9, and the region table then gives the
local forces' count away. The attacker (`joint_attacker`) shares no code with the module.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from msops.analytics.disclosure_joint import Rules, audit, protect_jointly, same
from msops.analytics.disclosure_suppression import one_way_grid, suppress, two_way_grid
from msops.analytics.headline import Area
from msops.analytics.overview import Overview, overview
from msops.analytics.tables import Audience, Rule, overview_tables
from msops.domain.periods import Period
from msops.domain.principal import system_principal
from msops.domain.reference import organisations
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.synthetic import generate_history
from tests.analytics import joint_attacker as ja

JULY = Period(2017, 7)
REGION = "North East"
LOCAL = "live_operations_by_region_and_lead|North East|Local force"
EXPLOITATION = "exploitation_type_by_category"


@pytest.fixture(scope="module")
def north_east_july(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Overview]:
    """The demo history's North East returns up to July 2017 (the same returns `msops demo`
    loads for the region), on SQLite: the figures do not depend on the database."""
    path = tmp_path_factory.mktemp("joint") / "history.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    who = system_principal("test-operator")
    region = {o.short_name for o in organisations() if o.region == REGION}
    for item in generate_history(2018):
        if item.period > JULY:
            break
        if item.organisation in region:
            raw = RawReturn.from_rows(f"synthetic-{item.organisation}.csv", item.parts)
            result = submit_raw(engine, who, raw, item.organisation, item.period, "test")
            assert result.outcome == Outcome.ACCEPTED
    with engine.connect() as conn:
        yield overview(conn, who, JULY, Area(region=REGION))
    engine.dispose()


def released(ov: Overview, rule: Rule) -> tuple[dict[str, ja.Rows], list[str]]:
    """The release as CSV text by table name, and the tables withheld from it."""
    tables = overview_tables(ov, rule)
    withheld = [t.name for t in tables if "Withheld" in t.note]
    return {t.name: [list(t.header), *map(list, t.rows)] for t in tables}, withheld


def truth(ov: Overview) -> dict[str, ja.Rows]:
    return released(ov, Rule(Audience.INTERNAL))[0]


def test_no_small_count_is_narrowed_by_the_release_as_a_whole(north_east_july: Overview) -> None:
    public, withheld = released(north_east_july, Rule(Audience.PUBLIC))
    found = ja.attack(public, truth(north_east_july), withheld=withheld)
    assert len(found) > 20  # the attack is on many small counts
    assert ja.narrow(found, 2) == {}
    assert found[LOCAL] == (2, 9)  # not 8-9: the exploitation table is withheld


def test_tables_alone_are_safe_but_together_they_give_a_count_away(
    north_east_july: Overview,
) -> None:
    """Each table protected on its own and shared figures suppressed consistently (the audit
    switched off, `protection=0`) is not enough: the local forces' count, 1-9 in its own table,
    is 8 or 9 given the exploitation table."""
    public, withheld = released(north_east_july, Rule(Audience.PUBLIC, protection=0))
    assert withheld == []
    attack = ja.attack(public, truth(north_east_july), joint=False, only=[LOCAL])
    assert attack[LOCAL] == (1, 9)
    assert ja.attack(public, truth(north_east_july), only=[LOCAL])[LOCAL] == (8, 9)


def test_the_joint_release_withholds_only_what_it_must(north_east_july: Overview) -> None:
    public, withheld = released(north_east_july, Rule(Audience.PUBLIC))
    assert withheld == [EXPLOITATION]  # eight small counts adding up to 8 or 9: no way to hide
    region = {r[0]: r[1:] for r in public["live_operations_by_region_and_lead"][1:]}
    assert region["North East"] == ["[c]", "0", "0", "[c]"]
    assert dict(public["headline"][1:])["Potential victims in live police-led operations"] == "15"


def test_a_total_suppressed_in_one_table_is_suppressed_in_the_other() -> None:
    """Table A suppresses its grand total (43) to protect a 3; table B publishes the same 43.
    Without rounding, B's 43 minus A's published 40 gives the 3 away."""
    a = two_way_grid([[3, 0], [0, 40]])
    b = one_way_grid([43])
    grids, rules = {"a": a, "b": b}, Rules(base=1, protection=1)
    relations = same(("a", (2, 2)), ("b", (1, 0)))
    alone = {name: suppress(g, threshold=10, suppress_zeros=False) for name, g in grids.items()}
    assert alone["a"][2, 2] == "secondary" and (1, 0) not in alone["b"]
    assert audit(grids, relations, rules, alone)["a", (2, 0)] == (3, 3)  # pinned
    joint = protect_jointly(grids, relations, rules)
    assert joint.status["b"][1, 0] == "secondary"
    assert joint.withheld == set()
    assert all(hi - lo >= 1 for lo, hi in joint.intervals.values())


def test_the_cli_release_is_the_audited_one(north_east_july: Overview, tmp_path: Path) -> None:
    from msops.analytics.tables import write_csv

    paths = write_csv(overview_tables(north_east_july, Rule(Audience.PUBLIC)), tmp_path)
    with (tmp_path / f"{EXPLOITATION}.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert len(paths) == 12
    assert len(rows) == 20 and {c for r in rows[1:] for c in r[1:]} == {"[c]"}
