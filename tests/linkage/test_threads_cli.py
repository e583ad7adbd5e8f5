"""The analyst's round on the command line: run, list, show, review, export; and the exports
read back by the tools they are for (networkx for GraphML, followthemoney for FtM)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from followthemoney import model
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from msops.cli.link_cmd import app
from msops.domain.errors import AccessDenied, InvalidInput
from msops.domain.principal import Principal, Role
from msops.store import linkage_repo as repo
from msops.store.schema import audit_event
from tests.linkage.people_returns import load, national_picture

runner = CliRunner()


@pytest.fixture
def cli_db(engine: Engine, operator: Principal, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("MSOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MSOPS_USER", "insight.analyst")
    load(engine, operator, national_picture())
    return engine


def link(*args: str) -> Any:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def thread_rows(*args: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(link("threads", "--format", "csv", *args).output)))


def test_run_list_show_review_on_the_command_line(cli_db: Engine) -> None:
    out = link("run", "--seed", "7").output
    assert "reading the nominals of current returns" in out  # the stages are shown
    assert "331 records" in out and "2 threads (2 new), 5 alerts" in out
    rows = thread_rows("--org", "Durham")
    assert [r["organisations"] for r in rows] == ["Cleveland, Durham, Metropolitan"]
    key = rows[0]["thread"]
    assert thread_rows("--org", "Kent") == []

    plain = link("show", key).output
    assert "Cleveland/C1/LAN" in plain and "day and month swapped" in plain
    assert "Nguyễn" not in plain  # no names without a purpose
    named = link("show", key, "--purpose", "safeguarding review").output
    assert "Nguyễn" in named and "same phone number (exact identifier link" in named

    link("review", key, "--judgement", "confirmed", "--reason", "same phone, same DOB")
    assert [r["thread"] for r in thread_rows("--status", "confirmed")] == [key]
    again = link("run", "--seed", "7").output
    assert "2 threads (0 new), 0 alerts" in again
    assert [r["thread"] for r in thread_rows("--status", "confirmed")] == [key]

    bad = runner.invoke(app, ["review", key, "--judgement", "maybe", "--reason", "x"])
    assert bad.exit_code == 1 and "not one of confirmed, dismissed, unsure" in bad.output
    with cli_db.connect() as conn:
        actions = [
            (r.action, r.actor)
            for r in conn.execute(select(audit_event).order_by(audit_event.c.id))
            if r.object_type.startswith("link")
        ]
    assert actions == [
        ("combination", "insight.analyst"),
        ("consultation", "insight.analyst"),  # link show, without names
        ("consultation", "insight.analyst"),  # link show --purpose, with names
        ("alteration", "insight.analyst"),
        ("combination", "insight.analyst"),
    ]


def test_exports_parse_back_and_are_disclosures(cli_db: Engine, tmp_path: Path) -> None:
    link("run", "--seed", "7")
    graphml, ftm = tmp_path / "threads.graphml", tmp_path / "threads.ftm.json"
    common = ["--purpose", "joint tasking", "--recipient", "NCA MSHT unit"]
    link("export", "--format", "graphml", "--out", str(graphml), *common)
    link("export", "--format", "ftm", "--out", str(ftm), *common)

    graph = nx.read_graphml(graphml)
    records = {n for n, d in graph.nodes(data=True) if d["type"] == "record"}
    assert records == {
        "Cleveland/C1/LAN",
        "Durham/D1/LAN",
        "Metropolitan/M1/LAN",
        "GLAA/G1/AND",
        "Metropolitan/M2/AND",
    }
    assert graph.nodes["Durham/D1/LAN"]["family_name"] == "NGUYEN"
    assert graph.has_edge("Cleveland/C1/LAN", "Durham/D1/LAN")
    assert graph.has_edge("op:GLAA/G1", "org:GLAA")

    entities = [json.loads(line) for line in ftm.read_text(encoding="utf-8").splitlines()]
    for data in entities:
        schema = model.get(data["schema"])
        assert schema is not None
        schema.validate(data)  # raises InvalidData on a bad value
        assert set(data["properties"]) <= set(schema.properties)
        cleaned = model.get_proxy(data, cleaned=False).to_dict()
        assert cleaned["properties"] == data["properties"]  # nothing dropped in cleaning
    people = [e for e in entities if e["schema"] == "Person"]
    assert len(people) == 5
    assert {"vn", "ro"} == {n for p in people for n in p["properties"]["nationality"]}
    ids = {e["id"] for e in entities}
    for e in entities:
        for prop in ("subject", "object", "project", "participant"):
            assert set(e["properties"].get(prop, [])) <= ids  # every reference resolves
    with cli_db.connect() as conn:
        disclosures = conn.execute(
            select(audit_event.c.purpose, audit_event.c.recipient).where(
                audit_event.c.action == "disclosure"
            )
        ).all()
    assert disclosures == [("joint tasking", "NCA MSHT unit")] * 2


def test_export_refused_without_recipient_or_for_a_pcc(cli_db: Engine, tmp_path: Path) -> None:
    out = tmp_path / "x.graphml"
    result = runner.invoke(
        app,
        ["export", "--format", "graphml", "--out", str(out), "--purpose", "p", "--recipient", " "],
    )
    assert result.exit_code == 1 and "recipient" in result.output and not out.exists()
    with cli_db.connect() as conn:
        with pytest.raises(AccessDenied):
            repo.export_threads(conn, Principal("pcc", Role.PCC, organisation="Kent"), "p", "r")
        with pytest.raises(InvalidInput):
            repo.list_threads(conn, Principal("n", Role.NATIONAL_ANALYST), status="closed")
