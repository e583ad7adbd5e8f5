"""Restriction (left out of the nominals view, except for the holding force, and of the
linkage) and erasure (personal data gone from every version, counts unchanged)."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Engine, func, select

from msops.domain.principal import Principal, Role, system_principal
from msops.store import schema as s
from msops.store.linkage_repo.runs import current_nominals
from msops.store.operations_repo import operation_history
from msops.store.schema.linkage import link_member, link_thread
from tests.subject.test_subject_rights import PERSONAL, SAR, msops, planted, search, trail

__all__ = ["planted"]  # the fixture, shared

DURHAM = Principal("spoc.durham", Role.FORCE_USER, organisation="Durham")
OPERATOR = system_principal("dpo.test")


def durham_nominals(engine: Engine, who: Principal) -> list[str]:
    with engine.begin() as conn:
        history = operation_history(conn, who, "Durham", "DU-3", nominals_purpose="a check")
    assert history.nominals is not None
    return [p["nominal_ref"] for p in history.nominals]


def linked(engine: Engine) -> set[tuple[str, str]]:
    with engine.connect() as conn:
        return {(r.organisation, r.nominal_ref) for r in current_nominals(conn, OPERATOR)}


def test_restricted_nominal_shown_only_to_its_holder_and_never_linked(planted: Engine) -> None:
    msops("subject", "restrict", "--nominal", "Durham/DU-3/V1", "--reason", f"{SAR} accuracy")
    assert durham_nominals(planted, OPERATOR) == ["N1", "N2"]
    assert durham_nominals(planted, DURHAM) == ["N1", "N2", "V1"]
    assert ("Durham", "V1") not in linked(planted) and ("Cleveland", "V1") in linked(planted)
    again = msops("subject", "restrict", "--nominal", "Durham/DU-3/V1", "--reason", SAR)
    assert "already restricted" in again.output
    rows = search("--name", "Nguyen Thi Lan")  # the access request still sees it
    assert {(r["organisation"], r["restricted"]) for r in rows} == {
        ("Cleveland", ""),
        ("Durham", "restricted"),
        ("Northumbria", ""),
    }
    msops("subject", "restrict", "--lift", "--nominal", "Durham/DU-3/V1", "--reason", SAR)
    assert durham_nominals(planted, OPERATOR) == ["N1", "N2", "V1"]
    assert ("Durham", "V1") in linked(planted)
    altered = [
        (e["object_ref"], e["detail"]) for e in trail(planted) if e["action"] == "alteration"
    ]
    assert altered == [
        ("Durham/DU-3/V1", "processing restricted"),
        ("Durham/DU-3/V1", "restriction of processing lifted"),
    ]


def counts(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        rv, om = s.return_version, s.operation_month
        return {
            "returns": conn.execute(select(rv.c.id, rv.c.n_operations, rv.c.n_nominals)).all(),
            "months": conn.execute(select(om).order_by(om.c.id)).all(),
            "nominals": conn.execute(select(func.count()).select_from(s.nominal)).scalar(),
        }


def test_erasure_blanks_every_version_and_keeps_the_counts(planted: Engine) -> None:
    before = counts(planted)
    result = msops(
        "subject", "erase", "--nominal", "Cleveland/CL-7/V1", "--reason", f"{SAR} erasure", "--yes"
    )
    assert "erased in 2 versions; 2 identifiers and 1 thread memberships deleted" in result.output
    assert counts(planted) == before
    rows = search("--name", "Nguyen Thi Lan")
    assert {r["organisation"] for r in rows} == {"Durham", "Northumbria"}
    assert {r["organisation"] for r in search("--phone", "07700 900555")} == {
        "Durham",
        "Northumbria",
    }
    with planted.connect() as conn:
        blanked = conn.execute(
            select(s.nominal.c.role, s.nominal.c.given_name, s.nominal.c.date_of_birth)
            .join(s.operation_month, s.operation_month.c.id == s.nominal.c.operation_month_id)
            .join(s.operation, s.operation.c.id == s.operation_month.c.operation_id)
            .where(s.operation.c.ref == "CL-7", s.nominal.c.nominal_ref == "V1")
        ).all()
        members = conn.execute(select(link_member.c.organisation_id)).scalars().all()
        thread = conn.execute(select(link_thread.c.n_members, link_thread.c.n_organisations)).one()
    assert [tuple(r) for r in blanked] == [("victim", None, None)] * 2
    assert len(members) == 1  # Durham's membership stays
    assert tuple(thread) == (1, 1)  # until the next run, which finds no thread
    erased = [e for e in trail(planted) if e["action"] == "erasure"]
    assert [(e["object_ref"], e["purpose"]) for e in erased] == [
        ("Cleveland/CL-7/V1", f"{SAR} erasure")
    ]
    text = json.dumps(erased, default=str, ensure_ascii=False).lower() + result.output.lower()
    assert not any(p in text for p in PERSONAL)


def test_erasure_needs_confirmation(planted: Engine) -> None:
    from typer.testing import CliRunner

    from msops.cli.main import app

    args = ["subject", "erase", "--nominal", "Cleveland/CL-7/V1", "--reason", SAR]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1 and "--yes" in result.output
