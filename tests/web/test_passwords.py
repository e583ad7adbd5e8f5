"""Changing one's password in the browser, and an administrator resetting a forgotten one (in
the browser and on the command line): old sessions end, the audit trail says so without the
password."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli import users_cmd
from msops.domain.principal import Principal, Role
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.schema import audit_event
from msops.store.users_repo.accounts import add_user
from msops.store.users_repo.sign_in import SignInRefused
from msops.store.users_repo.sign_in import sign_in as store_sign_in
from tests.conftest import row_counts
from tests.web.conftest import PASSWORD, Site, csrf_of

NEW = "a brand new long password"


def sign_in(site: Site, name: str, password: str) -> int:
    client = TestClient(site.app, follow_redirects=False)
    return client.post("/api/session", json={"name": name, "password": password}).status_code


def change(client: TestClient, current: str, new: str, repeat: str | None = None) -> str:
    token = csrf_of(client.get("/account/password").text)
    fields = {"current": current, "new": new, "repeat": repeat or new, "csrf_token": token}
    answer = client.post("/account/password", data=fields)
    return f"{answer.status_code} {answer.text}"


def account_events(engine: Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_event).where(audit_event.c.object_type == "account"))
        return [(r.actor, r.object_ref, r.detail) for r in rows]


def test_a_user_changes_their_password_and_their_other_sessions_end(site: Site) -> None:
    laptop, desk = site.client("force"), site.client("force")
    before = row_counts(site.engine)
    assert "the two new passwords differ" in change(laptop, PASSWORD, NEW, "something else long")
    assert "at least 12 characters" in change(laptop, PASSWORD, "short")
    assert "must differ from the current one" in change(laptop, PASSWORD, PASSWORD)
    assert row_counts(site.engine) == before
    wrong = change(laptop, "not my password at all", NEW)
    assert wrong.startswith("400") and "the current password is not right" in wrong

    done = change(laptop, PASSWORD, NEW)
    assert done.startswith("200") and "Your password has been changed" in done
    assert laptop.get("/").status_code == 200  # this session goes on
    assert desk.get("/").headers["location"] == "/sign-in"  # the other one has ended
    assert sign_in(site, "force", PASSWORD) == 401
    assert sign_in(site, "force", NEW) == 200
    events = account_events(site.engine)
    assert ("force", "force", "password changed") in events
    assert not any(PASSWORD in str(e) or NEW in str(e) for e in events)


def test_guessing_the_current_password_is_throttled(site: Site) -> None:
    client = site.client("force")
    for _ in range(5):
        assert change(client, "a wrong guess of it", NEW).startswith("400")
    assert change(client, PASSWORD, NEW).startswith("429")  # even the right one must wait
    assert sign_in(site, "force", PASSWORD) == 429


def test_an_administrator_resets_a_forgotten_password(site: Site) -> None:
    user = site.client("regional")
    admin = site.client("admin")
    token = csrf_of(admin.get("/accounts").text)
    short = admin.post(
        "/accounts/password", data={"name": "regional", "password": "short", "csrf_token": token}
    )
    assert short.status_code == 400 and "at least 12 characters" in short.text
    assert user.get("/").status_code == 200
    done = admin.post(
        "/accounts/password", data={"name": "regional", "password": NEW, "csrf_token": token}
    )
    assert done.status_code == 200 and "New password set for regional" in done.text
    assert user.get("/").headers["location"] == "/sign-in"
    assert sign_in(site, "regional", PASSWORD) == 401 and sign_in(site, "regional", NEW) == 200
    assert ("admin", "regional", "password reset") in account_events(site.engine)


def test_users_reset_password_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The CLI opens (and never closes) its own engine: this test runs on a SQLite file.
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    upgrade(engine)
    with engine.begin() as conn:
        add_user(
            conn, Principal("seed", Role.SYSTEM), "partner", Role.PARTNER_USER, PASSWORD, "GLAA"
        )
    monkeypatch.setenv("MSOPS_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("MSOPS_USER", "ops.oncall")
    runner = CliRunner()
    args = ["reset-password", "partner", "--password-stdin"]
    result = runner.invoke(users_cmd.app, args, input=NEW + "\n")
    assert result.exit_code == 0, result.output
    assert "new password set for partner" in result.output
    assert store_sign_in(engine, "partner", NEW, "test").name == "partner"
    with pytest.raises(SignInRefused):
        store_sign_in(engine, "partner", PASSWORD, "test")
    unknown = runner.invoke(
        users_cmd.app, ["reset-password", "nobody", "--password-stdin"], input=NEW + "\n"
    )
    assert unknown.exit_code != 0 and "no account is called 'nobody'" in unknown.output
    assert ("ops.oncall", "partner", "password reset") in account_events(engine)
    engine.dispose()
