"""Compliance of NRM referrals with the crime-recording deadline and the RG decision target.

Aggregate figures only: a PCC sees their own force area, other roles their usual scope.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Connection, select

from msops.domain.casework.nrm_referrals import (
    CRIME_RECORDING_HOURS,
    RG_TARGET_WORKING_DAYS,
    Recording,
    add_working_days,
    crime_recording,
)
from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal, Role
from msops.store import schema as s
from msops.store.casework.nrm_referrals import settings
from msops.store.schema.casework import casework_nrm_referral
from msops.store.scope import visible_organisations

ALL_FORCES = "All forces in scope"


@dataclass
class Compliance:
    organisation: str
    referrals: int = 0
    crime_on_time: int = 0
    crime_late: int = 0
    crime_overdue: int = 0
    crime_not_yet_due: int = 0
    rg_decided: int = 0
    rg_within_target: int = 0
    rule: dict[str, int] = field(default_factory=dict)

    @property
    def crime_due(self) -> int:
        """Referrals whose recording deadline has passed or that were recorded."""
        return self.referrals - self.crime_not_yet_due

    @property
    def crime_on_time_pct(self) -> float | None:
        return None if self.crime_due == 0 else round(100 * self.crime_on_time / self.crime_due, 1)

    @property
    def rg_within_target_pct(self) -> float | None:
        if self.rg_decided == 0:
            return None
        return round(100 * self.rg_within_target / self.rg_decided, 1)

    def as_row(self) -> dict[str, Any]:
        return {
            "organisation": self.organisation,
            "referrals": self.referrals,
            "crime_on_time": self.crime_on_time,
            "crime_late": self.crime_late,
            "crime_overdue": self.crime_overdue,
            "crime_not_yet_due": self.crime_not_yet_due,
            "crime_on_time_pct": self.crime_on_time_pct,
            "rg_decided": self.rg_decided,
            "rg_within_target": self.rg_within_target,
            "rg_within_target_pct": self.rg_within_target_pct,
        }


def _aggregate_scope(principal: Principal) -> ColumnElement[bool]:
    if principal.role == Role.PCC and principal.organisation:
        return s.organisation.c.short_name == principal.organisation
    return visible_organisations(principal)


def _count(into: Compliance, row: Any, hours: int, target_days: int, now: datetime) -> None:
    into.referrals += 1
    status = crime_recording(row.referred_at, row.crime_recorded_at, hours, now)
    attr = {
        Recording.ON_TIME: "crime_on_time",
        Recording.LATE: "crime_late",
        Recording.OVERDUE: "crime_overdue",
        Recording.NOT_YET_DUE: "crime_not_yet_due",
    }[status]
    setattr(into, attr, getattr(into, attr) + 1)
    if row.rg_decided_on is not None:
        into.rg_decided += 1
        if row.rg_decided_on <= add_working_days(row.referred_at.date(), target_days):
            into.rg_within_target += 1


def compliance(
    conn: Connection, principal: Principal, start: date, end: date, now: datetime
) -> list[Compliance]:
    """Per force, then a total: referrals made from `start` to `end` inclusive, judged against
    the stored rule settings as they stand at `now`."""
    if end < start:
        raise InvalidInput(f"to: {end} is before from ({start})")
    rule = settings(conn)
    hours, target = rule[CRIME_RECORDING_HOURS], rule[RG_TARGET_WORKING_DAYS]
    t, o = casework_nrm_referral, s.organisation
    rows = conn.execute(
        select(o.c.short_name, t.c.referred_at, t.c.crime_recorded_at, t.c.rg_decided_on)
        .join(o, o.c.id == t.c.organisation_id)
        .where(
            _aggregate_scope(principal),
            t.c.referred_at >= datetime.combine(start, datetime.min.time()),
            t.c.referred_at < datetime.combine(end + timedelta(days=1), datetime.min.time()),
        )
        .order_by(o.c.short_name)
    ).all()
    by_org: dict[str, Compliance] = {}
    total = Compliance(ALL_FORCES, rule=rule)
    for row in rows:
        one = by_org.setdefault(row.short_name, Compliance(row.short_name, rule=rule))
        _count(one, row, hours, target, now)
        _count(total, row, hours, target, now)
    return [*by_org.values(), total]


def overview_figure(
    conn: Connection, principal: Principal, start: date, end: date, now: datetime
) -> Compliance:
    """The one figure for the overview: every force in scope together."""
    return compliance(conn, principal, start, end, now)[-1]


def rows(figures: Iterable[Compliance]) -> list[dict[str, Any]]:
    return [f.as_row() for f in figures]
