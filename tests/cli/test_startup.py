"""`msops` starts without its heavy libraries: each is imported by the command that uses it.

statsmodels and scipy (estimates, disclosure audits), splink, duckdb and followthemoney (linkage),
pandas and weasyprint (PDFs) took `msops --help` to three seconds; openpyxl (workbooks) is only
needed to read or write one. The speed itself is measured by `benchmarks/cli_start.py`, never
here. These checks run in a fresh interpreter, as a person starts msops, since the test process
has imported everything already.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HEAVY = (
    "statsmodels",
    "splink",
    "weasyprint",
    "duckdb",
    "scipy",
    "pandas",
    "followthemoney",
    "openpyxl",
    "numpy",
)


def test_importing_the_command_line_loads_no_heavy_library() -> None:
    probe = f"import msops.cli.main, sys; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_help_exits_cleanly() -> None:
    msops = Path(sys.executable).with_name("msops")
    done = subprocess.run([str(msops), "--help"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "returns" in done.stdout


def test_the_estimate_command_offers_the_methods_own_threshold() -> None:
    from msops.analytics.mse import DEFAULT_THRESHOLD
    from msops.cli import estimate_cmd

    assert estimate_cmd.DEFAULT_THRESHOLD == DEFAULT_THRESHOLD
