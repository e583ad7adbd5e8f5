"""Keeping the monthly totals (`schema.summary.month_summary`) equal to the current returns.

`refresh_month_summary` runs in the transaction of every change to which version of an
organisation's return is current (today: `returns_repo.store_return`), after the change; it
recomputes that organisation's month from `operation_month`, so the totals can never say more
or less than the current operation months do.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, String, cast, delete, func, insert, select

from msops.domain.periods import Period
from msops.domain.return_spec import LIVE_STATUSES
from msops.store import schema as s
from msops.store.schema.summary import month_summary

SUMMARY_COLUMNS = (
    "period",
    "organisation_id",
    "lead_org_id",
    "return_version_id",
    "operations",
    "live",
    "opened",
    "closed",
)


def summary_of_current_months(*conditions: ColumnElement[bool]) -> Any:
    """SELECT the totals of the current operation months meeting `conditions`, in the order of
    `SUMMARY_COLUMNS`: one row per month, holding organisation, lead and return version."""
    om, op = s.operation_month, s.operation
    opened_month = func.substr(cast(om.c.opened_date, String), 1, 7)
    keys = (om.c.period, op.c.organisation_id, om.c.lead_org_id, om.c.return_version_id)
    return (
        select(
            *keys,
            func.count(),
            func.count().filter(om.c.status.in_(LIVE_STATUSES)),
            func.count().filter(opened_month == om.c.period),
            func.count().filter(om.c.status == "closed"),
        )
        .select_from(om)
        .join(op, op.c.id == om.c.operation_id)
        .where(om.c.is_current, *conditions)
        .group_by(*keys)
    )


def refresh_month_summary(conn: Connection, org_id: int, period: Period) -> None:
    """Recompute the totals of one organisation's month from its current operation months."""
    ms = month_summary
    conn.execute(delete(ms).where(ms.c.organisation_id == org_id, ms.c.period == str(period)))
    months = summary_of_current_months(
        s.operation_month.c.period == str(period), s.operation.c.organisation_id == org_id
    )
    conn.execute(insert(ms).from_select(list(SUMMARY_COLUMNS), months))
