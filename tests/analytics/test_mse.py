"""Multiple systems estimation: the 2013 UK table, known populations, bad tables, the command."""

from __future__ import annotations

import itertools
import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from msops.analytics.mse import (
    DEFAULT_THRESHOLD,
    CandidateStatus,
    CaptureTable,
    CaptureTableError,
    MseResult,
    capture_table,
    estimate_csv,
    estimate_population,
    read_capture_csv,
)
from msops.cli.estimate_cmd import app

MSE_DATA = Path(__file__).resolve().parents[1] / "data" / "mse"
UK_2013 = MSE_DATA / "UKdat.csv"
UK_2013_FIVE = MSE_DATA / "UKdat_5.csv"
runner = CliRunner()


def needs(path: Path) -> None:
    if not path.exists():
        pytest.fail(f"{path} is missing: the 2013 UK capture table belongs in tests/data/mse")


def independent_table(total: int, probabilities: tuple[float, ...]) -> CaptureTable:
    """Expected counts of a population whose sources see each case independently."""
    names = [f"S{i + 1}" for i in range(len(probabilities))]
    rows = []
    for history in itertools.product((0, 1), repeat=len(probabilities)):
        if any(history):
            chance = math.prod(
                p if seen else 1 - p for p, seen in zip(probabilities, history, strict=True)
            )
            rows.append((history, round(total * chance)))
    return capture_table(names, rows)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def rejected(path: Path) -> CaptureTableError:
    with pytest.raises(CaptureTableError) as caught:
        read_capture_csv(path)
    return caught.value


# --- the 2013 UK table (Silverman 2014) -------------------------------------------------


@pytest.fixture(scope="module")
def uk_2013() -> MseResult:
    needs(UK_2013)
    return estimate_csv(UK_2013)


def test_uk_2013_lands_in_the_published_range(uk_2013: MseResult) -> None:
    assert uk_2013.observed == 2744
    assert 10_000 <= uk_2013.estimate <= 13_000
    assert uk_2013.ci_low < uk_2013.estimate < uk_2013.ci_high
    assert uk_2013.ci_method == "profile likelihood"
    assert math.isclose(uk_2013.estimate, uk_2013.observed + uk_2013.dark_figure)


def test_uk_2013_model_and_its_reasons(uk_2013: MseResult) -> None:
    assert uk_2013.interactions == ("PF:NCA", "LA:NG", "NG:GP", "LA:PF", "PF:GP", "GO:GP", "NG:GO")
    *adding, last = uk_2013.steps
    for step in adding:
        running = [c for c in step.candidates if not c.status.startswith("excluded")]
        assert running[0].status is CandidateStatus.ADDED
        assert running[0].interaction == step.added
        assert running[0].p_value < DEFAULT_THRESHOLD
    assert last.added is None
    assert all(c.p_value >= DEFAULT_THRESHOLD for c in last.candidates)
    assert "not below the threshold 0.02" in uk_2013.stop_reason
    no_overlap = [c for c in last.candidates if c.status is CandidateStatus.NO_OVERLAP]
    assert {c.interaction for c in no_overlap} == {"LA:GP", "LA:NCA"}
    assert all(c.observed_overlap == 0 for c in no_overlap)


def test_uk_2013_five_lists_as_published() -> None:
    needs(UK_2013_FIVE)
    result = estimate_csv(UK_2013_FIVE)  # values written as 1.0 / 54.0 are accepted
    assert result.observed == 2744
    assert abs(result.estimate - 11_313) < 1
    assert 9_500 < result.ci_low < result.estimate < result.ci_high < 13_500


# --- known populations --------------------------------------------------------------------


def test_independent_sources_recover_the_population() -> None:
    table = independent_table(5000, (0.3, 0.2, 0.25))
    result = estimate_population(table)
    assert table.observed == 2900
    assert result.interactions == ()
    assert abs(result.estimate - 5000) <= 0.01 * 5000
    assert result.ci_low < 5000 < result.ci_high


def test_two_sources_give_the_lincoln_petersen_estimate() -> None:
    table = capture_table(["A", "B"], [((1, 0), 300), ((0, 1), 200), ((1, 1), 100)])
    result = estimate_population(table)
    assert result.estimate == pytest.approx(400 * 300 / 100)
    assert result.steps[0].candidates[0].status is CandidateStatus.NOT_SIGNIFICANT


def test_threshold_zero_keeps_main_effects_only() -> None:
    table = independent_table(5000, (0.3, 0.2, 0.25))
    result = estimate_population(table, threshold=0.0)
    assert result.interactions == ()
    assert len(result.steps) == 1


def test_a_strong_dependence_is_found() -> None:
    # Cases seen by S1 are three times as likely to be seen by S2 as independence allows:
    # an S1:S2 interaction of log 3, leaving the unseen 5000 * 0.7 * 0.8 * 0.75 = 2100 as is.
    counts = dict(independent_table(5000, (0.3, 0.2, 0.25)).counts)
    for history in ((1, 1, 0), (1, 1, 1)):
        counts[history] *= 3
    result = estimate_population(capture_table(["S1", "S2", "S3"], list(counts.items())))
    assert result.interactions == ("S1:S2",)
    assert result.steps[0].added == "S1:S2"
    assert result.dark_figure == pytest.approx(2100, rel=1e-6)


# --- bad tables ---------------------------------------------------------------------------


def test_all_zero_row_is_refused(tmp_path: Path) -> None:
    err = rejected(write(tmp_path / "t.csv", "A,B,count\n1,0,10\n0,1,5\n0,0,40\n"))
    assert (err.rule, err.row) == ("history_all_zero", 4)
    assert "t.csv, row 4" in str(err)
    assert "dark figure" in str(err)


def test_source_value_other_than_zero_or_one_is_refused(tmp_path: Path) -> None:
    err = rejected(write(tmp_path / "t.csv", "A,B,count\n1,0,10\n0,2,5\n"))
    assert (err.rule, err.row, err.column, err.value) == ("source_not_binary", 3, "B", "2")
    assert "t.csv, row 3, column 'B', value '2'" in str(err)


def test_duplicate_history_is_refused(tmp_path: Path) -> None:
    err = rejected(write(tmp_path / "t.csv", "A,B,count\n1,0,10\n0,1,5\n1,0,3\n"))
    assert (err.rule, err.row) == ("history_duplicate", 4)
    assert "row 4" in str(err)
    assert "also on row 2" in str(err)


@pytest.mark.parametrize(
    ("text", "rule", "row"),
    [
        ("A,B,n\n1,0,10\n", "count_missing", 1),
        ("A,B,count\n1,0,-5\n0,1,5\n", "count_negative", 2),
        ("A,B,count\n1,0,2.5\n0,1,5\n", "count_not_whole", 2),
        ("A,B,count\n1,0,ten\n0,1,5\n", "count_not_whole", 2),
        ("A,count\n1,10\n", "too_few_sources", 1),
        ("A,B,count\n1,0\n", "row_length", 2),
        ("A,A,count\n1,0,1\n", "column_duplicate", 1),
        ("A,B,count\n", "no_rows", 2),
    ],
)
def test_other_bad_tables_are_refused(tmp_path: Path, text: str, rule: str, row: int) -> None:
    err = rejected(write(tmp_path / "t.csv", text))
    assert (err.rule, err.row) == (rule, row)
    assert f"rule: {rule}" in str(err)


def test_sources_with_no_common_case_cannot_be_estimated() -> None:
    table = capture_table(["A", "B"], [((1, 0), 10), ((0, 1), 5)])
    with pytest.raises(CaptureTableError, match="no finite maximum likelihood estimate"):
        estimate_population(table)


def test_source_that_saw_every_case_is_refused() -> None:
    with pytest.raises(CaptureTableError, match="saw every case"):
        capture_table(["A", "B"], [((1, 0), 10), ((1, 1), 5)])


# --- the command --------------------------------------------------------------------------


def synthetic_csv(tmp_path: Path) -> Path:
    table = independent_table(5000, (0.3, 0.2, 0.25))
    lines = ["S1,S2,S3,count"] + [
        ",".join(str(v) for v in h) + f",{n}" for h, n in table.counts.items()
    ]
    return write(tmp_path / "synthetic.csv", "\n".join(lines) + "\n")


def test_command_prints_the_estimate(tmp_path: Path) -> None:
    result = runner.invoke(app, ["mse", str(synthetic_csv(tmp_path))])
    assert result.exit_code == 0, result.output
    assert "Estimated total: 5,000" in result.output
    assert "95% interval" in result.output
    assert "profile likelihood" in result.output


def test_command_on_the_uk_2013_table() -> None:
    needs(UK_2013)
    result = runner.invoke(app, ["mse", str(UK_2013), "--detail"])
    assert result.exit_code == 0, result.output
    assert "Estimated total: 11,418" in result.output
    assert "PF:NCA" in result.output


def test_command_json(tmp_path: Path) -> None:
    path = synthetic_csv(tmp_path)
    result = runner.invoke(app, ["mse", str(path), "--format", "json", "--threshold", "0.05"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["threshold"] == 0.05
    assert round(data["estimate"]) == 5000
    assert data["steps"][0]["candidates"][0]["status"] == "not significant"


def test_command_exits_2_on_a_bad_file(tmp_path: Path) -> None:
    path = write(tmp_path / "bad.csv", "A,B,count\n1,0,10\n0,0,3\n")
    result = runner.invoke(app, ["mse", str(path)])
    assert result.exit_code == 2
    assert "bad.csv, row 3" in result.stderr
    assert "Estimated total" not in result.stdout
