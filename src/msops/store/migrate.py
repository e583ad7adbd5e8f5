"""Bringing a database to the current schema, and the shipped reference data into it."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, insert, select, update

from msops.domain.reference import organisations
from msops.store import schema

if TYPE_CHECKING:
    from alembic.config import Config

# alembic is imported by the functions that read or move revisions: `msops --help`, and the
# commands that never open a database, do not pay its tenth of a second.


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option(
        "script_location", str(resources.files("msops.store").joinpath("migrations"))
    )
    return config


def head_revision() -> str | None:
    """The revisions a fully upgraded database is at, joined by '+'.

    Each capability's tables come in its own branch from the initial schema, so there may be
    several heads; `upgrade` applies them all.
    """
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(_config()).get_heads()
    return "+".join(sorted(heads)) or None


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return "+".join(sorted(heads)) or None


def upgrade(engine: Engine) -> None:
    """Apply every pending migration, then bring the reference data up to date."""
    from alembic import command

    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "heads")
    sync_reference_data(engine)


def sync_reference_data(engine: Engine) -> None:
    """Insert or update the organisations shipped in the package (never deletes: returns refer)."""
    org = schema.organisation
    with engine.begin() as conn:
        existing = {
            row.short_name: row.id for row in conn.execute(select(org.c.short_name, org.c.id))
        }
        for o in organisations():
            values = {
                "short_name": o.short_name,
                "name": o.name,
                "kind": o.kind,
                "region": o.region,
                "ons_code": o.ons_code,
            }
            if o.short_name in existing:
                conn.execute(update(org).where(org.c.id == existing[o.short_name]).values(values))
            else:
                conn.execute(insert(org).values(values))


def is_up_to_date(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
