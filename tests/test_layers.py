"""The layer contracts in pyproject.toml (`make layers`): kept by the package as it is, and broken
by an import that goes the wrong way."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = {
    c["id"]: c["name"]
    for c in tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"][
        "contracts"
    ]
}


def _lint_imports(project: Path) -> subprocess.CompletedProcess[str]:
    """The contracts of `project`'s pyproject.toml, checked on the msops under `project`/src."""
    env = {**os.environ, "PYTHONPATH": str(project / "src")}  # before the installed msops
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_package_keeps_every_contract() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in CONTRACTS.values():
        assert f"{name} KEPT" in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "broken"),
    [
        ("domain/__init__.py", "import msops.web", "layers"),  # the bottom importing the top
        ("reports/__init__.py", "import msops.synthetic", "demo-data"),
        ("store/__init__.py", "import splink", "splink"),
    ],
)
def test_a_wrong_import_breaks_its_contract(
    tmp_path: Path, module: str, line: str, broken: str
) -> None:
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    copy = tmp_path / "src" / "msops"
    shutil.copytree(ROOT / "src" / "msops", copy, ignore=shutil.ignore_patterns("__pycache__"))
    with (copy / module).open("a") as handle:
        handle.write(f"\n{line}\n")

    result = _lint_imports(tmp_path)

    assert result.returncode != 0, result.stdout + result.stderr
    assert f"{CONTRACTS[broken]} BROKEN" in result.stdout
    importer = "msops." + module.removesuffix("/__init__.py").replace("/", ".")
    imported = line.removeprefix("import ")
    assert f"{importer} -> {imported}" in result.stdout  # the import added, in the copy
    for other in CONTRACTS.keys() - {broken}:
        assert f"{CONTRACTS[other]} KEPT" in result.stdout
