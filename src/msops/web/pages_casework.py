"""Casework registers: orders (list, one order, expiring), Europol prompts, debrief
candidates and NRM referral compliance. Scope and audit are the registers' own (store)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from msops.analytics.casework.debriefs import debrief_candidates, load_rules
from msops.analytics.casework.nrm_referrals import compliance
from msops.domain.principal import Role
from msops.domain.reference import organisations
from msops.store.casework.europol import prompts
from msops.store.casework.orders import expiring_orders, list_orders, order_detail
from msops.store.operations_repo import latest_period
from msops.web.casework import (
    COMPLIANCE_COLUMNS,
    DEBRIEF_COLUMNS,
    EXPIRING_COLUMNS,
    ORDER_COLUMNS,
    PROMPT_COLUMNS,
    compliance_rows,
    compliance_window,
)
from msops.web.casework_forms import show_form, submit_form
from msops.web.casework_specs import order_spec
from msops.web.render import page
from msops.web.services import organisation_name, parse_period
from msops.web.session import OPERATIONAL, SUBMITTERS, Viewer, allow, engine_of

router = APIRouter(include_in_schema=False)
Operational = Annotated[Viewer, Depends(allow(OPERATIONAL))]
Overseer = Annotated[Viewer, Depends(allow(OPERATIONAL | {Role.PCC}))]
Submitter = Annotated[Viewer, Depends(allow(SUBMITTERS))]
Org = Annotated[str | None, Query(max_length=120)]
Month = Annotated[str | None, Query(max_length=7)]


def table_page(request: Request, viewer: Viewer, **context: Any) -> Response:
    context.setdefault("note", "")
    context.setdefault("form", None)
    context.setdefault("actions", [])
    return page(request, "casework_table.html", viewer, **context)


@router.get("/casework")
def casework_index(request: Request, viewer: Overseer) -> Response:
    return page(request, "casework.html", viewer)


@router.get("/casework/orders")
def orders_page(request: Request, viewer: Operational, org: Org = None) -> Response:
    with engine_of(request).begin() as conn:
        rows = list_orders(conn, viewer.principal, organisation_name(org))
    return table_page(
        request,
        viewer,
        title="Prevention and risk orders",
        columns=ORDER_COLUMNS,
        rows=rows,
        link=("id", "/casework/orders/"),
        note="Slavery and trafficking prevention (STPO) and risk (STRO) orders in your scope.",
        actions=[("/casework/orders/new", "Add an order")] if _writes(viewer) else [],
    )


def _writes(viewer: Viewer) -> bool:
    return viewer.user.role in SUBMITTERS


# Declared before /casework/orders/{order_id}, which would otherwise take "new" for an id.
@router.get("/casework/orders/new")
def order_form(request: Request, viewer: Submitter) -> Response:
    return show_form(request, viewer, order_spec(viewer))


@router.post("/casework/orders/new")
async def order_add(request: Request, viewer: Submitter) -> Response:
    return await submit_form(request, viewer, order_spec(viewer))


@router.get("/casework/orders/expiring")
def expiring_page(
    request: Request,
    viewer: Operational,
    within: Annotated[int, Query(ge=0, le=3650)] = 90,
) -> Response:
    today = datetime.now(UTC).date()
    with engine_of(request).begin() as conn:
        rows = expiring_orders(conn, viewer.principal, today, within)
    return table_page(
        request,
        viewer,
        title=f"Orders or travel bans ending within {within} days of {today}",
        columns=EXPIRING_COLUMNS,
        rows=rows,
        link=("id", "/casework/orders/"),
        form={"action": "/casework/orders/expiring", "fields": [("within", "Days", within)]},
    )


@router.get("/casework/orders/{order_id}")
def order_page(
    request: Request, viewer: Operational, order_id: Annotated[int, Path(ge=1, le=2**31)]
) -> Response:
    with engine_of(request).begin() as conn:
        detail = order_detail(conn, viewer.principal, order_id)
    columns = [c for c in ORDER_COLUMNS if c[0] in detail]
    return page(
        request, "order.html", viewer, order=detail, columns=columns, writes=_writes(viewer)
    )


def _europol_org(viewer: Viewer, org: str | None) -> str | None:
    return viewer.user.organisation or organisation_name(org)


@router.get("/casework/europol")
def europol_page(
    request: Request,
    viewer: Operational,
    org: Org = None,
    period: Month = None,
) -> Response:
    chosen = _europol_org(viewer, org)
    rows: list[dict[str, Any]] = []
    if chosen:
        with engine_of(request).begin() as conn:
            rows = prompts(conn, viewer.principal, chosen, parse_period(period))
        if _writes(viewer):
            for row in rows:
                query = urlencode({"org": chosen, "operation": row["operation_ref"]})
                row["links"] = [("record a check", f"/casework/europol/record?{query}")]
    choices = [] if viewer.user.organisation else _orgs_in_scope(viewer)
    fields: list[tuple[str, str, Any]] = [("period", "Month (YYYY-MM)", period or "")]
    return table_page(
        request,
        viewer,
        title=f"Europol checks due{f': {chosen}' if chosen else ''}",
        columns=PROMPT_COLUMNS,
        rows=rows,
        note="Live operations with an international dimension or a non-UK national and no"
        " Europol (SIENA) check." + ("" if chosen else " Choose an organisation."),
        form={"action": "/casework/europol", "fields": fields, "orgs": choices, "org": chosen},
        row_links=True,
        actions=[("/casework/europol/events", "Checks, meetings and JITs recorded")],
    )


def _orgs_in_scope(viewer: Viewer) -> list[str]:
    region = viewer.user.region
    return [o.short_name for o in organisations() if region is None or o.region == region]


@router.get("/casework/debriefs")
def debriefs_page(
    request: Request,
    viewer: Operational,
    period: Month = None,
) -> Response:
    with engine_of(request).connect() as conn:
        month = parse_period(period) or latest_period(conn)
        ranking = debrief_candidates(conn, viewer.principal, month, load_rules()) if month else None
    rows = (
        []
        if ranking is None
        else [{**c.__dict__, "reasons": "; ".join(c.reasons)} for c in ranking.candidates]
    )
    notes = "" if ranking is None else " ".join(ranking.notes)
    return table_page(
        request,
        viewer,
        title=f"Debrief candidates{f', {month}' if month else ''}",
        columns=DEBRIEF_COLUMNS,
        rows=rows,
        note=f"Operations of the month that merit a debrief, best first. {notes}".strip(),
        form={
            "action": "/casework/debriefs",
            "fields": [("period", "Month (YYYY-MM)", period or "")],
        },
    )


@router.get("/casework/nrm-compliance")
def compliance_page(
    request: Request,
    viewer: Overseer,
    start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10)] = None,
) -> Response:
    window = compliance_window(start, end)
    with engine_of(request).connect() as conn:
        figures = compliance(conn, viewer.principal, window.start, window.end, window.now)
    protect = viewer.user.role == Role.PCC
    rule = figures[-1].rule
    return table_page(
        request,
        viewer,
        title=f"NRM referrals {window.start} to {window.end}: compliance",
        columns=COMPLIANCE_COLUMNS,
        rows=compliance_rows(figures, protect),
        note=f"Crime recorded within {rule.get('crime_recording_hours')} hours of the referral;"
        f" reasonable-grounds decisions within {rule.get('rg_target_working_days')} working days."
        + (" Counts under 10 are shown as [c], others rounded to 5." if protect else ""),
        form={
            "action": "/casework/nrm-compliance",
            "fields": [("from", "From", str(window.start)), ("to", "To", str(window.end))],
        },
    )
