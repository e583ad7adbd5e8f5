"""Reading stored monthly returns back: a month's versions, and one version's content."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from msops.domain.content import ReturnContent, Row
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.store import schema as s
from msops.store.returns_repo import MONTH_COLUMNS, PERSON_COLUMNS, current_version
from msops.store.scope import organisation_id, require_read


@dataclass(frozen=True)
class VersionInfo:
    version: int
    is_current: bool
    submitted_by: str
    submitted_at: datetime
    source_name: str
    file_sha256: str
    content_sha256: str
    n_operations: int
    n_nominals: int

    corrections: str = ""  # "CL-001: opened_date; CL-007: lead_org": rows that corrected


def history(
    conn: Connection, principal: Principal, org_name: str, period: Period
) -> list[VersionInfo]:
    """Every version of an organisation's return for a month, oldest first."""
    org_id = organisation_id(conn, org_name)
    require_read(conn, principal, org_id)
    rv = s.return_version
    rows = conn.execute(
        select(rv)
        .where(rv.c.organisation_id == org_id, rv.c.period == str(period))
        .order_by(rv.c.version)
    ).all()
    corrected = _corrections(conn, [r.id for r in rows])
    return [
        VersionInfo(
            version=r.version,
            is_current=r.is_current,
            submitted_by=r.submitted_by,
            submitted_at=r.submitted_at,
            source_name=r.source_name,
            file_sha256=r.file_sha256,
            content_sha256=r.content_sha256,
            n_operations=r.n_operations,
            n_nominals=r.n_nominals,
            corrections="; ".join(corrected.get(r.id, [])),
        )
        for r in rows
    ]


def _corrections(conn: Connection, version_ids: list[int]) -> dict[int, list[str]]:
    """Version id -> 'REF: columns' for each of its rows that corrected earlier months."""
    om, op = s.operation_month, s.operation
    found: dict[int, list[str]] = {}
    if not version_ids:
        return found
    rows = conn.execute(
        select(om.c.return_version_id, op.c.ref, om.c.correction)
        .join(op, op.c.id == om.c.operation_id)
        .where(om.c.return_version_id.in_(version_ids), om.c.correction.is_not(None))
        .order_by(om.c.return_version_id, op.c.ref)
    )
    for row in rows:
        found.setdefault(row.return_version_id, []).append(f"{row.ref}: {row.correction}")
    return found


def load_content(conn: Connection, version_id: int, with_nominals: bool) -> ReturnContent:
    """The stored content of one return version, in the shape validation produced."""
    om, op, org = s.operation_month, s.operation, s.organisation
    months = conn.execute(
        select(om, op.c.ref.label("operation_ref"), org.c.short_name.label("lead_org"))
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == om.c.lead_org_id)
        .where(om.c.return_version_id == version_id)
        .order_by(om.c.id)
    ).all()
    content = ReturnContent()
    refs: dict[int, str] = {}
    for m in months:
        refs[m.id] = m.operation_ref
        row: Row = {"operation_ref": m.operation_ref, "lead_org": m.lead_org}
        row.update({n: getattr(m, n) for n in MONTH_COLUMNS})
        content.operations.append(row)
    if not refs:
        return content
    _load_children(conn, refs, content, with_nominals)
    return content


def _load_children(
    conn: Connection, refs: dict[int, str], content: ReturnContent, with_nominals: bool
) -> None:
    ids = list(refs)
    d, n = s.operation_detail, s.operation_nationality
    for r in conn.execute(select(d).where(d.c.operation_month_id.in_(ids)).order_by(d.c.id)):
        content.details.append(
            {"operation_ref": refs[r.operation_month_id], "detail": r.detail, "value": r.value}
        )
    for r in conn.execute(select(n).where(n.c.operation_month_id.in_(ids)).order_by(n.c.id)):
        content.nationalities.append(
            {
                "operation_ref": refs[r.operation_month_id],
                "group": r.grp,
                "nationality": r.nationality,
                "count": r.count,
            }
        )
    if not with_nominals:
        return
    nm, idf = s.nominal, s.identifier
    people: dict[int, Row] = {}
    for r in conn.execute(select(nm).where(nm.c.operation_month_id.in_(ids)).order_by(nm.c.id)):
        row: Row = {"operation_ref": refs[r.operation_month_id]}
        row.update({k: getattr(r, k) for k in PERSON_COLUMNS})
        people[r.id] = row
        content.nominals.append(row)
    if not people:
        return
    for r in conn.execute(select(idf).where(idf.c.nominal_id.in_(list(people))).order_by(idf.c.id)):
        person = people[r.nominal_id]
        content.identifiers.append(
            {
                "operation_ref": person["operation_ref"],
                "nominal_ref": person["nominal_ref"],
                "kind": r.kind,
                "value": r.value,
                "value_norm": r.value_norm,
            }
        )


def current_version_id(
    conn: Connection, principal: Principal, org_name: str, period: Period
) -> int | None:
    org_id = organisation_id(conn, org_name)
    require_read(conn, principal, org_id)
    row = current_version(conn, org_id, period)
    return None if row is None else int(row.id)
