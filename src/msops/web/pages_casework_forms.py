"""Casework entry pages: vary an order or record a breach; NRM referrals, decisions, crime
records and duty to notify; Europol events; debriefs and lessons (with the lessons search).

Each form is a `FormSpec` (casework_specs); the lists show what was entered, through the
registers' own listing functions (scope and audit in the store)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from msops.store.casework.debriefs import list_debriefs, recent_lessons, search_lessons
from msops.store.casework.europol import list_events
from msops.store.casework.nrm_referrals import list_notifications, list_referrals
from msops.web import casework_specs as specs
from msops.web.casework import (
    DEBRIEF_RECORD_COLUMNS,
    EVENT_COLUMNS,
    LESSON_COLUMNS,
    NOTIFY_COLUMNS,
    REFERRAL_COLUMNS,
)
from msops.web.casework_forms import show_form, submit_form
from msops.web.pages_casework import table_page
from msops.web.services import organisation_name
from msops.web.session import OPERATIONAL, SUBMITTERS, Viewer, allow, engine_of

router = APIRouter(include_in_schema=False)
Operational = Annotated[Viewer, Depends(allow(OPERATIONAL))]
Submitter = Annotated[Viewer, Depends(allow(SUBMITTERS))]
OrderId = Annotated[int, Path(ge=1, le=2**31)]
Org = Annotated[str | None, Query(max_length=120)]


def _writes(viewer: Viewer) -> bool:
    return viewer.user.role in SUBMITTERS


# --- orders: variations and breaches --------------------------------------------------------


@router.get("/casework/orders/{order_id}/vary")
def vary_form(request: Request, viewer: Submitter, order_id: OrderId) -> Response:
    return show_form(request, viewer, specs.vary_spec(order_id))


@router.post("/casework/orders/{order_id}/vary")
async def vary(request: Request, viewer: Submitter, order_id: OrderId) -> Response:
    return await submit_form(request, viewer, specs.vary_spec(order_id))


@router.get("/casework/orders/{order_id}/breach")
def breach_form(request: Request, viewer: Submitter, order_id: OrderId) -> Response:
    return show_form(request, viewer, specs.breach_spec(order_id))


@router.post("/casework/orders/{order_id}/breach")
async def breach(request: Request, viewer: Submitter, order_id: OrderId) -> Response:
    return await submit_form(request, viewer, specs.breach_spec(order_id))


# --- NRM referrals and duty to notify -------------------------------------------------------


def _referral_links(row: dict[str, Any]) -> list[tuple[str, str]]:
    query = urlencode({"org": row["organisation"], "ref": row["referral_ref"]})
    return [
        ("decision", f"/casework/nrm-referrals/decision?{query}"),
        ("crime record", f"/casework/nrm-referrals/crime?{query}"),
    ]


@router.get("/casework/nrm-referrals")
def referrals_page(request: Request, viewer: Operational, org: Org = None) -> Response:
    chosen = organisation_name(org)
    with engine_of(request).begin() as conn:
        rows = list_referrals(conn, viewer.principal, chosen)
    writes = _writes(viewer)
    for row in rows:
        row["links"] = _referral_links(row) if writes else []
    actions = [
        ("/casework/nrm-referrals/new", "Add a referral"),
        ("/casework/nrm-referrals/decision", "Record a decision"),
        ("/casework/nrm-referrals/crime", "Record the crime"),
        ("/casework/duty-to-notify", "Duty to notify"),
    ]
    return table_page(
        request,
        viewer,
        title=f"NRM referrals{f': {chosen}' if chosen else ''}",
        columns=REFERRAL_COLUMNS,
        rows=rows,
        row_links=True,
        note="Referrals in your scope, by the force's own reference (never a name).",
        actions=actions if writes else actions[-1:],
    )


@router.get("/casework/nrm-referrals/new")
def referral_form(request: Request, viewer: Submitter) -> Response:
    return show_form(request, viewer, specs.referral_spec(viewer))


@router.post("/casework/nrm-referrals/new")
async def referral_add(request: Request, viewer: Submitter) -> Response:
    return await submit_form(request, viewer, specs.referral_spec(viewer))


@router.get("/casework/nrm-referrals/decision")
def decision_form(request: Request, viewer: Submitter) -> Response:
    return show_form(request, viewer, specs.decision_spec(viewer))


@router.post("/casework/nrm-referrals/decision")
async def decision(request: Request, viewer: Submitter) -> Response:
    return await submit_form(request, viewer, specs.decision_spec(viewer))


@router.get("/casework/nrm-referrals/crime")
def crime_form(request: Request, viewer: Submitter) -> Response:
    return show_form(request, viewer, specs.crime_spec(viewer))


@router.post("/casework/nrm-referrals/crime")
async def crime(request: Request, viewer: Submitter) -> Response:
    return await submit_form(request, viewer, specs.crime_spec(viewer))


@router.get("/casework/duty-to-notify")
def notifications_page(request: Request, viewer: Operational) -> Response:
    with engine_of(request).begin() as conn:
        rows = list_notifications(conn, viewer.principal)
    return table_page(
        request,
        viewer,
        title="Duty to notify (MS1) submissions",
        columns=NOTIFY_COLUMNS,
        rows=rows,
        note="Adults who did not consent to a referral: no identifying details are held.",
        actions=[("/casework/duty-to-notify/new", "Record a submission")]
        if _writes(viewer)
        else [],
    )


@router.get("/casework/duty-to-notify/new")
def notify_form(request: Request, viewer: Submitter) -> Response:
    return show_form(request, viewer, specs.notify_spec(viewer))


@router.post("/casework/duty-to-notify/new")
async def notify(request: Request, viewer: Submitter) -> Response:
    return await submit_form(request, viewer, specs.notify_spec(viewer))


# --- Europol --------------------------------------------------------------------------------


@router.get("/casework/europol/events")
def events_page(request: Request, viewer: Operational, org: Org = None) -> Response:
    chosen = organisation_name(org)
    with engine_of(request).begin() as conn:
        rows = list_events(conn, viewer.principal, chosen)
    return table_page(
        request,
        viewer,
        title="Europol checks, operational meetings and JITs recorded",
        columns=EVENT_COLUMNS,
        rows=rows,
        note="Newest first.",
        actions=[("/casework/europol/record", "Record a check, meeting or JIT")]
        if _writes(viewer)
        else [],
    )


@router.get("/casework/europol/record")
def europol_form(request: Request, viewer: Submitter) -> Response:
    return show_form(request, viewer, specs.europol_spec(viewer))


@router.post("/casework/europol/record")
async def europol_record(request: Request, viewer: Submitter) -> Response:
    return await submit_form(request, viewer, specs.europol_spec(viewer))


# --- debriefs and lessons -------------------------------------------------------------------


@router.get("/casework/debriefs/records")
def debrief_records(request: Request, viewer: Operational) -> Response:
    with engine_of(request).begin() as conn:
        rows = list_debriefs(conn, viewer.principal)
    actions = [("/casework/debriefs", "Candidates"), ("/casework/lessons", "Lessons")]
    if _writes(viewer):
        actions.insert(0, ("/casework/debriefs/new", "Record a debrief"))
    return table_page(
        request,
        viewer,
        title="Debriefs recorded",
        columns=DEBRIEF_RECORD_COLUMNS,
        rows=rows,
        note="Newest first.",
        actions=actions,
    )


@router.get("/casework/debriefs/new")
def debrief_form(request: Request, viewer: Submitter) -> Response:
    return show_form(request, viewer, specs.debrief_spec(viewer))


@router.post("/casework/debriefs/new")
async def debrief_add(request: Request, viewer: Submitter) -> Response:
    return await submit_form(request, viewer, specs.debrief_spec(viewer))


def lesson_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {
            **r,
            "themes": ", ".join(r["themes"]),
            "tags": ", ".join(r["tags"]),
            "anchor": f"lesson-{r['id']}",
        }
        for r in rows
    ]


@router.get("/casework/lessons")
def lessons_page(
    request: Request, viewer: Operational, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    """Full-text search of the lessons in scope (every word, stemmed); without words, the
    latest lessons."""
    with engine_of(request).begin() as conn:
        if q.strip():
            rows = search_lessons(conn, viewer.principal, q)
        else:
            rows = recent_lessons(conn, viewer.principal)
    title = f"Lessons matching “{q.strip()}”" if q.strip() else "Lessons learnt: the latest"
    return table_page(
        request,
        viewer,
        title=title,
        columns=LESSON_COLUMNS,
        rows=lesson_rows(rows),
        note="Every word must match (with English stemming); best match first.",
        form={"action": "/casework/lessons", "fields": [("q", "Search", q)]},
        actions=[("/casework/lessons/new", "Add a lesson")] if _writes(viewer) else [],
    )


@router.get("/casework/lessons/new")
def lesson_form(request: Request, viewer: Submitter) -> Response:
    return show_form(request, viewer, specs.lesson_spec(viewer))


@router.post("/casework/lessons/new")
async def lesson_add(request: Request, viewer: Submitter) -> Response:
    return await submit_form(request, viewer, specs.lesson_spec(viewer))
