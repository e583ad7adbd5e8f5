"""NRM referrals tied to crime recording, duty-to-notify (MS1) submissions, the compliance
figures (disclosure-controlled for a PCC) and the national rule settings with their history,
in the browser and the API. What the pages and API accept (input models and forms) is in
`forms/nrm_referrals.py`; the compliance table is shaped in `figures/nrm_referrals.py`."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from msops.analytics.casework.nrm_referrals import compliance
from msops.domain.casework.nrm_referrals import (
    CRIME_RECORDING_HOURS,
    DEFAULT_SETTINGS,
    RG_TARGET_WORKING_DAYS,
)
from msops.domain.principal import Role
from msops.store.casework.nrm_referrals import (
    list_notifications,
    list_referrals,
    setting_history,
    settings,
)
from msops.web.casework.common import (
    Changed,
    Column,
    Created,
    api_store,
    created,
    org_filter,
    table_page,
    writes,
)
from msops.web.casework.figures.nrm_referrals import (
    COMPLIANCE_COLUMNS,
    compliance_rows,
    compliance_window,
)
from msops.web.casework.forms.nrm_referrals import (
    SETTING_SPEC,
    SETTINGS_URL,
    CrimeIn,
    DecisionIn,
    NotifyIn,
    ReferralIn,
    SettingIn,
    add_referral_from,
    crime_from,
    crime_spec,
    decision_from,
    decision_spec,
    notify_from,
    notify_spec,
    referral_spec,
    setting_from,
)
from msops.web.forms import form_routes
from msops.web.gates import (
    ERRORS,
    SETTERS,
    SUBMITTERS,
    Csrf,
    Operational,
    OrgQuery,
    Overseer,
    Rows,
    Setter,
    Submitter,
    jsonable,
)
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.services import organisation_name
from msops.web.session import engine_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/casework", tags=["casework"])
routers = (pages, api)


REFERRAL_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("referral_ref", "Referral"),
    ("operation_ref", "Operation"),
    ("first_responder", "First responder"),
    ("referred_at", "Referred"),
    ("age_group", "Age group"),
    ("gender", "Gender"),
    ("nationality", "Nationality"),
    ("exploitation", "Exploitation"),
    ("rg_decided_on", "RG decided"),
    ("rg_outcome", "RG"),
    ("cg_decided_on", "CG decided"),
    ("cg_outcome", "CG"),
    ("crime_ref", "Crime"),
    ("crime_recorded_at", "Crime recorded"),
    ("version", "Version"),
]
NRM_CODED = {
    "age_group": "age_group",
    "gender": "gender",
    "exploitation": "exploitation_category",
    "rg_outcome": "nrm_outcome",
    "cg_outcome": "nrm_outcome",
}


NOTIFY_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("submitted_on", "Submitted"),
    ("operation_ref", "Operation"),
    ("gender", "Gender"),
    ("nationality", "Nationality"),
    ("exploitation", "Exploitation"),
]


SETTING_MEANINGS = {
    CRIME_RECORDING_HOURS: "A referral's crime must be recorded within this many hours of the"
    " referral (NCRS: within 24 hours of the report; 72 where a force applies the longer limit"
    " allowed for further verification).",
    RG_TARGET_WORKING_DAYS: "Target for the reasonable grounds decision, in working days (Monday"
    " to Friday, not counting the bank holidays of England and Wales).",
}


def settings_in_force(conn: Connection) -> list[dict[str, Any]]:
    values = settings(conn)
    return [
        {
            "name": name,
            "value": value,
            "default": DEFAULT_SETTINGS[name],
            "meaning": SETTING_MEANINGS.get(name, ""),
        }
        for name, value in values.items()
    ]


def _referral_links(row: dict[str, Any]) -> list[tuple[str, str]]:
    query = urlencode({"org": row["organisation"], "ref": row["referral_ref"]})
    return [
        ("decision", f"/casework/nrm-referrals/decision?{query}"),
        ("crime record", f"/casework/nrm-referrals/crime?{query}"),
    ]


@pages.get("/casework/nrm-referrals")
def referrals_page(request: Request, viewer: Operational, org: OrgQuery = None) -> Response:
    chosen = organisation_name(org)
    with engine_of(request).begin() as conn:
        rows = list_referrals(conn, viewer.principal, chosen)
    can_write = writes(viewer)
    for row in rows:
        row["links"] = _referral_links(row) if can_write else []
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
        coded=NRM_CODED,
        rows=rows,
        form=org_filter(viewer, "/casework/nrm-referrals", chosen),
        row_links=True,
        note="Referrals in your scope, by the force's own reference (never a name).",
        actions=actions if can_write else actions[-1:],
    )


form_routes(pages, "/casework/nrm-referrals/new", SUBMITTERS, referral_spec)


form_routes(pages, "/casework/nrm-referrals/decision", SUBMITTERS, decision_spec)


form_routes(pages, "/casework/nrm-referrals/crime", SUBMITTERS, crime_spec)


@pages.get("/casework/duty-to-notify")
def notifications_page(request: Request, viewer: Operational) -> Response:
    with engine_of(request).begin() as conn:
        rows = list_notifications(conn, viewer.principal)
    return table_page(
        request,
        viewer,
        title="Duty to notify (MS1) submissions",
        columns=NOTIFY_COLUMNS,
        coded=NRM_CODED,
        rows=rows,
        note="Adults who did not consent to a referral: no identifying details are held.",
        actions=[("/casework/duty-to-notify/new", "Record a submission")] if writes(viewer) else [],
    )


form_routes(pages, "/casework/duty-to-notify/new", SUBMITTERS, notify_spec)


@pages.get("/casework/nrm-compliance")
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


@pages.get(SETTINGS_URL)
def settings_page(request: Request, viewer: Operational) -> Response:
    with engine_of(request).connect() as conn:
        values = settings_in_force(conn)
        history = setting_history(conn)
    return page(
        request,
        "nrm_settings.html",
        viewer,
        settings=values,
        history=history,
        changes=viewer.user.role in SETTERS,
    )


form_routes(pages, f"{SETTINGS_URL}/change", SETTERS, lambda _viewer: SETTING_SPEC)


@api.get("/nrm-compliance", response_model=Rows, responses=ERRORS)
def api_compliance(
    request: Request,
    viewer: Overseer,
    start: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    end: Annotated[str | None, Query(alias="to", max_length=10)] = None,
) -> Any:
    """Per force and in total: crime recorded on time, RG decisions within target (PCC:
    disclosure-controlled counts for their force area)."""
    window = compliance_window(start, end)
    with engine_of(request).connect() as conn:
        figures = compliance(conn, viewer.principal, window.start, window.end, window.now)
    return compliance_rows(figures, viewer.user.role == Role.PCC)


@api.get("/nrm-referrals", response_model=Rows, responses=ERRORS)
def api_referrals(request: Request, viewer: Operational, org: OrgQuery = None) -> Any:
    """NRM referrals in scope (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_referrals(conn, viewer.principal, organisation_name(org)))


@api.post("/nrm-referrals", response_model=Created, status_code=201, responses=ERRORS)
def api_add_referral(
    request: Request, viewer: Submitter, body: ReferralIn, csrf: Csrf = None
) -> Any:
    """Add an NRM referral (the force's reference and the statistics' categories, no names)."""
    return created(request, viewer, csrf, add_referral_from, body)


@api.post("/nrm-referrals/decisions", response_model=Changed, responses=ERRORS)
def api_decision(request: Request, viewer: Submitter, body: DecisionIn, csrf: Csrf = None) -> Any:
    """Record a reasonable (rg) or conclusive (cg) grounds decision on a referral."""
    return Changed(version=api_store(request, viewer, csrf, decision_from, body))


@api.post("/nrm-referrals/crime-records", response_model=Changed, responses=ERRORS)
def api_crime(request: Request, viewer: Submitter, body: CrimeIn, csrf: Csrf = None) -> Any:
    """Record the crime a referral was recorded as, and when."""
    return Changed(version=api_store(request, viewer, csrf, crime_from, body))


@api.get("/duty-to-notify", response_model=Rows, responses=ERRORS)
def api_notifications(request: Request, viewer: Operational) -> Any:
    """Duty-to-notify (MS1) submissions in scope (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_notifications(conn, viewer.principal))


@api.post("/duty-to-notify", response_model=Created, status_code=201, responses=ERRORS)
def api_notify(request: Request, viewer: Submitter, body: NotifyIn, csrf: Csrf = None) -> Any:
    """Record a duty-to-notify (MS1) submission: no identifying details."""
    return created(request, viewer, csrf, notify_from, body)


@api.get("/nrm-settings", response_model=dict[str, Any], responses=ERRORS)
def api_settings(request: Request, viewer: Operational) -> Any:
    """The NRM rule settings in force (with their defaults) and every change, newest first."""
    with engine_of(request).connect() as conn:
        return jsonable({"settings": settings_in_force(conn), "history": setting_history(conn)})


@api.post("/nrm-settings", response_model=Changed, responses=ERRORS)
def api_change_setting(request: Request, viewer: Setter, body: SettingIn, csrf: Csrf = None) -> Any:
    """Change one NRM rule setting (national analysts); returns its new version."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        return Changed(version=setting_from(conn, viewer.principal, body))
