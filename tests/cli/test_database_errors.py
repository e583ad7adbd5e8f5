"""When the database cannot be used, or refuses, a person reads one line saying what to do.

Never a traceback, never the SQL or its parameters (personal data): the details of a database's
own error go to the error log, under the reference the line gives, and hold no values either.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Connection, Engine, insert, make_url
from typer.testing import CliRunner

from msops.cli.context import friendly
from msops.cli.main import app
from msops.returns.files import write_return
from msops.store import returns_repo, schema
from tests.builders import valid_return
from tests.conftest import POSTGRES_URL, row_counts

runner = CliRunner()
NAME = "Zebedee"


@pytest.fixture(autouse=True)
def error_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "log" / "errors.log"
    monkeypatch.setenv("MSOPS_ERROR_LOG", str(path))
    monkeypatch.setenv("MSOPS_USER", "spoc.test")
    return path


def msops(url: str, *args: str) -> Any:
    return runner.invoke(app, list(args), env={"MSOPS_DATABASE_URL": url}, catch_exceptions=False)


def a_return(tmp_path: Path) -> Path:
    path = tmp_path / "return.xlsx"
    write_return(path, "xlsx", valid_return(), organisation="Cleveland Police", period="2018-01")
    return path


def submit(url: str, path: Path) -> Any:
    return msops(url, "returns", "submit", str(path), "--org", "Cleveland", "--period", "2018-01")


def assert_one_line(result: Any, *expected: str) -> str:
    """Exit status 2 and one line on stderr, holding `expected`; no traceback, no SQL."""
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for text in ("Traceback", "SELECT", "INSERT", "[SQL", "parameters", NAME):
        assert text not in result.output
    for text in expected:
        assert text in lines[0], lines[0]
    return str(lines[0])


def _postgres_url(**parts: Any) -> str:
    return make_url(POSTGRES_URL).set(**parts).render_as_string(hide_password=False)


@pytest.mark.parametrize(
    "url,expected",
    [
        (
            _postgres_url(host="127.0.0.1", port=1),
            ("cannot use the database at", "refused", "MSOPS_DATABASE_URL"),
        ),
        (_postgres_url(database="msops_no_such_database"), ("msops_no_such_database",)),
        ("mysql://msops@127.0.0.1/msops", ("SQLite or PostgreSQL", "'mysql'")),
        ("postgres://msops@127.0.0.1/msops", ("postgresql://",)),
        ("not a url at all", ("not a database URL",)),
    ],
    ids=["refused-port", "unknown-database", "mysql", "postgres-scheme", "garbage"],
)
def test_a_database_that_cannot_be_used_is_one_line(
    tmp_path: Path, url: str, expected: tuple[str, ...]
) -> None:
    result = submit(url, a_return(tmp_path))
    line = assert_one_line(result, *expected)
    assert "msops:msops@" not in line  # a password is never shown


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "msop.sqlite3"
    url = f"sqlite:///{missing}"
    for args in (
        ("returns", "submit", str(a_return(tmp_path)), "--org", "Cleveland", "--period", "2018-01"),
        ("returns", "status", "--period", "2018-01"),
        ("db", "status"),
    ):
        assert_one_line(msops(url, *args), "there is no database at", "msops db upgrade")
    assert not missing.exists() and not missing.parent.exists()
    created = msops(url, "db", "upgrade")
    assert created.exit_code == 0, created.output
    assert submit(url, a_return(tmp_path)).exit_code == 0


def test_a_database_without_msops_tables_says_to_upgrade(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    result = submit(f"sqlite:///{empty}", a_return(tmp_path))
    assert_one_line(result, "has no msops tables", "msops db upgrade")


def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path) -> None:
    other = tmp_path / "notes.sqlite3"
    other.write_text("not a database\n" * 100)
    assert_one_line(submit(f"sqlite:///{other}", a_return(tmp_path)), "cannot use the database")


def test_the_command_run_by_a_person_prints_no_traceback(tmp_path: Path) -> None:
    """The installed command, as a person runs it, against a port where nothing listens."""
    env = {
        **os.environ,
        "MSOPS_DATABASE_URL": _postgres_url(host="127.0.0.1", port=1),
        "MSOPS_ERROR_LOG": str(tmp_path / "errors.log"),
    }
    command = Path(sys.executable).with_name("msops")
    path = a_return(tmp_path)
    done = subprocess.run(
        [command, "returns", "submit", path, "--org", "Cleveland", "--period", "2018-01"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "Traceback" not in done.stderr and "cannot use the database" in done.stderr


# A database's own error, on SQLite and PostgreSQL ------------------------------------------


def _insert_a_person_the_database_refuses(
    conn: Connection, org_id: int, version_id: int, period: Any, content: Any
) -> None:
    """Stands in for a bug that lets a row the database refuses reach it: a person without the
    reference the table requires, whose name PostgreSQL would repeat in "Failing row contains"."""
    conn.execute(
        insert(schema.nominal).values(
            operation_month_id=None, nominal_ref=None, role="victim", given_name=NAME
        )
    )


def test_a_database_error_is_one_line_with_a_log_reference_and_no_personal_data(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error_log: Path
) -> None:
    url = engine.url.render_as_string(hide_password=False)
    before = row_counts(engine)
    monkeypatch.setattr(returns_repo, "_insert_content", _insert_a_person_the_database_refuses)
    result = submit(url, a_return(tmp_path))
    line = assert_one_line(
        result, "submitting Cleveland Police 2018-01: the database refused the write (log ref "
    )
    ref = line.split("log ref ")[1].split()[0]
    entries = [json.loads(x) for x in error_log.read_text(encoding="utf-8").splitlines()]
    assert [e["ref"] for e in entries] == [ref]
    logged = error_log.read_text(encoding="utf-8")
    assert NAME not in logged and "Failing row" not in logged and "victim" not in logged
    assert entries[0]["operation"] == "submitting Cleveland Police 2018-01"
    assert entries[0]["statement"] == "INSERT INTO nominal"
    assert entries[0]["error"] == "IntegrityError"
    assert any("returns_repo.py" in w or "submit.py" in w for w in entries[0]["where"])
    assert row_counts(engine) == before


def test_the_engine_never_puts_parameters_in_its_errors(engine: Engine) -> None:
    assert engine.hide_parameters


def test_the_embedded_database_is_still_created_on_first_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MSOPS_DATABASE_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    result = runner.invoke(app, ["returns", "status", "--period", "2018-01"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "data" / "msops" / "msops.sqlite3").is_file()


def test_a_fault_of_msops_itself_is_one_line_and_repeats_no_value(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug (here a lookup that fails on a person's name) reaches nobody as a traceback: the
    person gets one line with a log reference; the log says where, never the message."""
    log = tmp_path / "errors.log"
    monkeypatch.setenv("MSOPS_ERROR_LOG", str(log))
    faulty = typer.Typer()

    @faulty.command()
    @friendly
    def look_up() -> None:
        {"Ionescu": 1}["Popescu"]

    result = CliRunner().invoke(faulty, [])
    assert result.exit_code == 3
    assert "msops failed unexpectedly" in result.output and "log ref" in result.output
    assert "Popescu" not in result.output and "Traceback" not in result.output
    [entry] = [json.loads(line) for line in log.read_text().splitlines()]
    assert entry["error"] == "KeyError" and "Popescu" not in json.dumps(entry)
