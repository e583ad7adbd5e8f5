"""`msops config show` and the settings behind it: environment over file over default, secrets
masked, a bad value refused in one line naming the setting."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from msops.cli.main import app

runner = CliRunner()
PASSWORD = "s3cret-Pa55"


def msops(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def shown() -> dict[str, dict[str, str]]:
    result = msops("config", "show", "--format", "json")
    assert result.exit_code == 0, result.output
    return {row["name"]: row for row in json.loads(result.output)}


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "msops.toml"
    path.write_text(
        f'database_url = "postgresql://msops:{PASSWORD}@db.example/msops"\n'
        "max_upload_mb = 30\n"
        "metrics = true\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("MSOPS_SETTINGS_FILE", str(path))
    for name in ("MSOPS_DATABASE_URL", "MSOPS_MAX_UPLOAD_MB", "MSOPS_METRICS"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_defaults_are_shown_as_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MSOPS_SETTINGS_FILE", raising=False)
    monkeypatch.delenv("MSOPS_MAX_UNPACKED_MB", raising=False)
    rows = shown()
    assert rows["max_unpacked_mb"] == rows["max_unpacked_mb"] | {"value": "50", "origin": "default"}
    assert rows["audit_key_file"]["origin"] == "env"  # the test run's own key folder


def test_the_file_sets_values_and_the_environment_wins_over_it(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = shown()
    assert (rows["max_upload_mb"]["value"], rows["max_upload_mb"]["origin"]) == ("30", "file")
    assert (rows["metrics"]["value"], rows["metrics"]["origin"]) == ("on", "file")
    monkeypatch.setenv("MSOPS_MAX_UPLOAD_MB", "12")
    monkeypatch.setenv("MSOPS_METRICS", "0")
    rows = shown()
    assert (rows["max_upload_mb"]["value"], rows["max_upload_mb"]["origin"]) == ("12", "env")
    assert (rows["metrics"]["value"], rows["metrics"]["origin"]) == ("off", "env")


def test_the_database_password_never_appears(settings_file: Path) -> None:
    table = msops("config", "show")
    as_json = msops("config", "show", "--format", "json")
    for result in (table, as_json):
        assert result.exit_code == 0
        assert PASSWORD not in result.output
    assert shown()["database_url"]["value"] == "postgresql://msops:***@db.example/msops"


def test_a_password_in_the_query_is_masked_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSOPS_DATABASE_URL", f"postgresql://db.example/msops?password={PASSWORD}")
    result = msops("config", "show")
    assert PASSWORD not in result.output
    assert shown()["database_url"]["origin"] == "env"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MSOPS_MAX_UPLOAD_MB", "lots"),
        ("MSOPS_METRICS", "perhaps"),
        ("MSOPS_TRUSTED_PROXIES", "10.0.0.1, not-a-network"),
        ("MSOPS_HASH_SLOTS", "0"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_setting(
    name: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(name, value)
    result = msops("config", "show")
    assert result.exit_code == 1
    (line,) = result.output.strip().splitlines()
    assert line.startswith(f"error: setting {name}:") and "Traceback" not in result.output


def test_a_bad_value_in_the_file_is_named_as_the_file_s(
    settings_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings_file.write_text("max_upload_mb = -3\n", encoding="utf-8")
    (line,) = msops("config", "show").output.strip().splitlines()
    assert line.startswith("error: setting max_upload_mb in MSOPS_SETTINGS_FILE:")
    settings_file.write_text("max_uploads = 3\n", encoding="utf-8")
    (line,) = msops("config", "show").output.strip().splitlines()
    assert line == "error: MSOPS_SETTINGS_FILE: 'max_uploads' is not a setting of msops"


def test_a_bad_value_stops_other_commands_the_same_way(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MSOPS_METRICS", "perhaps")
    result = msops("db", "status")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "error: setting MSOPS_METRICS: Input should be a valid boolean, unable to interpret input"
    )
