"""Forces' RAG assessments against the national action plan: append-only, over time.

Who records: the force itself, a regional analyst for a force of their region, national roles.
Who reads a force's assessments: the same, plus the force's own users (PCCs and administrators
read none). The national comparison gives other forces' current RAGs without their names.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, insert, select

from msops.domain.casework.action_plan import FORCE_KINDS, Rag, action_plan
from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal, Role
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.casework.common import (
    Row,
    audit_read,
    log_change,
    org_label,
    readable_org_id,
    require_personal_scope,
    require_text,
)
from msops.store.casework.peer_reviews import force_org
from msops.store.schema.casework import casework_plan_assessment

REGISTER = "plan_assessment"


def _assessable(conn: Connection, principal: Principal, org_name: str) -> Any:
    org = force_org(conn, org_name)
    if principal.role in (Role.SYSTEM, Role.NATIONAL_ANALYST):
        return org
    if principal.role == Role.REGIONAL_ANALYST and principal.region == org.region:
        return org
    if principal.role == Role.FORCE_USER and principal.organisation == org.short_name:
        return org
    raise AccessDenied(f"{principal.describe()} may not assess {org.short_name}'s action plan")


def assess(
    conn: Connection,
    principal: Principal,
    org: str,
    item_id: str,
    rag: Rag,
    on: date,
    assessor: str,
    evidence: str,
) -> int:
    """Append a RAG assessment of one item for a force; returns its id. Earlier assessments
    are never changed: the latest by date (then by entry) is the force's current position."""
    force = _assessable(conn, principal, org)
    plan = action_plan()
    item = plan.item(item_id)
    t = casework_plan_assessment
    assessment_id = conn.execute(
        insert(t)
        .values(
            organisation_id=force.id,
            plan_version=plan.version,
            item_id=item.id,
            rag=rag.value,
            assessed_on=on,
            assessor=require_text(assessor, "assessor", 120),
            evidence=require_text(evidence, "evidence", 5000),
            version=1,
        )
        .returning(t.c.id)
    ).scalar_one()
    log_change(
        conn, principal, REGISTER, t, assessment_id, f"{item.id} {rag.value}", Action.COLLECTION
    )
    return int(assessment_id)


def _ordered(org_id: int | None, version: str, as_of: date | None) -> Any:
    t = casework_plan_assessment
    query = select(t).where(t.c.plan_version == version)
    if org_id is not None:
        query = query.where(t.c.organisation_id == org_id)
    if as_of is not None:
        query = query.where(t.c.assessed_on <= as_of)
    return query.order_by(t.c.item_id, t.c.assessed_on, t.c.id)


def history(
    conn: Connection, principal: Principal, org: str, item_id: str | None = None
) -> list[Row]:
    """A force's assessments of the current plan, per item oldest first."""
    require_personal_scope(principal, "action plan assessments")
    org_id = readable_org_id(conn, principal, org)
    force = force_org(conn, org)
    query = _ordered(org_id, action_plan().version, None)
    if item_id is not None:
        query = query.where(casework_plan_assessment.c.item_id == action_plan().item(item_id).id)
    rows = [dict(r) for r in conn.execute(query).mappings()]
    for r in rows:
        r["organisation"] = force.short_name
    audit_read(conn, principal, REGISTER, f"{force.short_name} history", len(rows))
    return rows


@dataclass(frozen=True)
class PositionData:
    """What a force position summary is computed from."""

    organisation: str
    region: str | None
    plan_version: str
    as_of: date | None
    own: dict[str, list[Row]]  # item id -> the force's assessments, oldest first
    others: dict[str, list[Rag]]  # item id -> other forces' current RAG (no names)
    forces: int  # forces that hold a position against the plan, this one included


def position_data(
    conn: Connection, principal: Principal, org: str, as_of: date | None = None
) -> PositionData:
    """The force's assessments and, anonymously, every other force's current RAG per item."""
    require_personal_scope(principal, "action plan assessments")
    org_id = readable_org_id(conn, principal, org)
    force = force_org(conn, org)
    version = action_plan().version
    own: dict[str, list[Row]] = defaultdict(list)
    latest: dict[tuple[int, str], Rag] = {}
    for row in conn.execute(_ordered(None, version, as_of)).mappings():
        if row["organisation_id"] == org_id:
            own[row["item_id"]].append(dict(row))
        else:  # ordered oldest first: the last one seen is the current one
            latest[(row["organisation_id"], row["item_id"])] = Rag(row["rag"])
    others: dict[str, list[Rag]] = defaultdict(list)
    for (_org, item), rag in sorted(latest.items()):
        others[item].append(rag)
    o = s.organisation
    forces = conn.execute(select(o.c.id).where(o.c.kind.in_(sorted(FORCE_KINDS)))).all()
    count = sum(len(v) for v in own.values())
    audit_read(conn, principal, REGISTER, f"{force.short_name} position", count)
    return PositionData(
        force.short_name, force.region, version, as_of, dict(own), dict(others), len(forces)
    )


def record_position_disclosure(
    conn: Connection,
    principal: Principal,
    org: str,
    purpose: str,
    recipient: str | None,
    detail: str,
) -> None:
    """The position summary left msops (written to a file): a disclosure in the audit trail."""
    purpose = require_text(purpose, "purpose", 500)
    entry = AuditEntry(
        Action.DISCLOSURE, REGISTER, f"{org_label(org)}/position", purpose, recipient, detail=detail
    )
    record(conn, principal, entry)
