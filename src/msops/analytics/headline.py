"""The headline figures of a month: what the national overview opens with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, Table, exists, func, select, true

from msops.domain.errors import AccessDenied, InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import PARTNER_KIND, REGIONS, ROCU_KIND, find_organisation
from msops.domain.return_spec import LIVE_STATUSES, VICTIM_COUNT_COLUMNS
from msops.store import schema as s
from msops.store.scope import visible_organisations

CHILD_COLUMNS = tuple(c for c in VICTIM_COUNT_COLUMNS if "_child_" in c)
LEAD = s.organisation.alias("lead")  # the organisation leading an operation (not its holder)


# The national area: the returns come from the forces of England and Wales, BTP, Police
# Scotland, PSNI, the ROCUs and partner agencies.
UK_WIDE = "England, Wales, Scotland and Northern Ireland"


@dataclass(frozen=True)
class Area:
    """A narrowing inside the principal's scope: one region, or one organisation (short name).

    It applies to the organisation that submits the return (whose operation it is), never widens
    what the principal may see.
    """

    region: str | None = None
    organisation: str | None = None

    @classmethod
    def of(cls, region: str | None, organisation: str | None) -> Area:
        """A checked area from command-line words: a known region or organisation, not both."""
        if region and organisation:
            raise InvalidInput("give --region or --org, not both")
        if region and region not in REGIONS:
            raise InvalidInput(f"region must be one of: {', '.join(REGIONS)}")
        if organisation:
            found = find_organisation(organisation)
            if found is None:
                raise InvalidInput(f"no organisation is called {organisation!r}; see `msops orgs`")
            return cls(organisation=found.short_name)
        return cls(region=region or None)

    def within(self, principal: Principal) -> Area:
        """The area the principal's figures actually cover: their own organisation or region
        when none narrower is asked for; AccessDenied for one outside their scope, so that no
        report is titled with an area whose figures it does not hold (or holds as zeros)."""
        own_org, own_region = principal.organisation, principal.region
        if principal.sees_everything or not (own_org or own_region):
            return self
        if own_org:
            own = find_organisation(own_org)
            mine = own.short_name if own else own_org
            if self.region or (self.organisation and self.organisation != mine):
                raise AccessDenied(f"{principal.describe()} may see figures for {mine} only")
            return Area(organisation=mine)
        if self.region and self.region != own_region:
            raise AccessDenied(f"{principal.describe()} may see figures for {own_region} only")
        if self.organisation:
            found = find_organisation(self.organisation)
            if found is None or found.region != own_region:
                raise AccessDenied(f"{principal.describe()} may see figures for {own_region} only")
            return self
        return Area(region=own_region)

    def clause(self, org: Table) -> ColumnElement[bool]:
        if self.organisation:
            return org.c.short_name == self.organisation
        if self.region:
            return org.c.region == self.region
        return true()

    def describe(self) -> str:
        return self.organisation or self.region or UK_WIDE


NATIONAL = Area()


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


def months_in_scope(principal: Principal, area: Area, *columns: ColumnElement[Any]) -> Select[Any]:
    """SELECT `columns` FROM the current operation months in the principal's scope and area.

    The query joins the operation, its organisation (`schema.organisation`) and its lead
    organisation (`LEAD`); callers add their own conditions.
    """
    om, op, org = s.operation_month, s.operation, s.organisation
    return (
        select(*columns)
        .select_from(om)
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .join(LEAD, LEAD.c.id == om.c.lead_org_id)
        .where(om.c.is_current, visible_organisations(principal, org), area.clause(org))
    )


def count_if(cond: ColumnElement[bool]) -> ColumnElement[int]:
    """How many rows meet `cond` (0 when none does)."""
    return func.count().filter(cond)


def sum_if(cond: ColumnElement[bool], value: ColumnElement[int]) -> ColumnElement[int]:
    """The sum of `value` over the rows meeting `cond` (0 when none does)."""
    return func.coalesce(func.sum(value).filter(cond), 0)


def victims_total(columns: tuple[str, ...] = VICTIM_COUNT_COLUMNS) -> ColumnElement[int]:
    om = s.operation_month
    return sum((om.c[c] for c in columns[1:]), om.c[columns[0]])


def headline(
    conn: Connection, principal: Principal, period: Period, area: Area = NATIONAL
) -> Headline:
    """Headline figures for `period` from the current returns within the principal's scope."""
    om = s.operation_month
    live = om.c.status.in_(LIVE_STATUSES)
    lead = LEAD
    police_lead = lead.c.kind != PARTNER_KIND
    columns = (
        count_if(live & police_lead),
        count_if(live & police_lead & (lead.c.kind != ROCU_KIND)),
        count_if(live & (lead.c.kind == ROCU_KIND)),
        count_if(live & ~police_lead),
        count_if((om.c.opened_date >= period.first_day) & (om.c.opened_date <= period.last_day)),
        count_if(om.c.status == "closed"),
        sum_if(live & police_lead, victims_total()),
        sum_if(live & police_lead, victims_total(CHILD_COLUMNS)),
        func.count(lead.c.region.distinct()).filter(live & lead.c.region.in_(REGIONS)),
    )
    base = months_in_scope(principal, area, *columns)
    figures = [int(v) for v in conn.execute(base.where(om.c.period == str(period))).one()]
    held = held_to_date(conn, principal, period, area)
    live_police, local, rocu, partner, opened, closed, n_victims, n_children, regions = figures
    return Headline(
        period,
        live_police,
        local,
        rocu,
        partner,
        opened,
        closed,
        held,
        n_victims,
        n_children,
        regions,
    )


def held_to_date(
    conn: Connection, principal: Principal, period: Period, area: Area = NATIONAL
) -> int:
    """Police-led operations held to date: in scope, with a current month up to `period` led by
    a force or ROCU.

    Counted over the operations (one index probe each, `ix_operation_month_held`), not over
    every month of every operation: the months of ten years are ten times as many.
    """
    om, op, org = s.operation_month, s.operation, s.organisation
    police = s.organisation.alias("police_lead")
    police_leads = select(police.c.id).where(police.c.kind != PARTNER_KIND)
    months = select(om.c.id).where(
        om.c.operation_id == op.c.id,
        om.c.is_current,
        om.c.period <= str(period),
        om.c.lead_org_id.in_(police_leads),
    )
    query = (
        select(func.count())
        .select_from(op)
        .join(org, org.c.id == op.c.organisation_id)
        .where(visible_organisations(principal, org), area.clause(org), exists(months))
    )
    return int(conn.execute(query).scalar_one())
