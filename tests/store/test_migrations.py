"""The migrations build exactly the schema the code describes, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select

from msops.domain.reference import organisations
from msops.store import schema
from msops.store.migrate import current_revision, head_revision, sync_reference_data


def test_migrated_database_matches_the_metadata(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
    assert diff == []
    assert current_revision(engine) == head_revision()


def test_reference_data_sync_is_idempotent(engine: Engine) -> None:
    sync_reference_data(engine)
    with engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(schema.organisation)).scalar_one()
    assert count == len(organisations())
