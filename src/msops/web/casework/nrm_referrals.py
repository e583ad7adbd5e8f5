"""NRM referrals tied to crime recording, duty-to-notify (MS1) submissions, the compliance
figures (disclosure-controlled for a PCC) and the national rule settings with their history,
in the browser and the API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Connection

from msops.analytics.casework.nrm_referrals import Compliance, compliance
from msops.analytics.disclosure import SUPPRESSED, round_half_up
from msops.domain.casework.nrm_referrals import (
    CRIME_RECORDING_HOURS,
    DEFAULT_SETTINGS,
    FIRST_RESPONDERS,
    RG_TARGET_WORKING_DAYS,
    AgeGroup,
    Gender,
    Outcome,
    Stage,
    clean_enum,
)
from msops.domain.principal import Principal, Role
from msops.domain.typed_text import require_date, require_datetime
from msops.store.casework.nrm_referrals import (
    Referral,
    add_duty_to_notify,
    add_referral,
    list_notifications,
    list_referrals,
    record_crime,
    record_decision,
    set_setting,
    setting_history,
    settings,
)
from msops.web.casework.common import (
    NO_NAMES,
    Changed,
    Code,
    Column,
    Created,
    Day,
    Moment,
    Org,
    Ref,
    Text,
    api_store,
    created,
    exploitation_input,
    go_to,
    nationality_input,
    org_defaults,
    org_filter,
    org_input,
    parse_day,
    table_page,
    writes,
)
from msops.web.forms import FormSpec, Input, choices, form_routes
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
from msops.web.session import Viewer, engine_of

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


COMPLIANCE_COLUMNS: list[Column] = [
    ("organisation", "Force"),
    ("referrals", "Referrals"),
    ("crime_on_time", "Crime recorded on time"),
    ("crime_late", "late"),
    ("crime_overdue", "overdue"),
    ("crime_not_yet_due", "not yet due"),
    ("crime_on_time_pct", "% on time"),
    ("rg_decided", "RG decisions"),
    ("rg_within_target", "within target"),
    ("rg_within_target_pct", "% within target"),
]


COUNTS = (
    "referrals",
    "crime_on_time",
    "crime_late",
    "crime_overdue",
    "crime_not_yet_due",
    "rg_decided",
    "rg_within_target",
)


@dataclass(frozen=True)
class Window:
    start: date
    end: date
    now: datetime


def compliance_window(start: str | None, end: str | None) -> Window:
    """The referral dates to judge (default: the last 365 days), judged as at now."""
    now = datetime.now(UTC).replace(tzinfo=None)
    last = parse_day(end, "to") or now.date()
    first = parse_day(start, "from") or last - timedelta(days=364)
    return Window(first, last, now)


def _controlled(value: int) -> str:
    return SUPPRESSED if value < 10 else f"{round_half_up(value, 5):,}"


def compliance_rows(figures: list[Compliance], protect: bool) -> list[dict[str, Any]]:
    """The compliance table; for a PCC, counts under 10 suppressed and the rest rounded to 5,
    and a percentage only where its base is 10 or more."""
    rows = []
    for f in figures:
        row = f.as_row()
        if protect:
            for key in COUNTS:
                row[key] = _controlled(int(row[key]))
            if f.crime_due < 10:
                row["crime_on_time_pct"] = SUPPRESSED
            if f.rg_decided < 10:
                row["rg_within_target_pct"] = SUPPRESSED
        rows.append(row)
    return rows


REFERRALS = ("/casework/nrm-referrals", "NRM referrals")


class ReferralIn(BaseModel):
    org: Org = ""
    ref: Ref = Field("", description="The force's reference for the referral (no names)")
    first_responder: Text = ""
    referred: Moment = ""
    age_group: Code = ""
    gender: Code = ""
    nationality: Text = Field("", description="The NRM statistics' nationality label")
    exploitation: Code = Field("", description="labour, sexual, criminal, domestic or unknown")
    operation: Ref = ""


def add_referral_from(conn: Connection, principal: Principal, body: ReferralIn) -> int:
    referral = Referral(
        organisation=body.org,
        referral_ref=body.ref,
        first_responder=body.first_responder,
        referred_at=require_datetime(body.referred, "referred"),
        age_group=clean_enum(AgeGroup, body.age_group, "age group"),
        gender=clean_enum(Gender, body.gender, "gender"),
        nationality=body.nationality,
        exploitation=body.exploitation,
        operation_ref=body.operation.strip() or None,
    )
    return add_referral(conn, principal, referral)


class DecisionIn(BaseModel):
    org: Org = ""
    ref: Ref = ""
    stage: Code = Field("", description="rg (reasonable grounds) or cg (conclusive grounds)")
    date: Day = ""
    outcome: Code = Field("", description="positive or negative")


def decision_from(conn: Connection, principal: Principal, body: DecisionIn) -> int:
    """Record the decision; returns the referral's new version."""
    return record_decision(
        conn,
        principal,
        body.org,
        body.ref.strip(),
        clean_enum(Stage, body.stage, "stage"),
        require_date(body.date, "date"),
        clean_enum(Outcome, body.outcome, "outcome"),
    )


class CrimeIn(BaseModel):
    org: Org = ""
    ref: Ref = ""
    crime_ref: Ref = ""
    recorded: Moment = ""


def crime_from(conn: Connection, principal: Principal, body: CrimeIn) -> int:
    """Record the crime record; returns the referral's new version."""
    at = require_datetime(body.recorded, "recorded")
    return record_crime(conn, principal, body.org, body.ref.strip(), body.crime_ref, at)


class NotifyIn(BaseModel):
    org: Org = ""
    submitted: Day = ""
    gender: Code = ""
    nationality: Text = ""
    exploitation: Code = ""
    operation: Ref = ""


def notify_from(conn: Connection, principal: Principal, body: NotifyIn) -> int:
    return add_duty_to_notify(
        conn,
        principal,
        body.org,
        require_date(body.submitted, "submitted"),
        clean_enum(Gender, body.gender, "gender"),
        body.nationality,
        body.exploitation,
        body.operation.strip() or None,
    )


def referral_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Add an NRM referral",
        action="/casework/nrm-referrals/new",
        fields=(
            org_input(viewer),
            Input("ref", "Your reference for the referral", hint=NO_NAMES, max_length=80),
            Input("first_responder", "First responder", "select", choices(FIRST_RESPONDERS)),
            Input("referred", "Referred at (UTC)", "datetime", max_length=19),
            Input("age_group", "Age group", "select", choices([a.value for a in AgeGroup])),
            Input("gender", "Gender", "select", choices([g.value for g in Gender])),
            nationality_input(),
            exploitation_input(),
            Input("operation", "Operation reference (optional)", max_length=80),
        ),
        model=ReferralIn,
        apply=add_referral_from,
        done=_referrals_page,
        submit="Add the referral",
        back=(("/casework", "Casework"), REFERRALS),
        defaults=org_defaults(viewer),
    )


def _referrals_page(body: BaseModel, _result: int) -> str:
    org = getattr(body, "org", "")
    return f"/casework/nrm-referrals?org={quote(org)}" if org else REFERRALS[0]


def decision_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Record a reasonable or conclusive grounds decision",
        action="/casework/nrm-referrals/decision",
        fields=(
            org_input(viewer),
            Input("ref", "Referral reference", max_length=80),
            Input("stage", "Stage", "select", (("rg", "reasonable grounds"), ("cg", "conclusive"))),
            Input("date", "Decided on", "date", max_length=10),
            Input("outcome", "Outcome", "select", choices([o.value for o in Outcome])),
        ),
        model=DecisionIn,
        apply=decision_from,
        done=_referrals_page,
        submit="Record the decision",
        back=(("/casework", "Casework"), REFERRALS),
        defaults=org_defaults(viewer),
    )


def crime_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Record the crime a referral was recorded as",
        action="/casework/nrm-referrals/crime",
        fields=(
            org_input(viewer),
            Input("ref", "Referral reference", max_length=80),
            Input("crime_ref", "Crime reference", max_length=80),
            Input("recorded", "Crime recorded at (UTC)", "datetime", max_length=19),
        ),
        model=CrimeIn,
        apply=crime_from,
        done=_referrals_page,
        submit="Record the crime",
        back=(("/casework", "Casework"), REFERRALS),
        defaults=org_defaults(viewer),
    )


def notify_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Record a duty-to-notify (MS1) submission",
        action="/casework/duty-to-notify/new",
        fields=(
            org_input(viewer),
            Input("submitted", "Submitted on", "date", max_length=10),
            Input("gender", "Gender", "select", choices([g.value for g in Gender])),
            nationality_input(),
            exploitation_input(),
            Input("operation", "Operation reference (optional)", max_length=80),
        ),
        model=NotifyIn,
        apply=notify_from,
        done=go_to("/casework/duty-to-notify"),
        note="For an adult who did not consent to an NRM referral: no identifying details.",
        submit="Record the submission",
        back=(("/casework", "Casework"), ("/casework/duty-to-notify", "Duty to notify")),
        defaults=org_defaults(viewer),
    )


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


SETTINGS_URL = "/casework/nrm-settings"


def _number_as_text(value: object) -> object:
    """A JSON whole number as the text a form sends (not a boolean, not a float); anything
    else is left for the text field to accept or refuse."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**10:
        return str(value)
    return value


class SettingIn(BaseModel):
    name: str = Field(
        "", max_length=40, description="crime_recording_hours or rg_target_working_days"
    )
    value: Annotated[str, BeforeValidator(_number_as_text), Field(max_length=10)] = Field(
        "", description="A whole number, 1 to 1000 (as text or a JSON number)"
    )


def setting_from(conn: Connection, principal: Principal, body: SettingIn) -> int:
    """Change one setting (national roles only: the store refuses anyone else)."""
    return set_setting(conn, principal, body.name, body.value.strip())


SETTING_SPEC = FormSpec(
    title="Change an NRM rule setting",
    action=f"{SETTINGS_URL}/change",
    fields=(
        Input("name", "Setting", "select", choices(list(DEFAULT_SETTINGS))),
        Input("value", "New value (a whole number, 1 to 1000)", max_length=10),
    ),
    model=SettingIn,
    apply=setting_from,
    done=lambda _body, _version: SETTINGS_URL,
    note="The compliance table judges every referral by the settings in force when it is"
    " shown. The change is kept in the settings' history and the audit trail.",
    submit="Change the setting",
    back=(("/casework", "Casework"), (SETTINGS_URL, "NRM rule settings")),
)


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
