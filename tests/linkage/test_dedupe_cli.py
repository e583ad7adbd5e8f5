"""`msops link dedupe` and `evaluate` on a small known set: links found, namesakes apart."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path
from random import Random

import pytest
from typer.testing import CliRunner
from unidecode import unidecode

from msops.cli.link_cmd import app
from msops.synthetic.names import draw_name

FIELDS = ["record_id", "source", "given_name", "surname", "dob", "gender", "nationality",
          "phone", "postcode", "extra"]  # fmt: skip
GROUPS = {"vn": "Vietnamese", "al": "Albanian", "ro": "Romanian", "uk": "UK", "pl": "Polish"}

# The planted cases: (record_id, person, given, surname, dob, phone, postcode)
PLANTED = [
    ("anh-1", "anh", "Văn Anh", "Nguyễn", "1990-03-11", "", "B9 4AA"),
    ("anh-2", "anh", "NGUYEN", "Van Anh", "1990-03-11", "", ""),  # family name first
    ("anh-3", "anh", "Van Anh", "Nguyen", "1990-11-03", "07700 900111", "B9 4AA"),  # d/m swap
    ("ion-a1", "ion-a", "Ion", "Popescu", "1980-04-03", "07700 900222", "TS1 1AA"),
    ("ion-a2", "ion-a", "Ион", "Попеску", "1980-04-03", "", "TS1 1AA"),  # Cyrillic
    ("ion-b1", "ion-b", "Ion", "Popescu", "1965-09-21", "", "M1 2BB"),  # a namesake
    ("ion-c1", "ion-c", "Ion", "Popescu", "1999-12-30", "", ""),  # another namesake
    # a household: Maria (twice) and her husband share a phone and an address
    ("maria-1", "maria", "Maria", "Lungu", "1982-05-06", "07700 900333", "TS2 1AB"),
    ("maria-2", "maria", "Maria", "Lungu", "1982-06-05", "07700 900333", ""),
    ("vasile-1", "vasile", "Vasile", "Lungu", "1979-01-20", "07700 900333", "TS2 1AB"),
]


def _background(rng: Random) -> list[tuple[str, str, str, str, str, str, str]]:
    rows = []
    for pid in range(160):
        group = rng.choice(list(GROUPS))
        female = rng.random() < 0.5
        given, family = draw_name(rng, group, female)
        dob = date(1960, 1, 1) + timedelta(days=rng.randint(0, 15000))
        for copy in range(rng.choice([1, 1, 2, 3])):
            g, f = (unidecode(given), unidecode(family)) if copy else (given, family)
            rows.append((f"bg{pid}-{copy}", f"bg{pid}", g, f, dob.isoformat(), "", ""))
    return rows


@pytest.fixture(scope="module")
def person_file(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("dedupe")
    rows = PLANTED + _background(Random(7))
    with (folder / "people.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FIELDS)
        for rid, _person, given, family, dob, phone, postcode in rows:
            writer.writerow([rid, "org", given, family, dob, "", "", phone, postcode, "ignored"])
    with (folder / "truth.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["record_id", "true_cluster"])
        writer.writerows((r[0], r[1]) for r in rows)
    return folder / "people.csv", folder / "truth.csv"


@pytest.fixture(scope="module")
def clusters(person_file: tuple[Path, Path]) -> dict[str, str]:
    people, _truth = person_file
    out, pairs = people.with_name("clusters.csv"), people.with_name("pairs.csv")
    result = CliRunner().invoke(
        app, ["dedupe", str(people), "--out", str(out), "--pairs", str(pairs)]
    )
    assert result.exit_code == 0, result.output
    with pairs.open() as handle:
        assert next(csv.reader(handle)) == ["record_id_l", "record_id_r", "match_probability"]
    with out.open() as handle:
        return {r["record_id"]: r["cluster_id"] for r in csv.DictReader(handle)}


def test_every_record_gets_a_cluster(
    clusters: dict[str, str], person_file: tuple[Path, Path]
) -> None:
    with person_file[0].open() as handle:
        assert set(clusters) == {r["record_id"] for r in csv.DictReader(handle)}


def test_the_same_person_written_differently_is_found(clusters: dict[str, str]) -> None:
    assert clusters["anh-1"] == clusters["anh-2"] == clusters["anh-3"]
    assert clusters["ion-a1"] == clusters["ion-a2"]


def test_namesakes_are_not_merged(clusters: dict[str, str]) -> None:
    popescus = {clusters["ion-a1"], clusters["ion-b1"], clusters["ion-c1"]}
    assert len(popescus) == 3
    assert clusters["anh-1"] != clusters["ion-a1"]


def test_a_household_sharing_a_phone_is_not_one_person(clusters: dict[str, str]) -> None:
    assert clusters["maria-1"] == clusters["maria-2"]
    assert clusters["vasile-1"] != clusters["maria-1"]


def test_evaluate_prints_pairwise_scores(
    clusters: dict[str, str], person_file: tuple[Path, Path]
) -> None:
    people, truth = person_file
    result = CliRunner().invoke(
        app,
        ["evaluate", "--truth", str(truth), "--clusters", str(people.with_name("clusters.csv"))],
    )
    assert result.exit_code == 0, result.output
    f1 = float(result.output.split("F1 ")[1].split()[0])
    assert f1 >= 0.9


def test_a_file_without_record_ids_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("given_name,surname\nIon,Popescu\n")
    result = CliRunner().invoke(app, ["dedupe", str(bad), "--out", str(tmp_path / "c.csv")])
    assert result.exit_code == 1
    assert "no record_id column" in result.output
    assert not (tmp_path / "c.csv").exists()


def test_a_bad_row_late_in_the_file_is_named_and_nothing_is_written(tmp_path: Path) -> None:
    """The file is read as it is prepared (a million records never sit in memory as text):
    a bad row after many good ones still stops the run before anything is written."""
    bad = tmp_path / "late.csv"
    rows = [f"r{i},Ion,Popescu{i},1980-01-{i % 28 + 1:02d}," for i in range(500)]
    rows.append("r500,Ana,Pop,,forty")
    bad.write_text("record_id,given_name,surname,dob,estimated_age\n" + "\n".join(rows) + "\n")
    out = tmp_path / "c.csv"
    result = CliRunner().invoke(app, ["dedupe", str(bad), "--out", str(out)])
    assert result.exit_code == 1
    assert "row 502, column estimated_age: not a whole number" in result.output
    assert not out.exists()


def test_scored_pairs_say_whether_the_names_could_be_one_persons(
    person_file: tuple[Path, Path],
) -> None:
    from msops.linkage.dedupe import dedupe
    from msops.linkage.files import read_people
    from msops.linkage.matcher import MatcherConfig

    result = dedupe(read_people(person_file[0]), MatcherConfig(keep_pairs_from=1e-9))
    flags = {frozenset((p.left, p.right)): p.one_name for p in result.scored.pairs}
    # Maria and Vasile Lungu: two given names, one family name (a household's)
    assert flags[frozenset(("maria-1", "vasile-1"))] is False
    # Văn Anh Nguyễn written family name first, and in Cyrillic: one person's names
    assert flags[frozenset(("anh-1", "anh-2"))] is True
    assert flags[frozenset(("ion-a1", "ion-a2"))] is True
