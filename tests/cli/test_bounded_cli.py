"""Through the command line: a file too big is refused in one line, and a file with many
problems lists the first of them and counts the rest."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from msops.cli.main import app
from msops.returns.files import write_return
from tests.builders import valid_return
from tests.returns.test_bounded_files import csv_bomb, operations_csv

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.setenv("MSOPS_DATABASE_URL", f"sqlite:///{path}")
    monkeypatch.setenv("MSOPS_USER", "spoc.test")
    created = msops("db", "upgrade")
    assert created.exit_code == 0, created.output
    return path


def msops(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def submit(path: Path, *extra: str) -> Any:
    return msops(
        "returns", "submit", str(path), "--org", "Cleveland", "--period", "2018-01", *extra
    )


def test_a_zip_bomb_is_refused_in_one_line(tmp_path: Path) -> None:
    bomb = csv_bomb(tmp_path / "bomb.zip")
    report = tmp_path / "problems.csv"
    started = time.monotonic()
    result = submit(bomb, "--report", str(report))
    assert time.monotonic() - started < 5
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.startswith("bomb.zip")]
    (line,) = lines
    assert line.startswith("bomb.zip: bomb.zip would unpack to 60 MB")
    assert line.endswith("[file_too_large]")
    assert "rejected: 1 problems; nothing was stored" in result.output
    assert len(report.read_text(encoding="utf-8").splitlines()) == 2
    history = msops("returns", "history", "--org", "Cleveland", "--period", "2018-01")
    assert "has submitted no return" in history.output


def test_submit_many_refuses_a_zip_bomb_and_says_why(tmp_path: Path) -> None:
    folder = tmp_path / "returns"
    folder.mkdir()
    csv_bomb(folder / "bomb.zip")
    result = msops("returns", "submit-many", str(folder), "--period", "2018-01")
    assert result.exit_code == 2
    assert "(bomb.zip): refused, bomb.zip would unpack to 60 MB" in result.output


def many_problems(tmp_path: Path, n: int = 30) -> Path:
    rows = valid_return(*(f"CL-{i:03}" for i in range(1, n + 1)))
    for row in rows["operations"]:
        row["status"] = "Half open"
        row["suspects"] = "many"
    path = tmp_path / "many.zip"
    write_return(path, "csv", rows, organisation="Cleveland Police", period="2018-01")
    return path


def test_the_first_problems_are_listed_and_the_rest_counted(tmp_path: Path) -> None:
    path = many_problems(tmp_path)
    everything = submit(path, "--max-problems", "100000")
    listed = [line for line in everything.output.splitlines() if line.startswith("Operations")]
    assert len(listed) >= 60
    report = tmp_path / "problems.csv"
    result = submit(path, "--max-problems", "10", "--report", str(report))
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert [line for line in lines if line.startswith("Operations")] == listed[:10]
    (more,) = [line for line in lines if line.startswith("…")]
    rules = Counter(line.rsplit("[", 1)[1].rstrip("]") for line in listed[10:])
    counts = ", ".join(f"{n:,} {rule}" for rule, n in rules.most_common())
    assert more == f"… and {len(listed) - 10:,} more: {counts}"
    assert f"rejected: {len(listed)} problems" in result.output
    with report.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 11 and rows[-1]["rule"] == "more_problems"
    assert rows[-1]["message"] == more


def test_a_thousand_problems_at_most_by_default(tmp_path: Path) -> None:
    result = submit(many_problems(tmp_path, 600))
    listed = [line for line in result.output.splitlines() if line.startswith("Operations")]
    assert len(listed) == 1000
    assert any(line.startswith("… and ") for line in result.output.splitlines())


def test_a_semicolon_csv_gets_one_line_not_a_page(tmp_path: Path) -> None:
    path = operations_csv(tmp_path / "operations.csv", ";")
    result = submit(path)
    assert result.exit_code == 2
    problems = [line for line in result.output.splitlines() if "[" in line]
    assert problems == [
        "operations.csv: the values are separated by ';', not commas: save it as CSV (comma"
        " delimited), or in Excel 'CSV UTF-8 (Comma delimited) (*.csv)' [file_layout]"
    ]
