"""Accounts, sign-in throttling and the audit trail's tamper check, by the CLI and the store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, delete, select, update
from typer.testing import CliRunner

from msops.cli import audit_cmd, users_cmd
from msops.domain.principal import Principal, Role
from msops.store.audit_query import verify_chain
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.schema import audit_event
from msops.store.users_repo.accounts import add_user
from msops.store.users_repo.sessions import find_session, start_session
from msops.store.users_repo.sign_in import SignInRefused, sign_in
from msops.store.users_repo.throttle import CLIENT_FREE_FAILURES, SignInThrottled

PASSWORD = "correct horse battery"


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Engine]:
    """The CLI opens (and never closes) its own engine: the CLI tests run on a SQLite file."""
    eng = make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def cli(sqlite_db: Engine, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("MSOPS_DATABASE_URL", str(sqlite_db.url))
    monkeypatch.setenv("MSOPS_USER", "ops.oncall")
    return CliRunner()


def add(cli: CliRunner, *args: str, password: str = PASSWORD) -> tuple[int, str]:
    result = cli.invoke(users_cmd.app, ["add", *args, "--password-stdin"], input=password + "\n")
    return result.exit_code, result.output


def test_users_add_and_list(cli: CliRunner) -> None:
    assert add(cli, "spoc.cleveland", "--role", "force_user", "--org", "Cleveland Police")[0] == 0
    assert add(cli, "ana.ne", "--role", "regional_analyst", "--region", "North East")[0] == 0
    listed = cli.invoke(users_cmd.app, ["list", "--format", "csv"])
    assert listed.exit_code == 0
    assert "spoc.cleveland,force_user,Cleveland,," in listed.output
    assert "ana.ne,regional_analyst,,North East," in listed.output
    assert PASSWORD not in listed.output and "argon2" not in listed.output


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--role", "force_user"], "needs an organisation"),
        (["--role", "pcc", "--org", "TITAN"], "territorial police force"),
        (["--role", "regional_analyst", "--region", "Mars"], "needs a region"),
        (["--role", "admin", "--org", "Cleveland"], "national scope"),
        (["--role", "system"], "role must be one of"),
    ],
)
def test_users_add_rejects_a_wrong_scope(cli: CliRunner, args: list[str], complaint: str) -> None:
    code, output = add(cli, "someone", *args)
    assert code == 1
    assert complaint in output
    assert "no accounts yet" in cli.invoke(users_cmd.app, ["list"]).output


def test_short_password_and_duplicate_name_are_refused(cli: CliRunner) -> None:
    assert "at least 12" in add(cli, "a.user", "--role", "admin", password="short")[1]
    assert add(cli, "a.user", "--role", "admin")[0] == 0
    code, output = add(cli, "a.user", "--role", "admin")
    assert code == 1 and "already exists" in output


def test_failed_sign_ins_lock_the_account_then_the_right_password_waits(
    engine: Engine, operator: Principal
) -> None:
    with engine.begin() as conn:
        add_user(conn, operator, "pcc.cleveland", Role.PCC, PASSWORD, organisation="Cleveland")
    for attempt in range(5):
        with pytest.raises(SignInRefused):
            sign_in(engine, "pcc.cleveland", f"guess {attempt}", client=f"10.0.0.{attempt}")
    with pytest.raises(SignInThrottled) as waited:
        sign_in(engine, "pcc.cleveland", PASSWORD, client="10.0.0.99")
    assert 1 <= waited.value.seconds <= 31


def test_one_client_guessing_many_accounts_is_slowed(engine: Engine, operator: Principal) -> None:
    with engine.begin() as conn:
        add_user(conn, operator, "real.user", Role.NATIONAL_ANALYST, PASSWORD)
    for n in range(CLIENT_FREE_FAILURES):  # one guess at each of many accounts
        with pytest.raises(SignInRefused):
            sign_in(engine, f"guess{n}", "whatever it is", client="192.0.2.7")
    with pytest.raises(SignInThrottled):
        sign_in(engine, "real.user", PASSWORD, client="192.0.2.7")
    # the same account from another client is not held up
    user = sign_in(engine, "real.user", PASSWORD, client="192.0.2.8")
    assert user.principal() == Principal("real.user", Role.NATIONAL_ANALYST)


def test_disabling_an_account_ends_its_sessions(
    sqlite_db: Engine, operator: Principal, cli: CliRunner
) -> None:
    engine = sqlite_db
    with engine.begin() as conn:
        user = add_user(conn, operator, "leaver", Role.NATIONAL_ANALYST, PASSWORD)
        token, _csrf = start_session(conn, user)
        assert find_session(conn, token) is not None
    assert cli.invoke(users_cmd.app, ["disable", "leaver"]).exit_code == 0
    with engine.begin() as conn:
        assert find_session(conn, token) is None
    with pytest.raises(SignInRefused):
        sign_in(engine, "leaver", PASSWORD, client="127.0.0.1")


def _five_entries(cli: CliRunner) -> None:
    for n in range(5):
        assert add(cli, f"user{n}", "--role", "national_analyst")[0] == 0


def _five_entries_in(engine: Engine, operator: Principal) -> list[int]:
    with engine.begin() as conn:
        for n in range(5):
            add_user(conn, operator, f"user{n}", Role.NATIONAL_ANALYST, PASSWORD)
        return list(conn.execute(select(audit_event.c.id).order_by(audit_event.c.id)).scalars())


def test_audit_verify_passes_on_an_untouched_trail(cli: CliRunner) -> None:
    _five_entries(cli)
    result = cli.invoke(audit_cmd.app, ["verify"])
    assert result.exit_code == 0, result.output
    assert "intact: 5 entries" in result.output


def test_audit_verify_detects_a_row_edited_in_the_database(
    cli: CliRunner, sqlite_db: Engine
) -> None:
    engine = sqlite_db
    _five_entries(cli)
    with engine.begin() as conn:
        third = list(conn.execute(select(audit_event.c.id).order_by(audit_event.c.id)).scalars())[2]
        conn.execute(
            update(audit_event).where(audit_event.c.id == third).values(actor="someone.else")
        )
    result = cli.invoke(audit_cmd.app, ["verify"])
    assert result.exit_code == 1
    assert f"changed: entry {third} was changed" in result.output
    with engine.connect() as conn:
        assert [(p.entry_id, p.kind) for p in verify_chain(conn)] == [(third, "changed")]


def test_audit_verify_detects_a_deleted_row(cli: CliRunner, sqlite_db: Engine) -> None:
    engine = sqlite_db
    _five_entries(cli)
    with engine.begin() as conn:
        ids = conn.execute(select(audit_event.c.id).order_by(audit_event.c.id)).scalars().all()
        conn.execute(delete(audit_event).where(audit_event.c.id == ids[1]))
    result = cli.invoke(audit_cmd.app, ["verify"])
    assert result.exit_code == 1
    assert f"removed: entries between {ids[0]} and {ids[2]} were removed" in result.output


def test_verify_chain_on_both_databases(engine: Engine, operator: Principal) -> None:
    ids = _five_entries_in(engine, operator)
    with engine.connect() as conn:
        assert verify_chain(conn) == []
    with engine.begin() as conn:
        conn.execute(update(audit_event).where(audit_event.c.id == ids[0]).values(purpose="x"))
        conn.execute(delete(audit_event).where(audit_event.c.id == ids[2]))
    with engine.connect() as conn:
        found = [(p.entry_id, p.kind) for p in verify_chain(conn)]
    assert found == [(ids[0], "changed"), (ids[3], "removed")]


def test_audit_verify_detects_an_edit_that_replaced_its_own_hash(
    engine: Engine, operator: Principal
) -> None:
    ids = _five_entries_in(engine, operator)
    with engine.begin() as conn:
        conn.execute(update(audit_event).where(audit_event.c.id == ids[3]).values(hash="f" * 64))
    with engine.connect() as conn:
        kinds = {(p.entry_id, p.kind) for p in verify_chain(conn)}
    assert kinds == {(ids[3], "changed"), (ids[4], "inserted")}


def test_audit_search_filters_by_user_and_action(cli: CliRunner) -> None:
    _five_entries(cli)
    found = cli.invoke(audit_cmd.app, ["search", "--user", "ops.oncall", "--format", "csv"])
    assert found.exit_code == 0
    assert found.output.count("ops.oncall,system,alteration,account,") == 5
    none = cli.invoke(audit_cmd.app, ["search", "--action", "disclosure", "--format", "csv"])
    assert none.output.strip().count("\n") == 0  # the header alone
    bad = cli.invoke(audit_cmd.app, ["search", "--since", "last week"])
    assert bad.exit_code == 1 and "is not a date" in bad.output
    later = cli.invoke(audit_cmd.app, ["search", "--since", "2999-01-01", "--format", "csv"])
    assert later.output.strip().count("\n") == 0
