"""A data subject's rights on the command line: one woman held by three forces, each writing her
name differently, found in every version; the access report; rectification."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli.main import app
from msops.domain.casework.orders import OrderTerms, OrderType
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.exchange import export_return
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.audit import Action, AuditEntry, record
from msops.store.casework.orders import Subject, add_order
from msops.store.schema import audit_event, nominal, operation, operation_month, organisation
from msops.store.schema.linkage import link_cluster, link_member, link_run, link_thread
from msops.store.schema.subject import nominal_rectification
from tests.builders import valid_return

runner = CliRunner()
PERIOD = Period(2018, 2)
SAR = "SAR 2026/123"

# organisation -> (lead, operation, given name, family name, date of birth, estimated age)
LAN = {
    "Cleveland": ("Cleveland Police", "CL-7", "Thi Lan", "Nguyen", "1990-05-17", None),
    "Durham": ("Durham Constabulary", "DU-3", "NGUYEN", "Thi-Lan", "1990-05-17", None),
    "Northumbria": ("Northumbria Police", "NB-9", "Thị Lan", "Nguyễn", None, 27),
}
PERSONAL = ("nguy", "thi lan", "thi-lan", "thị", "1990-05-17", "900555")


def submit(engine: Engine, who: Principal, org: str, extra_victim: bool = False) -> None:
    lead, ref, given, family, dob, age = LAN[org]
    rows = valid_return(ref)
    rows["operations"][0]["lead_org"] = lead
    rows["nominals"].append(
        {
            "operation_ref": ref,
            "nominal_ref": "V1",
            "role": "Victim",
            "given_name": given,
            "family_name": family,
            "aliases": "=HYPERLINK(1)" if org == "Northumbria" else None,
            "date_of_birth": dob,
            "estimated_age": age,
            "gender": "Female",
            "nationality": "Vietnamese",
        }
    )
    rows["identifiers"].append(
        {"operation_ref": ref, "nominal_ref": "V1", "kind": "Phone", "value": "07700 900555"}
    )
    if extra_victim:  # a second version of the return, so that the first is superseded
        rows["operations"][0]["operation_name"] = "Operation renamed"
    raw = RawReturn.from_rows(f"{org}.csv", rows)
    result = submit_raw(engine, who, raw, org, PERIOD, f"sha-{org}-{extra_victim}")
    assert result.outcome == Outcome.ACCEPTED, result.issues


@pytest.fixture
def planted(
    engine: Engine, operator: Principal, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Engine:
    monkeypatch.setenv("MSOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MSOPS_USER", "dpo.test")
    monkeypatch.setenv("MSOPS_ERROR_LOG", str(tmp_path / "errors.log"))
    for org in LAN:
        submit(engine, operator, org)
    submit(engine, operator, "Cleveland", extra_victim=True)
    export_return(
        engine, operator, tmp_path / "cl.csv", "csv", "Cleveland", PERIOD, "audit", "Durham"
    )
    export_return(engine, operator, tmp_path / "du.csv", "csv", "Durham", PERIOD, "x", "NCA")
    terms = OrderTerms(
        OrderType.STPO, "Teesside Crown Court", date(2018, 3, 1), date(2023, 3, 1), False, ("x",)
    )
    with engine.begin() as conn:
        add_order(conn, operator, Subject("Durham", "DU-3", "V1"), terms)
        thread_her(conn)
        # an export of every thread with its people (as `msops link export` records one)
        export = AuditEntry(Action.DISCLOSURE, "link_threads", "1 threads", "x", "Europol")
        record(conn, operator, export)
    return engine


def thread_her(conn: Any) -> None:
    """A golden thread joining her current Cleveland and Durham records, as a link run
    stores one (the run itself is the linkage's tests' business)."""
    now = datetime(2018, 3, 2)
    run = conn.execute(
        link_run.insert().values(
            started_at=now, finished_at=now, run_by="t", role="system", parameters="{}",
            n_records=0, n_model_links=0, n_exact_links=0, n_clusters=1, n_threads=1,
            n_new_threads=1, n_alerts=0,
        )
    ).inserted_primary_key[0]  # fmt: skip
    thread = conn.execute(
        link_thread.insert().values(
            key="T-LAN", status="new", active=True, first_run_id=run, last_run_id=run,
            n_members=2, n_organisations=2,
        )
    ).inserted_primary_key[0]  # fmt: skip
    cluster = conn.execute(
        link_cluster.insert().values(run_id=run, thread_id=thread, n_members=2, n_organisations=2)
    ).inserted_primary_key[0]
    members = conn.execute(
        select(nominal.c.id, operation.c.id, organisation.c.id)
        .join(operation_month, operation_month.c.id == nominal.c.operation_month_id)
        .join(operation, operation.c.id == operation_month.c.operation_id)
        .join(organisation, organisation.c.id == operation.c.organisation_id)
        .where(
            nominal.c.nominal_ref == "V1",
            operation_month.c.is_current,
            organisation.c.short_name.in_(["Cleveland", "Durham"]),
        )
    ).all()
    for nominal_id, operation_id, organisation_id in members:
        conn.execute(
            link_member.insert().values(
                cluster_id=cluster, nominal_id=nominal_id, operation_id=operation_id,
                organisation_id=organisation_id, nominal_ref="V1",
            )
        )  # fmt: skip


def msops(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def search(*args: str) -> list[dict[str, Any]]:
    out = msops("subject", "search", "--purpose", SAR, "--format", "json", *args).output
    rows: list[dict[str, Any]] = json.loads(out)
    return [r for r in rows if r["nominal"] == "V1"]


def trail(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(audit_event).order_by(audit_event.c.seq)).mappings()
        return [dict(r) for r in rows]


@pytest.mark.parametrize(
    "name",
    [
        ("--name", "Nguyen Thi Lan"),
        ("--name", "NGUYEN Thi-Lan"),
        ("--name", "Nguyễn Thị Lan"),
        ("--given", "Lan", "--family", "Nguyen"),  # without the particle, order swapped
    ],
)
def test_one_person_found_in_three_forces_and_every_version(
    planted: Engine, name: tuple[str, ...]
) -> None:
    rows = search(*name, "--dob", "1990-05-17")
    found = {(r["organisation"], r["operation"], r["version"], r["state"]) for r in rows}
    assert found == {
        ("Cleveland", "CL-7", 1, "superseded"),
        ("Cleveland", "CL-7", 2, "current"),
        ("Durham", "DU-3", 1, "current"),
        ("Northumbria", "NB-9", 1, "current"),  # an age, not a date: consistent with it
    }
    by_org = {r["organisation"]: r for r in rows if r["state"] == "current"}
    assert "Cleveland/2018-02 to Durham" in by_org["Cleveland"]["disclosures"]
    assert "Durham/2018-02 to NCA" in by_org["Durham"]["disclosures"]
    assert by_org["Northumbria"]["disclosures"] == ""
    assert "1 threads to Europol" in by_org["Cleveland"]["disclosures"]
    assert "1 threads to Europol" in by_org["Durham"]["disclosures"]
    (first,) = [r for r in rows if r["state"] == "superseded"]
    assert "Europol" not in first["disclosures"]  # never in a thread
    assert "phone +447700900555" in by_org["Durham"]["identifiers"]
    assert {o: r["threads"] for o, r in by_org.items()} == {
        "Cleveland": "T-LAN",
        "Durham": "T-LAN",
        "Northumbria": "",
    }
    assert by_org["Durham"]["orders"] == "STPO 2018-03-01"


def test_a_different_birth_or_name_is_not_her(planted: Engine) -> None:
    assert {r["organisation"] for r in search("--name", "Nguyen Lan", "--dob", "1990-05-17")} == {
        "Cleveland",
        "Durham",
        "Northumbria",
    }
    assert search("--name", "Nguyen Thi Lan", "--dob", "1970-01-01") == []
    assert search("--name", "Tran Thi Lan") == []
    assert len(search("--name", "Nguien Lan", "--sounds-like")) == 4


def test_found_by_a_phone_written_any_way(planted: Engine) -> None:
    rows = search("--phone", "+44 7700 900555")
    assert {r["organisation"] for r in rows} == {"Cleveland", "Durham", "Northumbria"}
    assert {r["matched_by"] for r in rows} == {"phone"}


def test_search_and_report_recorded_without_personal_data(planted: Engine, tmp_path: Path) -> None:
    search("--name", "Nguyen Thi Lan", "--phone", "07700 900555")
    out = tmp_path / "access.xlsx"
    msops(
        "subject", "report", "--name", "Nguyen Thi Lan", "--purpose", SAR,
        "--recipient", "the data subject's solicitor", "--out", str(out),
    )  # fmt: skip
    book = openpyxl.load_workbook(out)
    held = list(book["Records held"].iter_rows(values_only=True))
    assert sum(1 for row in held if "Nguyễn" in row) == 1  # as Northumbria wrote it
    assert sum(1 for row in held if "'=HYPERLINK(1)" in row) == 1  # never a formula
    assert [row[3] for row in book["Orders"].iter_rows(values_only=True)] == ["order", "STPO"]
    told = list(book["Disclosures"].iter_rows(values_only=True))
    assert {row[4] for row in told[1:]} == {"Durham", "NCA", "Europol"}
    entries = trail(planted)
    consultations = [e for e in entries if e["object_type"] == "data_subject"]
    assert [(e["action"], e["purpose"], e["recipient"]) for e in consultations] == [
        ("consultation", SAR, None),
        ("consultation", SAR, None),
        ("disclosure", SAR, "the data subject's solicitor"),
    ]
    assert "by full name, phone; 4 records found" in consultations[0]["detail"]
    text = json.dumps(entries, default=str).lower()
    assert not any(p.lower() in text for p in PERSONAL)
    assert not (tmp_path / "errors.log").exists()


def test_pdf_report(planted: Engine, tmp_path: Path) -> None:
    out = tmp_path / "lan.pdf"
    msops(
        "subject", "report", "--name", "Nguyen Thi Lan", "--purpose", SAR,
        "--recipient", "the data subject", "--out", str(out),
    )  # fmt: skip
    assert out.read_bytes().startswith(b"%PDF")


def test_rectification_keeps_the_old_value_and_never_shows_it(planted: Engine) -> None:
    result = msops(
        "subject", "rectify", "--nominal", "Cleveland Police/CL-7/V1", "--field", "given_name",
        "--value", "Thị Lan", "--reason", f"{SAR}: name misspelt",
    )  # fmt: skip
    assert "rectified in the 2018-02 return (version 2)" in result.output
    assert "Thi Lan" not in result.output
    with planted.connect() as conn:
        history = conn.execute(select(nominal_rectification)).mappings().one()
        assert (history["field"], history["old_value"]) == ("given_name", "Thi Lan")
        now = conn.execute(
            select(nominal.c.given_name).where(nominal.c.id == history["nominal_id"])
        ).scalar_one()
    assert now == "Thị Lan"
    rows = search("--name", "Nguyen Thi Lan")
    assert {r["given_name"] for r in rows if r["organisation"] == "Cleveland"} == {
        "Thi Lan",  # the superseded version is as it was submitted
        "Thị Lan",
    }
    altered = [e for e in trail(planted) if e["action"] == "alteration"]
    assert [(e["object_ref"], e["purpose"]) for e in altered] == [
        ("Cleveland/CL-7/V1", f"{SAR}: name misspelt")
    ]
    text = json.dumps(altered, default=str, ensure_ascii=False).lower()
    assert not any(p in text for p in PERSONAL)
    again = msops(
        "subject", "rectify", "--nominal", "Cleveland/CL-7/V1", "--field", "given_name",
        "--value", "Thị Lan", "--reason", SAR,
    )  # fmt: skip
    assert "nothing changed" in again.output


def test_rectification_refuses_a_bad_value_without_repeating_it(planted: Engine) -> None:
    result = runner.invoke(
        app,
        ["subject", "rectify", "--nominal", "Cleveland/CL-7/V1", "--field", "date_of_birth",
         "--value", "17/05/1990", "--reason", SAR],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "17/05/1990" not in result.output and "YYYY-MM-DD" in result.output


def test_an_age_today_finds_dates_of_birth_and_ages_given_years_ago(planted: Engine) -> None:
    age = date.today().year - 1990 - (1 if date.today() < date(date.today().year, 5, 17) else 0)
    assert len(search("--name", "Nguyen Lan", "--age", str(age))) == 4
    assert search("--name", "Nguyen Lan", "--age", str(age + 10)) == []
    narrow = search("--name", "Nguyen Lan", "--age", str(age + 3), "--age-tolerance", "3")
    assert len(narrow) == 4
