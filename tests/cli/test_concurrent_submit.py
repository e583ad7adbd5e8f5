"""Four people re-submitting the same force's return for the same month at the same moment.

Each gets an answer: their version stored, or one line saying that another submission was
stored first. No traceback, versions numbered without a gap, nothing lost without a word.
"""

from __future__ import annotations

import multiprocessing
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli.main import app
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.files import write_return
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store import returns_repo, schema
from msops.store.scope import organisation_id
from tests.builders import Rows, valid_return

SUBMITTERS = 4
REFS = [f"CL-{n:03d}" for n in range(1, 41)]  # enough rows that the stores overlap
CONFLICT = "another submission of this return (Cleveland Police, 2018-01) was stored first"


def _return(arrests: int) -> Rows:
    rows = valid_return(*REFS)
    for row in rows["operations"]:
        row["arrests"] = arrests
    return rows


def _submit_at_once(url: str, path: str, out: str, barrier: Any) -> None:
    """A person's `msops returns submit`, started with the others (in a process of its own)."""
    os.environ["MSOPS_DATABASE_URL"] = url
    os.environ["MSOPS_ERROR_LOG"] = out + ".errors.log"
    stdout = os.open(out + ".stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    stderr = os.open(out + ".stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(stdout, 1)
    os.dup2(stderr, 2)
    args = ["returns", "submit", path, "--org", "Cleveland", "--period", "2018-01"]
    barrier.wait(timeout=600)  # the slowest to start up, on a loaded machine
    try:
        app(args, prog_name="msops")
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def test_concurrent_resubmissions_are_each_stored_or_told(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    first = submit_raw(
        engine,
        operator,
        RawReturn.from_rows("v1.csv", _return(1)),
        "Cleveland",
        Period(2018, 1),
        "x",
    )
    assert first.outcome == Outcome.ACCEPTED and first.version == 1
    url = engine.url.render_as_string(hide_password=False)
    spawn = multiprocessing.get_context("spawn")  # nothing of this process's connections
    barrier = spawn.Barrier(SUBMITTERS)
    processes = []
    for n in range(SUBMITTERS):
        folder = tmp_path / f"submitter{n}"
        write_return(folder, "csv", _return(10 + n), organisation="Cleveland", period="2018-01")
        out = str(tmp_path / f"out{n}")
        process = spawn.Process(target=_submit_at_once, args=(url, str(folder), out, barrier))
        process.start()
        processes.append((process, out))
    outcomes: list[tuple[int | None, str, str]] = []
    for process, out in processes:
        process.join(timeout=900)
        assert process.exitcode is not None, "a submitter did not finish"
        stdout = Path(out + ".stdout").read_text(encoding="utf-8")
        stderr = Path(out + ".stderr").read_text(encoding="utf-8")
        outcomes.append((process.exitcode, stdout, stderr))

    accepted: list[int] = []
    told = 0
    for exitcode, stdout, stderr in outcomes:
        assert "Traceback" not in stdout + stderr, stdout + stderr
        found = re.search(r"accepted, version (\d+)", stdout)
        if exitcode == 0 and found:
            accepted.append(int(found.group(1)))
            assert stderr == ""
        else:
            assert exitcode == 1, (exitcode, stdout, stderr)
            assert stdout == ""
            assert len(stderr.strip().splitlines()) == 1, stderr
            assert CONFLICT in stderr and "submit again" in stderr
            told += 1
    assert len(accepted) + told == SUBMITTERS
    assert sorted(accepted) == list(range(2, 2 + len(accepted)))

    rv, om = schema.return_version, schema.operation_month
    with engine.connect() as conn:
        versions = conn.execute(select(rv.c.version, rv.c.is_current).order_by(rv.c.version)).all()
        current_arrests = set(
            conn.execute(
                select(om.c.arrests)
                .join(rv, rv.c.id == om.c.return_version_id)
                .where(rv.c.is_current)
            ).scalars()
        )
    latest = 1 + len(accepted)
    assert [tuple(v) for v in versions] == [(v, v == latest) for v in range(1, latest + 1)]
    assert len(current_arrests) == 1  # the current version is one whole file


def test_a_submission_that_waits_too_long_is_told_the_database_is_busy(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MSOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MSOPS_ERROR_LOG", str(tmp_path / "errors.log"))
    monkeypatch.setattr(returns_repo, "LOCK_WAIT_SECONDS", 0.3)
    path = tmp_path / "return.zip"
    write_return(path, "csv", _return(1), organisation="Cleveland", period="2018-01")
    with engine.connect() as conn:
        org_id = organisation_id(conn, "Cleveland")
    with returns_repo.locked_return(engine, org_id, Period(2018, 1)):  # another submitter
        result = CliRunner().invoke(
            app,
            ["returns", "submit", str(path), "--org", "Cleveland", "--period", "2018-01"],
            catch_exceptions=False,
        )
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip() == "error: the database is busy: try again"
