"""What the orders register accepts, in the browser and the API: a new prevention or risk order,
a variation, renewal or discharge, and a breach. Each has its input model, its cleaning into the
store's call, and its form."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import Connection

from msops.domain.casework.nrm_referrals import clean_enum
from msops.domain.casework.orders import (
    BreachOutcome,
    OrderTerms,
    VariationKind,
    clean_countries,
    parse_order_type,
)
from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.domain.typed_text import parse_date, require_date
from msops.store.casework.orders import Subject, TermChanges, add_order, record_breach, vary_order
from msops.web.casework.common import (
    NO_NAMES,
    Code,
    Day,
    Lines,
    Org,
    Prose,
    Ref,
    Text,
    enum_choices,
    org_defaults,
    org_input,
)
from msops.web.forms import FormSpec, Input
from msops.web.session import Viewer

ORDERS = ("/casework/orders", "Orders")


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
        model=OrderIn,
        apply=add_order_from,
        done=lambda _body, order_id: f"/casework/orders/{order_id}",
        note="A prevention order (STPO) lasts at least 5 years, a risk order (STRO) at least 2,"
        " or until further order; a foreign travel ban at most 5 years.",
        submit="Add the order",
        back=(("/casework", "Casework"), ORDERS),
        defaults=org_defaults(viewer),
    )


def vary_spec(order_id: int) -> FormSpec:
    return FormSpec(
        title=f"Order {order_id}: record a variation, renewal or discharge",
        action=f"/casework/orders/{order_id}/vary",
        fields=(
            Input("kind", "Kind", "select", enum_choices(VariationKind)),
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
        model=VariationIn,
        apply=lambda conn, who, body: vary_order_from(conn, who, order_id, body),
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
            Input("outcome", "Outcome", "select", enum_choices(BreachOutcome)),
            Input("outcome_date", "Outcome date", "date", max_length=10),
        ),
        model=BreachIn,
        apply=lambda conn, who, body: breach_from(conn, who, order_id, body),
        done=lambda _body, _version: f"/casework/orders/{order_id}",
        submit="Record the breach",
        back=(ORDERS, (f"/casework/orders/{order_id}", f"Order {order_id}")),
        defaults={"outcome": "pending"},
    )
