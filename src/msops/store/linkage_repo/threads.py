"""Reading threads back (list, explain), judging them, and exporting them; all in scope."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, and_, distinct, func, insert, select

from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.linkage_repo.runs import JUDGEMENTS, STATUSES, Row, member_key, set_thread, utc_now
from msops.store.schema.linkage import (
    link_alert,
    link_cluster,
    link_judgement,
    link_member,
    link_pair,
    link_run,
    link_thread,
)
from msops.store.scope import visible_organisations

PERSONAL = ("given_name", "family_name", "aliases", "date_of_birth", "estimated_age")


@dataclass
class ThreadDetail:
    key: str
    status: str
    active: bool
    first_seen: datetime
    last_seen: datetime
    organisations: list[str]
    operations: list[Row]  # organisation, ref, name
    members: list[Row]  # label, organisation, operation_ref, nominal_ref, role (+ personal)
    links: list[Row]  # left, right (labels), kind, probability, match_weight, evidence
    judgements: list[Row] = field(default_factory=list)
    alerts: list[Row] = field(default_factory=list)


def _current_members() -> Select[Any]:
    t, c, m = link_thread, link_cluster, link_member
    return (
        select(
            c.c.thread_id,
            c.c.id.label("cluster_id"),
            m.c.nominal_id,
            m.c.organisation_id,
            m.c.operation_id,
        )
        .join(m, m.c.cluster_id == c.c.id)
        .join(t, and_(t.c.id == c.c.thread_id, t.c.last_run_id == c.c.run_id))
    )


def _visible_thread_ids(principal: Principal, org_id: int | None = None) -> Select[Any]:
    """Threads with a current member in an organisation the principal may see (and in `org_id`)."""
    members = _current_members().subquery()
    orgs = select(s.organisation.c.id).where(visible_organisations(principal))
    query = select(members.c.thread_id).where(members.c.organisation_id.in_(orgs))
    if org_id is not None:
        query = query.where(members.c.organisation_id == org_id)
    return query


def threaded_operations(conn: Connection) -> set[tuple[int, str]]:
    """(organisation id, reference) of every operation that a golden thread joins to another
    organisation's: the thread found by the last run (or kept by a confirmation), not dismissed,
    its current members in two or more organisations. No personal data is read."""
    members = _current_members().subquery()
    spanning = (
        select(members.c.thread_id)
        .join(link_thread, link_thread.c.id == members.c.thread_id)
        .where(link_thread.c.active, link_thread.c.status != "dismissed")
        .group_by(members.c.thread_id)
        .having(func.count(distinct(members.c.organisation_id)) >= 2)
    )
    rows = conn.execute(
        select(s.operation.c.organisation_id, s.operation.c.ref)
        .distinct()
        .join(members, members.c.operation_id == s.operation.c.id)
        .where(members.c.thread_id.in_(spanning))
    )
    return {(r.organisation_id, r.ref) for r in rows}


def _thread_row(conn: Connection, principal: Principal, key: str) -> Any:
    if not principal.may_see_personal_data:
        raise AccessDenied(f"{principal.describe()} may not see threads: they join personal data")
    t = link_thread
    row = conn.execute(
        select(t).where(t.c.key == key, t.c.id.in_(_visible_thread_ids(principal)))
    ).first()
    if row is None:  # out of scope and unknown look the same
        raise NotFound(f"no thread {key!r} in your scope; `msops link threads` lists them")
    return row


def _labelled_members(conn: Connection, thread_ids: Sequence[int]) -> list[Row]:
    members = _current_members().where(link_cluster.c.thread_id.in_(thread_ids)).subquery()
    nm, om, op, org = s.nominal, s.operation_month, s.operation, s.organisation
    query = (
        select(
            members.c.thread_id, members.c.cluster_id, nm.c.id.label("nominal_id"),
            org.c.short_name.label("organisation"), op.c.ref.label("operation_ref"),
            om.c.operation_name, nm.c.nominal_ref, nm.c.role, nm.c.gender, nm.c.nationality,
            *(nm.c[p] for p in PERSONAL),
        )
        .join(nm, nm.c.id == members.c.nominal_id)
        .join(om, om.c.id == nm.c.operation_month_id)
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .order_by(org.c.short_name, op.c.ref, nm.c.nominal_ref)
    )  # fmt: skip
    rows = [dict(r) for r in conn.execute(query).mappings()]
    for r in rows:
        r["label"] = f"{r['organisation']}/{r['operation_ref']}/{r['nominal_ref']}"
    return rows


def list_threads(
    conn: Connection,
    principal: Principal,
    org_id: int | None = None,
    status: str | None = None,
    include_inactive: bool = False,
) -> list[Row]:
    """Threads in scope (a force sees those touching it; national all; PCC none)."""
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"status {status!r} is not one of {', '.join(STATUSES)}")
    t, run = link_thread, link_run
    query = (
        select(t.c.id, t.c.key, t.c.status, t.c.active, run.c.started_at.label("last_run"))
        .join(run, run.c.id == t.c.last_run_id)
        .where(t.c.id.in_(_visible_thread_ids(principal, org_id)))
        .order_by(t.c.id)
    )
    if status:
        query = query.where(t.c.status == status)
    if not include_inactive:
        query = query.where(t.c.active)
    threads = [dict(r) for r in conn.execute(query).mappings()]
    members: dict[int, list[Row]] = {}
    for m in _labelled_members(conn, [r["id"] for r in threads]) if threads else []:
        members.setdefault(m["thread_id"], []).append(m)
    out = []
    for r in threads:
        ms = members.get(r["id"], [])
        out.append(
            {
                "thread": r["key"], "status": r["status"], "active": r["active"],
                "organisations": ", ".join(sorted({m["organisation"] for m in ms})),
                "operations": len({m["label"].rsplit("/", 1)[0] for m in ms}),
                "records": len(ms), "last_run": r["last_run"],
            }
        )  # fmt: skip
    return out


def _detail(conn: Connection, thread: Any, personal: bool) -> ThreadDetail:
    members = _labelled_members(conn, [thread.id])
    if not personal:
        for m in members:
            for name in PERSONAL:
                m.pop(name)
    labels = {m["nominal_id"]: m["label"] for m in members}
    operations = {(m["organisation"], m["operation_ref"]): m["operation_name"] for m in members}
    p = link_pair
    cluster_ids = {m["cluster_id"] for m in members}
    links = [
        {
            "left": labels[r.left_nominal_id], "right": labels[r.right_nominal_id],
            "kind": r.kind, "probability": r.probability, "match_weight": r.match_weight,
            "evidence": json.loads(r.evidence),
        }
        for r in conn.execute(select(p).where(p.c.cluster_id.in_(cluster_ids)).order_by(p.c.id))
    ]  # fmt: skip
    run = link_run
    runs = dict(
        conn.execute(
            select(run.c.id, run.c.started_at).where(
                run.c.id.in_((thread.first_run_id, thread.last_run_id))
            )
        ).all()
    )
    return ThreadDetail(
        thread.key, thread.status, thread.active, runs[thread.first_run_id],
        runs[thread.last_run_id], sorted({o for o, _ in operations}),
        [{"organisation": o, "ref": r, "name": n} for (o, r), n in sorted(operations.items())],
        members, links, _judgements(conn, thread.id), _alerts(conn, thread.id),
    )  # fmt: skip


def _judgements(conn: Connection, thread_id: int) -> list[Row]:
    j = link_judgement
    query = select(j.c.judgement, j.c.reason, j.c.judged_by, j.c.role, j.c.judged_at)
    rows = conn.execute(query.where(j.c.thread_id == thread_id).order_by(j.c.id)).mappings()
    return [dict(r) for r in rows]


def _alerts(conn: Connection, thread_id: int) -> list[Row]:
    a, org = link_alert, s.organisation
    query = (
        select(org.c.short_name.label("organisation"), a.c.run_id, a.c.reason, a.c.raised_at)
        .join(org, org.c.id == a.c.organisation_id)
        .where(a.c.thread_id == thread_id)
        .order_by(a.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def thread_detail(
    conn: Connection, principal: Principal, key: str, purpose: str | None = None
) -> ThreadDetail:
    """One thread explained, recorded as a CONSULTATION: its records are people's even when
    shown without their names and dates of birth, which need a purpose."""
    thread = _thread_row(conn, principal, key)
    personal = purpose is not None
    if personal and not (purpose or "").strip():
        raise InvalidInput("say why you need to see the people in this thread: give a purpose")
    detail = _detail(conn, thread, personal)
    shown = "with names" if personal else "without names"
    entry = AuditEntry(
        Action.CONSULTATION, "link_thread", key, purpose,
        detail=f"{len(detail.members)} records of {len(detail.organisations)} organisations,"
        f" {shown}",
    )  # fmt: skip
    record(conn, principal, entry)
    return detail


def review_thread(
    conn: Connection, principal: Principal, key: str, judgement: str, reason: str
) -> None:
    """Record a judgement (append-only) on the thread as it now stands; it sets the status."""
    if judgement not in JUDGEMENTS:
        raise InvalidInput(f"judgement {judgement!r} is not one of {', '.join(JUDGEMENTS)}")
    if not reason.strip():
        raise InvalidInput("give a reason for the judgement")
    thread = _thread_row(conn, principal, key)
    members = conn.execute(
        select(link_member.c.operation_id, link_member.c.nominal_ref)
        .join(link_cluster, link_cluster.c.id == link_member.c.cluster_id)
        .where(link_cluster.c.thread_id == thread.id, link_cluster.c.run_id == thread.last_run_id)
    ).all()
    keys = sorted(member_key(o, r) for o, r in members)
    values = {"thread_id": thread.id, "judgement": judgement, "reason": reason.strip()}
    values |= {"judged_by": principal.name, "role": principal.role.value, "judged_at": utc_now()}
    conn.execute(insert(link_judgement).values(members=json.dumps(keys), **values))
    set_thread(conn, thread.id, status=judgement)
    entry = AuditEntry(Action.ALTERATION, "link_thread", key, reason.strip(), detail=judgement)
    record(conn, principal, entry)


def export_threads(
    conn: Connection, principal: Principal, purpose: str, recipient: str
) -> list[ThreadDetail]:
    """Every active thread in scope, with people, for a DISCLOSURE to `recipient`."""
    if not principal.may_see_personal_data:
        raise AccessDenied(
            f"{principal.describe()} may not export threads: they hold personal data"
        )
    if not purpose.strip() or not recipient.strip():
        raise InvalidInput("an export needs a purpose and a recipient")
    t = link_thread
    rows = conn.execute(
        select(t).where(t.c.active, t.c.id.in_(_visible_thread_ids(principal))).order_by(t.c.id)
    ).all()
    details = [_detail(conn, r, personal=True) for r in rows]
    entry = AuditEntry(
        Action.DISCLOSURE, "link_threads", f"{len(details)} threads", purpose.strip(),
        recipient=recipient.strip(),
        detail=f"{sum(len(d.members) for d in details)} records",
    )  # fmt: skip
    record(conn, principal, entry)
    return details
