"""Checking a database (`msops db check`): integrity, schema revision, the audit trail and row
counts, read in one snapshot on PostgreSQL."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field

from sqlalchemy import Connection, func, inspect, select, text
from sqlalchemy.exc import SQLAlchemyError

from msops.domain.errors import MsopsError
from msops.store import schema
from msops.store.audit_query import CannotVerify, verify_chain
from msops.store.backup.kinds import Kind, database_kind, sqlite_file
from msops.store.engine import describe_url, make_engine
from msops.store.migrate import head_revision


class CannotCheck(MsopsError):
    """The database could not be checked at all (unreachable, or not an msops database)."""


@dataclass
class CheckReport:
    """What `msops db check` found: facts to show, row counts, and the problems (none: clean)."""

    database: str  # describe_url: no password
    revision: str | None = None
    head: str | None = None
    audit_entries: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)  # what was checked, in order
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit_problems(conn: Connection) -> list[str]:
    """The audit trail's verification, as sentences: the one place `check` calls it (so that a
    change to how the trail is verified changes this function only). The trail's MACs are
    checked with the configured key; without it the check cannot vouch for the trail."""
    try:
        return [problem.message for problem in verify_chain(conn)]
    except CannotVerify as err:
        raise CannotCheck(f"the audit trail: {err}") from None


def check_database(url: str) -> CheckReport:
    """Integrity, schema revision, the audit trail and row counts of the database at `url`.

    Raises CannotCheck when the database cannot be reached or holds no msops schema.
    """
    report = CheckReport(describe_url(url))
    kind = database_kind(url)
    if kind is Kind.SQLITE and not sqlite_file(url).is_file():
        raise CannotCheck(f"there is no database file at {describe_url(url)}")
    engine = make_engine(url)
    try:
        try:
            with engine.connect() as conn:
                if kind is Kind.POSTGRESQL:
                    # one snapshot for every count and the audit trail
                    conn = conn.execution_options(isolation_level="REPEATABLE READ")
                with conn.begin():
                    _check(conn, kind, report)
        except CannotCheck:
            raise
        except SQLAlchemyError as err:
            raise CannotCheck(
                f"cannot check {describe_url(url)}: {type(err).__name__} while reading it"
            ) from None
    finally:
        engine.dispose()
    return report


def _check(conn: Connection, kind: Kind, report: CheckReport) -> None:
    present = set(inspect(conn).get_table_names())
    if "alembic_version" not in present:
        raise CannotCheck(
            f"{report.database} holds no msops schema (no alembic_version table): is"
            " MSOPS_DATABASE_URL the right database? `msops db upgrade` creates one"
        )
    if kind is Kind.SQLITE:
        _sqlite_integrity(conn, report)
    else:
        _pg_integrity(conn, report)

    report.revision, report.head = current_revision_of(conn), head_revision()
    report.checked.append("schema revision")
    if report.revision != report.head:
        report.problems.append(
            f"schema at revision {report.revision or 'none'}, this msops expects"
            f" {report.head}: run `msops db upgrade`"
        )

    report.checked.append("row counts")
    for name, table in schema.metadata.tables.items():
        if name not in present:
            report.problems.append(f"table {name} is missing")
            continue
        try:
            # on PostgreSQL a failed statement ends the transaction: each count in a savepoint
            with conn.begin_nested() if kind is Kind.POSTGRESQL else nullcontext():
                count = conn.execute(select(func.count()).select_from(table)).scalar_one()
        except SQLAlchemyError as err:
            report.problems.append(f"table {name} cannot be read ({type(err).__name__})")
            continue
        report.counts[name] = int(count)

    if "audit_event" in present:
        report.checked.append("audit trail")
        report.audit_entries = report.counts.get("audit_event", 0)
        report.problems += [f"audit trail: {message}" for message in audit_problems(conn)]


def current_revision_of(conn: Connection) -> str | None:
    """The database's revision, read on this connection (as `migrate.current_revision` does
    on a connection of its own)."""
    rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars()
    return "+".join(sorted(rows)) or None


def _sqlite_integrity(conn: Connection, report: CheckReport) -> None:
    report.checked.append("integrity (SQLite integrity_check)")
    found = [str(row[0]) for row in conn.exec_driver_sql("PRAGMA integrity_check")]
    if found != ["ok"]:
        report.problems += [f"integrity: {message}" for message in found[:20]]
    report.checked.append("foreign keys (SQLite foreign_key_check)")
    broken: dict[tuple[str, str], int] = {}
    for table, _rowid, parent, _fkid in conn.exec_driver_sql("PRAGMA foreign_key_check"):
        broken[(table, parent)] = broken.get((table, parent), 0) + 1
    for (table, parent), n in sorted(broken.items()):
        report.problems.append(f"foreign keys: {n} rows of {table} refer to missing {parent} rows")


def _pg_integrity(conn: Connection, report: CheckReport) -> None:
    report.checked.append("indexes valid (PostgreSQL pg_index)")
    invalid = conn.execute(
        text(
            "SELECT c.relname FROM pg_catalog.pg_index i"
            " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
            " WHERE NOT i.indisvalid AND n.nspname = current_schema()"
        )
    ).scalars()
    report.problems += [f"index {name} is invalid: rebuild it (REINDEX)" for name in invalid]
