"""Review and disposal of operations under MoPI, in the database.

An operation's review date comes from the rules (`msops.domain.retention`) applied to its latest
current month, or from the latest retain decision. Disposal erases the personal data of an
operation (every nominal and identifier of every stored version, the linkage built on them, the
subject references of its orders) and keeps its statistics: operation months, their counts,
details and nationality counts, and the monthly totals, so the overview of past months is
unchanged. The erasure and its audit entry are one transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, or_, select, update

from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal, Role
from msops.domain.reference import canonical_organisation
from msops.domain.retention import CLOSED, OperationFacts, Rules, group_of, review_date, rules
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.casework import casework_change, casework_order
from msops.store.schema.linkage import link_cluster, link_member, link_pair, link_thread
from msops.store.schema.retention import retention_decision
from msops.store.scope import organisation_id, require_read, visible_organisations

RETAIN, DISPOSE = "retain", "dispose"
ERASED = ""  # what a blanked reference holds
ORDER_REGISTER = "order"  # msops.store.casework.orders.REGISTER


@dataclass(frozen=True)
class Review:
    """A closed operation's place in the review cycle."""

    operation_id: int
    organisation: str
    ref: str
    group: str
    closed_date: date | None
    review_date: date
    last_decision: str | None  # retain, or None when never reviewed


@dataclass(frozen=True)
class Erased:
    """What one disposal removed or blanked."""

    nominals: int
    identifiers: int
    link_members: int
    link_pairs: int
    threads_deactivated: int
    orders_blanked: int

    def describe(self) -> str:
        return (
            f"{self.nominals} nominals, {self.identifiers} identifiers, "
            f"{self.link_members} link members, {self.link_pairs} link pairs, "
            f"{self.threads_deactivated} threads deactivated, "
            f"{self.orders_blanked} order subjects blanked"
        )


def _latest_months(conn: Connection, where: Any) -> list[Any]:
    """The latest current month of each operation meeting `where` (on operation/organisation)."""
    om, op, org = s.operation_month, s.operation, s.organisation
    latest = (
        select(om.c.operation_id, func.max(om.c.period).label("period"))
        .where(om.c.is_current)
        .group_by(om.c.operation_id)
        .subquery()
    )
    query = (
        select(
            op.c.id.label("operation_id"),
            op.c.ref,
            org.c.short_name.label("organisation"),
            om.c.status,
            om.c.closed_date,
            om.c.convictions,
            om.c.charges,
            (om.c.stro_applied + om.c.stpo_applied).label("orders"),
            om.c.disruption_outcome,
        )
        .select_from(op)
        .join(org, org.c.id == op.c.organisation_id)
        .join(latest, latest.c.operation_id == op.c.id)
        .join(
            om,
            (om.c.operation_id == op.c.id) & (om.c.period == latest.c.period) & om.c.is_current,
        )
        .where(where)
        .order_by(org.c.short_name, op.c.ref)
    )
    return list(conn.execute(query))


def _latest_decisions(conn: Connection) -> dict[int, Any]:
    d = retention_decision
    newest = select(func.max(d.c.id)).group_by(d.c.operation_id)
    rows = conn.execute(select(d).where(d.c.id.in_(newest)))
    return {r.operation_id: r for r in rows}


def _facts(row: Any) -> OperationFacts:
    return OperationFacts(
        status=row.status,
        closed_date=row.closed_date,
        convictions=row.convictions,
        charges=row.charges,
        orders=row.orders,
        disruption_outcome=row.disruption_outcome,
    )


def _review_of(row: Any, decision: Any, rules_: Rules) -> Review | None:
    facts = _facts(row)
    group = group_of(facts, rules_).name
    if decision is not None and decision.decision == DISPOSE:
        return None  # disposed of: nothing left to review
    if decision is not None and decision.next_review is not None:
        return Review(
            row.operation_id, row.organisation, row.ref, group, row.closed_date,
            decision.next_review, decision.decision,
        )  # fmt: skip
    due_on = review_date(facts, rules_)
    if due_on is None:
        return None  # live: not reviewed
    return Review(row.operation_id, row.organisation, row.ref, group, row.closed_date, due_on, None)


def reviews(
    conn: Connection, principal: Principal, org: str | None = None, rules_: Rules | None = None
) -> list[Review]:
    """Every operation in scope (and of `org`) with a review date, with that date."""
    if principal.role in (Role.PCC, Role.ADMIN):
        raise AccessDenied(f"{principal.describe()} may not review operations")
    where = visible_organisations(principal)
    if org is not None:
        org_id = organisation_id(conn, org)
        require_read(conn, principal, org_id)
        where = where & (s.organisation.c.id == org_id)
    rules_ = rules_ or rules()
    decisions = _latest_decisions(conn)
    found = (
        _review_of(r, decisions.get(r.operation_id), rules_) for r in _latest_months(conn, where)
    )
    return [r for r in found if r is not None]


def due(
    conn: Connection,
    principal: Principal,
    as_of: date,
    org: str | None = None,
    rules_: Rules | None = None,
) -> list[Review]:
    """The operations whose review date is on or before `as_of`, soonest first."""
    found = [r for r in reviews(conn, principal, org, rules_) if r.review_date <= as_of]
    return sorted(found, key=lambda r: (r.review_date, r.organisation, r.ref))


def _require_decide(principal: Principal, short_name: str) -> None:
    """The organisation's own users, or a national role, decide on its operations."""
    if principal.role in (Role.SYSTEM, Role.NATIONAL_ANALYST):
        return
    if principal.role in (Role.FORCE_USER, Role.PARTNER_USER) and (
        principal.organisation == short_name
    ):
        return
    raise AccessDenied(f"{principal.describe()} may not review {short_name}'s operations")


def _operation(conn: Connection, principal: Principal, org: str, ref: str) -> tuple[Any, str]:
    short_name = canonical_organisation(org).short_name
    _require_decide(principal, short_name)
    org_id = organisation_id(conn, short_name)
    op = s.operation
    row = conn.execute(
        select(op.c.id).where(op.c.organisation_id == org_id, op.c.ref == ref)
    ).first()
    if row is None:
        raise NotFound(f"{short_name} has no operation {ref!r}")
    months = _latest_months(conn, op.c.id == row.id)
    if not months:
        raise NotFound(f"{short_name} has no current return listing {ref!r}")
    return months[0], short_name


def review_of(conn: Connection, principal: Principal, org: str, ref: str) -> Review:
    """One operation's place in the review cycle, for a person who may decide on it; NotFound
    when it is live or disposed of (nothing to review)."""
    month, short_name = _operation(conn, principal, org, ref)
    found = _review_of(month, _latest_decisions(conn).get(month.operation_id), rules())
    if found is None:
        raise NotFound(f"{short_name}/{ref} is not due for review: live, or disposed of already")
    return found


def _decide(
    conn: Connection,
    principal: Principal,
    month: Any,
    decision: str,
    reason: str,
    next_review: date | None,
) -> None:
    last = _latest_decisions(conn).get(month.operation_id)
    if last is not None and last.decision == DISPOSE:
        raise InvalidInput(f"{month.organisation}/{month.ref} was disposed of already")
    if month.status != CLOSED:
        raise InvalidInput(
            f"{month.organisation}/{month.ref} is {month.status} in its latest return: an"
            " operation is reviewed once it is closed"
        )
    conn.execute(
        retention_decision.insert().values(
            operation_id=month.operation_id,
            decision=decision,
            reason=reason,
            review_group=group_of(_facts(month), rules()).name,
            next_review=next_review,
            decided_by=principal.name,
            role=principal.role.value,
            decided_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )


def _reason(reason: str) -> str:
    if not reason.strip():
        raise InvalidInput("give the reason for the decision")
    return reason.strip()


def retain(
    conn: Connection,
    principal: Principal,
    org: str,
    ref: str,
    reason: str,
    next_review: date,
    today: date | None = None,
) -> None:
    """Keep an operation's data until `next_review`, recorded as an ALTERATION."""
    reason = _reason(reason)
    if next_review <= (today or date.today()):
        raise InvalidInput("the next review date must be in the future")
    month, short_name = _operation(conn, principal, org, ref)
    _decide(conn, principal, month, RETAIN, reason, next_review)
    entry = AuditEntry(
        Action.ALTERATION, "operation", f"{short_name}/{ref}", reason,
        detail=f"retained under MoPI review; next review {next_review.isoformat()}",
    )  # fmt: skip
    record(conn, principal, entry)


def dispose(conn: Connection, principal: Principal, org: str, ref: str, reason: str) -> Erased:
    """Erase the personal data of an operation and keep its statistics; an ERASURE entry."""
    reason = _reason(reason)
    month, short_name = _operation(conn, principal, org, ref)
    _decide(conn, principal, month, DISPOSE, reason, None)
    erased = erase_personal_data(conn, month.operation_id, short_name, ref)
    entry = AuditEntry(
        Action.ERASURE, "operation", f"{short_name}/{ref}", reason, detail=erased.describe()
    )
    record(conn, principal, entry)
    return erased


def erase_personal_data(conn: Connection, operation_id: int, short_name: str, ref: str) -> Erased:
    """Delete every nominal of the operation (all versions), their identifiers and the linkage
    built on them; blank the subject of its orders. Operation months stay as they are."""
    nm, om = s.nominal, s.operation_month
    nominal_ids = list(
        conn.execute(
            select(nm.c.id)
            .join(om, om.c.id == nm.c.operation_month_id)
            .where(om.c.operation_id == operation_id)
        ).scalars()
    )
    links = _erase_linkage(conn, nominal_ids)
    n_identifiers = n_nominals = 0
    for start in range(0, len(nominal_ids), 500):
        chunk = nominal_ids[start : start + 500]
        n_identifiers += _count(
            conn.execute(delete(s.identifier).where(s.identifier.c.nominal_id.in_(chunk)))
        )
        n_nominals += _count(conn.execute(delete(nm).where(nm.c.id.in_(chunk))))
    orders = _blank_orders(conn, short_name, ref)
    return Erased(n_nominals, n_identifiers, links[0], links[1], links[2], orders)


def _count(result: Any) -> int:
    return int(result.rowcount or 0)


def _erase_linkage(conn: Connection, nominal_ids: list[int]) -> tuple[int, int, int]:
    """Remove the members and links of these nominals; clusters left with one member lose it
    too, and threads left with fewer than two organisations are deactivated."""
    m, p, c, t = link_member, link_pair, link_cluster, link_thread
    cluster_ids: set[int] = set()
    n_members = n_pairs = 0
    for start in range(0, len(nominal_ids), 500):
        chunk = nominal_ids[start : start + 500]
        cluster_ids |= set(
            conn.execute(select(m.c.cluster_id).where(m.c.nominal_id.in_(chunk))).scalars()
        )
        n_pairs += _count(
            conn.execute(
                delete(p).where(
                    or_(p.c.left_nominal_id.in_(chunk), p.c.right_nominal_id.in_(chunk))
                )
            )
        )
        n_members += _count(conn.execute(delete(m).where(m.c.nominal_id.in_(chunk))))
    thread_ids: set[int] = set()
    for cluster_id in sorted(cluster_ids):
        left = conn.execute(
            select(func.count(), func.count(m.c.organisation_id.distinct())).where(
                m.c.cluster_id == cluster_id
            )
        ).one()
        n_left, n_orgs = int(left[0]), int(left[1])
        if n_left < 2:  # a record alone links nothing
            conn.execute(delete(p).where(p.c.cluster_id == cluster_id))
            conn.execute(delete(m).where(m.c.cluster_id == cluster_id))
            n_left, n_orgs = 0, 0
        conn.execute(
            update(c).where(c.c.id == cluster_id).values(n_members=n_left, n_organisations=n_orgs)
        )
        thread_id = conn.execute(select(c.c.thread_id).where(c.c.id == cluster_id)).scalar()
        if thread_id is not None:
            thread_ids.add(int(thread_id))
    n_deactivated = 0
    for thread_id in sorted(thread_ids):
        current = conn.execute(
            select(c.c.n_members, c.c.n_organisations)
            .join(t, (t.c.id == c.c.thread_id) & (t.c.last_run_id == c.c.run_id))
            .where(t.c.id == thread_id)
        ).first()
        n_left, n_orgs = (current.n_members, current.n_organisations) if current else (0, 0)
        values: dict[str, Any] = {"n_members": n_left, "n_organisations": n_orgs}
        if n_orgs < 2:
            values["active"] = False
            active = conn.execute(select(t.c.active).where(t.c.id == thread_id)).scalar()
            n_deactivated += 1 if active else 0
        conn.execute(update(t).where(t.c.id == thread_id).values(**values))
    return n_members, n_pairs, n_deactivated


def _blank_orders(conn: Connection, short_name: str, ref: str) -> int:
    """Blank the subject (nominal reference) of the operation's orders, in the register and in
    every snapshot of its change log."""
    o = casework_order
    org_id = organisation_id(conn, short_name)
    order_ids = list(
        conn.execute(
            select(o.c.id).where(o.c.organisation_id == org_id, o.c.operation_ref == ref)
        ).scalars()
    )
    if not order_ids:
        return 0
    conn.execute(update(o).where(o.c.id.in_(order_ids)).values(nominal_ref=ERASED))
    ch = casework_change
    snapshots = conn.execute(
        select(ch.c.id, ch.c.snapshot).where(
            ch.c.register == ORDER_REGISTER, ch.c.record_id.in_(order_ids)
        )
    ).all()
    for row in snapshots:
        snapshot = json.loads(row.snapshot)
        if isinstance(snapshot, dict) and "nominal_ref" in snapshot:
            snapshot["nominal_ref"] = ERASED
            conn.execute(
                update(ch)
                .where(ch.c.id == row.id)
                .values(snapshot=json.dumps(snapshot, sort_keys=True))
            )
    return len(order_ids)
