"""The register of prevention and risk orders: add, vary, breach, list, expiring, library."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from msops.domain.casework.orders import (
    BreachOutcome,
    OrderTerms,
    OrderType,
    VariationKind,
    check_terms,
)
from msops.domain.errors import InvalidInput, NotFound
from msops.domain.principal import Principal
from msops.store import schema as s
from msops.store.audit import Action
from msops.store.casework.common import (
    Row,
    audit_read,
    in_scope,
    log_change,
    org_label,
    readable_org_id,
    record_history,
    require_nominal,
    require_personal_scope,
    require_text,
    writable_org_id,
)
from msops.store.schema.casework import (
    casework_order,
    casework_order_breach,
    casework_order_variation,
)

REGISTER = "order"


@dataclass(frozen=True)
class Subject:
    """The nominal an order is about, by reference only: never a name in the register."""

    organisation: str
    operation_ref: str
    nominal_ref: str


@dataclass(frozen=True)
class TermChanges:
    """What a variation changes; None leaves a term as it is."""

    expires_on: date | None = None
    until_further_order: bool | None = None
    prohibitions: tuple[str, ...] | None = None
    travel_countries: tuple[str, ...] | None = None
    travel_ban_ends: date | None = None
    notification_requirements: str | None = None


def _terms_values(terms: OrderTerms) -> dict[str, Any]:
    return {
        "order_type": terms.order_type.value,
        "court": terms.court,
        "made_on": terms.made_on,
        "expires_on": terms.expires_on,
        "until_further_order": terms.until_further_order,
        "prohibitions": json.dumps(list(terms.prohibitions)),
        "travel_countries": json.dumps(list(terms.travel_countries)),
        "travel_ban_ends": terms.travel_ban_ends,
        "notification_requirements": terms.notification_requirements,
    }


def _terms_of(row: Any) -> OrderTerms:
    return OrderTerms(
        order_type=OrderType(row.order_type),
        court=row.court,
        made_on=row.made_on,
        expires_on=row.expires_on,
        until_further_order=bool(row.until_further_order),
        prohibitions=tuple(json.loads(row.prohibitions)),
        travel_countries=tuple(json.loads(row.travel_countries)),
        travel_ban_ends=row.travel_ban_ends,
        notification_requirements=row.notification_requirements,
    )


def add_order(conn: Connection, principal: Principal, subject: Subject, terms: OrderTerms) -> int:
    """Store a new order after checking the Act's rules; returns its id."""
    org_id = writable_org_id(conn, principal, subject.organisation, "orders")
    clean = check_terms(terms)
    operation_ref = require_text(subject.operation_ref, "operation", 80)
    nominal_ref = require_text(subject.nominal_ref, "subject", 80)
    require_nominal(conn, org_id, operation_ref, nominal_ref)
    order_id = conn.execute(
        insert(casework_order)
        .values(
            organisation_id=org_id,
            operation_ref=operation_ref,
            nominal_ref=nominal_ref,
            status="in_force",
            version=1,
            **_terms_values(clean),
        )
        .returning(casework_order.c.id)
    ).scalar_one()
    log_change(conn, principal, REGISTER, casework_order, order_id, "made", Action.COLLECTION)
    return int(order_id)


def _order_row(conn: Connection, principal: Principal, order_id: int) -> Any:
    require_personal_scope(principal, "orders")
    row = conn.execute(
        select(casework_order).where(
            casework_order.c.id == order_id, in_scope(principal, casework_order)
        )
    ).first()
    if row is None:
        raise NotFound(f"order: no order {order_id} in your scope")
    return row


def _travel_period_start(conn: Connection, order_id: int, made_on: date) -> date:
    last_renewal = conn.execute(
        select(func.max(casework_order_variation.c.varied_on)).where(
            casework_order_variation.c.order_id == order_id,
            casework_order_variation.c.kind == VariationKind.RENEWAL.value,
        )
    ).scalar_one_or_none()
    return last_renewal or made_on


def _apply(terms: OrderTerms, changes: TermChanges) -> OrderTerms:
    new = terms
    if changes.until_further_order:
        new = replace(new, until_further_order=True, expires_on=None)
    if changes.expires_on is not None:
        new = replace(new, expires_on=changes.expires_on, until_further_order=False)
    if changes.prohibitions is not None:
        new = replace(new, prohibitions=changes.prohibitions)
    if changes.travel_countries is not None:
        new = replace(new, travel_countries=changes.travel_countries)
        if not changes.travel_countries:
            new = replace(new, travel_ban_ends=None)
    if changes.travel_ban_ends is not None:
        new = replace(new, travel_ban_ends=changes.travel_ban_ends)
    if changes.notification_requirements is not None:
        new = replace(new, notification_requirements=changes.notification_requirements)
    return new


def vary_order(
    conn: Connection,
    principal: Principal,
    order_id: int,
    kind: VariationKind,
    varied_on: date,
    court: str,
    summary: str,
    changes: TermChanges,
) -> int:
    """Record a variation, renewal or discharge; the varied terms must still keep the rules.
    Returns the order's new version."""
    row = _order_row(conn, principal, order_id)
    writable_org_id(conn, principal, org_name(conn, row.organisation_id), "orders")
    court = require_text(court, "court", 200)
    summary = require_text(summary, "summary", 2000)
    if varied_on < row.made_on:
        raise InvalidInput(f"date: {varied_on} is before the order was made ({row.made_on})")
    if row.status == "discharged":
        raise InvalidInput(f"order: order {order_id} was discharged; it cannot be varied")
    values: dict[str, Any] = {"version": row.version + 1}
    if kind == VariationKind.DISCHARGE:
        values["status"] = "discharged"
    else:
        starts = _travel_period_start(conn, order_id, row.made_on)
        if kind == VariationKind.RENEWAL:
            starts = varied_on
        values |= _terms_values(check_terms(_apply(_terms_of(row), changes), starts))
    conn.execute(
        insert(casework_order_variation).values(
            order_id=order_id, kind=kind.value, varied_on=varied_on, court=court, summary=summary
        )
    )
    conn.execute(update(casework_order).where(casework_order.c.id == order_id).values(values))
    return log_change(conn, principal, REGISTER, casework_order, order_id, kind.value)


def record_breach(
    conn: Connection,
    principal: Principal,
    order_id: int,
    breach_on: date,
    summary: str,
    outcome: BreachOutcome,
    outcome_on: date | None,
) -> int:
    """Record a breach and its outcome (s.30); returns the order's new version."""
    row = _order_row(conn, principal, order_id)
    writable_org_id(conn, principal, org_name(conn, row.organisation_id), "orders")
    summary = require_text(summary, "summary", 2000)
    if breach_on < row.made_on:
        raise InvalidInput(f"date: {breach_on} is before the order was made ({row.made_on})")
    if outcome_on is not None and outcome_on < breach_on:
        raise InvalidInput(f"outcome date: {outcome_on} is before the breach ({breach_on})")
    conn.execute(
        insert(casework_order_breach).values(
            order_id=order_id,
            breach_on=breach_on,
            summary=summary,
            outcome=outcome.value,
            outcome_on=outcome_on,
        )
    )
    conn.execute(
        update(casework_order)
        .where(casework_order.c.id == order_id)
        .values(version=row.version + 1)
    )
    return log_change(conn, principal, REGISTER, casework_order, order_id, "breach")


def org_name(conn: Connection, org_id: int) -> str:
    return str(
        conn.execute(
            select(s.organisation.c.short_name).where(s.organisation.c.id == org_id)
        ).scalar_one()
    )


def listing(conn: Connection, principal: Principal, org: str | None) -> Any:
    """The orders in scope (of `org` if given) with their counts of breaches and variations."""
    require_personal_scope(principal, "orders")
    o, org_t = casework_order, s.organisation
    breaches = (
        select(func.count())
        .where(casework_order_breach.c.order_id == o.c.id)
        .scalar_subquery()
        .label("breaches")
    )
    variations = (
        select(func.count())
        .where(casework_order_variation.c.order_id == o.c.id)
        .scalar_subquery()
        .label("variations")
    )
    query = (
        select(o, org_t.c.short_name.label("organisation"), breaches, variations)
        .join(org_t, org_t.c.id == o.c.organisation_id)
        .where(in_scope(principal, o))
        .order_by(org_t.c.short_name, o.c.id)
    )
    if org:
        query = query.where(o.c.organisation_id == readable_org_id(conn, principal, org))
    return query


def _present(row: Any) -> Row:
    values = dict(row._mapping)
    values["prohibitions"] = "; ".join(json.loads(row.prohibitions))
    values["travel_countries"] = ", ".join(json.loads(row.travel_countries))
    values["expires"] = "until further order" if row.until_further_order else row.expires_on
    return values


def list_orders(conn: Connection, principal: Principal, org: str | None = None) -> list[Row]:
    """Orders in scope, current terms, with their breach counts (audited consultation)."""
    rows = [_present(r) for r in conn.execute(listing(conn, principal, org))]
    audit_read(conn, principal, REGISTER, org_label(org), len(rows))
    return rows


def expiring_orders(
    conn: Connection, principal: Principal, today: date, within_days: int
) -> list[Row]:
    """Orders in force whose term or travel ban ends within `within_days` of `today`."""
    if within_days < 0:
        raise InvalidInput(f"within: {within_days} must be zero or more days")
    horizon = today + timedelta(days=within_days)
    out: list[Row] = []
    for row in conn.execute(listing(conn, principal, None)):
        if row.status != "in_force":
            continue
        for what, ends in (("order", row.expires_on), ("travel ban", row.travel_ban_ends)):
            if ends is not None and today <= ends <= horizon:
                out.append(
                    {
                        **_present(row),
                        "ending": what,
                        "ends_on": ends,
                        "days_left": (ends - today).days,
                    }
                )
    out.sort(key=lambda r: r["ends_on"])
    audit_read(conn, principal, REGISTER, f"expiring within {within_days} days", len(out))
    return out


def order_detail(conn: Connection, principal: Principal, order_id: int) -> Row:
    """One order with its variations, breaches and every earlier version."""
    row = _order_row(conn, principal, order_id)
    detail = _present(row)
    detail["variations"] = [
        dict(v)
        for v in conn.execute(
            select(casework_order_variation)
            .where(casework_order_variation.c.order_id == order_id)
            .order_by(casework_order_variation.c.varied_on, casework_order_variation.c.id)
        ).mappings()
    ]
    detail["breach_records"] = [
        dict(b)
        for b in conn.execute(
            select(casework_order_breach)
            .where(casework_order_breach.c.order_id == order_id)
            .order_by(casework_order_breach.c.breach_on, casework_order_breach.c.id)
        ).mappings()
    ]
    detail["history"] = record_history(conn, REGISTER, order_id)
    audit_read(
        conn, principal, REGISTER, f"{org_name(conn, row.organisation_id)}/order/{order_id}", 1
    )
    return detail
