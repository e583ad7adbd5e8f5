"""The monthly overview over a 10-year national history, against a hand-written DuckDB query.

    .venv/bin/python -m benchmarks.overview_bench --db PATH [--period YYYY-MM] [--repeat 5]

PATH is a database loaded by `benchmarks/history_load.py --db PATH` (built here first when it
does not exist). Times, best of `--repeat` runs after one warm-up run:

* msops `overview()`: every figure of the overview, through the principal's scope, on SQLite;
* msops `headline()` alone;
* DuckDB: one hand-written SQL query computing the same headline figures over the same data,
  read from the SQLite file into DuckDB through pandas (DuckDB's SQLite scanner is an extension
  downloaded at run time, which msops may not do). Reading the tables is timed separately.

The DuckDB figures are checked against msops's before any time is reported. Targets: the
overview under 1 s, and within 2x of the hand-written query.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import Engine, func, select

from benchmarks._common import BENCH, fresh_sqlite, load, machine
from msops.analytics.headline import headline
from msops.analytics.overview import overview
from msops.domain.periods import Period
from msops.domain.reference import REGIONS
from msops.store import schema as s
from msops.store.engine import make_engine
from msops.synthetic import generate_history

HEADLINE_SQL = """
WITH m AS (
  SELECT om.*, lead.kind AS lead_kind, lead.region AS lead_region,
         om.victims_adult_female + om.victims_adult_male + om.victims_adult_unknown
         + om.victims_child_female + om.victims_child_male + om.victims_child_unknown AS victims,
         om.victims_child_female + om.victims_child_male + om.victims_child_unknown AS children,
         om.status IN ('live', 'reopened') AS live
  FROM operation_month om
  JOIN organisation lead ON lead.id = om.lead_org_id
  WHERE om.is_current
)
SELECT
  count(*) FILTER (WHERE period = $p AND live AND lead_kind <> 'partner_agency'),
  count(*) FILTER (WHERE period = $p AND live AND lead_kind NOT IN ('partner_agency', 'rocu')),
  count(*) FILTER (WHERE period = $p AND live AND lead_kind = 'rocu'),
  count(*) FILTER (WHERE period = $p AND live AND lead_kind = 'partner_agency'),
  count(*) FILTER (WHERE period = $p AND opened_date BETWEEN $first AND $last),
  count(*) FILTER (WHERE period = $p AND status = 'closed'),
  count(DISTINCT operation_id) FILTER (WHERE period <= $p AND lead_kind <> 'partner_agency'),
  coalesce(sum(victims) FILTER (WHERE period = $p AND live AND lead_kind <> 'partner_agency'), 0),
  coalesce(sum(children) FILTER (WHERE period = $p AND live AND lead_kind <> 'partner_agency'), 0),
  count(DISTINCT lead_region) FILTER (WHERE period = $p AND live AND lead_region IN $regions)
FROM m
"""


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of `repeat` runs after a warm-up run, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def ensure_history(db: Path, last: Period) -> Engine:
    if db.exists():
        return make_engine(f"sqlite:///{db}")
    print(f"building the history in {db} (a few minutes)", flush=True)
    engine = fresh_sqlite(db)
    load(engine, generate_history(seed=2018, last=last))
    return engine


def duckdb_tables(engine: Engine) -> duckdb.DuckDBPyConnection:
    """The two tables the headline needs, copied from the SQLite file into DuckDB."""
    con = duckdb.connect()
    with engine.connect() as conn:
        for table in (s.organisation, s.operation_month):
            frame = pd.read_sql(select(table), conn)
            if table is s.operation_month:
                frame["opened_date"] = pd.to_datetime(frame["opened_date"]).dt.date
            # Table names are our own schema's, not input.
            con.register("frame", frame)
            con.execute(f"CREATE TABLE {table.name} AS SELECT * FROM frame")  # noqa: S608
            con.unregister("frame")
    return con


def duckdb_headline(con: duckdb.DuckDBPyConnection, period: Period) -> tuple[int, ...]:
    params = {
        "p": str(period),
        "first": period.first_day,
        "last": period.last_day,
        "regions": list(REGIONS),
    }
    row = con.execute(HEADLINE_SQL.replace("IN $regions", "= ANY($regions)"), params).fetchone()
    assert row is not None
    return tuple(int(v) for v in row)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--period", default=None)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = ensure_history(args.db, Period(2026, 11))
    with engine.connect() as conn:
        latest = conn.execute(select(func.max(s.operation_month.c.period))).scalar_one()
        months = conn.execute(
            select(func.count(func.distinct(s.operation_month.c.period)))
        ).scalar_one()
        rows = conn.execute(select(func.count()).select_from(s.operation_month)).scalar_one()
    period = Period.parse(args.period or latest)
    print(f"{machine()}; {months} months, {rows} operation-months; overview of {period}")
    with engine.connect() as conn:
        t_overview, ov = best(lambda: overview(conn, BENCH, period), args.repeat)
        t_headline, head = best(lambda: headline(conn, BENCH, period), args.repeat)
    start = time.perf_counter()
    con = duckdb_tables(engine)
    t_copy = time.perf_counter() - start
    t_duck, duck = best(lambda: duckdb_headline(con, period), args.repeat)
    ours = (
        head.live_police_led, head.live_led_by_local_forces, head.live_led_by_rocus,
        head.live_partner_led, head.opened_in_month, head.closed_in_month,
        head.police_led_held_to_date, head.victims_in_live_police_led,
        head.child_victims_in_live_police_led, head.regions_active,
    )  # fmt: skip
    if duck != ours or ov.headline != head:
        raise SystemExit(f"figures differ: duckdb {duck}, msops {ours}")
    print(f"headline figures agree: {ours}")
    print(f"msops overview (all figures):   {t_overview * 1000:8.1f} ms  (target < 1000 ms)")
    print(f"msops headline alone:           {t_headline * 1000:8.1f} ms")
    print(f"DuckDB hand-written headline:   {t_duck * 1000:8.1f} ms")
    print(f"DuckDB copy of the two tables:  {t_copy * 1000:8.1f} ms (once per process)")
    print(f"ratio overview / DuckDB query:  {t_overview / t_duck:8.1f}x")
    print(f"ratio headline / DuckDB query:  {t_headline / t_duck:8.1f}x")
    print(f"ratio overview / (DuckDB copy + query): {t_overview / (t_copy + t_duck):.2f}x")


if __name__ == "__main__":
    main()
