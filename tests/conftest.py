"""Shared fixtures: a fresh real database per test, on SQLite and (when reachable) PostgreSQL."""

from __future__ import annotations

import atexit
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, make_url, select, text

from msops.domain.principal import Principal, Role, system_principal
from msops.store import schema
from msops.store.engine import make_engine
from msops.store.migrate import upgrade

DEFAULT_POSTGRES_URL = "postgresql://msops:msops@127.0.0.1:55432/msops_test"
POSTGRES_URL = os.environ.get("MSOPS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
HOW_TO_ENABLE = (
    "PostgreSQL tests skipped: no server answers at MSOPS_TEST_POSTGRES_URL"
    f" ({DEFAULT_POSTGRES_URL} by default). Start one with `make postgres` (Debian's package,"
    " needs root) or point MSOPS_TEST_POSTGRES_URL at a server where you may create databases."
)
TEST_DATA = Path(__file__).resolve().parent / "data"

_postgres_reachable: bool | None = None
_postgres_url: str | None = None


def _private_database(server: Engine) -> str:
    """A database of this test run's own, so that parallel runs never drop each other's tables."""
    name = f"msops_test_{os.getpid()}"
    with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    atexit.register(_drop_database, POSTGRES_URL, name)
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


def _drop_database(url: str, name: str) -> None:
    server = make_engine(url)
    try:
        with server.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        server.dispose()


def _postgres_engine() -> Engine:
    global _postgres_reachable, _postgres_url
    if _postgres_reachable is None:
        server = make_engine(POSTGRES_URL)
        try:
            with server.connect() as conn:
                conn.execute(text("SELECT 1"))
            _postgres_reachable = True
            _postgres_url = _private_database(server)
        except Exception:
            _postgres_reachable = False
        finally:
            server.dispose()
    if not _postgres_reachable or _postgres_url is None:
        if os.environ.get("MSOPS_REQUIRE_POSTGRES"):
            pytest.fail(HOW_TO_ENABLE)
        pytest.skip(HOW_TO_ENABLE)
    engine = make_engine(_postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A freshly migrated database with the reference data loaded."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'msops.sqlite3'}")
    else:
        eng = _postgres_engine()
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def operator() -> Principal:
    return system_principal("test-operator")


@pytest.fixture
def force_user() -> Principal:
    return Principal("spoc.cleveland", Role.FORCE_USER, organisation="Cleveland")


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows each table holds: compare before and after to prove nothing changed."""
    with engine.connect() as conn:
        return {
            name: int(conn.execute(select(func.count()).select_from(table)).scalar_one())
            for name, table in schema.metadata.tables.items()
        }


def data_file(*parts: str) -> Path:
    """A file under tests/data: a missing one fails the test, it never skips it."""
    path = TEST_DATA.joinpath(*parts)
    if not path.is_file():
        pytest.fail(f"test data file {path} is missing from the repository")
    return path
