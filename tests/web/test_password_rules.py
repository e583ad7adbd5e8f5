"""The password rules (NCSC guidance): length, a deny-list of common passwords shipped with the
package, no account name, nothing blank or repeated; applied wherever a password is set, with
a message that names the rule and never repeats the password."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli import users_cmd
from msops.domain.passwords import WeakPassword, check_password, common_passwords
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.schema.web import web_user
from tests.web.conftest import PASSWORD, Site, csrf_of

GOOD = "copper kettle under the stairs"
# (password, account, words of the message naming the rule)
REFUSED = [
    ("short one", "ana.ne", "at least 12 characters"),
    ("aaaaaaaaaaaa", "ana.ne", "one character or one sequence repeated"),
    ("abcabcabcabc", "ana.ne", "one character or one sequence repeated"),
    ("password1234", "ana.ne", "list of common passwords"),
    ("Password1234!", "ana.ne", "list of common passwords"),
    ("qwerty uiop 123", "ana.ne", "list of common passwords"),
    (" " * 12, "ana.ne", "cannot be only spaces"),
    ("nationalnational", "national", "account name"),
    ("Cleveland rocks forever", "spoc.cleveland", "account name"),
]


@pytest.mark.parametrize(("password", "account", "rule"), REFUSED)
def test_weak_passwords_are_refused_naming_the_rule(password: str, account: str, rule: str) -> None:
    with pytest.raises(WeakPassword) as refused:
        check_password(password, account)
    assert rule in str(refused.value)
    if password.strip():
        assert password.strip() not in str(refused.value)


def test_a_passphrase_is_accepted() -> None:
    check_password(GOOD, "spoc.cleveland")
    check_password(PASSWORD, "national")


def test_the_deny_list_ships_with_the_package_and_is_read_offline() -> None:
    common = common_passwords()
    assert len(common) == 30_000
    assert {"password", "qwertyuiop", "letmein", "liverpool"} <= common
    assert GOOD not in common


def change(client_site: Site, account: str, new: str) -> str:
    client = client_site.client(account)
    token = csrf_of(client.get("/account/password").text)
    fields = {"current": PASSWORD, "new": new, "repeat": new, "csrf_token": token}
    answer = client.post("/account/password", data=fields)
    return f"{answer.status_code} {answer.text}"


def test_the_rules_apply_to_a_change_a_reset_and_a_new_account(site: Site) -> None:
    changed = change(site, "force", "password1234")
    assert changed.startswith("400") and "list of common passwords" in changed
    assert "password1234" not in changed
    api = site.client("regional").post(
        "/api/account/password", json={"current": PASSWORD, "new": "regionalregional"}
    )
    assert api.status_code == 400 and "account name" in api.json()["detail"]

    admin = site.client("admin")
    token = csrf_of(admin.get("/accounts").text)
    reset = admin.post(
        "/accounts/password", data={"name": "partner", "password": " " * 12, "csrf_token": token}
    )
    assert reset.status_code == 400 and "only spaces" in reset.text
    made = admin.post(
        "/accounts",
        data={"name": "new.one", "role": "admin", "password": "aaaaaaaaaaaa", "csrf_token": token},
    )
    assert made.status_code == 400 and "repeated" in made.text
    good = admin.post(
        "/accounts",
        data={"name": "new.one", "role": "admin", "password": GOOD, "csrf_token": token},
    )
    assert good.status_code == 303
    assert change(site, "force", GOOD).startswith("200")


def test_the_rules_apply_on_the_command_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine: Engine = make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    upgrade(engine)
    monkeypatch.setenv("MSOPS_DATABASE_URL", str(engine.url))
    monkeypatch.setenv("MSOPS_USER", "ops.oncall")
    runner = CliRunner()
    add = ["add", "ops.admin", "--role", "admin", "--password-stdin"]
    refused = runner.invoke(users_cmd.app, add, input="password1234\n")
    assert refused.exit_code == 1 and "list of common passwords" in refused.output
    assert "password1234" not in refused.output
    assert runner.invoke(users_cmd.app, add, input=GOOD + "\n").exit_code == 0
    reset = ["reset-password", "ops.admin", "--password-stdin"]
    named = runner.invoke(users_cmd.app, reset, input="Ops.Admin 2024\n")
    assert named.exit_code == 1 and "account name" in named.output
    with engine.connect() as conn:
        assert conn.execute(select(web_user.c.name)).scalars().all() == ["ops.admin"]
    engine.dispose()
