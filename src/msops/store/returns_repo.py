"""Storing monthly returns, with every earlier version kept (`returns_read` reads them back).

A submission holds its organisation's return for its month (`locked_return`) while it
supersedes the current version and writes the new one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Table,
    and_,
    exc,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from msops.domain.content import ReturnContent
from msops.domain.errors import DatabaseBusy
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.return_spec import OPERATIONS
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.engine import is_busy
from msops.store.scope import organisation_id, require_submit
from msops.store.summary_repo import refresh_month_summary

# How long a submission waits for another submission of the same return (PostgreSQL) or for
# any other writer (SQLite) before it gives up and says the database is busy.
LOCK_WAIT_SECONDS = 30.0
BUSY = "the database is busy: try again"

# The columns a return's rows and the tables share as they are (`returns_read` reads them back);
# the references to operations and organisations are stored as ids.
PERSON_COLUMNS = [c.name for c in s.nominal.columns if c.name not in ("id", "operation_month_id")]
MONTH_COLUMNS = [c.name for c in OPERATIONS.columns if c.name not in ("operation_ref", "lead_org")]


@dataclass(frozen=True)
class SubmissionMeta:
    source_name: str
    file_sha256: str
    content_sha256: str


@contextmanager
def locked_return(engine: Engine, org_id: int, period: Period) -> Iterator[Connection]:
    """A write transaction that holds one organisation's return for one month: submissions of
    the same return wait for each other (at most LOCK_WAIT_SECONDS), so the current version
    read in it stays current until it commits.

    PostgreSQL: a transaction-scoped advisory lock on the two keys (organisation id, yyyymm),
    which is apart from the audit trail's single-key lock. SQLite: the database's write lock,
    taken before the first read (BEGIN IMMEDIATE), as SQLite has one writer at a time.
    Raises DatabaseBusy when the wait runs out.
    """
    try:
        with engine.begin() as conn:
            _lock_return(conn, org_id, period)
            yield conn
    except exc.DBAPIError as err:
        if is_busy(err):
            raise DatabaseBusy(BUSY) from err
        raise


def _lock_return(conn: Connection, org_id: int, period: Period) -> None:
    wait_ms = max(1, int(LOCK_WAIT_SECONDS * 1000))
    if conn.dialect.name == "postgresql":
        conn.execute(text(f"SET LOCAL lock_timeout = {wait_ms}"))
        key = period.year * 100 + period.month
        conn.execute(select(func.pg_advisory_xact_lock(org_id, key)))
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"PRAGMA busy_timeout = {wait_ms}")
        dbapi = conn.connection.dbapi_connection
        if not getattr(dbapi, "in_transaction", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:  # already begun, maybe deferred: a write as its first statement takes the lock
            rv = s.return_version
            conn.execute(update(rv).where(rv.c.id.is_(None)).values(version=rv.c.version))


def current_version(conn: Connection, org_id: int, period: Period) -> Any:
    rv = s.return_version
    return conn.execute(
        select(rv).where(
            rv.c.organisation_id == org_id, rv.c.period == str(period), rv.c.is_current
        )
    ).first()


def store_return(
    conn: Connection,
    principal: Principal,
    org_short_name: str,
    period: Period,
    content: ReturnContent,
    meta: SubmissionMeta,
) -> int:
    """Store a validated return as the organisation's new current version; returns its number.

    Call it inside `locked_return`, which keeps the version number read here from being taken
    by another submission before this one commits."""
    require_submit(principal, org_short_name)
    org_id = organisation_id(conn, org_short_name)
    version = _supersede(conn, org_id, period) + 1
    version_id = conn.execute(
        insert(s.return_version)
        .values(
            organisation_id=org_id,
            period=str(period),
            version=version,
            is_current=True,
            submitted_by=principal.name,
            submitted_at=datetime.now(UTC),
            source_name=meta.source_name,
            file_sha256=meta.file_sha256,
            content_sha256=meta.content_sha256,
            n_operations=len(content.operations),
            n_nominals=len(content.nominals),
        )
        .returning(s.return_version.c.id)
    ).scalar_one()
    _insert_content(conn, org_id, version_id, period, content)
    refresh_month_summary(conn, org_id, period)  # the overview's monthly totals
    record(
        conn,
        principal,
        AuditEntry(
            Action.COLLECTION,
            "return",
            f"{org_short_name}/{period}/v{version}",
            detail=f"{len(content.operations)} operations, {len(content.nominals)} nominals",
        ),
    )
    return version


def _supersede(conn: Connection, org_id: int, period: Period) -> int:
    """Mark the current version (if any) superseded; returns the highest version number so far."""
    rv, om = s.return_version, s.operation_month
    where = and_(rv.c.organisation_id == org_id, rv.c.period == str(period))
    latest = conn.execute(select(func.max(rv.c.version)).where(where)).scalar_one_or_none()
    current_ids = select(rv.c.id).where(where, rv.c.is_current).scalar_subquery()
    conn.execute(update(om).where(om.c.return_version_id.in_(current_ids)).values(is_current=False))
    conn.execute(update(rv).where(where, rv.c.is_current).values(is_current=False))
    return int(latest or 0)


def _operation_ids(conn: Connection, org_id: int, refs: Sequence[str]) -> dict[str, int]:
    ids = _known_operations(conn, org_id, refs)
    missing = [r for r in refs if r not in ids]
    if missing:
        # Another month of the same organisation, submitted at the same moment, may add the same
        # operation (only submissions of the same month wait for each other): keep either's row.
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(
            dialect.insert(s.operation).on_conflict_do_nothing(
                index_elements=["organisation_id", "ref"]
            ),
            [{"organisation_id": org_id, "ref": r} for r in missing],
        )
        ids.update(_known_operations(conn, org_id, missing))
    return ids


def _known_operations(conn: Connection, org_id: int, refs: Sequence[str]) -> dict[str, int]:
    op = s.operation
    ids: dict[str, int] = {}
    for chunk_start in range(0, len(refs), 500):
        chunk = refs[chunk_start : chunk_start + 500]
        rows = conn.execute(
            select(op.c.ref, op.c.id).where(op.c.organisation_id == org_id, op.c.ref.in_(chunk))
        )
        ids.update({r.ref: r.id for r in rows})
    return ids


def _org_ids(conn: Connection) -> dict[str, int]:
    org = s.organisation
    return {r.short_name: r.id for r in conn.execute(select(org.c.short_name, org.c.id))}


def _insert_content(
    conn: Connection, org_id: int, version_id: int, period: Period, content: ReturnContent
) -> None:
    if not content.operations:
        return
    op_ids = _operation_ids(conn, org_id, [r["operation_ref"] for r in content.operations])
    org_ids = _org_ids(conn)
    month_rows = [
        {
            "return_version_id": version_id,
            "operation_id": op_ids[r["operation_ref"]],
            "period": str(period),
            "is_current": True,
            "lead_org_id": org_ids[r["lead_org"]],
            **{n: r[n] for n in MONTH_COLUMNS},
        }
        for r in content.operations
    ]
    om = s.operation_month
    result = conn.execute(insert(om).returning(om.c.id, sort_by_parameter_order=True), month_rows)
    month_ids = dict(
        zip((r["operation_ref"] for r in content.operations), result.scalars(), strict=True)
    )
    _insert_children(conn, month_ids, content)


def _bulk_insert(
    conn: Connection, table: Table, columns: Sequence[str], rows: list[tuple[object, ...]]
) -> None:
    """Insert plain rows (ints and strings only) straight through the driver's executemany.

    A month's return holds thousands of child rows; SQLAlchemy's per-row parameter processing
    was a fifth of a submission's time, and these columns need no type conversion.
    """
    if not rows:
        return
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    sql = (
        f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608 (names are ours)
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    conn.exec_driver_sql(sql, rows)


def _insert_children(conn: Connection, month_ids: dict[str, int], content: ReturnContent) -> None:
    _bulk_insert(
        conn,
        s.operation_detail,
        ("operation_month_id", "detail", "value"),
        [(month_ids[r["operation_ref"]], r["detail"], r["value"]) for r in content.details],
    )
    _bulk_insert(
        conn,
        s.operation_nationality,
        ("operation_month_id", "grp", "nationality", "count"),
        [
            (month_ids[r["operation_ref"]], r["group"], r["nationality"], r["count"])
            for r in content.nationalities
        ],
    )
    if not content.nominals:
        return
    nm = s.nominal
    result = conn.execute(
        insert(nm).returning(nm.c.id, sort_by_parameter_order=True),
        [
            {
                "operation_month_id": month_ids[r["operation_ref"]],
                **{c: r[c] for c in PERSON_COLUMNS},
            }
            for r in content.nominals
        ],
    )
    nominal_ids = dict(
        zip(
            ((r["operation_ref"], r["nominal_ref"]) for r in content.nominals),
            result.scalars(),
            strict=True,
        )
    )
    _bulk_insert(
        conn,
        s.identifier,
        ("nominal_id", "kind", "value", "value_norm"),
        [
            (
                nominal_ids[(r["operation_ref"], r["nominal_ref"])],
                r["kind"],
                r["value"],
                r["value_norm"],
            )
            for r in content.identifiers
        ],
    )
