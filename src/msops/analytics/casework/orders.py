"""The anonymised reference library of orders: what courts have granted, for analysts and
prosecutors drafting an application, with no subject, operation or organisation (a disclosure)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection

from msops.domain.casework.orders import generalise
from msops.domain.marking import OFFICIAL
from msops.domain.principal import Principal
from msops.store.audit import Action
from msops.store.casework.common import Row, audit_read, require_text
from msops.store.casework.orders import REGISTER, listing

LIBRARY_COLUMNS = (
    "order_type",
    "court",
    "made",
    "duration_years",
    "prohibitions",
    "foreign_travel",
    "travel_ban_ends",
    "notification_requirements",
    "variations",
    "breaches",
    "status",
)
LIBRARY_MARKING = f"{OFFICIAL}: anonymised library of orders"


def library(
    conn: Connection, principal: Principal, purpose: str, recipient: str | None = None
) -> list[Row]:
    """The anonymised reference library: no subject, operation or organisation; court,
    prohibitions and travel terms kept; dates generalised to year and quarter (disclosure)."""
    purpose = require_text(purpose, "purpose", 500)
    rows: list[Row] = []
    for row in conn.execute(listing(conn, principal, None)):
        rows.append(
            {
                "order_type": row.order_type,
                "court": row.court,
                "made": generalise(row.made_on),
                "duration_years": _duration_years(row),
                "prohibitions": "; ".join(json.loads(row.prohibitions)),
                "foreign_travel": ", ".join(json.loads(row.travel_countries)),
                "travel_ban_ends": generalise(row.travel_ban_ends),
                "notification_requirements": row.notification_requirements or "",
                "variations": row.variations,
                "breaches": row.breaches,
                "status": row.status,
            }
        )
    rows.sort(key=lambda r: (r["order_type"], r["made"] or "", r["court"]))
    audit_read(
        conn, principal, REGISTER, "library export", len(rows), purpose, Action.DISCLOSURE,
        recipient,
    )  # fmt: skip
    return rows


def _duration_years(row: Any) -> str:
    if row.until_further_order:
        return "until further order"
    return str(round((row.expires_on - row.made_on).days / 365.25))
