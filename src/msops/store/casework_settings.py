"""Rule settings of the casework registers (e.g. the crime-recording deadline), with history."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection, insert, select, update

from msops.domain.errors import AccessDenied
from msops.domain.nrm_referrals import DEFAULT_SETTINGS, check_setting
from msops.domain.principal import Principal, Role
from msops.store.audit import Action, AuditEntry, record
from msops.store.casework_common import utc_now
from msops.store.schema_casework import casework_change, casework_setting

REGISTER = "setting"


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
            register=REGISTER,
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
        AuditEntry(Action.ALTERATION, REGISTER, name, detail=f"{name}={number} v{version}"),
    )
    return version


def setting_history(conn: Connection) -> list[dict[str, Any]]:
    """Every change of a setting, newest first, from the change log (not audited: the settings
    are rules, not records about anyone)."""
    c = casework_change
    found = conn.execute(
        select(c.c.version, c.c.changed_at, c.c.changed_by, c.c.snapshot)
        .where(c.c.register == REGISTER)
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
