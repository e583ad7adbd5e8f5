"""What the operations list can be narrowed to: every figure of the national picture has one.

A filter names the operations behind a figure of the dashboard: those of an area (region or
organisation), a status, a primary exploitation category or type, a lead organisation type, a
victim's or suspect's nationality, an outcome recorded to date, or a Europol check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select

from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.reference import (
    PARTNER_KIND,
    REGIONS,
    ROCU_KIND,
    find_code,
    find_organisation,
)
from msops.domain.return_spec import CUMULATIVE_COLUMNS, LIVE_STATUSES
from msops.store import schema as s

# lead organisation type: police = any force or ROCU; local = a force (not a ROCU)
LEADS = ("police", "local", "rocu", "partner")
PEOPLE = ("victim", "suspect")
EUROPOL = ("checked", "unchecked")  # of the live operations due a Europol check


@dataclass(frozen=True)
class OperationFilter:
    period: Period | None = None  # None: the latest month with any current return
    organisation: str | None = None  # short name
    region: str | None = None
    status: str | None = None  # live (live or reopened) or closed
    exploitation: str | None = None  # category or type code
    lead: str | None = None  # one of LEADS
    nationality: str | None = None  # of a victim or suspect (`people`), as the return names it
    people: str | None = None  # victim or suspect; None: either
    outcome: str | None = None  # a running-total column: operations with at least one
    europol: str | None = None  # one of EUROPOL (implies live)

    @classmethod
    def from_text(
        cls,
        period: str | None = None,
        org: str | None = None,
        region: str | None = None,
        status: str | None = None,
        exploitation: str | None = None,
        **more: str | None,
    ) -> OperationFilter:
        """A filter from what a person typed (command line or form); blanks mean no filter.

        `more` takes the drill-down filters by name: lead, nationality, people, outcome, europol.
        """
        org_short = None
        if org:
            found = find_organisation(org)
            if found is None:
                raise InvalidInput(f"no organisation is called {org!r}; `msops orgs` lists them")
            org_short = found.short_name
        if region and region not in REGIONS:
            raise InvalidInput(f"region must be one of: {', '.join(REGIONS)}")
        _one_of("status", status, ("live", "closed"))
        code = None
        if exploitation:
            found_code = find_code("exploitation_category", exploitation) or find_code(
                "exploitation_type", exploitation
            )
            if found_code is None:
                raise InvalidInput(f"{exploitation!r} is not an exploitation category or type")
            code = found_code.code
        month = Period.parse(period) if period else None
        drill = {k: (v or None) for k, v in more.items()}
        unknown = set(drill) - {"lead", "nationality", "people", "outcome", "europol"}
        if unknown:
            raise TypeError(f"unknown filters: {sorted(unknown)}")
        _one_of("lead", drill.get("lead"), LEADS)
        _one_of("people", drill.get("people"), PEOPLE)
        _one_of("outcome", drill.get("outcome"), CUMULATIVE_COLUMNS)
        _one_of("europol", drill.get("europol"), EUROPOL)
        if drill.get("nationality") and len(str(drill["nationality"])) > 80:
            raise InvalidInput("nationality: at most 80 characters")
        return cls(month, org_short, region or None, status or None, code, **drill)


def _one_of(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value and value not in allowed:
        raise InvalidInput(f"{name} must be one of: {', '.join(allowed)}")


def conditions(flt: OperationFilter) -> list[ColumnElement[bool]]:
    """The filter as WHERE conditions on `operation_month` joined to its holder `organisation`."""
    om, org = s.operation_month, s.organisation
    out: list[ColumnElement[bool]] = []
    if flt.organisation:
        out.append(org.c.short_name == flt.organisation)
    if flt.region:
        out.append(org.c.region == flt.region)
    if flt.status == "live" or flt.europol:
        out.append(om.c.status.in_(LIVE_STATUSES))
    elif flt.status:
        out.append(om.c.status == flt.status)
    if flt.exploitation:
        out.append(
            (om.c.primary_category == flt.exploitation) | (om.c.primary_type == flt.exploitation)
        )
    if flt.lead:
        out.append(om.c.lead_org_id.in_(_leads(flt.lead)))
    if flt.nationality:
        out.append(_naming(flt.nationality, flt.people))
    if flt.outcome:
        out.append(om.c[flt.outcome] > 0)
    if flt.europol:
        out.append(_europol(flt.europol == "checked"))
    return out


def _leads(lead: str) -> Select[Any]:
    kind = s.organisation.alias("lead_kind")
    which = {
        "police": kind.c.kind != PARTNER_KIND,
        "local": kind.c.kind.not_in((PARTNER_KIND, ROCU_KIND)),
        "rocu": kind.c.kind == ROCU_KIND,
        "partner": kind.c.kind == PARTNER_KIND,
    }[lead]
    return select(kind.c.id).where(which)


def _naming(nationality: str, people: str | None) -> ColumnElement[bool]:
    om, nat = s.operation_month, s.operation_nationality
    found = [nat.c.operation_month_id == om.c.id, nat.c.nationality == nationality, nat.c.count > 0]
    if people:
        found.append(nat.c.grp == people)
    return exists().where(*found)


def _europol(checked: bool) -> ColumnElement[bool]:
    # Imported here: the Europol register's store reads the latest month from operations_repo.
    from msops.store.casework.europol import due_a_check

    dated = s.operation_month.c.europol_check_date.is_not(None)
    return due_a_check() & (dated if checked else ~dated)
