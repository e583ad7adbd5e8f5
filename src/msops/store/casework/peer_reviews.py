"""Peer reviews of investigations: confidential to the force reviewed.

Who sees a review: the force reviewed (its users), regional analysts of its region and national
roles; partner users see none (reviews are of forces), PCCs and administrators never. Who
records one: national roles, or a regional analyst for a force of their region (a peer review
is carried out by peers, so the force reviewed does not record its own ratings).
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from msops.domain.casework.action_plan import FORCE_KINDS
from msops.domain.casework.peer_reviews import ReviewInput, clean_ratings, criteria_set
from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal, Role
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.casework.common import (
    Row,
    amend_reason,
    audit_read,
    entry_with_org,
    in_scope,
    org_label,
    org_short_name,
    readable_org_id,
    record_history,
    require_personal_scope,
    require_text,
    snapshot,
    utc_now,
)
from msops.store.schema.casework import (
    casework_change,
    casework_peer_review,
    casework_peer_review_rating,
)
from msops.store.scope import organisation_id

REGISTER = "peer_review"


def force_org(conn: Connection, org_name: str) -> Any:
    """The organisation row of a police force (not a ROCU or partner agency)."""
    o = s.organisation
    row = conn.execute(select(o).where(o.c.id == organisation_id(conn, org_name))).one()
    if row.kind not in FORCE_KINDS:
        raise InvalidInput(f"org: {row.short_name} is not a police force ({row.kind})")
    return row


def _reviewable(conn: Connection, principal: Principal, org_name: str) -> Any:
    org = force_org(conn, org_name)
    if principal.role in (Role.SYSTEM, Role.NATIONAL_ANALYST):
        return org
    if principal.role == Role.REGIONAL_ANALYST and principal.region == org.region:
        return org
    raise AccessDenied(
        f"{principal.describe()} may not record a peer review of {org.short_name}:"
        " reviews are recorded by the national team or the force's regional analyst"
    )


def require_current_operation(conn: Connection, org_id: int, operation_ref: str) -> str:
    """The operation reference, when it is in a current return of the organisation."""
    ref = require_text(operation_ref, "operation", 80)
    om, op = s.operation_month, s.operation
    found = conn.execute(
        select(om.c.id)
        .join(op, op.c.id == om.c.operation_id)
        .where(op.c.organisation_id == org_id, op.c.ref == ref, om.c.is_current)
        .limit(1)
    ).first()
    if found is None:
        raise NotFound(
            f"operation: {org_short_name(conn, org_id)} has no operation with reference"
            f" {ref!r} in its current returns"
        )
    return ref


def add_review(
    conn: Connection, principal: Principal, org: str, operation_ref: str, review: ReviewInput
) -> int:
    """Store a peer review of one of the force's investigations; returns its id."""
    force = _reviewable(conn, principal, org)
    ref = require_current_operation(conn, force.id, operation_ref)
    t = casework_peer_review
    review_id = int(
        conn.execute(
            insert(t)
            .values(
                organisation_id=force.id,
                operation_ref=ref,
                reviewed_on=review.reviewed_on,
                reviewers=json.dumps(list(review.reviewers)),
                criteria_version=review.criteria_version,
                version=1,
            )
            .returning(t.c.id)
        ).scalar_one()
    )
    conn.execute(
        insert(casework_peer_review_rating),
        [
            {
                "review_id": review_id,
                "criterion": r.criterion,
                "rating": r.rating,
                "findings": r.findings,
            }
            for r in review.ratings
        ],
    )
    _log(conn, principal, review_id, force.short_name, "reviewed", Action.COLLECTION)
    return review_id


def _ratings(conn: Connection, review_ids: list[int]) -> dict[int, list[Row]]:
    found: dict[int, list[Row]] = defaultdict(list)
    if not review_ids:
        return found
    r = casework_peer_review_rating
    for row in conn.execute(
        select(r.c.review_id, r.c.criterion, r.c.rating, r.c.findings)
        .where(r.c.review_id.in_(review_ids))
        .order_by(r.c.id)
    ).mappings():
        found[row["review_id"]].append(
            {"criterion": row["criterion"], "rating": row["rating"], "findings": row["findings"]}
        )
    return found


def _log(
    conn: Connection,
    principal: Principal,
    review_id: int,
    org: str,
    change: str,
    action: Action,
    reason: str | None = None,
) -> None:
    """Append the review with its ratings to the change log, and audit the act (the shared
    `log_change` snapshots one row; a review is a row and its ratings)."""
    state = snapshot(conn, casework_peer_review, review_id)
    state["ratings"] = _ratings(conn, [review_id])[review_id]
    conn.execute(
        insert(casework_change).values(
            register=REGISTER,
            record_id=review_id,
            version=int(state["version"]),
            change=change,
            changed_at=utc_now(),
            changed_by=principal.name,
            snapshot=json.dumps(state, sort_keys=True),
        )
    )
    ref = f"{org}/{REGISTER}/{review_id}"
    detail = f"{change} v{state['version']}"
    record(conn, principal, AuditEntry(action, REGISTER, ref, reason, detail=detail))


def _listing(principal: Principal, org_id: int | None = None) -> Any:
    require_personal_scope(principal, "peer reviews")
    t, o = casework_peer_review, s.organisation
    query = (
        select(t, o.c.short_name.label("organisation"), o.c.region)
        .join(o, o.c.id == t.c.organisation_id)
        .where(in_scope(principal, t))
        .order_by(t.c.reviewed_on, t.c.id)
    )
    return query if org_id is None else query.where(t.c.organisation_id == org_id)


def list_reviews(conn: Connection, principal: Principal, org: str | None = None) -> list[Row]:
    """Reviews in scope, oldest first, each with a count of its ratings."""
    require_personal_scope(principal, "peer reviews")
    org_id = readable_org_id(conn, principal, org) if org else None
    rows = conn.execute(_listing(principal, org_id)).mappings().all()
    ratings = _ratings(conn, [r["id"] for r in rows])
    scale = criteria_set().rating_codes
    out: list[Row] = []
    for r in rows:
        given = [x["rating"] for x in ratings[r["id"]]]
        counts = {code: given.count(code) for code in scale}
        out.append(
            {
                "id": r["id"],
                "organisation": r["organisation"],
                "operation_ref": r["operation_ref"],
                "reviewed_on": r["reviewed_on"],
                "reviewers": ", ".join(json.loads(r["reviewers"])),
                "criteria_version": r["criteria_version"],
                "ratings": ", ".join(f"{k} {v}" for k, v in counts.items() if v),
            }
        )
    audit_read(conn, principal, REGISTER, f"list {org_label(org, 'all in scope')}", len(out))
    return out


def show_review(conn: Connection, principal: Principal, review_id: int) -> Row:
    """One review in scope with its ratings, findings and versions (NotFound otherwise)."""
    t = casework_peer_review
    row = conn.execute(_listing(principal).where(t.c.id == review_id)).mappings().first()
    if row is None:
        raise NotFound(f"peer review: no review {review_id} in your scope")
    detail: Row = {k: v for k, v in row.items()}
    detail["reviewers"] = json.loads(row["reviewers"])
    detail["ratings"] = _ratings(conn, [review_id])[review_id]
    detail["history"] = record_history(conn, REGISTER, review_id)
    audit_read(conn, principal, REGISTER, f"{row['organisation']}/{REGISTER}/{review_id}", 1)
    return detail


def _operation_names(
    conn: Connection, pairs: set[tuple[int, str]]
) -> dict[tuple[int, str], set[str]]:
    """Every name the returns give each (organisation, operation), for anonymising findings."""
    names: dict[tuple[int, str], set[str]] = defaultdict(set)
    if not pairs:
        return names
    om, op = s.operation_month, s.operation
    org_ids = sorted({p[0] for p in pairs})
    for row in conn.execute(
        select(op.c.organisation_id, op.c.ref, om.c.operation_name)
        .join(om, om.c.operation_id == op.c.id)
        .where(op.c.organisation_id.in_(org_ids))
        .distinct()
    ):
        key = (int(row.organisation_id), str(row.ref))
        if key in pairs and row.operation_name:
            names[key].add(str(row.operation_name))
    return names


def reviews_for_summary(
    conn: Connection,
    principal: Principal,
    action: Action = Action.CONSULTATION,
    purpose: str | None = None,
    recipient: str | None = None,
) -> list[Row]:
    """Every review in scope with its ratings and the names to strip from its findings
    (the operation's reference and names). Audited as one read of all of them."""
    rows = conn.execute(_listing(principal)).mappings().all()
    ratings = _ratings(conn, [r["id"] for r in rows])
    names = _operation_names(conn, {(r["organisation_id"], r["operation_ref"]) for r in rows})
    out = [
        {
            "id": r["id"],
            "organisation": r["organisation"],
            "region": r["region"],
            "criteria_version": r["criteria_version"],
            "operation_terms": sorted(
                {r["operation_ref"], *names[(r["organisation_id"], r["operation_ref"])]}
            ),
            "ratings": ratings[r["id"]],
        }
        for r in rows
    ]
    audit_read(conn, principal, REGISTER, "summary", len(out), purpose, action, recipient)
    return out


def amend_review(
    conn: Connection,
    principal: Principal,
    review_id: int,
    reason: str,
    ratings: dict[str, str],
    findings: dict[str, str],
) -> int:
    """Re-rate criteria of a peer review (and their findings); returns the new version.

    The review's other ratings stand; the whole set must still pass the rules of the criteria
    set it was recorded under.
    """
    why = amend_reason(reason)
    row = entry_with_org(conn, casework_peer_review, review_id, "peer review")
    force = _reviewable(conn, principal, row.organisation)
    criteria = criteria_set()
    if criteria.version != row.criteria_version:
        raise InvalidInput(
            f"peer review {review_id} was recorded under criteria {row.criteria_version};"
            f" only reviews under the current set ({criteria.version}) can be re-rated"
        )
    if not ratings and not findings:
        raise InvalidInput(
            "say what to change: --rate CRITERION=RATING or --finding CRITERION=TEXT"
        )
    current = _ratings(conn, [review_id])[review_id]
    merged_ratings = {r["criterion"]: r["rating"] for r in current} | ratings
    merged_findings = {r["criterion"]: r["findings"] or "" for r in current} | findings
    cleaned = clean_ratings(merged_ratings, merged_findings, criteria)
    r = casework_peer_review_rating
    conn.execute(delete(r).where(r.c.review_id == review_id))
    conn.execute(
        insert(r),
        [
            {"review_id": review_id, "criterion": c.criterion, "rating": c.rating,
             "findings": c.findings}
            for c in cleaned
        ],
    )  # fmt: skip
    t = casework_peer_review
    conn.execute(update(t).where(t.c.id == review_id).values(version=row.version + 1))
    _log(conn, principal, review_id, force.short_name, "amended", Action.ALTERATION, why)
    return int(row.version) + 1
