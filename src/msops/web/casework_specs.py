"""The casework registers' forms as data: fields, input model, register call, page to go to."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from pydantic import BaseModel

from msops.domain.casework.debriefs import THEMES, Method
from msops.domain.casework.europol import CheckOutcome, EventKind
from msops.domain.casework.nrm_referrals import FIRST_RESPONDERS, AgeGroup, Gender, Outcome
from msops.domain.casework.orders import BreachOutcome, VariationKind
from msops.domain.reference import code_lists
from msops.web import casework_input as ci
from msops.web.casework_forms import Choices, FormSpec, Input, choices
from msops.web.pages_returns import submit_choices
from msops.web.session import Viewer

ORDERS = ("/casework/orders", "Orders")
REFERRALS = ("/casework/nrm-referrals", "NRM referrals")
LESSONS = ("/casework/lessons", "Lessons")
NO_NAMES = "Never enter a name here: the register holds references only."


def _enum(kind: type[VariationKind | BreachOutcome | EventKind | CheckOutcome | Method]) -> Choices:
    return tuple((m.value, m.value.replace("_", " ")) for m in kind)


def org_input(viewer: Viewer) -> Input:
    return Input("org", "Organisation", "select", choices(submit_choices(viewer)))


def _defaults(viewer: Viewer) -> dict[str, str]:
    return {"org": viewer.user.organisation} if viewer.user.organisation else {}


def nationality_input() -> Input:
    labels = tuple(c.label for c in code_lists()["nationality"])
    return Input("nationality", "Nationality (NRM statistics' label)", "select", choices(labels))


def exploitation_input() -> Input:
    categories = tuple((c.code, c.label) for c in code_lists()["exploitation_category"])
    return Input("exploitation", "Exploitation", "select", (*categories, ("unknown", "Unknown")))


def _to(url: str) -> Callable[[BaseModel, int], str]:
    return lambda _body, _result: url


def order_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Add a prevention or risk order",
        action="/casework/orders/new",
        fields=(
            org_input(viewer),
            Input("operation", "Operation reference", max_length=80),
            Input("nominal", "Subject's nominal reference", hint=NO_NAMES, max_length=80),
            Input("order_type", "Type", "select", (("STPO", "STPO"), ("STRO", "STRO"))),
            Input("court", "Court"),
            Input("made", "Made on", "date", max_length=10),
            Input("expires", "Expires on", "date", max_length=10),
            Input("until_further_order", "Until further order (no expiry date)", "checkbox"),
            Input("prohibitions", "Prohibitions, one per line", "lines", max_length=5000),
            Input(
                "travel_countries",
                "Foreign travel ban: countries, one per line (code, name or ALL)",
                "lines",
                max_length=2000,
            ),
            Input("travel_ban_ends", "Travel ban ends on", "date", max_length=10),
            Input("notification", "Notification requirements", "textarea", max_length=2000),
        ),
        model=ci.OrderIn,
        apply=ci.add_order_from,
        done=lambda _body, order_id: f"/casework/orders/{order_id}",
        note="A prevention order (STPO) lasts at least 5 years, a risk order (STRO) at least 2,"
        " or until further order; a foreign travel ban at most 5 years.",
        submit="Add the order",
        back=(("/casework", "Casework"), ORDERS),
        defaults=_defaults(viewer),
    )


def vary_spec(order_id: int) -> FormSpec:
    return FormSpec(
        title=f"Order {order_id}: record a variation, renewal or discharge",
        action=f"/casework/orders/{order_id}/vary",
        fields=(
            Input("kind", "Kind", "select", _enum(VariationKind)),
            Input("date", "Date of the court's decision", "date", max_length=10),
            Input("court", "Court"),
            Input("summary", "What the court decided", "textarea", max_length=2000),
            Input("expires", "New expiry date", "date", max_length=10),
            Input("until_further_order", "Now until further order", "checkbox"),
            Input(
                "prohibitions",
                "New prohibitions, one per line (empty: unchanged)",
                "lines",
                max_length=5000,
            ),
            Input(
                "travel_countries",
                "New travel ban countries (empty: unchanged)",
                "lines",
                max_length=2000,
            ),
            Input("no_travel_ban", "Remove the foreign travel ban", "checkbox"),
            Input("travel_ban_ends", "Travel ban ends on", "date", max_length=10),
            Input("notification", "New notification requirements", "textarea", max_length=2000),
        ),
        model=ci.VariationIn,
        apply=lambda conn, who, body: ci.vary_order_from(conn, who, order_id, body),
        done=lambda _body, _version: f"/casework/orders/{order_id}",
        note="The varied terms must still keep the Act's rules; earlier versions are kept.",
        submit="Record",
        back=(ORDERS, (f"/casework/orders/{order_id}", f"Order {order_id}")),
        defaults={"kind": "variation"},
    )


def breach_spec(order_id: int) -> FormSpec:
    return FormSpec(
        title=f"Order {order_id}: record a breach",
        action=f"/casework/orders/{order_id}/breach",
        fields=(
            Input("date", "Date of the breach", "date", max_length=10),
            Input("summary", "What happened", "textarea", hint=NO_NAMES, max_length=2000),
            Input("outcome", "Outcome", "select", _enum(BreachOutcome)),
            Input("outcome_date", "Outcome date", "date", max_length=10),
        ),
        model=ci.BreachIn,
        apply=lambda conn, who, body: ci.breach_from(conn, who, order_id, body),
        done=lambda _body, _version: f"/casework/orders/{order_id}",
        submit="Record the breach",
        back=(ORDERS, (f"/casework/orders/{order_id}", f"Order {order_id}")),
        defaults={"outcome": "pending"},
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
        model=ci.ReferralIn,
        apply=ci.add_referral_from,
        done=_referrals_page,
        submit="Add the referral",
        back=(("/casework", "Casework"), REFERRALS),
        defaults=_defaults(viewer),
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
        model=ci.DecisionIn,
        apply=ci.decision_from,
        done=_referrals_page,
        submit="Record the decision",
        back=(("/casework", "Casework"), REFERRALS),
        defaults=_defaults(viewer),
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
        model=ci.CrimeIn,
        apply=ci.crime_from,
        done=_referrals_page,
        submit="Record the crime",
        back=(("/casework", "Casework"), REFERRALS),
        defaults=_defaults(viewer),
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
        model=ci.NotifyIn,
        apply=ci.notify_from,
        done=_to("/casework/duty-to-notify"),
        note="For an adult who did not consent to an NRM referral: no identifying details.",
        submit="Record the submission",
        back=(("/casework", "Casework"), ("/casework/duty-to-notify", "Duty to notify")),
        defaults=_defaults(viewer),
    )


def europol_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Record a Europol check, operational meeting or JIT",
        action="/casework/europol/record",
        fields=(
            org_input(viewer),
            Input("kind", "Kind", "select", _enum(EventKind)),
            Input("date", "Date", "date", max_length=10),
            Input("operation", "Operation reference (a check or JIT needs one)", max_length=80),
            Input("outcome", "Outcome (checks only)", "select", _enum(CheckOutcome)),
        ),
        model=ci.EuropolIn,
        apply=ci.europol_from,
        done=_to("/casework/europol/events"),
        submit="Record",
        back=(("/casework", "Casework"), ("/casework/europol", "Europol checks due")),
        defaults={**_defaults(viewer), "kind": "check"},
    )


def debrief_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Record a debrief",
        action="/casework/debriefs/new",
        fields=(
            org_input(viewer),
            Input("operation", "Operation reference", max_length=80),
            Input("method", "Method", "select", _enum(Method)),
            Input("date", "Debriefed on", "date", max_length=10),
            Input("findings", "Findings", "textarea", hint=NO_NAMES, max_length=20000),
        ),
        model=ci.DebriefIn,
        apply=ci.debrief_from,
        done=_to("/casework/debriefs/records"),
        submit="Record the debrief",
        back=(("/casework", "Casework"), ("/casework/debriefs/records", "Debriefs")),
        defaults=_defaults(viewer),
    )


def lesson_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Add a lesson",
        action="/casework/lessons/new",
        fields=(
            org_input(viewer),
            Input("title", "Title"),
            Input("text", "The lesson", "textarea", hint=NO_NAMES, max_length=20000),
            Input("themes", "Themes (choose one or more)", "multi", choices(THEMES)),
            Input("tags", "Tags, one per line", "lines", max_length=2000),
            Input("date", "Recorded on", "date", max_length=10),
            Input("debrief", "From debrief number (optional)", max_length=12),
        ),
        model=ci.LessonIn,
        apply=ci.lesson_from,
        done=lambda _body, lesson_id: f"/casework/lessons#lesson-{lesson_id}",
        submit="Add the lesson",
        back=(("/casework", "Casework"), LESSONS),
        defaults=_defaults(viewer),
    )
