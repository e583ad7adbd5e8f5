"""The year's Europol activity per organisation in scope: queries (checks recorded here and
check dates in returns), operational meetings and joint investigation teams (JITs)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, and_, extract, func, select

from msops.domain.principal import Principal
from msops.store import schema as s
from msops.store.casework.common import Row, in_scope
from msops.store.schema.casework import casework_europol_event
from msops.store.scope import visible_organisations


def annual(conn: Connection, principal: Principal, year: int) -> list[Row]:
    """Per organisation in scope, then in total: the year's Europol queries (recorded checks and
    check dates in returns), operational meetings and JITs (recorded and reported in returns)."""
    ev, o = casework_europol_event, s.organisation
    counts: dict[str, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for r in conn.execute(
        select(o.c.short_name, ev.c.kind, func.count())
        .join(o, o.c.id == ev.c.organisation_id)
        .where(in_scope(principal, ev), extract("year", ev.c.event_on) == year)
        .group_by(o.c.short_name, ev.c.kind)
    ):
        counts[r[0]][f"{r[1]}s_recorded"] = int(r[2])
    for name, column, value in (
        ("checks_in_returns", "europol_check_date", None),
        ("operations_with_jit", "jit", "yes"),
    ):
        for org_name, n in _from_returns(principal, year, column, value, conn):
            counts[org_name][name] = n
    columns = [
        "checks_recorded",
        "checks_in_returns",
        "operational_meetings_recorded",
        "jits_recorded",
        "operations_with_jit",
    ]
    rows = [
        {"organisation": k, **{c: v.get(c, 0) for c in columns}} for k, v in sorted(counts.items())
    ]
    rows.append({"organisation": "Total", **{c: sum(r[c] for r in rows) for c in columns}})
    return rows


def _from_returns(
    principal: Principal, year: int, column: str, value: str | None, conn: Connection
) -> list[tuple[str, int]]:
    om, op, o = s.operation_month, s.operation, s.organisation
    if value is None:
        condition = and_(om.c[column].is_not(None), extract("year", om.c[column]) == year)
    else:
        condition = and_(om.c[column] == value, om.c.period.like(f"{year:04d}-%"))
    rows = conn.execute(
        select(o.c.short_name, func.count(func.distinct(op.c.id)))
        .join(op, op.c.id == om.c.operation_id)
        .join(o, o.c.id == op.c.organisation_id)
        .where(om.c.is_current, condition, visible_organisations(principal, o))
        .group_by(o.c.short_name)
    ).all()
    return [(r[0], int(r[1])) for r in rows]
