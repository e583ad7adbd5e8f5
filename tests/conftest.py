"""Shared fixtures: a fresh real database per test, on SQLite and (when reachable) PostgreSQL.

The migrations run once per test process into a template database; each test gets a copy of it
(the SQLite file copied, or a PostgreSQL `CREATE DATABASE ... TEMPLATE`), so every test still
starts from exactly what `upgrade` leaves: the schema at head and the reference data loaded.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import Engine, func, make_url, select, text

from msops.domain.principal import Principal, Role, system_principal
from msops.store import schema
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.users_repo import hashing

DEFAULT_POSTGRES_URL = "postgresql://msops:msops@127.0.0.1:55432/msops_test"
POSTGRES_URL = os.environ.get("MSOPS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
HOW_TO_ENABLE = (
    "PostgreSQL tests skipped: no server answers at MSOPS_TEST_POSTGRES_URL"
    f" ({DEFAULT_POSTGRES_URL} by default). Start one with `make postgres` (Debian's package,"
    " needs root) or point MSOPS_TEST_POSTGRES_URL at a server where you may create databases."
)
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2 at its lowest cost: the tests hash dozens of passwords, production keeps its cost.

    Hashes carry their own parameters, so a cheap hash verifies like any other.
    """
    cheap = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(hashing, "_hasher", cheap)
        patch.setattr(hashing, "_DUMMY_HASH", cheap.hash("not anybody's password"))
        yield


@pytest.fixture(scope="session", autouse=True)
def audit_keys_of_the_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The audit trail's MAC and signing keys in a folder of this test process, never the
    user's data directory (a test may still point them elsewhere with monkeypatch)."""
    folder = tmp_path_factory.mktemp("audit-keys")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MSOPS_AUDIT_KEY_FILE", str(folder / "audit-hmac.key"))
        patch.setenv("MSOPS_AUDIT_SIGNING_KEY_FILE", str(folder / "audit-signing.key"))
        yield


# --- SQLite: one migrated file per test process, copied for each test -----------------------


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head with the reference data: copy it, never open it."""
    path = tmp_path_factory.mktemp("template") / "msops.sqlite3"
    template = make_engine(f"sqlite:///{path}")
    try:
        upgrade(template)
    finally:
        template.dispose()
    return path


def copy_sqlite(template: Path, target: Path) -> str:
    """Copy the migrated template to `target` (SQLite's backup API: WAL contents included)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


# --- PostgreSQL: one migrated template database per test process, a copy for each test ------


@dataclass
class PostgresTemplate:
    """This process's template database on the test server, and the copies made from it.

    Every name starts with msops_test_<pid>, so parallel runs and xdist workers never touch
    each other's databases.
    """

    server: Engine  # the maintenance database, autocommit: CREATE and DROP DATABASE
    prefix: str
    copies: Iterator[int] = field(default_factory=itertools.count)

    @property
    def template(self) -> str:
        return f"{self.prefix}_template"

    def url(self, name: str) -> str:
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def create(self, name: str, template: str | None = None) -> None:
        copy_of = f' TEMPLATE "{template}"' if template else ""
        with self.server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"{copy_of}'))

    def drop(self, name: str) -> None:
        with self.server.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def copy(self) -> str:
        """A new database, identical to the template (no connection to it may be open)."""
        name = f"{self.prefix}_{next(self.copies)}"
        self.create(name, self.template)
        return name


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[PostgresTemplate | None]:
    """The migrated template database, or None when no server answers at POSTGRES_URL."""
    server = make_engine(POSTGRES_URL).execution_options(isolation_level="AUTOCOMMIT")
    pg = PostgresTemplate(server, f"msops_test_{os.getpid()}")
    try:
        pg.create(pg.template)
    except Exception:
        server.dispose()
        yield None
        return
    try:
        template = make_engine(pg.url(pg.template))
        try:
            upgrade(template)
        finally:
            template.dispose()
        yield pg
    finally:
        pg.drop(pg.template)
        server.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A freshly migrated database with the reference data loaded."""
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        eng = make_engine(copy_sqlite(template, tmp_path / "msops.sqlite3"))
        yield eng
        eng.dispose()
        return
    pg: PostgresTemplate | None = request.getfixturevalue("postgres_template")
    if pg is None:
        if os.environ.get("MSOPS_REQUIRE_POSTGRES"):
            pytest.fail(HOW_TO_ENABLE)
        pytest.skip(HOW_TO_ENABLE)
    name = pg.copy()
    eng = make_engine(pg.url(name))
    try:
        yield eng
    finally:
        eng.dispose()
        pg.drop(name)


@pytest.fixture
def operator() -> Principal:
    return system_principal("test-operator")


@pytest.fixture
def force_user() -> Principal:
    return Principal("spoc.cleveland", Role.FORCE_USER, organisation="Cleveland")


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds: compare before and after to prove nothing changed.

    Audit entries of the kind ACCESS (sign-ins, refusals) are left out: a refused attempt is
    recorded, and stores nothing else."""
    with engine.connect() as conn:
        counts = {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in schema.metadata.tables.items()
        }
        access = select(func.count()).where(schema.audit_event.c.action == "access")
        counts["audit_event"] -= int(conn.execute(access).scalar_one())
    return counts


def data_file(*parts: str) -> Path:
    """A file under tests/data: a missing one fails the test, it never skips it."""
    path = TEST_DATA.joinpath(*parts)
    if not path.is_file():
        pytest.fail(f"test data file {path} is missing from the repository")
    return path
