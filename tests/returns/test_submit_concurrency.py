"""Submissions of the same return one at a time, and what a submitter is told when another was
stored between validating their file and storing it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.exc import OperationalError

from msops.domain.errors import Conflict, DatabaseBusy
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns import submit as submit_module
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, SubmitResult, submit_raw
from msops.store import returns_repo
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from msops.store.scope import organisation_id
from tests.builders import Rows, valid_return
from tests.conftest import row_counts

JAN, FEB = Period(2018, 1), Period(2018, 2)
Meanwhile = Callable[[Callable[[], object]], None]


def submit(engine: Engine, who: Principal, rows: Rows, period: Period = JAN) -> SubmitResult:
    raw = RawReturn.from_rows("return.csv", rows)
    return submit_raw(engine, who, raw, "Cleveland", period, "sha-of-file")


def changed(**values: Any) -> Rows:
    rows = valid_return()
    rows["operations"][0].update(values)
    return rows


@pytest.fixture
def meanwhile(monkeypatch: pytest.MonkeyPatch) -> Iterator[Meanwhile]:
    """Run something once, after the next submission has validated its file and before it
    stores it: another person's submission arriving at that moment."""
    pending: list[Callable[[], object]] = []
    validate = submit_module.validate_return

    def validate_then_let_another_in(*args: Any, **kwargs: Any) -> Any:
        checked = validate(*args, **kwargs)
        while pending:
            pending.pop()()
        return checked

    monkeypatch.setattr(submit_module, "validate_return", validate_then_let_another_in)
    yield pending.append


def test_a_version_stored_meanwhile_is_not_silently_superseded(
    engine: Engine, operator: Principal, meanwhile: Meanwhile
) -> None:
    submit(engine, operator, valid_return())
    others: list[SubmitResult] = []
    meanwhile(lambda: others.append(submit(engine, operator, changed(arrests=2))))
    with pytest.raises(Conflict) as refused:
        submit(engine, operator, changed(arrests=3))
    assert [(o.outcome, o.version) for o in others] == [(Outcome.ACCEPTED, 2)]
    assert "another submission of this return" in str(refused.value)
    assert "was stored first (version 2)" in str(refused.value)
    assert "submit again" in str(refused.value)
    again = submit(engine, operator, changed(arrests=3))  # after checking version 2
    assert (again.outcome, again.version) == (Outcome.ACCEPTED, 3)


def test_the_same_file_stored_meanwhile_is_unchanged(
    engine: Engine, operator: Principal, meanwhile: Meanwhile
) -> None:
    submit(engine, operator, valid_return())
    meanwhile(lambda: submit(engine, operator, changed(arrests=2)))
    result = submit(engine, operator, changed(arrests=2))
    assert (result.outcome, result.version) == (Outcome.UNCHANGED, 2)


def test_an_earlier_month_changed_meanwhile_is_validated_against(
    engine: Engine, operator: Principal, meanwhile: Meanwhile
) -> None:
    submit(engine, operator, valid_return())  # January: 3 NRM referrals
    before = row_counts(engine)
    # February says 4, which January's 3 allows; meanwhile January is corrected to 5
    meanwhile(lambda: submit(engine, operator, changed(nrm_referrals=5)))
    result = submit(engine, operator, changed(nrm_referrals=4), FEB)
    assert result.outcome == Outcome.REJECTED
    assert {i.rule for i in result.issues} == {"count_decreased"}
    after = row_counts(engine)
    assert after["return_version"] == before["return_version"] + 1  # January's correction only


def _hold_the_return(engine: Engine, release: threading.Event, held: threading.Event) -> None:
    """Another submitter of Cleveland's January return, storing it slowly."""
    with engine.connect() as conn:
        org_id = organisation_id(conn, "Cleveland")
    with returns_repo.locked_return(engine, org_id, JAN):
        held.set()
        release.wait(timeout=30)


def test_a_second_submitter_waits_then_stores_the_next_version(
    engine: Engine, operator: Principal
) -> None:
    submit(engine, operator, valid_return())
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_the_return, args=(engine, release, held))
    holder.start()
    assert held.wait(timeout=30)
    threading.Timer(0.5, release.set).start()
    started = time.monotonic()
    result = submit(engine, operator, changed(arrests=2))
    holder.join()
    assert time.monotonic() - started >= 0.4  # it waited for the other
    assert (result.outcome, result.version) == (Outcome.ACCEPTED, 2)


def test_a_submitter_that_waits_too_long_is_told_the_database_is_busy(
    engine: Engine, operator: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    submit(engine, operator, valid_return())
    before = row_counts(engine)
    monkeypatch.setattr(returns_repo, "LOCK_WAIT_SECONDS", 0.3)
    release, held = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_the_return, args=(engine, release, held))
    holder.start()
    try:
        assert held.wait(timeout=30)
        with pytest.raises(DatabaseBusy) as busy:
            submit(engine, operator, changed(arrests=2))
    finally:
        release.set()
        holder.join()
    assert str(busy.value) == "the database is busy: try again"
    assert row_counts(engine) == before
    assert submit(engine, operator, changed(arrests=2)).version == 2


def test_the_sqlite_lock_holds_in_a_transaction_already_begun(
    tmp_path: Path, operator: Principal
) -> None:
    """Should every transaction be begun by the engine (a plain, deferred BEGIN), the return's
    lock is still the database's write lock, taken before the version is read."""
    url = f"sqlite:///{tmp_path / 'msops.sqlite3'}"
    upgrade(make_engine(url))
    begun, other = make_engine(url), make_engine(url)
    event.listen(begun, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    with begun.connect() as conn:
        org_id = organisation_id(conn, "Cleveland")
    try:
        with returns_repo.locked_return(begun, org_id, JAN) as conn:
            assert conn.connection.dbapi_connection.in_transaction  # type: ignore[union-attr]
            with other.connect() as writer, pytest.raises(OperationalError, match="locked"):
                writer.exec_driver_sql("PRAGMA busy_timeout = 100")
                writer.exec_driver_sql("BEGIN IMMEDIATE")
        assert submit(begun, operator, valid_return()).version == 1
    finally:
        begun.dispose()
        other.dispose()
