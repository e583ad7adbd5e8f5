"""What the NRM referrals register accepts, in the browser and the API: a referral, a reasonable
or conclusive grounds decision, the crime a referral was recorded as, a duty-to-notify (MS1)
submission and a change to a national rule setting. Each has its input model, its cleaning into
the store's call, and its form."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Connection

from msops.domain.casework.nrm_referrals import (
    DEFAULT_SETTINGS,
    FIRST_RESPONDERS,
    AgeGroup,
    Gender,
    Outcome,
    Stage,
    clean_enum,
)
from msops.domain.principal import Principal
from msops.domain.typed_text import require_date, require_datetime
from msops.store.casework.nrm_referrals import (
    Referral,
    add_duty_to_notify,
    add_referral,
    record_crime,
    record_decision,
    set_setting,
)
from msops.web.casework.common import (
    NO_NAMES,
    Code,
    Day,
    Moment,
    Org,
    Ref,
    Text,
    exploitation_input,
    go_to,
    nationality_input,
    org_defaults,
    org_input,
)
from msops.web.forms import FormSpec, Input, choices
from msops.web.session import Viewer

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
