"""`msops link dedupe` and `evaluate` on the files analysts really have: columns missing, a
handful of records, placeholders for what nobody knows, and files that are not what they seem.
Every one either runs or stops with a sentence naming the file and what is wrong."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from random import Random

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from msops.cli.link_cmd import app
from msops.synthetic.names import draw_name

HEADER = ["record_id", "source", "given_name", "surname", "dob", "phone", "postcode", "address"]


def _people(n_people: int, seed: int = 3) -> list[list[str]]:
    """Background records: people recorded once or twice, the copies alike; half of the
    people have a phone, which half of their records hold."""
    rng = Random(seed)
    rows = []
    for pid in range(n_people):
        given, family = draw_name(rng, rng.choice(["vn", "al", "ro", "uk"]), rng.random() < 0.5)
        dob = (date(1960, 1, 1) + timedelta(days=rng.randint(0, 15000))).isoformat()
        phone = f"07700 9{pid:05d}" if rng.random() < 0.5 else ""
        for copy in range(rng.choice([1, 2])):
            held = phone if rng.random() < 0.5 else ""
            rows.append([f"bg{pid}-{copy}", f"org{copy}", given, family, dob, held, "", ""])
    return rows


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _dedupe(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["dedupe", *args])
    return result.exit_code, result.output


def _clusters(path: Path) -> dict[str, str]:
    with path.open(newline="") as handle:
        return {r["record_id"]: r["cluster_id"] for r in csv.DictReader(handle)}


@pytest.mark.parametrize(
    "kept",
    [
        ["record_id", "given_name", "surname"],  # names only
        ["record_id", "source", "surname", "dob"],  # no given names
        ["record_id", "source", "given_name", "dob"],  # no family names
        ["record_id", "given_name", "surname", "phone"],  # no dates of birth
    ],
    ids=["names-only", "no-given-name", "no-surname", "no-dob"],
)
def test_a_file_missing_columns_is_linked(tmp_path: Path, kept: list[str]) -> None:
    """Any column but record_id may be absent: the model learns from what there is."""
    rows = _people(150)
    rows.append(["twin-a", "orgA", "Ardit", "Hoxha", "1991-02-03", "07700 900123", "", ""])
    rows.append(["twin-b", "orgB", "ARDIT", "HOXHA", "1991-02-03", "07700 900123", "", ""])
    at = [HEADER.index(c) for c in kept]
    source = _write(tmp_path / "in.csv", [[r[i] for i in at] for r in rows], kept)
    out = tmp_path / "c.csv"
    code, output = _dedupe(str(source), "--out", str(out))
    assert code == 0, output
    clusters = _clusters(out)
    assert len(clusters) == len(rows)
    if kept != ["record_id", "source", "surname", "dob"]:  # a family name and a date is weak
        assert clusters["twin-a"] == clusters["twin-b"]


def test_a_few_different_people_stay_apart(tmp_path: Path) -> None:
    """Ten people, no two alike: nothing to learn a match from, and nobody is merged."""
    names = ["Anna Smith", "Brian Jones", "Chen Wei", "Dritan Leka", "Elena Popa", "Farah Khan",
             "Gabriel Nowak", "Hoa Tran", "Ivan Petrov", "Julia Novak"]  # fmt: skip
    rows = [
        [f"d{i}", f"org{i}", *name.split(), f"19{60 + i}-0{i % 9 + 1}-1{i}", "", "", ""]
        for i, name in enumerate(names)
    ]
    out = tmp_path / "c.csv"
    code, output = _dedupe(str(_write(tmp_path / "in.csv", rows)), "--out", str(out))
    assert code == 0, output
    assert len(set(_clusters(out).values())) == 10
    assert "too few to learn from" in " ".join(output.split())


def test_placeholders_for_what_nobody_knows_join_nobody(tmp_path: Path) -> None:
    """ "No fixed abode", a postcode of "NFA", a phone of zeros and a name of "Unknown" say
    nothing about who someone is: people who share them stay apart."""
    rows = _people(200)
    rows += [
        [f"nfa{i}", "org", given, family, "", "", "NFA", "No fixed abode"]
        for i, (given, family) in enumerate(
            [("Anna", "Smith"), ("Brian", "Jones"), ("Chen", "Wei"), ("Dritan", "Leka")]
        )
    ]
    rows += [
        [f"zero{i}", "org", given, family, "", "00000000000", "", ""]
        for i, (given, family) in enumerate([("Elena", "Popa"), ("Farah", "Khan")])
    ]
    rows += [
        ["unk0", "org", "Unknown", "Unknown", "1950-01-10", "", "", ""],
        ["unk1", "org", "UNKNOWN", "N/K", "1953-02-11", "", "", ""],
    ]
    out = tmp_path / "c.csv"
    code, output = _dedupe(str(_write(tmp_path / "in.csv", rows)), "--out", str(out))
    assert code == 0, output
    clusters = _clusters(out)
    placed = [r[0] for r in rows if not r[0].startswith("bg")]
    assert len({clusters[rid] for rid in placed}) == len(placed)


def test_a_file_without_a_header_row_is_refused_without_repeating_it(tmp_path: Path) -> None:
    """The first row of such a file is a person's: the error must not print it."""
    bad = tmp_path / "noheader.csv"
    bad.write_text("r1,org1,Mimoza,Hoxha,1990-02-03,,,\nr2,org2,Ion,Popa,1980-01-01,,,\n")
    code, output = _dedupe(str(bad), "--out", str(tmp_path / "c.csv"))
    assert code == 1
    assert "no record_id column in the first row" in output
    assert "Mimoza" not in output and "1990-02-03" not in output
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            'record_id,given_name,surname\nr1,Ana,Pop\nr2,"Ion,Popa\nr3,Dan,Rusu\n',
            "line 4: not a readable CSV file (unexpected end of data)",
        ),
        ("record_id;given_name;surname\nr1;Ana;Pop\n", "columns separated by ';', not commas"),
        ("record_id\tgiven_name\tsurname\nr1\tAna\tPop\n", "columns separated by tab"),
        (
            "record_id,given_name,surname,estimated_age\nr1,Ana,Pop,\u00b2\n",
            "row 2, column estimated_age: not a whole number",
        ),
        (
            "record_id,given_name,surname,notes\nr1,Ana," + "x" * 600 + ",ok\n",
            "row 2, column surname: longer than 500 characters",
        ),
        (
            "record_id,given_name,surname,dob\nr1,Ana,Pop,1990-06-23\nr2,Ana,Pop,23/06/1990\n",
            "row 3, column dob: not a date as YYYY-MM-DD",
        ),
        ("record_id,given_name,record_id\nr1,Ana,x1\n", "the column record_id appears twice"),
        (
            "record_id,given_name,estimated_age\nr1,Ana,200\n",
            "row 2, column estimated_age: more than 120 years",
        ),
        (
            "record_id,given_name,estimated_age,age_on\n"
            f"r1,Ana,30,{date.today() + timedelta(days=1)}\n",
            "row 2, column age_on: after today",
        ),
    ],
    ids=[
        "quote-left-open",
        "semicolons",
        "tabs",
        "superscript-age",
        "name-too-long",
        "day-first",
        "two-id-columns",
        "age-200",
        "age-given-tomorrow",
    ],
)
def test_a_malformed_file_is_refused_by_name(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    code, output = _dedupe(str(bad), "--out", str(tmp_path / "c.csv"))
    assert code == 1
    assert message in " ".join(output.split())
    assert not (tmp_path / "c.csv").exists()


def test_a_long_value_in_a_column_that_is_not_read_is_allowed(tmp_path: Path) -> None:
    rows = [[*r, "x" * 2000] for r in _people(20)]
    source = _write(tmp_path / "in.csv", rows, [*HEADER, "notes"])
    code, output = _dedupe(str(source), "--out", str(tmp_path / "c.csv"))
    assert code == 0, output


def test_a_folder_is_not_a_person_file(tmp_path: Path) -> None:
    code, output = _dedupe(str(tmp_path), "--out", str(tmp_path / "c.csv"))
    assert code == 1 and "not a file" in output


def test_a_workbook_is_refused_as_one(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(HEADER)  # type: ignore[union-attr]
    book.save(tmp_path / "people.xlsx")
    code, output = _dedupe(str(tmp_path / "people.xlsx"), "--out", str(tmp_path / "c.csv"))
    assert code == 1
    assert "a spreadsheet workbook, not a CSV file" in output


def test_output_paths_are_checked_before_the_run(tmp_path: Path) -> None:
    """A run may take minutes: a path it cannot write is refused first, and nothing is
    written when one of the two outputs cannot be."""
    source = _write(tmp_path / "in.csv", _people(20))
    out = tmp_path / "c.csv"
    code, output = _dedupe(str(source), "--out", str(tmp_path / "missing" / "c.csv"))
    assert code == 1 and "does not exist" in output
    code, output = _dedupe(str(source), "--out", str(out), "--pairs", str(tmp_path))
    assert code == 1 and "is a folder" in output
    assert not out.exists()
    code, output = _dedupe(str(source), "--out", str(source))
    assert code == 1 and "is the input file" in output


@pytest.mark.parametrize("threshold", ["0", "-1", "1.5", "nan"])
def test_a_threshold_outside_0_to_1_is_refused(tmp_path: Path, threshold: str) -> None:
    source = _write(tmp_path / "in.csv", _people(20))
    code, output = _dedupe(str(source), "--out", str(tmp_path / "c.csv"), "--threshold", threshold)
    assert code == 1
    assert "a match probability above 0, at most 1" in output


def test_a_low_threshold_links_pairs_below_the_usual_one(tmp_path: Path) -> None:
    """Below 0.5 the pairs from the threshold up are kept, so the threshold takes effect."""
    rows = _people(150)
    # namesakes born two years apart: a candidate pair the model doubts
    rows += [["weak-a", "o1", "Besnik", "Gashi", "1980-01-01", "", "", ""]]
    rows += [["weak-b", "o2", "Besnik", "Gashi", "1982-03-04", "", "", ""]]
    source = _write(tmp_path / "in.csv", rows)
    links = {}
    for threshold in ("0.5", "0.01"):
        pairs = tmp_path / f"p{threshold}.csv"
        code, output = _dedupe(
            str(source), "--out", str(tmp_path / "c.csv"), "--pairs", str(pairs),
            "--threshold", threshold,
        )  # fmt: skip
        assert code == 0, output
        with pairs.open(newline="") as handle:
            links[threshold] = [float(r["match_probability"]) for r in csv.DictReader(handle)]
    assert min(links["0.5"]) >= 0.5
    assert len(links["0.01"]) > len(links["0.5"])
    assert min(links["0.01"]) < 0.5


@pytest.mark.parametrize(
    ("truth", "message"),
    [
        ("record_id,true_cluster\nr1,a\nr1,b\n", "record 2, column record_id: repeated"),
        ("record_id,true_cluster\nr1,a\nr2,\n", "record 2, column true_cluster: blank"),
        ("record_id,true_cluster\n", "no records"),
    ],
    ids=["repeated-id", "blank-cluster", "empty"],
)
def test_evaluate_refuses_a_truth_it_cannot_score(tmp_path: Path, truth: str, message: str) -> None:
    (tmp_path / "truth.csv").write_text(truth)
    (tmp_path / "c.csv").write_text("record_id,cluster_id\nr1,a\nr2,a\n")
    result = CliRunner().invoke(
        app,
        ["evaluate", "--truth", str(tmp_path / "truth.csv"), "--clusters", str(tmp_path / "c.csv")],
    )
    assert result.exit_code == 1
    assert message in result.output


def test_a_killed_run_leaves_no_records_behind(tmp_path: Path) -> None:
    """A run spills records (personal data) to a temporary folder: stopped by SIGTERM, as
    `kill` and job schedulers stop it, it removes the folder on its way out."""
    source = _write(tmp_path / "in.csv", _people(3000))
    spill = tmp_path / "tmp"
    spill.mkdir()
    msops = Path(sys.executable).with_name("msops")
    run = subprocess.Popen(
        [str(msops), "link", "dedupe", str(source), "--out", str(tmp_path / "c.csv")],
        env={**os.environ, "TMPDIR": str(spill)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not any(spill.glob("msops-linkage-*")) and run.poll() is None:
            assert time.monotonic() < deadline, "the run never made its temporary folder"
            time.sleep(0.05)
        assert run.poll() is None, "the run ended before it could be stopped"
        run.terminate()
        status = run.wait(timeout=60)
    finally:
        run.kill()
    assert list(spill.iterdir()) == []
    # Stopped mid-run, it unwound (143) rather than being killed outright (-SIGTERM) with its
    # records on disk. On a loaded machine the run may have finished its work (written its
    # output, removed its folder, given the signal back) before the signal came: then any end.
    if not (tmp_path / "c.csv").exists():
        assert status == 143, f"ended with {status}, not unwound by the signal"
