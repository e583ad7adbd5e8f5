"""Files too small to learn from are weighed by the reference model msops ships
(`msops.linkage.reference`): an analyst's handful of records links as a large file would."""

from __future__ import annotations

import csv
from pathlib import Path

from typer.testing import CliRunner

from msops.cli.link_cmd import app
from msops.linkage import comparisons as cmp
from msops.linkage import reference
from msops.linkage.evaluation import pairwise_score

HEADER = ["record_id", "source", "given_name", "surname", "dob", "estimated_age", "age_on",
          "gender", "nationality", "phone", "postcode", "address"]  # fmt: skip


def _row(record_id: str, **fields: str) -> list[str]:
    """A record in HEADER's order, the fields not given blank."""
    return [record_id, *(fields.get(name, "") for name in HEADER[1:])]


def _run(tmp_path: Path, source: Path) -> tuple[dict[str, str], str]:
    """`link dedupe` on a file: record id -> cluster id, and what the command printed."""
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(app, ["dedupe", str(source), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(newline="") as handle:
        clusters = {r["record_id"]: r["cluster_id"] for r in csv.DictReader(handle)}
    return clusters, " ".join(result.output.split())


def _dedupe(tmp_path: Path, rows: list[list[str]]) -> tuple[dict[str, str], str]:
    source = tmp_path / "in.csv"
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return _run(tmp_path, source)


def test_the_reference_weighs_every_level_msops_compares() -> None:
    """A level added to the model without rebuilding the reference would stop every small file
    (benchmarks/linkage_reference.py rebuilds it)."""
    model = reference.load()
    everything = {"birth_year", "gender", "nationality", "phone", "postcode", "address"}
    for present in (everything, everything - {"phone"}):
        for comparison in cmp.comparisons(present, name_frequencies=False):
            weighed = model[comparison["output_column_name"]]
            for level in comparison["comparison_levels"]:
                if not level.get("is_null_level"):
                    m, u = weighed[level["label_for_charts"]]
                    assert 0.0 < m <= 1.0 and 0.0 < u <= 1.0
    # what the synthetic population cannot teach: a different phone is no veto
    m, u = model["phone"]["different"]
    assert m == u


def test_an_exact_copy_among_a_dozen_records_is_one_person(tmp_path: Path) -> None:
    """Learnt from twelve records, an exact copy of a record with an estimated age scored 0.17
    and stayed apart: EM had learnt from one pair that an agreeing postcode counts against."""
    rows = [
        ["p0", "org14", "Thomas", "Wilslor", "", "36", "2017-02-23", "Male", "UK", "", "L13 2BZ",
         ""],
        ["p1", "org03", "Jamiie", "THOMPSON", "2000-05-19", "", "", "Male", "UK", "+447861599659",
         "B28 9WU", ""],
        ["p2", "org05", "Amit", "Gupta", "1989-05-24", "", "", "Male", "Indian", "+447288601961",
         "", ""],
        ["p3", "org23", "Husamn", "Hassan", "1985-06-29", "", "", "Male", "Sudanese",
         "+447703721391", "", ""],
        ["p4", "org07", "Van Loang", "Vu", "1990-09-30", "", "", "Male", "Vietnamese", "", "", ""],
        ["p5", "org31", "Bobo", "Dason", "", "39", "2017-08-15", "Male", "UK", "", "G13 8RF", ""],
        ["p6", "org44", "Jordan", "Edwaes", "1967-08-28", "", "", "Male", "UK", "", "L2 7TY", ""],
        ["p7", "org43", "Ertmir", "Lehehu", "1981-04-06", "", "", "Male", "Albanian", "", "", ""],
        ["p8", "org27", "Laruen", "Wooon", "1980-02-17", "", "", "Female", "UK", "", "", ""],
        ["p9", "org33", "Emily", "Edown", "1987-09-29", "", "", "Female", "UK", "", "N18 1TU", ""],
        ["p10", "org16", "Liaan", "Zhang", "1993-06-04", "", "", "", "Chinese", "", "BD23 4QY",
         ""],
    ]  # fmt: skip
    rows.append(["copy", "org99", *rows[0][2:]])
    clusters, output = _dedupe(tmp_path, rows)
    assert clusters["copy"] == clusters["p0"]
    assert len(set(clusters.values())) == 11
    assert "too few to learn from" in output


def test_a_handful_of_records_with_slips_is_linked(tmp_path: Path) -> None:
    """Two people written four times each, with typos and one date replaced: learnt from these
    eight records, EM drove a level's m to 0 and Splink stopped the run."""
    rows = [
        _row(rid, given_name=given, surname=family, dob=dob, postcode=postcode, address=address)
        for rid, given, family, dob, postcode, address in [
            ("a1", "bailee", "crouc", "1922-03-25", "4405",
             "22 tompsitytbcourt rosetta vyillage wamberal wa"),
            ("a2", "bailee", "crouch", "1922-03-25", "4405",
             "22 tompsitt court rosetta village wamberal wa"),
            ("a3", "bailee", "crluch", "1988-10-05", "4405",
             "22 tompsitt court rosetta illage wamberal wa"),
            ("a4", "bailde", "crouch", "1922-03-25", "4405",
             "22 tompsitt court rosetta village penguin wa"),
            ("b1", "alexandra", "ferris", "1979-08-07", "3658",
             "70 gledden street mount beevor tatura nsw"),
            ("b2", "etha", "ferris", "1979-08-07", "4570",
             "70 gledden street mountbeevor tatura nsw"),
            ("b3", "alexandra", "ferribs", "1979-08-07", "3658",
             "70 gledden street mount beevor kaleden nsw"),
            ("b4", "alexandra", "ferirs", "1979-08-07", "3658",
             "61 mount beevor gledden street tatyra nsw"),
        ]
    ]  # fmt: skip
    clusters, _output = _dedupe(tmp_path, rows)
    assert len({clusters[r] for r in ("a1", "a2", "a4")}) == 1
    assert len({clusters[r] for r in ("b1", "b3", "b4")}) == 1
    assert clusters["a1"] != clusters["b1"]


def test_namesakes_born_years_apart_stay_apart_in_a_small_file(tmp_path: Path) -> None:
    """The reference weighs an average name, not this file's: two people sharing a name with
    full dates of birth years apart are still two."""
    rows = [
        _row(rid, source=source, given_name=given, surname=family, dob=dob, gender="Male",
             nationality=nationality)
        for rid, source, given, family, dob, nationality in [
            ("n1", "org1", "Van Anh", "Nguyen", "1985-03-02", "Vietnamese"),
            ("n2", "org2", "Van Anh", "Nguyen", "1990-07-11", "Vietnamese"),
            ("x1", "org1", "Besnik", "Gashi", "1980-01-01", "Albanian"),
            ("x2", "org2", "Besnik", "Gashi", "1980-01-01", "Albanian"),
        ]
    ]  # fmt: skip
    clusters, _output = _dedupe(tmp_path, rows)
    assert clusters["n1"] != clusters["n2"]
    assert clusters["x1"] == clusters["x2"]


def test_people_sharing_one_phone_in_a_small_file_stay_apart(tmp_path: Path) -> None:
    """Ten people with one phone between them (a controller's, a hostel's) are ten: the file
    shows the phone is shared, and their names and dates differ. Learnt from forty records,
    the phone outweighed everything else and most of them became one person."""
    names = ["Anna Smith", "Brian Jones", "Chen Wei", "Dmitri Ivanov", "Eve Taylor",
             "Farah Khan", "George Brown", "Hana Sato", "Ivan Petrov", "Julia Novak"]  # fmt: skip
    rows = [
        _row(f"s{i}", source=f"org{i}", given_name=given, surname=family, phone="+447700900123")
        for i, (given, family) in enumerate(name.split() for name in names)
    ]
    others = ["Ardit Hoxha", "Bogdan Popescu", "Thi Lan Nguyen", "Kwame Mensah", "Olga Novak",
              "Tomasz Kowalski", "Yusuf Ahmed", "Mei Lin", "Sara Tesfaye", "Ion Rusu"]  # fmt: skip
    for i, name in enumerate(others):
        for copy in range(3):  # recorded by three forces: the file has pairs to learn from
            dob = f"19{70 + i}-0{i % 9 + 1}-1{i}"
            given, family = name.rsplit(" ", 1)
            rows.append(_row(f"o{i}-{copy}", source=f"org{copy}", given_name=given,
                             surname=family, dob=dob))  # fmt: skip
    clusters, _output = _dedupe(tmp_path, rows)
    assert len({clusters[f"s{i}"] for i in range(10)}) == 10
    assert all(len({clusters[f"o{i}-{c}"] for c in range(3)}) == 1 for i in range(10))


def test_a_pass_whose_estimate_underflows_is_run_again_in_fewer_iterations(
    tmp_path: Path,
) -> None:
    """202 records of the evaluation population (from a sample of 1,000 that stopped a run):
    nobody there has two phones, so EM drove the m of "phone different" below what a float
    holds and Splink stopped the run. The pass is undone and run again in fewer iterations."""
    source = Path(__file__).with_name("data") / "em_underflow.csv"  # `person`: the truth
    found, _output = _run(tmp_path, source)
    with source.open(newline="") as handle:
        truth = {r["record_id"]: r["person"] for r in csv.DictReader(handle)}
    score = pairwise_score(truth, found)
    assert score.precision >= 0.97 and score.recall >= 0.95, score
