"""The monthly overview over a 10-year national history, against a hand-written DuckDB query.

    .venv/bin/python -m benchmarks.overview_bench --db PATH [--period YYYY-MM] [--repeat 5]

PATH is a database loaded by `benchmarks/history_load.py --db PATH` (built here first when it
does not exist). Times, medians of `--repeat` rounds after one warm-up round:

* msops `overview()`: every figure of the overview, through the principal's scope, on SQLite;
* msops `headline()` alone;
* msops `trend()` alone (read from the monthly totals kept at submission, `month_summary`),
  and a hand-written DuckDB query computing the same trend from every operation month;
* DuckDB: one hand-written SQL query computing the same headline figures over the same data,
  read from the SQLite file into DuckDB through pandas (DuckDB's SQLite scanner is an extension
  downloaded at run time, which msops may not do). Reading the tables is timed separately.

The DuckDB figures are checked against msops's before any time is reported. Targets: the
overview under 1 s, and within 2x of the hand-written query.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from sqlalchemy import Connection, Engine, func, select

from benchmarks._common import BENCH, fresh_sqlite, load, machine
from msops.analytics.headline import headline
from msops.analytics.overview import overview, trend
from msops.domain.periods import Period
from msops.domain.reference import REGIONS
from msops.store import schema as s
from msops.store.engine import make_engine
from msops.store.migrate import current_revision, head_revision, upgrade
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


TREND_SQL = """
SELECT
  period,
  count(*) FILTER (WHERE status IN ('live', 'reopened') AND lead.kind <> 'partner_agency'),
  count(*) FILTER (WHERE status IN ('live', 'reopened') AND lead.kind = 'partner_agency'),
  count(*) FILTER (WHERE strftime(opened_date, '%Y-%m') = period),
  count(*) FILTER (WHERE status = 'closed')
FROM operation_month om
JOIN organisation lead ON lead.id = om.lead_org_id
WHERE om.is_current AND period <= $p
GROUP BY period
"""


def interleaved(fns: dict[str, Callable[[], Any]], rounds: int) -> dict[str, list[float]]:
    """Wall times of every function, run in turn `rounds` times after one warm-up round.

    Running them in turn (not one after another in blocks) gives each the same share of the
    load from other work on the machine, so their ratios are fair even when the times are not.
    """
    for fn in fns.values():
        fn()
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return times


def ratio(times: dict[str, list[float]], ours: str, theirs: str) -> float:
    """The median over the rounds of our time / their time in the same round."""
    return statistics.median(a / b for a, b in zip(times[ours], times[theirs], strict=True))


def ensure_history(db: Path, last: Period) -> Engine:
    if db.exists():
        engine = make_engine(f"sqlite:///{db}")
        if current_revision(engine) != head_revision():
            print(f"bringing {db} to the current schema (msops db upgrade)", flush=True)
            start = time.perf_counter()
            upgrade(engine)  # includes 0009's backfill of the monthly totals
            print(f"  migrations applied in {time.perf_counter() - start:.2f} s", flush=True)
        return engine
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


def duckdb_trend(
    con: duckdb.DuckDBPyConnection, period: Period
) -> dict[Period, tuple[int, int, int, int]]:
    rows = con.execute(TREND_SQL, {"p": str(period)}).fetchall()
    return {Period.parse(p): (int(a), int(b), int(c), int(d)) for p, a, b, c, d in rows}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--period", default=None)
    parser.add_argument("--repeat", type=int, default=15)
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
    start = time.perf_counter()
    con = duckdb_tables(engine)
    t_copy = time.perf_counter() - start
    with engine.connect() as conn:
        check(conn, con, period)
        times = interleaved(
            {
                "msops overview (all figures)": lambda: overview(conn, BENCH, period),
                "msops headline": lambda: headline(conn, BENCH, period),
                "DuckDB headline": lambda: duckdb_headline(con, period),
                "msops trend": lambda: trend(conn, BENCH, period),
                "DuckDB trend": lambda: duckdb_trend(con, period),
            },
            args.repeat,
        )
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{args.repeat} rounds, load average {load} on {os.cpu_count()} cores; medians:")
    for name, values in times.items():
        print(f"  {name:30s} {statistics.median(values) * 1000:8.1f} ms")
    print(f"  {'DuckDB copy of the two tables':30s} {t_copy * 1000:8.1f} ms (once per process)")
    print("ratios (median over rounds of the same round's times):")
    for ours, theirs in (
        ("msops headline", "DuckDB headline"),
        ("msops trend", "DuckDB trend"),
        ("msops overview (all figures)", "DuckDB headline"),
    ):
        print(f"  {ours} / {theirs}: {ratio(times, ours, theirs):.2f}x")


def check(conn: Connection, con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """Stop unless msops and DuckDB give the same headline figures and the same trend."""
    head = headline(conn, BENCH, period)
    ours = (
        head.live_police_led, head.live_led_by_local_forces, head.live_led_by_rocus,
        head.live_partner_led, head.opened_in_month, head.closed_in_month,
        head.police_led_held_to_date, head.victims_in_live_police_led,
        head.child_victims_in_live_police_led, head.regions_active,
    )  # fmt: skip
    duck = duckdb_headline(con, period)
    if duck != ours or overview(conn, BENCH, period).headline != head:
        raise SystemExit(f"headline figures differ: duckdb {duck}, msops {ours}")
    points = trend(conn, BENCH, period)
    duck_trend = duckdb_trend(con, period)
    our_trend = {
        p.period: (p.live_police_led, p.live_partner_led, p.opened, p.closed) for p in points
    }
    if any(duck_trend.get(p, (0, 0, 0, 0)) != v for p, v in our_trend.items()) or not (
        set(duck_trend) <= set(our_trend)
    ):
        raise SystemExit("the trends differ")
    print(f"headline figures agree: {ours}; trends agree over {len(points)} months")


if __name__ == "__main__":
    main()
