"""Europol prompts for unchecked international operations, and annual counts."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from msops.analytics.casework.europol import annual
from msops.cli.casework.europol import europol
from msops.domain.casework.europol import CheckOutcome, EventKind
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal, system_principal
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.casework.europol import prompts, record_event
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from tests.builders import valid_return
from tests.conftest import row_counts


def load_mixed(engine: Engine, who: Principal) -> None:
    """C1 foreign nationals; C2 checked in the return; C3 UK only but international;
    C4 UK only, domestic; C5 foreign but closed."""
    rows = valid_return("C1", "C2", "C3", "C4", "C5")
    ops = {r["operation_ref"]: r for r in rows["operations"]}
    ops["C2"]["europol_check_date"] = "2018-02-01"
    ops["C3"]["international_dimension"] = "Yes"
    rows["details"].append(
        {"operation_ref": "C3", "detail": "international_country", "value": "France"}
    )
    ops["C5"].update(status="Closed", closed_date="2018-02-10", disruption_outcome="Charged")
    for n in rows["nationalities"]:
        if n["operation_ref"] in ("C3", "C4"):
            n["nationality"] = "UK"
    rows["nationalities"] = _merge(rows["nationalities"])
    raw = RawReturn.from_rows("Cleveland.csv", rows)
    result = submit_raw(engine, who, raw, "Cleveland", Period(2018, 2), "x")
    assert result.outcome == Outcome.ACCEPTED, result.issues


def _merge(nats: list[dict[str, Any]]) -> list[dict[str, Any]]:
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for n in nats:
        key = (n["operation_ref"], n["group"], n["nationality"])
        if key in merged:
            merged[key]["count"] += n["count"]
        else:
            merged[key] = dict(n)
    return list(merged.values())


def test_prompts_list_unchecked_international_live_operations(
    engine: Engine, operator: Principal
) -> None:
    load_mixed(engine, operator)
    with engine.begin() as conn:
        found = prompts(conn, operator, "Cleveland")
    assert [(r["operation_ref"], r["reasons"]) for r in found] == [
        ("C1", "non-UK nationals: Romanian"),
        ("C3", "international dimension"),
    ]
    with engine.begin() as conn:
        record_event(
            conn,
            operator,
            "Cleveland",
            EventKind.CHECK,
            date(2018, 3, 2),
            "C1",
            CheckOutcome.NO_TRACE,
        )
        assert [r["operation_ref"] for r in prompts(conn, operator, "Cleveland")] == ["C3"]


def test_bad_events_are_refused_and_annual_counts(engine: Engine, operator: Principal) -> None:
    load_mixed(engine, operator)
    before = row_counts(engine)
    with pytest.raises(InvalidInput, match="outcome: a check needs"), engine.begin() as conn:
        record_event(conn, operator, "Cleveland", EventKind.CHECK, date(2018, 3, 2), "C1")
    with pytest.raises(InvalidInput, match="operation: a jit"), engine.begin() as conn:
        record_event(conn, operator, "Cleveland", EventKind.JIT, date(2018, 3, 2))
    assert row_counts(engine) == before
    with engine.begin() as conn:
        record_event(
            conn, operator, "Cleveland", EventKind.CHECK, date(2018, 3, 2), "C1", CheckOutcome.TRACE
        )
        record_event(conn, operator, "Cleveland", EventKind.OPERATIONAL_MEETING, date(2018, 4, 2))
        record_event(
            conn, operator, "Cleveland", EventKind.CHECK, date(2017, 3, 2), "C3", CheckOutcome.TRACE
        )
        rows = annual(conn, operator, 2018)
    assert rows[-1] == {
        "organisation": "Total",
        "checks_recorded": 1,
        "checks_in_returns": 1,
        "operational_meetings_recorded": 1,
        "jits_recorded": 0,
        "operations_with_jit": 0,
    }


def test_cli_prompts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    monkeypatch.setenv("MSOPS_DATABASE_URL", url)
    engine = make_engine(url)
    upgrade(engine)
    load_mixed(engine, system_principal("loader"))
    engine.dispose()
    result = CliRunner().invoke(
        europol, ["prompts", "--org", "Cleveland", "--format", "csv"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert [line.split(",")[1] for line in result.output.splitlines()[1:]] == ["C1", "C3"]
