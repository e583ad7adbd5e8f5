"""The overview's tables as CSV: exact inside; for the public, no cell given away by subtraction."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from msops.analytics.disclosure import SUPPRESSED, protect_table
from msops.analytics.headline import Area
from msops.analytics.overview import Overview, overview
from msops.analytics.overview_breakdowns import LEAD_TYPES
from msops.analytics.tables import Audience, Rule, overview_tables, write_csv
from msops.domain.periods import Period
from msops.domain.principal import Principal
from tests.analytics.test_overview import FEB, op, submit

TOTALS = ("Total", "All mentions", "Eligible live operations")


def _ops(prefix: str, n: int, **changes: Any) -> list[dict[str, Any]]:
    sexual = {"primary_category": "Sexual exploitation",
              "primary_type": "Forced sex work in a fixed location"}  # fmt: skip
    return [
        op(
            f"{prefix}{i}",
            (("Sector", "Car washes" if i % 3 else "Nail bars"),),
            **(sexual if i % 4 == 0 else {}),
            **changes,
        )
        for i in range(n)
    ]


@pytest.fixture
def larger(engine: Engine, operator: Principal) -> Overview:
    """Enough operations that some cells are published and some (the ROCU's 3) are small."""
    submit(engine, operator, "Cleveland", FEB, _ops("C", 30))
    submit(engine, operator, "Metropolitan", FEB,
           _ops("M", 25, lead_org="Metropolitan Police Service"))  # fmt: skip
    submit(engine, operator, "NERSOU", FEB, _ops("R", 3, lead_org="NERSOU"))
    submit(engine, operator, "GLAA", FEB, _ops("G", 12, lead_org="GLAA"))
    with engine.connect() as conn:
        return overview(conn, operator, FEB, Area())


def read(folder: Path) -> dict[str, list[list[str]]]:
    out = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as f:
            out[path.stem] = list(csv.reader(f))
    return out


def lines(rows: list[list[str]]) -> list[list[str]]:
    """The additive lines of a released table: rows with a Total column, columns with a Total."""
    header, body = rows[0], rows[1:]
    found = []
    if body and body[-1][0] in TOTALS:
        found += [[r[j] for r in body] for j in range(1, len(header))]
    if header[-1] == "Total":
        found += [r[1:] for r in body]
    return found


def given_away(rows: list[list[str]]) -> list[list[str]]:
    """Lines where exactly one cell is suppressed: it is the total minus the others."""
    return [line for line in lines(rows) if line.count(SUPPRESSED) == 1]


def test_internal_tables_hold_the_exact_figures(larger: Overview, tmp_path: Path) -> None:
    tables = read_tables(larger, Rule(Audience.INTERNAL), tmp_path)
    assert tables["headline"][1:4] == [["Live operations", "70"],
                                      ["Live police-led operations", "58"],
                                      ["Led by local forces", "55"]]  # fmt: skip
    region = {r[0]: r[1:] for r in tables["live_operations_by_region_and_lead"][1:]}
    assert region["North East"] == ["30", "3", "0", "33"]
    assert region["Total"] == ["55", "3", "12", "70"]
    sectors = dict(tables["sectors"][1:])
    # i % 3 == 0 names nail bars: C 10, M 9, R 1, G 4
    assert sectors == {"Car washes": str(70 - 24), "Nail bars": "24", "All mentions": "70"}


def read_tables(ov: Overview, rule: Rule, folder: Path) -> dict[str, list[list[str]]]:
    write_csv(overview_tables(ov, rule), folder)
    return read(folder)


def test_public_tables_resist_subtraction(larger: Overview, tmp_path: Path) -> None:
    tables = read_tables(larger, Rule(Audience.PUBLIC), tmp_path)
    assert len(tables) == 12
    for name, rows in tables.items():
        cells = [c for r in rows[1:] for c in r[1:] if c != SUPPRESSED]
        if name != "headline":  # regions active (of 10) is no count of people or cases
            assert all(int(c) % 5 == 0 and not 0 < int(c) < 10 for c in cells), name
        assert given_away(rows) == [], name
    region = {r[0]: r[1:] for r in tables["live_operations_by_region_and_lead"][1:]}
    assert region["North East"][1] == SUPPRESSED  # the ROCU's 3 operations
    headline = dict(tables["headline"][1:])
    # Police-led is local + ROCU: published beside the live total it would give the rest away.
    assert headline["Live police-led operations"] == SUPPRESSED
    assert [
        headline["Led by local forces"],
        headline["Led by ROCUs"],
        headline["Led by partner agencies"],
        headline["Live operations"],
    ] == region["Total"]


def test_the_subtraction_check_catches_primary_suppression_alone(larger: Overview) -> None:
    regions = sorted({r for r, _ in larger.lead_by_region})
    unsafe = protect_table(larger.lead_by_region, rows=regions, cols=LEAD_TYPES, secondary=False)
    rows = [list(r.values()) for r in unsafe.as_rows(row_header="Region")]
    assert given_away([["Region", *LEAD_TYPES, "Total"], *rows])


def test_public_threshold_can_be_raised(larger: Overview, tmp_path: Path) -> None:
    tables = read_tables(larger, Rule(Audience.PUBLIC, threshold=40), tmp_path)
    region = {r[0]: r[1:] for r in tables["live_operations_by_region_and_lead"][1:]}
    assert region["North East"][0] == SUPPRESSED  # 30 is now small
    assert all(given_away(rows) == [] for rows in tables.values())


def test_tables_of_an_empty_month(engine: Engine, operator: Principal, tmp_path: Path) -> None:
    with engine.connect() as conn:
        empty = overview(conn, operator, Period(2018, 2))
    tables = read_tables(empty, Rule(Audience.PUBLIC), tmp_path)
    assert dict(tables["headline"][1:])["Live operations"] == "0"
    assert tables["sectors"] == [["Sector", "Operations"]]
