"""`msops subject search` over a national history: a name, a name with a date of birth, an
identifier.

    .venv/bin/python -m benchmarks.subject_search --db PATH [--to 2021-12] [--repeat 5]

PATH is a database loaded through the submission path (built here first, up to `--to`, when it
does not exist; `benchmarks/history_load.py --db PATH` builds the full 10 years). The person
searched for is the first stored nominal with a date of birth and an identifier, so that every
search finds something. Times `find_subject` (the function behind the command and the
`/subject` page), medians of `--repeat` rounds after one warm-up round, each in a transaction
that is rolled back (the search appends a consultation to the audit trail).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from sqlalchemy import Engine, func, select

from benchmarks._common import BENCH, fresh_sqlite, load, machine, timed
from msops.domain.periods import Period
from msops.linkage.subjects import SubjectQuery, find_subject
from msops.store import schema as s
from msops.store.engine import make_engine
from msops.synthetic import generate_history


def database(path: Path, last: str) -> Engine:
    if path.exists():
        return make_engine(f"sqlite:///{path}")
    engine = fresh_sqlite(path)
    results: dict[str, float] = {}
    with timed(f"load the history to {last}", results):
        load(engine, generate_history(seed=2018, last=Period.parse(last)))
    return engine


def person(engine: Engine) -> tuple[str, str, str, str]:
    """(given, family, date of birth, phone) of the first nominal holding a date and a phone."""
    nm, idf = s.nominal, s.identifier
    query = (
        select(nm.c.given_name, nm.c.family_name, nm.c.date_of_birth, idf.c.value)
        .join(idf, idf.c.nominal_id == nm.c.id)
        .where(nm.c.date_of_birth.is_not(None), nm.c.family_name.is_not(None))
        .where(idf.c.kind == "phone")
        .order_by(nm.c.id)
        .limit(1)
    )
    with engine.connect() as conn:
        given, family, born, phone = conn.execute(query).one()
    return given, family, born.isoformat(), phone


def median_of(engine: Engine, query: SubjectQuery, repeat: int) -> tuple[float, int]:
    times, found = [], 0
    for _ in range(repeat + 1):
        with engine.connect() as conn:
            start = time.perf_counter()
            findings = find_subject(conn, BENCH, query, "benchmark")
            times.append(time.perf_counter() - start)
            found = len(findings.records)
            conn.rollback()
    return statistics.median(times[1:]), found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--to", default="2021-12")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    engine = database(args.db, args.to)
    with engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(s.nominal)).scalar_one()
    given, family, born, phone = person(engine)
    print(f"{machine()}; {rows} nominal rows (every return version)")
    searches: dict[str, Callable[[], SubjectQuery]] = {
        "family name": lambda: SubjectQuery(family=family),
        "given and family name, date of birth": lambda: SubjectQuery(
            given=given, family=family, dob=date.fromisoformat(born)
        ),
        "names sounding alike": lambda: SubjectQuery(family=family, sounds_like=True),
        "phone": lambda: SubjectQuery(identifiers=(("phone", phone),)),
    }
    for label, build in searches.items():
        seconds, found = median_of(engine, build(), args.repeat)
        print(f"{label}: {seconds * 1000:.0f} ms (median of {args.repeat}), {found} records")


if __name__ == "__main__":
    main()
