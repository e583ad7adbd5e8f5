"""Which records a disclosure covered: an export of a return disclosed the version current at
that moment, so each disclosure is listed against that version once, not against every version
of the return, and the access report lists it once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from msops.domain.principal import Principal
from msops.linkage.subjects import SubjectQuery, find_subject
from msops.reports.subject import sections
from msops.returns.exchange import export_return
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from tests.builders import valid_return
from tests.subject.test_subject_rights import PERIOD, SAR, submit


def test_an_export_is_listed_against_the_version_it_disclosed(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    submit(engine, operator, "Cleveland")
    export_return(engine, operator, tmp_path / "v1.csv", "csv", "Cleveland", PERIOD, "x", "NCA")
    submit(engine, operator, "Cleveland", extra_victim=True)  # version 2 replaces it
    export_return(engine, operator, tmp_path / "v2.csv", "csv", "Cleveland", PERIOD, "y", "Kent")
    export_return(engine, operator, tmp_path / "v3.csv", "csv", "Cleveland", PERIOD, "z", "GLAA")
    with engine.begin() as conn:
        found = find_subject(conn, operator, SubjectQuery(full="Nguyen Thi Lan"), SAR)
    told = {
        (r.version, r.current): [d["recipient"] for d in found.disclosures_of(r)]
        for r in found.records
    }
    assert told == {(1, False): ["NCA"], (2, True): ["Kent", "GLAA"]}
    (listed,) = [s for s in sections(found) if s.title == "Disclosures"]
    assert [row[4] for row in listed.rows] == ["NCA", "Kent", "GLAA"]


def test_a_name_held_in_hundreds_of_operations_is_found_with_its_disclosures(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    refs = [f"CL-{n:03}" for n in range(600)]
    raw = RawReturn.from_rows("cleveland.csv", valid_return(*refs))
    assert submit_raw(engine, operator, raw, "Cleveland", PERIOD, "sha").outcome == Outcome.ACCEPTED
    export_return(engine, operator, tmp_path / "cl.csv", "csv", "Cleveland", PERIOD, "x", "NCA")
    with engine.begin() as conn:
        found = find_subject(conn, operator, SubjectQuery(family="Popescu"), SAR)
    assert len(found.records) == 600
    assert all([d["recipient"] for d in found.disclosures_of(r)] == ["NCA"] for r in found.records)
