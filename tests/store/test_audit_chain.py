"""The audit trail under concurrent appends and against a person who can write the database.

Appends from many threads and processes at once must give one chain: numbers 1..N with no gap,
every entry on its own predecessor, none lost. A person who can write the tables but not read
the MAC key must not be able to edit, insert, reorder or remove an entry without verification
naming the first entry affected; removing the newest entries shows against a signed checkpoint.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, column, delete, func, insert, select, table, update
from typer.testing import CliRunner

from msops.cli import audit_cmd
from msops.domain.principal import Principal, Role, system_principal
from msops.store import audit_query
from msops.store.audit import (
    GENESIS,
    HASHED_FIELDS,
    Action,
    AuditEntry,
    AuditKeyError,
    current_key,
    read_key,
    record,
    rotate_key,
    row_hash,
)
from msops.store.audit import signing_key as load_signing_key
from msops.store.audit_checkpoints import checkpoint_public_key, read_checkpoints, write_checkpoint
from msops.store.audit_query import Checkpoint, Verification, load_keys, verify_chain, verify_trail
from msops.store.engine import make_engine
from msops.store.migrate import _config, upgrade
from msops.store.schema import audit_event
from msops.store.schema.web import web_user
from msops.store.users_repo.accounts import add_user
from msops.web import create_app
from tests.web.conftest import PASSWORD, seed

THREADS, PER_THREAD = 8, 50
WEB_SESSIONS, WEB_REQUESTS = 6, 15


@pytest.fixture(autouse=True)
def key_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keys of this test's own, outside the database and outside the user's data directory."""
    folder = tmp_path / "keys"
    monkeypatch.setenv("MSOPS_AUDIT_KEY_FILE", str(folder / "audit-hmac.key"))
    monkeypatch.setenv("MSOPS_AUDIT_SIGNING_KEY_FILE", str(folder / "audit-signing.key"))
    return folder


def entry(n: int) -> AuditEntry:
    return AuditEntry(Action.CONSULTATION, "operation", f"Cleveland/OP-{n}", purpose="review")


def append(engine: Engine, n: int, who: str = "analyst") -> None:
    for i in range(n):
        with engine.begin() as conn:
            record(conn, system_principal(who), entry(i))


def rows(conn: Connection) -> list[dict[str, Any]]:
    query = select(audit_event).order_by(audit_event.c.seq)
    return [dict(r) for r in conn.execute(query).mappings()]


def verify(engine: Engine, checkpoints: list[Checkpoint] | None = None) -> Verification:
    with engine.connect() as conn:
        return verify_trail(conn, load_keys(), checkpoints or [])


def first(found: Verification) -> tuple[int | None, str | None]:
    """(first entry affected, its kind)."""
    return found.first_affected, found.problems[0].kind if found.problems else None


def rechain(conn: Connection, edits: dict[int, dict[str, Any]] | None = None) -> None:
    """What a person who can write the tables does: change entries, then recompute every hash
    after them with the package's own function (the MACs they cannot recompute stay)."""
    prev = GENESIS
    for r in rows(conn):
        values = {**r, **(edits or {}).get(r["seq"], {}), "prev_hash": prev}
        values["hash"] = row_hash(prev, values)
        if values != r:
            conn.execute(update(audit_event).where(audit_event.c.id == r["id"]).values(values))
        prev = values["hash"]


def checkpoint(engine: Engine, folder: Path) -> list[Checkpoint]:
    with engine.connect() as conn:
        write_checkpoint(conn, load_signing_key(), folder)
    return read_checkpoints(folder, checkpoint_public_key())


# --- appends that serialise --------------------------------------------------------------------


def test_concurrent_appends_make_one_gapless_chain(engine: Engine) -> None:
    """8 threads x 50 appends, each in its own transaction; every fifth rolls back with its act."""
    committed = [0] * THREADS
    failures: list[BaseException] = []

    def work(t: int) -> None:
        principal = system_principal(f"analyst{t}")
        try:
            for i in range(PER_THREAD):
                try:
                    with engine.begin() as conn:
                        record(conn, principal, entry(i))
                        if i % 5 == 4:
                            raise RuntimeError("the act failed")  # its entry goes with it
                    committed[t] += 1
                except RuntimeError:
                    pass
        except BaseException as err:  # pragma: no cover - reported below
            failures.append(err)

    started = time.monotonic()
    threads = [threading.Thread(target=work, args=(t,)) for t in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures
    assert time.monotonic() - started < 120
    with engine.connect() as conn:
        stored = rows(conn)
    made = sum(committed)
    assert made == THREADS * PER_THREAD * 4 // 5
    assert [r["seq"] for r in stored] == list(range(1, made + 1))
    assert len({r["prev_hash"] for r in stored}) == made  # no two on one predecessor
    found = verify(engine)
    assert found.intact and found.entries == made and found.keyed == made


WRITER = textwrap.dedent(
    """
    import sys
    from msops.domain.principal import system_principal
    from msops.store.audit import Action, AuditEntry, record
    from msops.store.engine import make_engine

    engine = make_engine(sys.argv[1])
    who = system_principal(sys.argv[3])
    for i in range(int(sys.argv[2])):
        with engine.begin() as conn:
            record(conn, who, AuditEntry(Action.CONSULTATION, "operation", f"Kent/OP-{i}"))
    engine.dispose()
    """
)


def test_processes_and_threads_append_to_one_chain(engine: Engine) -> None:
    """Two other processes (as Uvicorn workers and the CLI are) append while threads do here."""
    url = engine.url.render_as_string(hide_password=False)
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, url, "60", f"worker{n}"]) for n in (1, 2)
    ]
    threads = [threading.Thread(target=append, args=(engine, 30, f"web{n}")) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    found = verify(engine)
    assert found.intact, found.problems[:3]
    assert found.entries == found.head_seq == 2 * 60 + 4 * 30
    with engine.connect() as conn:
        assert conn.execute(
            select(func.count(func.distinct(audit_event.c.prev_hash)))
        ).scalar() == (found.entries)


def test_concurrent_web_requests_each_leave_one_entry(engine: Engine) -> None:
    """Analysts opening an operation at once, each through their own client and session: one
    consultation entry per answered request, on one intact chain."""
    seed(engine)
    app = create_app(engine)
    consultations = select(func.count()).where(
        audit_event.c.action == "consultation", audit_event.c.object_type == "operation"
    )
    with engine.connect() as conn:
        before = conn.execute(consultations).scalar_one()
    answered = [0] * WEB_SESSIONS
    failures: list[object] = []

    # Signed in one after another: sign-ins in flight at once count against the account's
    # allowance until their passwords are checked, and the requests are what is measured here.
    clients = [TestClient(app) for _ in range(WEB_SESSIONS)]
    for client in clients:
        signed_in = client.post("/api/session", json={"name": "national", "password": PASSWORD})
        assert signed_in.status_code == 200

    def analyst(n: int) -> None:
        try:
            client = clients[n]
            for _ in range(WEB_REQUESTS):
                answer = client.get("/api/operations/Cleveland/CL-001")
                if answer.status_code == 200:
                    answered[n] += 1
                else:
                    failures.append(answer.status_code)
        except BaseException as err:  # pragma: no cover - reported below
            failures.append(err)

    threads = [threading.Thread(target=analyst, args=(n,)) for n in range(WEB_SESSIONS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not failures, failures[:3]
    with engine.connect() as conn:
        assert conn.execute(consultations).scalar_one() - before == sum(answered)
    assert sum(answered) == WEB_SESSIONS * WEB_REQUESTS
    assert verify(engine).intact


def test_an_entry_rolls_back_with_its_act(engine: Engine, operator: Principal) -> None:
    append(engine, 2)
    with pytest.raises(RuntimeError), engine.begin() as conn:
        add_user(conn, operator, "never.made", Role.NATIONAL_ANALYST, "a long password 1")
        raise RuntimeError("the request failed after the act")
    append(engine, 1)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(web_user)).scalar() == 0
        assert [r["seq"] for r in rows(conn)] == [1, 2, 3]
    assert verify(engine).intact


# --- the key ------------------------------------------------------------------------------------


def test_the_key_is_made_on_first_use_private_and_once(key_files: Path) -> None:
    path = key_files / "audit-hmac.key"
    ids: list[str] = []
    threads = [threading.Thread(target=lambda: ids.append(current_key().key_id)) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(ids)) == 1 and read_key(path).key_id == ids[0]
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(bytes.fromhex(path.read_text())) == 32
    assert sorted(p.name for p in key_files.iterdir()) == ["audit-hmac.key"]  # no leftovers


def test_without_a_key_the_act_does_not_happen(
    engine: Engine, operator: Principal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("MSOPS_AUDIT_KEY_FILE", str(tmp_path / "not-a-folder" / "k.key"))
    with pytest.raises(AuditKeyError, match="cannot be created"), engine.begin() as conn:
        add_user(conn, operator, "someone", Role.NATIONAL_ANALYST, "a long password 1")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(web_user)).scalar() == 0


# --- attacks by a person who can write the tables ---------------------------------------------


def test_an_edit_with_every_later_hash_recomputed_is_caught_by_the_mac(engine: Engine) -> None:
    append(engine, 6)
    with engine.begin() as conn:
        rechain(conn, {3: {"actor": "someone.else", "purpose": "routine check"}})
        assert verify_trail(conn, None).intact  # plain hashes alone are fooled
    found = verify(engine)
    assert first(found) == (3, "changed")
    assert "its MAC does not match" in found.problems[0].message


def test_a_backdated_entry_inserted_in_the_middle_is_caught(engine: Engine) -> None:
    append(engine, 5)
    with engine.begin() as conn:
        stored = rows(conn)
        for r in reversed(stored[2:]):  # make room at 3
            conn.execute(
                update(audit_event).where(audit_event.c.id == r["id"]).values(seq=r["seq"] + 1)
            )
        forged = {**stored[1], "seq": 3, "actor": "cover.story", "purpose": "authorised"}
        forged["at"] = stored[1]["at"] + timedelta(microseconds=1)
        del forged["id"]
        conn.execute(insert(audit_event).values(forged))
        rechain(conn)
        assert verify_trail(conn, None).intact
    assert first(verify(engine)) == (3, "changed")


def test_an_entry_appended_without_the_key_is_caught(engine: Engine) -> None:
    append(engine, 3)
    with engine.begin() as conn:
        last = rows(conn)[-1]
        forged = {**last, "seq": 4, "at": datetime(2018, 1, 1), "prev_hash": last["hash"]}
        forged.update(key_id=None, mac=None)  # posing as an entry made before keys
        forged["hash"] = row_hash(last["hash"], forged)
        del forged["id"]
        conn.execute(insert(audit_event).values(forged))
    found = verify(engine)
    assert first(found) == (4, "changed") and "no MAC" in found.problems[0].message


def test_two_entries_swapped_are_caught(engine: Engine) -> None:
    append(engine, 5)
    with engine.begin() as conn:
        two, four = rows(conn)[1]["id"], rows(conn)[3]["id"]
        conn.execute(update(audit_event).where(audit_event.c.id == two).values(seq=-1))
        conn.execute(update(audit_event).where(audit_event.c.id == four).values(seq=2))
        conn.execute(update(audit_event).where(audit_event.c.id == two).values(seq=4))
        rechain(conn)  # even with the hashes recomputed in the new order
    assert first(verify(engine)) == (2, "changed")


def test_removing_the_newest_entries_shows_against_a_checkpoint(
    engine: Engine, tmp_path: Path
) -> None:
    append(engine, 6)
    pinned = checkpoint(engine, tmp_path / "siem")
    with engine.begin() as conn:
        conn.execute(delete(audit_event).where(audit_event.c.seq > 3))
    assert verify(engine).intact  # the chain alone cannot tell
    found = verify(engine, pinned)
    assert first(found) == (4, "removed")
    assert "entries after 3 were removed" in found.problems[0].message
    # and when the trail has since grown past the checkpoint again
    append(engine, 5)
    assert first(verify(engine, pinned)) == (6, "changed")


def test_a_stolen_key_rewrite_shows_against_a_checkpoint(engine: Engine, tmp_path: Path) -> None:
    """A person holding the key and the database can rewrite the chain; a checkpoint kept
    elsewhere still shows it."""
    append(engine, 4)
    pinned = checkpoint(engine, tmp_path / "siem")
    key = current_key()
    with engine.begin() as conn:
        rechain(conn, {2: {"purpose": "rewritten"}})
        for r in rows(conn):
            mac = key.mac(r["seq"], r["hash"])
            conn.execute(update(audit_event).where(audit_event.c.id == r["id"]).values(mac=mac))
    assert verify(engine).intact
    assert first(verify(engine, pinned)) == (4, "changed")


def test_a_swapped_key_file_cannot_verify(engine: Engine, key_files: Path) -> None:
    append(engine, 3)
    (key_files / "audit-hmac.key").write_text(os.urandom(32).hex())
    found = verify(engine)
    assert found.n_problems == 0 and not found.intact
    assert found.unverifiable is not None
    assert found.unverifiable.startswith("entry 1 was made with audit key")


def test_a_retired_key_still_verifies_but_cannot_forge_new_entries(
    engine: Engine, key_files: Path, operator: Principal
) -> None:
    append(engine, 2)
    old = current_key()
    with engine.begin() as conn:
        assert rotate_key(conn, operator) == old.key_id
    retired = key_files / "audit-hmac.key.retired" / f"{old.key_id}.key"
    assert stat.S_IMODE(retired.stat().st_mode) == 0o400
    append(engine, 2)
    found = verify(engine)
    assert found.intact and found.key_ids == [old.key_id, current_key().key_id]
    with engine.begin() as conn:  # a leaked retired key, used to add an entry at the end
        last = rows(conn)[-1]
        forged = {**last, "seq": last["seq"] + 1, "prev_hash": last["hash"], "key_id": old.key_id}
        forged["hash"] = row_hash(last["hash"], forged)
        forged["mac"] = old.mac(forged["seq"], forged["hash"])
        del forged["id"]
        conn.execute(insert(audit_event).values(forged))
    found = verify(engine)
    assert first(found) == (6, "changed") and "after that key was replaced" in (
        found.problems[0].message
    )


def test_verify_chain_keeps_its_contract(engine: Engine) -> None:
    append(engine, 3)
    with engine.begin() as conn:
        conn.execute(update(audit_event).where(audit_event.c.seq == 2).values(detail="x"))
    with engine.connect() as conn:
        problems = verify_chain(conn)
    assert [(p.seq, p.kind) for p in problems] == [(2, "changed")]


# --- entries made before keys -----------------------------------------------------------------


# audit_event as the initial schema made it, before seq, key_id and mac
OLD_AUDIT_EVENT = table(
    "audit_event",
    *(column(name) for name in ("id", "at", "role", "prev_hash", "hash", *HASHED_FIELDS)),
)


def _legacy_database(engine: Engine) -> list[int]:
    """A database as the code before keys left it: audit_event without seq or MAC, the chain made
    by the old `record`, ids not contiguous. Returns the ids."""
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
        prev = GENESIS
        for n, entry_id in enumerate((3, 4, 9)):
            values: dict[str, Any] = {
                "id": entry_id,
                "at": datetime(2018, 1, 1, 9, n),
                "actor": "old.hand",
                "role": "system",
                "action": "consultation",
                "object_type": "operation",
                "object_ref": f"Cleveland/OP-{n}",
                "purpose": None,
                "recipient": None,
                "detail": None,
                "prev_hash": prev,
            }
            values["hash"] = prev = row_hash(prev, values)
            conn.execute(insert(OLD_AUDIT_EVENT).values(values))
    upgrade(engine)
    return [3, 4, 9]


@pytest.fixture
def legacy(engine: Engine) -> Iterator[Engine]:
    """A fresh database at the initial schema (the engine fixture's is already upgraded)."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    if engine.dialect.name == "sqlite":
        path = Path(str(engine.url.database)).with_name("legacy.sqlite3")
        fresh = make_engine(f"sqlite:///{path}")
        yield fresh
        fresh.dispose()
    else:
        yield engine


def test_entries_made_before_keys_verify_as_unkeyed_legacy(
    legacy: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = _legacy_database(legacy)
    with legacy.connect() as conn:
        assert [(r["id"], r["seq"], r["mac"]) for r in rows(conn)] == [
            (ids[0], 1, None),
            (ids[1], 2, None),
            (ids[2], 3, None),
        ]
    append(legacy, 2)
    found = verify(legacy)
    assert found.intact
    assert (found.legacy, found.legacy_last_seq, found.keyed) == (3, 3, 2)
    if legacy.dialect.name == "sqlite":  # the command line keeps its engine open: SQLite only
        monkeypatch.setenv("MSOPS_DATABASE_URL", str(legacy.url))
        code, out = run(CliRunner(), "verify")
        assert code == 0
        assert (
            "3 unkeyed legacy entries (1 to 3), made before keys: held by the MAC of entry 4"
            in (out)
        )
    with legacy.begin() as conn:
        conn.execute(update(audit_event).where(audit_event.c.seq == 2).values(actor="x"))
    assert first(verify(legacy)) == (2, "changed")
    with legacy.begin() as conn:  # the same edit with every later hash recomputed shows at the
        rechain(conn)  # first keyed entry, whose MAC covers the legacy entries' hashes
    assert first(verify(legacy)) == (4, "changed")


# --- the command line ---------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[CliRunner, Engine]:
    eng = make_engine(f"sqlite:///{tmp_path / 'cli.sqlite3'}")
    upgrade(eng)
    monkeypatch.setenv("MSOPS_DATABASE_URL", str(eng.url))
    monkeypatch.setenv("MSOPS_USER", "ops.oncall")
    return CliRunner(), eng


def run(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(audit_cmd.app, list(args))
    return result.exit_code, result.output


def test_cli_verify_exit_statuses(
    cli: tuple[CliRunner, Engine], tmp_path: Path, key_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, engine = cli
    append(engine, 5)
    code, out = run(runner, "verify")
    assert code == 0 and "intact: 5 entries" in out and "5 entries keyed" in out
    assert "no checkpoints given" in out and "warning" not in out
    (key_files / "audit-hmac.key").chmod(0o644)
    code, out = run(runner, "verify")
    assert code == 0 and "can be read by other accounts: make it mode 600" in out
    (key_files / "audit-hmac.key").chmod(0o600)

    code, out = run(runner, "checkpoint", "--out", str(tmp_path / "siem"))
    assert code == 0, out
    assert stat.S_IMODE((key_files / "audit-signing.key").stat().st_mode) == 0o600
    saved = json.loads(next((tmp_path / "siem").glob("*.json")).read_text())
    assert (saved["seq"], saved["key_id"]) == (5, current_key().key_id)
    code, out = run(runner, "verify", "--checkpoints", str(tmp_path / "siem"))
    assert code == 0 and "1 checkpoints agree; newest at entry 5" in out

    with engine.begin() as conn:
        rechain(conn, {2: {"actor": "someone.else"}})
    code, out = run(runner, "verify", "--checkpoints", str(tmp_path / "siem"))
    assert code == 1
    assert "changed: entry 2 was changed, moved or forged" in out
    assert "first entry affected: 2" in out and "Traceback" not in out

    code, out = run(runner, "verify", "--no-key")
    assert code == 0 and "MACs not checked (--no-key)" in out

    missing = tmp_path / "elsewhere.key"
    monkeypatch.setenv("MSOPS_AUDIT_KEY_FILE", str(missing))
    code, out = run(runner, "verify")
    assert (code, out.strip()) == (2, f"cannot verify: key file {missing} missing")
    code, out = run(runner, "verify", "--key", str(key_files / "audit-hmac.key"))
    assert code == 1


def test_cli_verify_cannot_verify_without_good_checkpoints(
    cli: tuple[CliRunner, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner, engine = cli
    append(engine, 2)
    siem = tmp_path / "siem"
    assert run(runner, "checkpoint", "--out", str(siem))[0] == 0
    code, out = run(runner, "verify", "--checkpoints", str(tmp_path / "nowhere"))
    assert (code, out.strip()) == (
        2,
        f"cannot verify: checkpoint folder {tmp_path / 'nowhere'} missing",
    )

    (tmp_path / "empty").mkdir()
    assert run(runner, "verify", "--checkpoints", str(tmp_path / "empty"))[0] == 2

    pub = next(siem.glob("*.pub"))
    code, out = run(runner, "verify", "--checkpoints", str(siem), "--public-key", str(pub))
    assert code == 0, out

    saved = next(siem.glob("*.json"))
    forged = json.loads(saved.read_text())
    forged["seq"] = 1  # hide an entry from the checkpoint
    saved.write_text(json.dumps(forged))
    code, out = run(runner, "verify", "--checkpoints", str(siem))
    assert code == 2 and "does not match its signature" in out

    other = tmp_path / "other"
    with monkeypatch.context() as m:  # checkpoints signed by some other key
        m.setenv("MSOPS_AUDIT_SIGNING_KEY_FILE", str(other / "audit-signing.key"))
        assert run(runner, "checkpoint", "--out", str(other))[0] == 0
    code, out = run(runner, "verify", "--checkpoints", str(other))
    assert code == 2 and "not by the public key given" in out


def test_cli_verify_names_a_swapped_key_file(
    cli: tuple[CliRunner, Engine], key_files: Path
) -> None:
    runner, engine = cli
    append(engine, 2)
    old = current_key().key_id
    (key_files / "audit-hmac.key").write_text(os.urandom(32).hex())
    code, out = run(runner, "verify")
    assert code == 2
    assert out.startswith(f"cannot verify: entry 1 was made with audit key {old}")
    assert str(key_files / "audit-hmac.key") in out


def test_verify_streams_rather_than_loading_the_table(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The trail is read through one cursor in batches, never all at once; problems are still
    named right across the batches' edges."""
    monkeypatch.setattr(audit_query, "STREAM_ROWS", 2)
    append(engine, 5)
    with engine.begin() as conn:
        conn.execute(update(audit_event).where(audit_event.c.seq == 4).values(detail="x"))
    with engine.connect() as conn:
        asked: list[dict[str, Any]] = []
        execute = conn.execute

        def spy(statement: Any, *args: Any, **kwargs: Any) -> Any:
            asked.append(kwargs.get("execution_options") or {})
            return execute(statement, *args, **kwargs)

        monkeypatch.setattr(conn, "execute", spy)
        found = verify_trail(conn, load_keys())
    assert first(found) == (4, "changed") and found.entries == 5
    assert asked == [{"stream_results": True, "yield_per": 2}]


def test_cli_rotate_key(cli: tuple[CliRunner, Engine]) -> None:
    runner, engine = cli
    append(engine, 1)
    old = current_key().key_id
    code, out = run(runner, "rotate-key")
    assert code == 0 and f"key {old} retired" in out
    new = current_key().key_id
    assert new != old
    code, out = run(runner, "verify")
    assert code == 0 and f"2 entries keyed, MACs checked (keys {old}, {new})" in out
