"""NRM referrals tied to crime recording, and duty-to-notify (MS1) submissions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from msops.domain.errors import InvalidInput, NotFound
from msops.domain.nrm_referrals import (
    AgeGroup,
    Decisions,
    Gender,
    Outcome,
    Stage,
    check_crime_record,
    check_decisions,
    clean_exploitation,
    clean_first_responder,
    clean_nationality,
)
from msops.domain.principal import Principal
from msops.store import schema as s
from msops.store.audit import Action
from msops.store.casework_common import (
    Row,
    audit_read,
    log_change,
    readable_org_id,
    require_operation,
    require_personal_scope,
    require_text,
    scoped_rows,
    writable_org_id,
)
from msops.store.schema_casework import casework_duty_to_notify, casework_nrm_referral

REFERRAL = "nrm_referral"
NOTIFY = "duty_to_notify"


@dataclass(frozen=True)
class Referral:
    organisation: str
    referral_ref: str
    first_responder: str
    referred_at: datetime
    age_group: AgeGroup
    gender: Gender
    nationality: str
    exploitation: str
    operation_ref: str | None = None


def add_referral(conn: Connection, principal: Principal, r: Referral) -> int:
    """Store a referral (no names: the force's own reference and the statistics' categories)."""
    org_id = writable_org_id(conn, principal, r.organisation, "NRM referrals")
    ref = require_text(r.referral_ref, "referral", 80)
    if r.operation_ref:
        require_operation(conn, org_id, r.operation_ref)
    t = casework_nrm_referral
    if conn.execute(
        select(t.c.id).where(t.c.organisation_id == org_id, t.c.referral_ref == ref)
    ).first():
        raise InvalidInput(f"referral: {ref!r} is already recorded for {r.organisation}")
    referral_id = conn.execute(
        insert(t)
        .values(
            organisation_id=org_id,
            referral_ref=ref,
            operation_ref=r.operation_ref or None,
            first_responder=clean_first_responder(r.first_responder),
            referred_at=r.referred_at,
            age_group=r.age_group.value,
            gender=r.gender.value,
            nationality=clean_nationality(r.nationality),
            exploitation=clean_exploitation(r.exploitation),
            version=1,
        )
        .returning(t.c.id)
    ).scalar_one()
    log_change(conn, principal, REFERRAL, t, referral_id, "referred", Action.COLLECTION)
    return int(referral_id)


def _referral(conn: Connection, principal: Principal, org: str, ref: str) -> Any:
    org_id = writable_org_id(conn, principal, org, "NRM referrals")
    t = casework_nrm_referral
    row = conn.execute(
        select(t).where(t.c.organisation_id == org_id, t.c.referral_ref == ref)
    ).first()
    if row is None:
        raise NotFound(f"referral: {org} has no referral {ref!r}")
    return row


def record_decision(
    conn: Connection,
    principal: Principal,
    org: str,
    ref: str,
    stage: Stage,
    on: date,
    outcome: Outcome,
) -> int:
    """Record the competent authority's reasonable or conclusive grounds decision."""
    row = _referral(conn, principal, org, ref)
    rg = (on, outcome) if stage == Stage.REASONABLE else (row.rg_decided_on, row.rg_outcome)
    cg = (on, outcome) if stage == Stage.CONCLUSIVE else (row.cg_decided_on, row.cg_outcome)
    check_decisions(
        Decisions(
            row.referred_at.date(),
            rg[0],
            Outcome(rg[1]) if rg[1] else None,
            cg[0],
            Outcome(cg[1]) if cg[1] else None,
        )
    )
    values = {f"{stage.value}_decided_on": on, f"{stage.value}_outcome": outcome.value}
    return _change(conn, principal, row, values, f"{stage.value} decision")


def record_crime(
    conn: Connection, principal: Principal, org: str, ref: str, crime_ref: str, at: datetime
) -> int:
    """Record the crime the referral was recorded as, and when (Home Office Counting Rules)."""
    row = _referral(conn, principal, org, ref)
    check_crime_record(row.referred_at, at)
    values = {"crime_ref": require_text(crime_ref, "crime reference", 80), "crime_recorded_at": at}
    return _change(conn, principal, row, values, "crime recorded")


def _change(conn: Connection, principal: Principal, row: Any, values: Row, what: str) -> int:
    t = casework_nrm_referral
    conn.execute(update(t).where(t.c.id == row.id).values(version=row.version + 1, **values))
    return log_change(conn, principal, REFERRAL, t, row.id, what)


def add_duty_to_notify(
    conn: Connection,
    principal: Principal,
    org: str,
    submitted_on: date,
    gender: Gender,
    nationality: str,
    exploitation: str,
    operation_ref: str | None = None,
) -> int:
    """An MS1 notification for an adult who did not consent: no identifying details at all."""
    org_id = writable_org_id(conn, principal, org, "duty-to-notify submissions")
    if operation_ref:
        require_operation(conn, org_id, operation_ref)
    t = casework_duty_to_notify
    notify_id = conn.execute(
        insert(t)
        .values(
            organisation_id=org_id,
            operation_ref=operation_ref or None,
            submitted_on=submitted_on,
            gender=gender.value,
            nationality=clean_nationality(nationality),
            exploitation=clean_exploitation(exploitation),
            version=1,
        )
        .returning(t.c.id)
    ).scalar_one()
    log_change(conn, principal, NOTIFY, t, notify_id, "notified", Action.COLLECTION)
    return int(notify_id)


def list_referrals(conn: Connection, principal: Principal, org: str | None = None) -> list[Row]:
    require_personal_scope(principal, "NRM referrals")
    t, o = casework_nrm_referral, s.organisation
    query = scoped_rows(principal, t).order_by(o.c.short_name, t.c.referred_at, t.c.id)
    if org:
        query = query.where(t.c.organisation_id == readable_org_id(conn, principal, org))
    rows = [dict(r) for r in conn.execute(query).mappings()]
    audit_read(conn, principal, REFERRAL, org or "all", len(rows))
    return rows


def list_notifications(conn: Connection, principal: Principal) -> list[Row]:
    require_personal_scope(principal, "duty-to-notify records")
    t, o = casework_duty_to_notify, s.organisation
    rows = conn.execute(
        scoped_rows(principal, t).order_by(o.c.short_name, t.c.submitted_on, t.c.id)
    ).mappings()
    out = [dict(r) for r in rows]
    audit_read(conn, principal, NOTIFY, "all", len(out))
    return out
