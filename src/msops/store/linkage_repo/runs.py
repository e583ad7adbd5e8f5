"""Writing a link run: the nominals it reads, its clusters, threads and alerts."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, and_, func, insert, select, update

from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal, Role
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.linkage import (
    link_alert,
    link_cluster,
    link_judgement,
    link_member,
    link_pair,
    link_run,
    link_thread,
)
from msops.store.subject_repo import restricted_clause

Row = dict[str, Any]
JUDGEMENTS = ("confirmed", "dismissed", "unsure")
STATUSES = ("new", *JUDGEMENTS)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class NominalRecord:
    """One nominal of a current return, as the matcher reads it (the latest month of its
    operation); `key` names the person-in-operation across months and runs."""

    nominal_id: int
    operation_id: int
    organisation_id: int
    organisation: str
    operation_ref: str
    nominal_ref: str
    role: str
    given_name: str | None
    family_name: str | None
    aliases: str | None
    date_of_birth: date | None
    estimated_age: int | None
    gender: str | None
    nationality: str | None
    seen_on: date  # when the estimated age was given: the operation's opening (or the month)
    identifiers: list[tuple[str, str]] = field(default_factory=list)  # (kind, normalised value)

    @property
    def key(self) -> str:
        return member_key(self.operation_id, self.nominal_ref)


def member_key(operation_id: int, nominal_ref: str) -> str:
    return f"{operation_id}:{nominal_ref}"


def require_national(principal: Principal, what: str) -> None:
    if principal.role not in (Role.SYSTEM, Role.NATIONAL_ANALYST):
        raise AccessDenied(f"{principal.describe()} may not {what}: it is national work")


def _latest_months() -> Any:
    om = s.operation_month
    latest = (
        select(om.c.operation_id, func.max(om.c.period).label("period"))
        .where(om.c.is_current)
        .group_by(om.c.operation_id)
        .subquery()
    )
    return (
        select(om.c.id, om.c.operation_id, om.c.period, om.c.opened_date)
        .join(
            latest, and_(latest.c.operation_id == om.c.operation_id, latest.c.period == om.c.period)
        )
        .where(om.c.is_current)
        .subquery()
    )


def current_nominals(conn: Connection, principal: Principal) -> list[NominalRecord]:
    """Every nominal in the latest current month of every operation (national scope only)."""
    require_national(principal, "read every organisation's nominals")
    nm, op, org = s.nominal, s.operation, s.organisation
    months = _latest_months()
    query = (
        select(
            nm,
            months.c.operation_id,
            months.c.period,
            months.c.opened_date,
            op.c.ref.label("operation_ref"),
            op.c.organisation_id,
            org.c.short_name.label("organisation"),
        )
        .join(months, months.c.id == nm.c.operation_month_id)
        .join(op, op.c.id == months.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .where(~restricted_clause(op, nm))  # restricted processing: never linked
        .order_by(nm.c.id)
    )
    records: dict[int, NominalRecord] = {}
    for r in conn.execute(query).mappings():
        y, m = (int(p) for p in str(r["period"]).split("-"))
        records[r["id"]] = NominalRecord(
            r["id"], r["operation_id"], r["organisation_id"], r["organisation"],
            r["operation_ref"], r["nominal_ref"], r["role"], r["given_name"], r["family_name"],
            r["aliases"], r["date_of_birth"], r["estimated_age"], r["gender"], r["nationality"],
            r["opened_date"] or date(y, m, 1),
        )  # fmt: skip
    idf = s.identifier
    ids = (
        select(idf.c.nominal_id, idf.c.kind, idf.c.value_norm)
        .join(nm, nm.c.id == idf.c.nominal_id)
        .join(months, months.c.id == nm.c.operation_month_id)
        .order_by(idf.c.id)
    )
    for nominal_id, kind, value in conn.execute(ids):
        if nominal_id in records:
            records[nominal_id].identifiers.append((kind, value))
    return list(records.values())


# ---- writing a run ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PairRow:
    left: int  # nominal ids
    right: int
    kind: str
    probability: float
    match_weight: float | None
    evidence: list[tuple[str, str, float]]


@dataclass(frozen=True)
class ClusterRow:
    members: list[NominalRecord]
    pairs: list[PairRow]
    thread_id: int | None = None

    @property
    def organisation_ids(self) -> set[int]:
        return {m.organisation_id for m in self.members}


@dataclass
class ThreadState:
    """A thread as the last run left it, with the members its latest judgement was about."""

    id: int
    key: str
    status: str
    active: bool
    members: set[str]
    judged: set[str] = field(default_factory=set)


def start_run(
    conn: Connection, principal: Principal, parameters: dict[str, Any], started_at: datetime
) -> int:
    require_national(principal, "run linkage")
    now = started_at
    counts = dict.fromkeys(
        ("n_records", "n_model_links", "n_exact_links", "n_clusters", "n_threads"), 0
    )
    values = {"started_at": now, "finished_at": now, "run_by": principal.name}
    values |= {"role": principal.role.value, "parameters": json.dumps(parameters, sort_keys=True)}
    values |= counts | {"n_new_threads": 0, "n_alerts": 0}
    return int(conn.execute(insert(link_run).values(values).returning(link_run.c.id)).scalar_one())


def finish_run(conn: Connection, principal: Principal, run_id: int, counts: dict[str, int]) -> None:
    conn.execute(
        update(link_run).where(link_run.c.id == run_id).values(finished_at=utc_now(), **counts)
    )
    detail = ", ".join(f"{k.removeprefix('n_')} {v}" for k, v in counts.items())
    record(
        conn,
        principal,
        AuditEntry(Action.COMBINATION, "link_run", str(run_id), "linkage run", detail=detail),
    )


def thread_states(conn: Connection) -> list[ThreadState]:
    """Every thread with its latest membership (member keys) and its latest judgement."""
    t, c, m = link_thread, link_cluster, link_member
    states = {
        r.id: ThreadState(r.id, r.key, r.status, r.active, set())
        for r in conn.execute(select(t.c.id, t.c.key, t.c.status, t.c.active))
    }
    current = (
        select(c.c.thread_id, m.c.operation_id, m.c.nominal_ref)
        .join(m, m.c.cluster_id == c.c.id)
        .join(t, and_(t.c.id == c.c.thread_id, t.c.last_run_id == c.c.run_id))
    )
    for thread_id, operation_id, nominal_ref in conn.execute(current):
        states[thread_id].members.add(member_key(operation_id, nominal_ref))
    j = link_judgement
    for thread_id, members in conn.execute(select(j.c.thread_id, j.c.members).order_by(j.c.id)):
        states[thread_id].judged = set(json.loads(members))
    return list(states.values())


def new_thread(conn: Connection, run_id: int) -> int:
    values = {"key": "t" + secrets.token_hex(8), "status": "new", "active": True}
    values |= {"first_run_id": run_id, "last_run_id": run_id, "n_members": 0, "n_organisations": 0}
    return int(
        conn.execute(insert(link_thread).values(values).returning(link_thread.c.id)).scalar_one()
    )


def set_thread(conn: Connection, thread_id: int, **values: Any) -> None:
    conn.execute(update(link_thread).where(link_thread.c.id == thread_id).values(**values))


def save_clusters(conn: Connection, run_id: int, clusters: Sequence[ClusterRow]) -> None:
    if not clusters:
        return
    heads = [
        {
            "run_id": run_id,
            "thread_id": c.thread_id,
            "n_members": len(c.members),
            "n_organisations": len(c.organisation_ids),
        }
        for c in clusters
    ]
    ids = (
        conn.execute(
            insert(link_cluster).returning(link_cluster.c.id, sort_by_parameter_order=True), heads
        )
        .scalars()
        .all()
    )
    members, pairs = [], []
    for cluster_id, c in zip(ids, clusters, strict=True):
        members += [
            {"cluster_id": cluster_id, "nominal_id": n.nominal_id, "operation_id": n.operation_id,
             "organisation_id": n.organisation_id, "nominal_ref": n.nominal_ref}
            for n in c.members
        ]  # fmt: skip
        pairs += [
            {"cluster_id": cluster_id, "left_nominal_id": p.left, "right_nominal_id": p.right,
             "kind": p.kind, "probability": p.probability, "match_weight": p.match_weight,
             "evidence": json.dumps(p.evidence)}
            for p in c.pairs
        ]  # fmt: skip
    conn.execute(insert(link_member), members)
    if pairs:
        conn.execute(insert(link_pair), pairs)


def raise_alerts(
    conn: Connection, thread_id: int, run_id: int, org_ids: set[int], reason: str
) -> int:
    now = utc_now()
    rows = [
        {"thread_id": thread_id, "run_id": run_id, "organisation_id": o, "raised_at": now,
         "reason": reason}
        for o in sorted(org_ids)
    ]  # fmt: skip
    conn.execute(insert(link_alert), rows)
    return len(rows)
