"""deploy/postgres-roles.sql, run by psql as the guide says: the application role writes rows and
appends to the audit trail, but cannot change or remove an audit entry, nor alter or drop a
table; and the trigger refuses even the owner."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.exc import DBAPIError

from msops.domain.principal import system_principal
from msops.store import schema
from msops.store.audit import Action, AuditEntry, record
from msops.store.backup.pg_tools import pg_tool, server_major
from msops.store.engine import make_engine

ROLES_SQL = Path(__file__).resolve().parents[2] / "deploy" / "postgres-roles.sql"
pytestmark = pytest.mark.parametrize(
    "engine", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def app_engine(engine: Engine) -> Iterator[Engine]:
    """The script run on the test's database (the tables' owner as the owner role), and an
    engine connecting as the application role it grants to; the role is dropped afterwards."""
    role = f"msops_app_test_{os.getpid()}"
    owner = str(engine.url.username)
    psql = pg_tool("psql", server_major(engine))
    env = {**os.environ, "PGPASSWORD": str(engine.url.password or "")}
    libpq = engine.url.set(drivername="postgresql")._replace(password=None)
    argv = [psql.path, "-X", "-q", "-v", f"owner={owner}", "-v", f"app={role}"]
    argv += ["-f", str(ROLES_SQL), libpq.render_as_string(hide_password=False)]
    ran = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    assert ran.returncode == 0, ran.stderr
    with engine.begin() as conn:
        conn.execute(text(f"ALTER ROLE \"{role}\" PASSWORD 'app role password'"))
    app = make_engine(
        engine.url.set(username=role, password="app role password").render_as_string(
            hide_password=False
        )
    )
    try:
        yield app
    finally:
        app.dispose()
        with engine.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))


def refused(app: Engine, statement: object) -> str:
    with pytest.raises(DBAPIError) as err, app.begin() as conn:
        conn.execute(statement)  # type: ignore[call-overload]
    return str(err.value.orig)


def test_the_application_role_appends_to_the_audit_trail_and_cannot_change_it(
    engine: Engine, app_engine: Engine
) -> None:
    audit = schema.audit_event
    with app_engine.begin() as conn:  # what the service does: append, and write rows
        record(conn, system_principal("app"), AuditEntry(Action.CONSULTATION, "test", "T/1"))
        record(conn, system_principal("app"), AuditEntry(Action.CONSULTATION, "test", "T/2"))
        conn.execute(delete(schema.web.web_session))
    assert "permission denied" in refused(app_engine, update(audit).values(detail="changed"))
    assert "permission denied" in refused(app_engine, delete(audit))
    assert "permission denied" in refused(app_engine, text("TRUNCATE audit_event"))
    assert "must be owner" in refused(app_engine, text("DROP TABLE audit_event"))
    assert "must be owner" in refused(app_engine, text("ALTER TABLE operation ADD COLUMN x int"))
    assert "permission denied" in refused(app_engine, text("CREATE TABLE mine (x int)"))
    # the owner is refused too, by the trigger
    assert "append-only" in refused(engine, update(audit).values(detail="changed"))
    assert "append-only" in refused(engine, delete(audit))
    assert "append-only" in refused(engine, text("TRUNCATE audit_event"))
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(audit)).scalar_one() == 2
