"""What a casework form or API body holds, and the register call it makes.

One model and one function per act, so that a page and the API take the same input and answer
with the same messages: every value arrives as text and is checked by the domain and the store
(scope and audit stay there), exactly as the CLI's options are.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Connection

from msops.domain.casework.action_plan import parse_rag
from msops.domain.casework.debriefs import Method
from msops.domain.casework.europol import CheckOutcome, EventKind
from msops.domain.casework.nrm_referrals import AgeGroup, Gender, Outcome, Stage, clean_enum
from msops.domain.casework.orders import (
    BreachOutcome,
    OrderTerms,
    VariationKind,
    clean_countries,
    parse_order_type,
)
from msops.domain.casework.peer_reviews import review_input
from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.domain.typed_text import parse_date, require_date, require_datetime
from msops.store.casework.action_plan import assess
from msops.store.casework.debriefs import add_debrief, add_lesson
from msops.store.casework.europol import record_event
from msops.store.casework.nrm_referrals import (
    Referral,
    add_duty_to_notify,
    add_referral,
    record_crime,
    record_decision,
)
from msops.store.casework.orders import (
    Subject,
    TermChanges,
    add_order,
    record_breach,
    vary_order,
)
from msops.store.casework.peer_reviews import add_review


def _lines(value: Any) -> Any:
    """A list of strings from a list or from text with one entry per line (a textarea)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        return value
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            out += [line.strip() for line in item.splitlines() if line.strip()]
        else:
            out.append(item)
    return out


Org = Annotated[str, Field(max_length=120, description="Organisation (full or short name)")]
Ref = Annotated[str, Field(max_length=80)]
Day = Annotated[str, Field(max_length=10, description="YYYY-MM-DD")]
Moment = Annotated[str, Field(max_length=19, description="YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC")]
Code = Annotated[str, Field(max_length=40)]
Text = Annotated[str, Field(max_length=200)]
Prose = Annotated[str, Field(max_length=20000)]
Lines = Annotated[
    list[Annotated[str, Field(max_length=500)]],
    BeforeValidator(_lines),
    Field(max_length=50, description="A list, or text with one entry per line"),
]


# --- orders --------------------------------------------------------------------------------


class OrderIn(BaseModel):
    org: Org = ""
    operation: Ref = ""
    nominal: Ref = Field("", description="The subject's nominal reference (never a name)")
    order_type: Code = Field("", description="STPO or STRO")
    court: Text = ""
    made: Day = ""
    expires: Day = ""
    until_further_order: bool = False
    prohibitions: Lines = []
    travel_countries: Lines = Field([], description="Country codes or names, or ALL")
    travel_ban_ends: Day = ""
    notification: Prose = ""


def add_order_from(conn: Connection, principal: Principal, body: OrderIn) -> int:
    terms = OrderTerms(
        order_type=parse_order_type(body.order_type),
        court=body.court,
        made_on=require_date(body.made, "made"),
        expires_on=parse_date(body.expires, "expires"),
        until_further_order=body.until_further_order,
        prohibitions=tuple(body.prohibitions),
        travel_countries=clean_countries(tuple(body.travel_countries)),
        travel_ban_ends=parse_date(body.travel_ban_ends, "travel ban end"),
        notification_requirements=body.notification.strip() or None,
    )
    subject = Subject(body.org, body.operation, body.nominal)
    return add_order(conn, principal, subject, terms)


class VariationIn(BaseModel):
    kind: Code = Field("variation", description="variation, renewal or discharge")
    date: Day = ""
    court: Text = ""
    summary: Prose = ""
    expires: Day = ""
    until_further_order: bool = False
    prohibitions: Lines = Field([], description="Replace the prohibitions (empty: keep them)")
    travel_countries: Lines = Field([], description="Replace the countries (empty: keep them)")
    no_travel_ban: bool = False
    travel_ban_ends: Day = ""
    notification: Prose = ""


def vary_order_from(
    conn: Connection, principal: Principal, order_id: int, body: VariationIn
) -> int:
    """Record the variation; returns the order's new version."""
    if body.no_travel_ban and body.travel_countries:
        raise InvalidInput("travel countries: give the countries or 'no travel ban', not both")
    countries: tuple[str, ...] | None = () if body.no_travel_ban else None
    if body.travel_countries:
        countries = clean_countries(tuple(body.travel_countries))
    changes = TermChanges(
        expires_on=parse_date(body.expires, "expires"),
        until_further_order=body.until_further_order or None,
        prohibitions=tuple(body.prohibitions) if body.prohibitions else None,
        travel_countries=countries,
        travel_ban_ends=parse_date(body.travel_ban_ends, "travel ban end"),
        notification_requirements=body.notification.strip() or None,
    )
    kind = clean_enum(VariationKind, body.kind, "kind")
    on = require_date(body.date, "date")
    return vary_order(conn, principal, order_id, kind, on, body.court, body.summary, changes)


class BreachIn(BaseModel):
    date: Day = ""
    summary: Prose = ""
    outcome: Code = Field("pending", description=", ".join(o.value for o in BreachOutcome))
    outcome_date: Day = ""


def breach_from(conn: Connection, principal: Principal, order_id: int, body: BreachIn) -> int:
    """Record the breach; returns the order's new version."""
    return record_breach(
        conn,
        principal,
        order_id,
        require_date(body.date, "date"),
        body.summary,
        clean_enum(BreachOutcome, body.outcome or "pending", "outcome"),
        parse_date(body.outcome_date, "outcome date"),
    )


# --- NRM referrals and duty to notify -------------------------------------------------------


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


# --- Europol, debriefs and lessons ----------------------------------------------------------


class EuropolIn(BaseModel):
    org: Org = ""
    kind: Code = Field("check", description="check, operational_meeting or jit")
    date: Day = ""
    operation: Ref = ""
    outcome: Code = Field("", description="For a check: no_trace, trace or pending")


def europol_from(conn: Connection, principal: Principal, body: EuropolIn) -> int:
    outcome = clean_enum(CheckOutcome, body.outcome, "outcome") if body.outcome.strip() else None
    return record_event(
        conn,
        principal,
        body.org,
        clean_enum(EventKind, body.kind, "kind"),
        require_date(body.date, "date"),
        body.operation.strip() or None,
        outcome,
    )


class DebriefIn(BaseModel):
    org: Org = ""
    operation: Ref = ""
    method: Code = Field("", description=", ".join(m.value for m in Method))
    date: Day = ""
    findings: Prose = ""


def debrief_from(conn: Connection, principal: Principal, body: DebriefIn) -> int:
    return add_debrief(
        conn,
        principal,
        body.org,
        body.operation.strip(),
        clean_enum(Method, body.method, "method"),
        require_date(body.date, "date"),
        body.findings,
    )


class LessonIn(BaseModel):
    org: Org = ""
    title: Text = ""
    text: Prose = ""
    themes: Lines = []
    tags: Lines = []
    date: Day = ""
    debrief: Code = Field("", description="The number of the debrief it came from, if any")


def _debrief_id(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise InvalidInput(f"debrief: {text[:20]!r} is not a debrief number")
    return int(text)


def lesson_from(conn: Connection, principal: Principal, body: LessonIn) -> int:
    return add_lesson(
        conn,
        principal,
        body.org,
        require_date(body.date, "date"),
        body.title,
        body.text,
        tuple(body.themes),
        tuple(body.tags),
        _debrief_id(body.debrief),
    )


# --- peer reviews and the action plan -------------------------------------------------------


class ReviewIn(BaseModel):
    org: Org = ""
    operation: Ref = ""
    date: Day = ""
    reviewers: Lines = []
    ratings: dict[Code, Code] = Field({}, description="criterion code -> rating code")
    findings: dict[Code, Prose] = Field({}, description="criterion code -> findings")


def review_from(conn: Connection, principal: Principal, body: ReviewIn) -> int:
    def given(pairs: dict[str, str]) -> dict[str, str]:
        return {k.strip().casefold(): v for k, v in pairs.items() if v.strip()}

    review = review_input(
        require_date(body.date, "date"),
        body.reviewers,
        given(body.ratings),
        given(body.findings),
    )
    return add_review(conn, principal, body.org, body.operation, review)


class AssessmentIn(BaseModel):
    org: Org = ""
    item: Code = ""
    rag: Code = Field("", description="red, amber or green")
    date: Day = ""
    assessor: Text = ""
    evidence: Prose = ""


def assessment_from(conn: Connection, principal: Principal, body: AssessmentIn) -> int:
    rag = parse_rag(body.rag)
    on = require_date(body.date, "date")
    return assess(conn, principal, body.org, body.item, rag, on, body.assessor, body.evidence)
