"""The headline figures of a month: what the national overview opens with."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, case, distinct, func, select

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import REGIONS
from msops.domain.return_spec import VICTIM_COUNT_COLUMNS
from msops.store import schema as s
from msops.store.scope import visible_organisations

CHILD_COLUMNS = tuple(c for c in VICTIM_COUNT_COLUMNS if "_child_" in c)


@dataclass(frozen=True)
class Headline:
    period: Period
    live_police_led: int
    live_led_by_local_forces: int
    live_led_by_rocus: int
    live_partner_led: int
    opened_in_month: int
    closed_in_month: int
    police_led_held_to_date: int
    victims_in_live_police_led: int
    child_victims_in_live_police_led: int
    regions_active: int  # of the 10 policing regions of England and Wales

    @property
    def local_force_share(self) -> float:
        return self.live_led_by_local_forces / self.live_police_led if self.live_police_led else 0.0

    @property
    def rocu_share(self) -> float:
        return self.live_led_by_rocus / self.live_police_led if self.live_police_led else 0.0


def headline(conn: Connection, principal: Principal, period: Period) -> Headline:
    """Headline figures for `period` from the current returns within the principal's scope."""
    om, op, org = s.operation_month, s.operation, s.organisation
    lead = org.alias("lead")
    live = om.c.status.in_(("live", "reopened"))
    police_lead = lead.c.kind != "partner_agency"
    victims = sum((om.c[c] for c in VICTIM_COUNT_COLUMNS[1:]), om.c[VICTIM_COUNT_COLUMNS[0]])
    children = sum((om.c[c] for c in CHILD_COLUMNS[1:]), om.c[CHILD_COLUMNS[0]])

    def count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    base = (
        select(
            count_if(live & police_lead),
            count_if(live & police_lead & (lead.c.kind != "rocu")),
            count_if(live & (lead.c.kind == "rocu")),
            count_if(live & ~police_lead),
            count_if(
                (om.c.opened_date >= period.first_day) & (om.c.opened_date <= period.last_day)
            ),
            count_if(om.c.status == "closed"),
            func.coalesce(func.sum(case((live & police_lead, victims), else_=0)), 0),
            func.coalesce(func.sum(case((live & police_lead, children), else_=0)), 0),
            func.count(distinct(case((live & lead.c.region.in_(REGIONS), lead.c.region)))),
        )
        .select_from(om)
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .join(lead, lead.c.id == om.c.lead_org_id)
        .where(om.c.is_current, om.c.period == str(period), visible_organisations(principal, org))
    )
    figures = [int(v) for v in conn.execute(base).one()]
    held = conn.execute(
        select(func.count(distinct(om.c.operation_id)))
        .select_from(om)
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .join(lead, lead.c.id == om.c.lead_org_id)
        .where(
            om.c.is_current,
            om.c.period <= str(period),
            police_lead,
            visible_organisations(principal, org),
        )
    ).scalar_one()
    live_police, local, rocu, partner, opened, closed, n_victims, n_children, regions = figures
    return Headline(
        period,
        live_police,
        local,
        rocu,
        partner,
        opened,
        closed,
        int(held),
        n_victims,
        n_children,
        regions,
    )
