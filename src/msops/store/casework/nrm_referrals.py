"""NRM referrals tied to crime recording, and duty-to-notify (MS1) submissions."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from msops.domain.casework.nrm_referrals import (
    DEFAULT_SETTINGS,
    AgeGroup,
    Decisions,
    Gender,
    Outcome,
    Stage,
    check_crime_record,
    check_decisions,
    check_setting,
    clean_exploitation,
    clean_first_responder,
    clean_nationality,
)
from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal, Role
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.casework.common import (
    Row,
    audit_read,
    log_change,
    org_label,
    readable_org_id,
    require_operation,
    require_personal_scope,
    require_text,
    scoped_rows,
    utc_now,
    writable_org_id,
)
from msops.store.schema.casework import (
    casework_change,
    casework_duty_to_notify,
    casework_nrm_referral,
    casework_setting,
)

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
    audit_read(conn, principal, REFERRAL, org_label(org), len(rows))
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


# Rule settings (e.g. the crime-recording deadline), with their history.
SETTING = "setting"


def settings(conn: Connection) -> dict[str, int]:
    """Every setting: the stored value, else the documented default."""
    stored = {
        r.name: int(r.value)
        for r in conn.execute(select(casework_setting.c.name, casework_setting.c.value))
    }
    return {name: stored.get(name, default) for name, default in DEFAULT_SETTINGS.items()}


def set_setting(conn: Connection, principal: Principal, name: str, value: str) -> int:
    """Change a setting (national roles only); returns the setting's new version."""
    if principal.role not in (Role.SYSTEM, Role.NATIONAL_ANALYST, Role.ADMIN):
        raise AccessDenied(f"{principal.describe()} may not change national rule settings")
    number = check_setting(name, value)
    row = conn.execute(select(casework_setting).where(casework_setting.c.name == name)).first()
    if row is None:
        version = 1
        setting_id = conn.execute(
            insert(casework_setting)
            .values(name=name, value=str(number), version=1)
            .returning(casework_setting.c.id)
        ).scalar_one()
    else:
        version = row.version + 1
        setting_id = row.id
        conn.execute(
            update(casework_setting)
            .where(casework_setting.c.id == row.id)
            .values(value=str(number), version=version)
        )
    conn.execute(
        insert(casework_change).values(
            register=SETTING,
            record_id=setting_id,
            version=version,
            change="set",
            changed_at=utc_now(),
            changed_by=principal.name,
            snapshot=json.dumps({"name": name, "value": number}),
        )
    )
    record(
        conn,
        principal,
        AuditEntry(Action.ALTERATION, SETTING, name, detail=f"{name}={number} v{version}"),
    )
    return version


def setting_history(conn: Connection) -> list[dict[str, Any]]:
    """Every change of a setting, newest first, from the change log (not audited: the settings
    are rules, not records about anyone)."""
    c = casework_change
    found = conn.execute(
        select(c.c.version, c.c.changed_at, c.c.changed_by, c.c.snapshot)
        .where(c.c.register == SETTING)
        .order_by(c.c.changed_at.desc(), c.c.id.desc())
    )
    rows = []
    for r in found:
        state = json.loads(r.snapshot)
        rows.append(
            {
                "name": state.get("name"),
                "value": state.get("value"),
                "version": r.version,
                "changed_at": r.changed_at,
                "changed_by": r.changed_by,
            }
        )
    return rows
