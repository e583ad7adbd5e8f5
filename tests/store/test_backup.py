"""`msops db backup`, `restore` and `check`, on SQLite and PostgreSQL.

The backup is taken while returns are being submitted; the restored copy must be exactly the
source as it stood after one of those submissions (every table, row for row), not a mixture.
"""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update
from typer.testing import CliRunner

from msops.cli.db_cmd import app as db_app
from msops.domain.errors import InvalidInput, MsopsError
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store import schema
from msops.store.backup import pg_tools
from msops.store.backup.check import check_database
from msops.store.backup.kinds import PG_DUMP_MAGIC, Kind
from msops.store.backup.pg_tools import PG_BINDIR_ENV, pg_tool
from msops.store.backup.restore import restore_database
from msops.store.backup.write import backup_database
from msops.store.engine import make_engine
from tests.builders import operation, valid_return
from tests.conftest import PostgresTemplate

PERIOD = Period(2018, 1)
runner = CliRunner()
Snapshot = dict[str, list[tuple[Any, ...]]]


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def snapshot(engine: Engine) -> Snapshot:
    """Every row of every table, in primary-key order."""
    with engine.connect() as conn:
        return {
            name: [
                tuple(row)
                for row in conn.execute(
                    select(table).order_by(*(table.primary_key.columns or table.columns))
                )
            ]
            for name, table in schema.metadata.tables.items()
        }


def submit(engine: Engine, who: Principal, arrests: int) -> None:
    """A Cleveland return for January 2018: each `arrests` a new version of it."""
    rows = valid_return("CL-001", "CL-002")
    rows["operations"][0] = operation("CL-001", arrests=arrests)
    raw = RawReturn.from_rows("cleveland.csv", rows)
    result = submit_raw(engine, who, raw, "Cleveland", PERIOD, f"sha-{arrests}")
    assert result.outcome == Outcome.ACCEPTED, [i.message for i in result.issues]


@pytest.fixture
def empty_target(engine: Engine, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty database of the same kind as `engine`."""
    if engine.dialect.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored' / 'msops.sqlite3'}"
        return
    pg: PostgresTemplate = request.getfixturevalue("postgres_template")
    name = f"{pg.prefix}_restored"
    pg.create(name)
    try:
        yield pg.url(name)
    finally:
        pg.drop(name)


def db(url: str, *args: str) -> Any:
    return runner.invoke(db_app, list(args), env={"MSOPS_DATABASE_URL": url})


def test_a_backup_taken_while_returns_arrive_restores_one_moment_of_the_source(
    engine: Engine, operator: Principal, empty_target: str, tmp_path: Path
) -> None:
    states = [snapshot(engine)]
    first_stored, backup_done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def submitter() -> None:
        # The only writer: the state read after each submission is the source at that moment.
        try:
            after_backup = 0
            for arrests in range(1, 200):
                submit(engine, operator, arrests)
                states.append(snapshot(engine))
                first_stored.set()
                if backup_done.is_set():
                    after_backup += 1
                    if after_backup == 2:
                        return
        except BaseException as err:
            failures.append(err)
            first_stored.set()

    thread = threading.Thread(target=submitter)
    thread.start()
    try:
        assert first_stored.wait(60)
        result = backup_database(url_of(engine), tmp_path / "msops.backup")
    finally:
        backup_done.set()
        thread.join(120)
    assert not failures, failures
    assert result.path.stat().st_mode & 0o077 == 0  # the owner's alone

    assert restore_database(empty_target, result.path) == Kind(engine.dialect.name)
    target = make_engine(empty_target)
    try:
        restored = snapshot(target)
        moments = [i for i, state in enumerate(states) if state == restored]
        # one state the source passed through, after the first submission and before the last
        assert moments and 1 <= moments[0] < len(states) - 1, (moments, len(states))
        assert restored["return_version"] and restored["audit_event"]
        checked = db(empty_target, "check")
        assert checked.exit_code == 0, checked.output
        assert "clean" in checked.output and "return_version" in checked.output
        submit(target, operator, 1000)  # the restored copy takes new returns (sequences too)
    finally:
        target.dispose()


def test_restore_replaces_existing_data_only_when_told(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    submit(engine, operator, 1)
    backup = backup_database(url_of(engine), tmp_path / "b").path
    before = snapshot(engine)
    submit(engine, operator, 2)
    with pytest.raises(InvalidInput, match="--replace-existing-data"):
        restore_database(url_of(engine), backup)
    cut = tmp_path / "cut"
    cut.write_bytes(backup.read_bytes()[:20000])  # a copy that broke off
    with pytest.raises(InvalidInput, match=r"damaged|cannot be read by pg_restore"):
        restore_database(url_of(engine), cut, replace_existing=True)
    engine.dispose()
    answer = db(url_of(engine), "restore", str(backup), "--replace-existing-data")
    assert answer.exit_code == 0, answer.output
    assert snapshot(engine) == before


def test_restore_refuses_a_file_of_the_other_kind_or_of_no_kind(
    engine: Engine, tmp_path: Path
) -> None:
    url = url_of(engine)
    other = tmp_path / "other"
    if engine.dialect.name == "sqlite":
        other.write_bytes(PG_DUMP_MAGIC + b"\x01\x0e\x00" * 20)
        expected = "is a PostgreSQL backup .* is SQLite: restore it into a PostgreSQL"
    else:
        with closing(sqlite3.connect(other)) as made:
            made.execute("CREATE TABLE t (x)")
        expected = "is a SQLite database, .* is PostgreSQL: restore it into a SQLite"
    with pytest.raises(InvalidInput, match=expected):
        restore_database(url, other)
    junk = tmp_path / "junk"
    junk.write_bytes(b"not a backup at all")
    answer = db(url, "restore", str(junk))
    assert answer.exit_code == 1
    assert "neither a SQLite database nor a pg_dump" in answer.output
    assert ":msops@" not in answer.output  # no password in any message


def test_a_backup_never_overwrites_a_file(engine: Engine, tmp_path: Path) -> None:
    out = tmp_path / "taken"
    out.write_text("something else")
    answer = db(url_of(engine), "backup", "--out", str(out))
    assert answer.exit_code == 1 and "already exists" in answer.output
    assert out.read_text() == "something else"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_check_lists_what_is_wrong_and_exits_1(engine: Engine, operator: Principal) -> None:
    submit(engine, operator, 1)
    with engine.begin() as conn:
        conn.execute(
            update(schema.audit_event).where(schema.audit_event.c.id == 1).values(detail="x")
        )
        conn.execute(
            text(
                "DELETE FROM alembic_version WHERE version_num ="
                " (SELECT min(version_num) FROM alembic_version)"
            )
        )
    engine.dispose()
    report = check_database(url_of(engine))
    assert any("entry 1 was changed" in p for p in report.problems), report.problems
    assert any("run `msops db upgrade`" in p for p in report.problems), report.problems
    answer = db(url_of(engine), "check")
    assert answer.exit_code == 1, answer.output
    assert "problems" in answer.output and "entry 1 was changed" in answer.output


def test_check_finds_rows_whose_parent_is_missing_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert db(url, "upgrade").exit_code == 0
    with closing(sqlite3.connect(tmp_path / "x.sqlite3")) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        conn.execute(
            "INSERT INTO operation_detail (operation_month_id, detail, value)"
            " VALUES (999, 'S', 'x')"
        )
        conn.commit()
    answer = db(url, "check")
    assert answer.exit_code == 1
    assert "1 rows of operation_detail refer to missing operation_month rows" in answer.output


def test_check_exits_2_when_it_cannot_check(
    engine: Engine, empty_target: str, tmp_path: Path
) -> None:
    missing = db(f"sqlite:///{tmp_path / 'nowhere.sqlite3'}", "check")
    assert missing.exit_code == 2 and "no database file" in missing.output
    assert not (tmp_path / "nowhere.sqlite3").exists()  # checking creates nothing
    if engine.dialect.name == "sqlite":  # an empty file
        path = Path(empty_target.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True)
        path.touch()
    empty = db(empty_target, "check")
    assert empty.exit_code == 2 and "holds no msops schema" in empty.output, empty.output


def test_a_pg_dump_older_than_the_server_is_refused_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "pg_dump"
    fake.write_text('#!/bin/sh\necho "pg_dump (PostgreSQL) 13.9"\n')
    fake.chmod(0o755)
    monkeypatch.setenv(PG_BINDIR_ENV, str(tmp_path))
    with pytest.raises(MsopsError) as refused:
        pg_tool("pg_dump", 15)
    message = str(refused.value)
    assert "older than the server (PostgreSQL 15)" in message and "\n" not in message
    assert pg_tool("pg_dump", 13).major == 13


@pytest.mark.parametrize(
    "engine", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_the_password_goes_to_pg_dump_in_its_environment_not_its_arguments(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[list[str], dict[str, str] | None]] = []
    real: Callable[..., Any] = subprocess.run

    def watched(argv: list[str], **kwargs: Any) -> Any:
        calls.append((list(argv), kwargs.get("env")))
        return real(argv, **kwargs)

    monkeypatch.setattr(pg_tools.subprocess, "run", watched)
    url = url_of(engine)
    password = str(engine.url.password)
    backup_database(url, tmp_path / "b.dump")
    dumps = [(argv, env) for argv, env in calls if argv[0].endswith("pg_dump") and env]
    assert dumps, calls
    for argv, env in dumps:
        assert not any(f":{password}@" in arg for arg in argv), argv
        assert env is not None and env["PGPASSWORD"] == password
