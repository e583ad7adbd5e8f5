"""Thread alerts as an organisation sees them, and the threads an operation belongs to.

An alert is raised for every organisation a new (or grown) thread touches; it stays on the
organisation's list until someone judges the thread (confirmed, dismissed or unsure). Both reads
are in scope: a force sees its own alerts and the threads of its own operations.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, select

from msops.domain.errors import AccessDenied, NotFound
from msops.domain.principal import Principal
from msops.store import schema as s
from msops.store.linkage_repo.runs import Row
from msops.store.schema.linkage import link_alert, link_cluster, link_member, link_thread
from msops.store.scope import organisation_id, require_read, visible_organisations

UNREVIEWED = "new"


def _require_people(principal: Principal) -> None:
    if not principal.may_see_personal_data:
        raise AccessDenied(f"{principal.describe()} may not see threads: they join personal data")


def list_alerts(conn: Connection, principal: Principal, unreviewed_only: bool = False) -> list[Row]:
    """Alerts raised for organisations in scope, newest first, with the thread's status now."""
    _require_people(principal)
    a, t, org = link_alert, link_thread, s.organisation
    query = (
        select(
            t.c.key.label("thread"), t.c.status, t.c.active, t.c.n_members.label("records"),
            t.c.n_organisations.label("organisations"), org.c.short_name.label("raised_for"),
            a.c.reason, a.c.raised_at,
        )
        .join(t, t.c.id == a.c.thread_id)
        .join(org, org.c.id == a.c.organisation_id)
        .where(visible_organisations(principal))
        .order_by(a.c.raised_at.desc(), a.c.id.desc())
    )  # fmt: skip
    if unreviewed_only:
        query = query.where(t.c.status == UNREVIEWED, t.c.active)
    return [dict(r) for r in conn.execute(query).mappings()]


def count_unreviewed(conn: Connection, principal: Principal) -> int:
    """How many active threads in scope still wait for a judgement (0 for roles without people)."""
    if not principal.may_see_personal_data:
        return 0
    a, t, org = link_alert, link_thread, s.organisation
    query = (
        select(func.count(func.distinct(t.c.id)))
        .select_from(a)
        .join(t, t.c.id == a.c.thread_id)
        .join(org, org.c.id == a.c.organisation_id)
        .where(visible_organisations(principal), t.c.status == UNREVIEWED, t.c.active)
    )
    return int(conn.execute(query).scalar_one())


def operation_threads(conn: Connection, principal: Principal, org_name: str, ref: str) -> list[Row]:
    """The threads (as of each thread's last run) with a record in operation `org_name`/`ref`."""
    _require_people(principal)
    org_id = organisation_id(conn, org_name)
    require_read(conn, principal, org_id)
    op_id = conn.execute(
        select(s.operation.c.id).where(
            s.operation.c.organisation_id == org_id, s.operation.c.ref == ref
        )
    ).scalar_one_or_none()
    if op_id is None:
        raise NotFound(f"{org_name} has no operation {ref!r}")
    c, m = link_cluster, link_member
    in_operation = (
        select(c.c.thread_id)
        .join(m, m.c.cluster_id == c.c.id)
        .join(
            link_thread,
            and_(link_thread.c.id == c.c.thread_id, link_thread.c.last_run_id == c.c.run_id),
        )
        .where(m.c.operation_id == op_id)
    )
    t = link_thread
    query: Any = (
        select(
            t.c.key.label("thread"), t.c.status, t.c.active,
            t.c.n_members.label("records"), t.c.n_organisations.label("organisations"),
        )
        .where(t.c.id.in_(in_operation))
        .order_by(t.c.id)
    )  # fmt: skip
    return [dict(r) for r in conn.execute(query).mappings()]
