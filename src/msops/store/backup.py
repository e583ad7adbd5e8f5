"""Backing up, restoring and checking the database, while the service runs.

- SQLite: SQLite's online backup API (`sqlite3.Connection.backup`), which copies the database as
  one consistent read transaction: writers go on meanwhile (WAL mode), and the copy holds every
  committed transaction up to its start and nothing of those after it.
- PostgreSQL: `pg_dump --format=custom`, which reads in one snapshot; `pg_restore` puts it back.
  The client must be at least as new as the server (checked first), and the password reaches it
  through the environment (PGPASSWORD), never the command line, where `ps` would show it.

A backup file is written under a temporary name, readable by its owner only, and takes its
name only once it is complete: a file called FILE is always a whole backup.

Messages name a database by `describe_url` (no password) and never show its data.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import closing, contextmanager, nullcontext
from dataclasses import dataclass, field
from enum import StrEnum
from glob import glob
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, func, inspect, make_url, select, text
from sqlalchemy.exc import SQLAlchemyError

from msops.domain import settings
from msops.domain.errors import InvalidInput, MsopsError, NotFound
from msops.store import schema
from msops.store.audit_query import CannotVerify, verify_chain
from msops.store.engine import describe_url, make_engine
from msops.store.migrate import head_revision

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"  # the first bytes of a pg_dump custom-format archive
PG_BINDIR_ENV = "MSOPS_PG_BINDIR"  # where pg_dump and pg_restore are, when not found by themselves


class Kind(StrEnum):
    SQLITE = "sqlite"
    POSTGRESQL = "postgresql"

    @property
    def product(self) -> str:
        return "SQLite" if self is Kind.SQLITE else "PostgreSQL"

    @property
    def label(self) -> str:
        return "a SQLite database" if self is Kind.SQLITE else "a PostgreSQL backup (pg_dump)"


class CannotCheck(MsopsError):
    """The database could not be checked at all (unreachable, or not an msops database)."""


@dataclass(frozen=True)
class BackupResult:
    kind: Kind
    path: Path
    size: int


def database_kind(url: str) -> Kind:
    backend = make_url(url).get_backend_name()
    if backend == "sqlite":
        return Kind.SQLITE
    if backend == "postgresql":
        return Kind.POSTGRESQL
    raise InvalidInput(f"msops backs up SQLite and PostgreSQL databases, not {backend}")


def file_kind(path: Path) -> Kind:
    """What a backup file holds, from its first bytes."""
    if not path.is_file():
        raise NotFound(f"there is no file {path}")
    with path.open("rb") as f:
        start = f.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return Kind.SQLITE
    if start.startswith(PG_DUMP_MAGIC):
        return Kind.POSTGRESQL
    raise InvalidInput(
        f"{path} is neither a SQLite database nor a pg_dump custom-format archive"
        " (the two kinds of file `msops db backup` writes)"
    )


# --- backup ---------------------------------------------------------------------------------


def backup_database(url: str, out: Path) -> BackupResult:
    """A consistent copy of the database at `url` in the new file `out` (never overwritten)."""
    kind = database_kind(url)
    if out.exists():
        raise InvalidInput(f"{out} already exists: name a new file (a backup never overwrites)")
    if not out.parent.is_dir():
        raise NotFound(f"there is no folder {out.parent}")
    with _partial_file(out) as partial:
        if kind is Kind.SQLITE:
            _sqlite_backup(_sqlite_file(url), partial)
        else:
            _pg_dump(url, partial)
    return BackupResult(kind, out, out.stat().st_size)


@contextmanager
def _partial_file(out: Path) -> Iterator[Path]:
    """An empty file beside `out`, readable by its owner only, that becomes `out` on success
    (a hard link, so an `out` made meanwhile is never replaced) and is removed on failure."""
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    os.close(os.open(partial, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    try:
        yield partial
        os.link(partial, out)
    except FileExistsError:
        raise InvalidInput(f"{out} appeared while the backup ran: nothing was replaced") from None
    finally:
        partial.unlink(missing_ok=True)


def _sqlite_file(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        raise InvalidInput("only a SQLite database in a file can be backed up or restored")
    return Path(database)


def _open_existing_sqlite(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
    """A connection to the SQLite file `path`, which must exist (connecting never creates it)."""
    if not path.is_file():
        raise NotFound(f"there is no database file {path}")
    mode = "ro" if read_only else "rw"
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30)


def _sqlite_backup(source: Path, target: Path) -> None:
    try:
        with (
            closing(_open_existing_sqlite(source)) as src,
            closing(sqlite3.connect(target, timeout=30)) as dst,
        ):
            src.backup(dst)  # all pages in one step: one read transaction, one consistent state
            # One self-contained file: no -wal beside it to be forgotten when it is copied away.
            dst.execute("PRAGMA journal_mode=DELETE")
            problems = [row[0] for row in dst.execute("PRAGMA quick_check")]
    except sqlite3.Error as err:  # SQLite's messages name no data ("disk I/O error", ...)
        raise MsopsError(f"the SQLite backup of {source} failed: {err}") from None
    if problems != ["ok"]:
        raise MsopsError("the copy failed SQLite's quick_check: the backup was not kept")


# --- PostgreSQL's own tools -----------------------------------------------------------------


@dataclass(frozen=True)
class PgTool:
    path: str
    major: int


def _tool_major(path: str) -> int | None:
    try:
        answer = subprocess.run(
            [path, "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except OSError:
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", answer.stdout)
    return int(found.group(1)) if found else None


def pg_tool(name: str, server_major: int) -> PgTool:
    """The newest `name` (pg_dump, pg_restore, psql) on this machine, refused when it is older
    than the server: MSOPS_PG_BINDIR if set, else Debian's and RHEL's folders and the PATH."""
    bindir = settings.current().pg_bindir
    if bindir:
        candidates = [str(Path(bindir) / name)]
    else:
        candidates = [
            *glob(f"/usr/lib/postgresql/*/bin/{name}"),
            *glob(f"/usr/pgsql-*/bin/{name}"),
        ]
        on_path = shutil.which(name)
        if on_path:
            candidates.append(on_path)
    found = [
        PgTool(path, major)
        for path in candidates
        if os.access(path, os.X_OK) and (major := _tool_major(path)) is not None
    ]
    if not found:
        raise MsopsError(
            f"{name} was not found: install PostgreSQL {server_major}'s client programs"
            f" (Debian: postgresql-client-{server_major}) or set {PG_BINDIR_ENV}"
        )
    newest = max(found, key=lambda tool: tool.major)
    if newest.major < server_major:
        raise MsopsError(
            f"{name} is PostgreSQL {newest.major}'s, older than the server"
            f" (PostgreSQL {server_major}): install the client programs of {server_major}"
            f" or later (Debian: postgresql-client-{server_major}) or set {PG_BINDIR_ENV}"
        )
    return newest


def server_major(engine: Engine) -> int:
    with engine.connect() as conn:
        number = int(conn.execute(text("SHOW server_version_num")).scalar_one())
    return number // 10000


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The connection string for libpq without the password, and the environment that carries
    the password (PGPASSWORD) to the child process."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    # (URL.set cannot remove a password: None there means "leave it as it is")
    conninfo = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return conninfo.render_as_string(hide_password=False), env


def _run_pg(tool: PgTool, args: list[str], url: str, what: str) -> str:
    conninfo, env = _libpq(url)
    argv = [tool.path, *(conninfo if a == "{dbname}" else a for a in args)]
    answer = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if answer.returncode != 0:
        reason = _tool_error(answer.stderr, what, url)
        raise MsopsError(f"{what} failed for {describe_url(url)}: {reason}")
    return answer.stdout


def _tool_error(stderr: str, tool: str, url: str) -> str:
    """The tool's own last error line. Not the DETAIL, CONTEXT or "Command was" lines that may
    follow it: those can quote the values of a row."""
    own = [line.strip() for line in stderr.splitlines() if line.startswith(f"{tool}:")]
    line = own[-1].removeprefix(f"{tool}:").strip().removeprefix("error:").strip() if own else ""
    line = line or "see the PostgreSQL server's log"
    password = make_url(url).password
    return line.replace(str(password), "***") if password else line


def _pg_dump(url: str, partial: Path) -> None:
    engine = make_engine(url)
    try:
        major = server_major(engine)
    except SQLAlchemyError:
        raise MsopsError(f"cannot connect to {describe_url(url)}") from None
    finally:
        engine.dispose()
    tool = pg_tool("pg_dump", major)
    args = ["--format=custom", "--no-password", f"--file={partial}", "--dbname", "{dbname}"]
    _run_pg(tool, args, url, "pg_dump")


# --- restore --------------------------------------------------------------------------------


def restore_database(url: str, source: Path, *, replace_existing: bool = False) -> Kind:
    """Put the backup `source` into the database at `url`, which must be empty unless
    `replace_existing` (then what the backup holds replaces what the database held)."""
    kind = file_kind(source)
    target = database_kind(url)
    if kind is not target:
        raise InvalidInput(
            f"{source} is {kind.label}, but the database at {describe_url(url)} is"
            f" {target.product}: restore it into a {kind.product} database (MSOPS_DATABASE_URL)"
        )
    if kind is Kind.SQLITE:
        _sqlite_restore(source, _sqlite_file(url), url, replace_existing)
    else:
        _pg_restore(source, url, replace_existing)
    return kind


def _refuse_nonempty(url: str, tables: int) -> None:
    raise InvalidInput(
        f"the database at {describe_url(url)} is not empty ({tables} tables): restore into an"
        " empty database, or give --replace-existing-data to replace everything it holds"
    )


def _sqlite_restore(source: Path, target: Path, url: str, replace_existing: bool) -> None:
    try:
        _sqlite_restore_checked(source, target, url, replace_existing)
    except sqlite3.Error as err:  # SQLite's messages name no data ("disk I/O error", ...)
        raise MsopsError(f"the SQLite restore from {source} failed: {err}") from None


def _sqlite_restore_checked(source: Path, target: Path, url: str, replace_existing: bool) -> None:
    with closing(_open_existing_sqlite(source, read_only=True)) as src:
        damaged = InvalidInput(f"{source} is damaged (SQLite's quick_check): nothing was restored")
        try:
            checked = [row[0] for row in src.execute("PRAGMA quick_check")]
        except sqlite3.DatabaseError:
            raise damaged from None
        if checked != ["ok"]:
            raise damaged
        if not _sqlite_tables(src) & {"alembic_version"}:
            raise InvalidInput(f"{source} is a SQLite database but not an msops one")
        if target.exists():
            with closing(_open_existing_sqlite(target)) as existing:
                tables = _sqlite_tables(existing)
            if tables and not replace_existing:
                _refuse_nonempty(url, len(tables))
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        # The backup API writes into the live file under SQLite's own locks, so a connection
        # that is open meanwhile sees the old database or the new one, never a mixture.
        with closing(sqlite3.connect(target, timeout=30)) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode=WAL")


def _sqlite_tables(conn: sqlite3.Connection) -> set[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return {row[0] for row in rows if not row[0].startswith("sqlite_")}


def _pg_restore(source: Path, url: str, replace_existing: bool) -> None:
    engine = make_engine(url)
    try:
        major = server_major(engine)
        with engine.connect() as conn:
            tables = _pg_table_count(conn)
    except SQLAlchemyError:
        raise MsopsError(f"cannot connect to {describe_url(url)}") from None
    finally:
        engine.dispose()
    tool = pg_tool("pg_restore", major)
    # Read the archive's table of contents first: a damaged or too-new archive is refused
    # before the database is touched.
    answer = subprocess.run(
        [tool.path, "--list", str(source)], capture_output=True, text=True, check=False
    )
    if answer.returncode != 0:
        reason = _tool_error(answer.stderr, "pg_restore", url)
        raise InvalidInput(f"{source} cannot be read by pg_restore: {reason}")
    if tables and not replace_existing:
        _refuse_nonempty(url, tables)
    args = [
        "--no-password",
        "--exit-on-error",
        "--single-transaction",  # all of it or nothing
        "--no-owner",  # objects belong to the role restoring (the owner role)
        "--no-acl",  # grants come from deploy/postgres-roles.sql, run again after a restore
    ]
    if replace_existing:
        args += ["--clean", "--if-exists"]
    _run_pg(tool, [*args, "--dbname", "{dbname}", str(source)], url, "pg_restore")


def _pg_table_count(conn: Connection) -> int:
    query = text(
        "SELECT count(*) FROM pg_catalog.pg_tables"
        " WHERE schemaname NOT IN ('pg_catalog', 'information_schema')"
    )
    return int(conn.execute(query).scalar_one())


# --- check ----------------------------------------------------------------------------------


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
    if kind is Kind.SQLITE and not _sqlite_file(url).is_file():
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
