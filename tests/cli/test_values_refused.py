"""A file holding values the database cannot hold is refused as a person sees it: exit status 2,
a problem per cell naming the rule, nothing stored, and no name from the file on the screen."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from msops.cli.main import app
from msops.returns.files import write_return
from tests.builders import valid_return
from tests.conftest import row_counts

GIVEN, FAMILY, ALIAS = "Zebedee", "Quillfeather", "Moonraker"


@pytest.mark.parametrize("fmt,name", [("xlsx", "return.xlsx"), ("csv", "return.zip")])
def test_too_long_and_too_large_values_are_problems_without_the_names(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str, name: str
) -> None:
    monkeypatch.setenv("MSOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MSOPS_USER", "spoc.test")
    monkeypatch.setenv("MSOPS_ERROR_LOG", str(tmp_path / "errors.log"))
    rows = valid_return("CL-001", "CL-002")
    for n, person in enumerate(rows["nominals"]):
        person.update(given_name=GIVEN * 40, family_name=FAMILY * 20, aliases=ALIAS * 120)
        person["date_of_birth"] = None if n % 2 else "1980-04-03"
    rows["operations"][0]["arrests"] = 3_000_000_000
    rows["nationalities"][0]["count"] = 3_000_000_000
    path = tmp_path / name
    write_return(path, fmt, rows, organisation="Cleveland Police", period="2018-01")
    before = row_counts(engine)
    result = CliRunner().invoke(
        app,
        ["returns", "submit", str(path), "--org", "Cleveland", "--period", "2018-01"],
        catch_exceptions=False,
    )
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    for text in (GIVEN, FAMILY, ALIAS, "1980-04-03", "Traceback", "[SQL"):
        assert text not in result.stderr
    problems = result.stderr.splitlines()
    assert "Nominals row 3, given_name: given_name is too long: at most 200 characters" in (
        result.stderr
    )
    for column, limit in (("family_name", "200"), ("aliases", "1000")):
        assert f"{column} is too long: at most {limit} characters [too_long]" in result.stderr
    assert any("arrests is too large: at most 100,000" in p for p in problems)
    assert any("Nationalities row" in p and "[too_large]" in p for p in problems)
    assert "nothing was stored" in problems[-1]
    assert row_counts(engine) == before
