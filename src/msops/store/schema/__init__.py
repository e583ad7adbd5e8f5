"""The database schema: one place that says what is stored, for SQLite and PostgreSQL alike.

Tables live in one module per capability (`returns`, `audit`, `nrm`, `linkage`, `casework`,
`summary`, `retention`, `subject`, `profile`, `web`), all on `base.metadata`. Importing this
package imports every one of them, so `metadata` (and so Alembic and the tests) sees every
table. The returns and audit tables, which most reads join, are re-exported here as
`schema.<table>`.
"""

from __future__ import annotations

from msops.store.schema import casework, linkage, nrm, profile, retention, subject, summary, web
from msops.store.schema.audit import audit_event
from msops.store.schema.base import metadata
from msops.store.schema.returns import (
    identifier,
    nominal,
    operation,
    operation_detail,
    operation_month,
    operation_nationality,
    organisation,
    return_version,
)

__all__ = [
    "audit_event",
    "casework",
    "identifier",
    "linkage",
    "metadata",
    "nominal",
    "nrm",
    "operation",
    "operation_detail",
    "operation_month",
    "operation_nationality",
    "organisation",
    "profile",
    "retention",
    "return_version",
    "subject",
    "summary",
    "web",
]
