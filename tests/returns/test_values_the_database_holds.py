"""Every value a return may hold fits the database, on SQLite as on PostgreSQL.

A value the database could not hold is a problem in the file (sheet, row, column, the rule),
never a database error half-way through storing it: SQLite would store it whole and PostgreSQL
refuse it, and the same file must be accepted or refused alike by both. References and codes do
not change with invisible characters copied in with them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Column, Engine, String, select

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import code_lists
from msops.domain.return_spec import DETAIL_CODES, INTEGER_MAXIMUM, PARTS, Part
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, SubmitResult, submit_raw
from msops.store import schema
from tests.builders import Rows, valid_return
from tests.conftest import row_counts

JAN, FEB = Period(2018, 1), Period(2018, 2)
NAME = "Zebedee"  # a name that must never appear in a problem


def submit(engine: Engine, who: Principal, rows: Rows, period: Period = JAN) -> SubmitResult:
    raw = RawReturn.from_rows("return.csv", rows)
    return submit_raw(engine, who, raw, "Cleveland", period, "sha-of-file")


def _stored_column(part: Part, name: str) -> Column[Any] | None:
    """The database column a cell of the return is stored in (None: stored as an id)."""
    if name == "operation_ref":
        return schema.operation.c.ref
    if part.name == "operations":
        return None if name == "lead_org" else schema.operation_month.c[name]
    table = {
        "details": schema.operation_detail,
        "nationalities": schema.operation_nationality,
        "nominals": schema.nominal,
        "identifiers": schema.identifier,
    }[part.name]
    if part.name == "identifiers" and name == "nominal_ref":
        return schema.nominal.c.nominal_ref
    return table.c["grp" if name == "group" else name]


def _width(column: Column[Any]) -> int | None:
    return column.type.length if isinstance(column.type, String) else None


@pytest.mark.parametrize("part", PARTS, ids=lambda p: p.name)
def test_the_return_spec_limits_fit_the_database_columns(part: Part) -> None:
    for column in part.columns:
        stored = _stored_column(part, column.name)
        if stored is None:
            continue
        width = _width(stored)
        if column.kind == "text":
            assert column.max_length is not None, f"{part.name}.{column.name} has no limit"
            assert width is None or column.max_length <= width, f"{part.name}.{column.name}"
        elif column.kind == "code" and width is not None:
            assert column.codes is not None
            longest = max(len(c.code) for c in code_lists()[column.codes])
            assert longest <= width, f"{part.name}.{column.name}"
        elif column.kind == "int":
            assert (column.maximum or INTEGER_MAXIMUM) <= INTEGER_MAXIMUM
    if part.name == "identifiers":
        assert _width(schema.identifier.c.value_norm) == _width(schema.identifier.c.value)


def test_detail_codes_fit_the_detail_value_column() -> None:
    width = _width(schema.operation_detail.c.value)
    assert width is not None
    for list_name in filter(None, DETAIL_CODES.values()):
        assert max(len(c.code) for c in code_lists()[list_name]) <= width, list_name


def _set(part: str, column: str, value: object, index: int = 0) -> Callable[[Rows], None]:
    return lambda rows: rows[part][index].update({column: value})


# (change, sheet, column, rule): each makes one cell hold what the database cannot, or what
# no real return would.
TOO_MUCH: dict[str, tuple[Callable[[Rows], None], str, str, str]] = {
    "given name of 300 characters": (
        _set("nominals", "given_name", NAME * 43),
        "Nominals",
        "given_name",
        "too_long",
    ),
    "family name of 500 characters": (
        _set("nominals", "family_name", (NAME + " ") * 63),
        "Nominals",
        "family_name",
        "too_long",
    ),
    "aliases of 1,001 characters": (
        _set("nominals", "aliases", (NAME + ";") * 125 + "X"),
        "Nominals",
        "aliases",
        "too_long",
    ),
    "identifier of 201 characters": (
        _set("identifiers", "value", NAME.lower() + "@" + "e" * 190 + ".com"),
        "Identifiers",
        "value",
        "too_long",
    ),
    "operation name of 201 characters": (
        _set("operations", "operation_name", "O" * 201),
        "Operations",
        "operation_name",
        "too_long",
    ),
    "operation reference of 81 characters": (
        lambda rows: [r.update(operation_ref="R" * 81) for p in rows.values() for r in p],
        "Operations",
        "operation_ref",
        "too_long",
    ),
    "nominal reference of 81 characters": (
        _set("nominals", "nominal_ref", "N" * 81, 1),
        "Nominals",
        "nominal_ref",
        "too_long",
    ),
    "detail value of 201 characters": (
        lambda rows: rows["details"].append(
            {
                "operation_ref": "CL-001",
                "detail": "Linked operation of another organisation",
                "value": "Durham / " + "D" * 192,
            }
        ),
        "Operation details",
        "value",
        "too_long",
    ),
    "linked operation reference of 81 characters": (
        lambda rows: rows["details"].append(
            {
                "operation_ref": "CL-001",
                "detail": "Linked operation of another organisation",
                "value": "Durham / " + "D" * 81,
            }
        ),
        "Operation details",
        "value",
        "too_long",
    ),
    "arrests of 3,000,000,000": (
        _set("operations", "arrests", 3_000_000_000),
        "Operations",
        "arrests",
        "too_large",
    ),
    "arrests written with 5,000 digits": (
        _set("operations", "arrests", "9" * 5000),
        "Operations",
        "arrests",
        "too_large",
    ),
    "victims of 100,001 (more than any operation)": (
        _set("operations", "nrm_referrals", "100001"),
        "Operations",
        "nrm_referrals",
        "too_large",
    ),
    "nationality count of 3,000,000,000": (
        _set("nationalities", "count", "3000000000"),
        "Nationalities",
        "count",
        "too_large",
    ),
    "estimated age of 3,000,000,000": (
        _set("nominals", "estimated_age", 3_000_000_000.0, 1),
        "Nominals",
        "estimated_age",
        "too_large",
    ),
    "NUL in a name (PostgreSQL text cannot hold it)": (
        _set("nominals", "given_name", NAME + "\x00"),
        "Nominals",
        "given_name",
        "control_character",
    ),
    "C1 control in an operation name": (
        _set("operations", "operation_name", "Operation\x85X"),
        "Operations",
        "operation_name",
        "control_character",
    ),
}


@pytest.mark.parametrize("case", sorted(TOO_MUCH))
def test_a_value_the_database_cannot_hold_is_a_problem_in_the_file(
    engine: Engine, operator: Principal, case: str
) -> None:
    assert submit(engine, operator, valid_return()).outcome == Outcome.ACCEPTED
    before = row_counts(engine)
    change, sheet, column, rule = TOO_MUCH[case]
    rows = valid_return()
    rows["operations"][0]["arrests"] = 2  # otherwise the same as the stored return
    change(rows)
    result = submit(engine, operator, rows)
    assert result.outcome == Outcome.REJECTED
    found = [i for i in result.issues if i.rule == rule]
    assert found, result.issues
    assert (found[0].sheet, found[0].column) == (sheet, column)
    assert found[0].row is not None
    if rule != "control_character":
        assert "at most" in found[0].message
    for issue in result.issues:
        shown = f"{issue.value} {issue.message} {issue.suggestion}"
        assert NAME not in shown and NAME.lower() not in shown
        assert "9999999999" not in shown
    assert row_counts(engine) == before


def test_the_longest_values_allowed_are_stored_whole(engine: Engine, operator: Principal) -> None:
    rows = valid_return()
    rows["nominals"][0].update(given_name="G" * 200, family_name="F" * 200, aliases="A" * 1000)
    rows["operations"][0]["operation_name"] = "O" * 200
    for part in rows.values():
        for row in part:
            row["operation_ref"] = "R" * 80
    rows["operations"][0].update(nrm_referrals=100_000)
    result = submit(engine, operator, rows)
    assert result.outcome == Outcome.ACCEPTED, result.issues
    with engine.connect() as conn:
        person = conn.execute(
            select(schema.nominal.c.given_name, schema.nominal.c.aliases).where(
                schema.nominal.c.nominal_ref == "N1"
            )
        ).one()
        ref = conn.execute(select(schema.operation.c.ref)).scalar_one()
    assert person == ("G" * 200, "A" * 1000)
    assert ref == "R" * 80


# Invisible characters ----------------------------------------------------------------------


def _with_ref(rows: Rows, written: str) -> Rows:
    """The return with CL-001 written `written` on the Operations sheet only."""
    rows["operations"][0]["operation_ref"] = written
    return rows


@pytest.mark.parametrize(
    "written",
    [
        "CL-001\u200b",  # zero-width space after it
        "\ufeffCL-001",  # a byte order mark before it
        "CL-\u2060001",  # a word joiner inside it
        "CL-001\u00a0",  # a no-break space after it
        "\u202aCL-001\u202c",  # direction marks around it
    ],
    ids=["zero-width-space", "bom", "word-joiner", "nbsp", "direction-marks"],
)
def test_a_reference_with_an_invisible_character_is_the_same_operation(
    engine: Engine, operator: Principal, written: str
) -> None:
    assert submit(engine, operator, valid_return()).outcome == Outcome.ACCEPTED
    feb = _with_ref(valid_return(), written)
    feb["operations"][0]["nrm_referrals"] = 1  # less than January's 3: the month rule applies
    refused = submit(engine, operator, feb, FEB)
    assert {i.rule for i in refused.issues} == {"count_decreased"}, refused.issues
    feb["operations"][0]["nrm_referrals"] = 4
    accepted = submit(engine, operator, feb, FEB)
    assert accepted.outcome == Outcome.ACCEPTED, accepted.issues
    with engine.connect() as conn:
        assert list(conn.execute(select(schema.operation.c.ref)).scalars()) == ["CL-001"]


def test_a_code_with_an_invisible_character_is_read_as_the_code(
    engine: Engine, operator: Principal
) -> None:
    rows = valid_return()
    rows["operations"][0].update(status="Live\u200b", jit="\u00a0No")
    rows["nominals"][0]["role"] = "Suspect\ufeff"
    result = submit(engine, operator, rows)
    assert result.outcome == Outcome.ACCEPTED, result.issues
    with engine.connect() as conn:
        month = conn.execute(
            select(schema.operation_month.c.status, schema.operation_month.c.jit)
        ).one()
    assert tuple(month) == ("live", "no")


def test_names_lose_invisible_spaces_but_keep_the_joiners_their_script_needs(
    engine: Engine, operator: Principal
) -> None:
    rows = valid_return()
    rows["nominals"][0].update(given_name="Ion\u200b", family_name="Pope\u00a0scu")
    rows["nominals"][1].update(given_name="Mohammad\u200cReza")  # Persian: the ZWNJ is spelling
    assert submit(engine, operator, rows).outcome == Outcome.ACCEPTED
    with engine.connect() as conn:
        names = set(
            conn.execute(select(schema.nominal.c.given_name, schema.nominal.c.family_name)).all()
        )
    assert names == {("Ion", "Pope scu"), ("Mohammad\u200cReza", "Ionescu")}


def test_a_control_character_in_a_reference_is_refused(engine: Engine, operator: Principal) -> None:
    for written in ("CL-\x85001", "CL-\t001", "CL-\x1b[31m001"):
        result = submit(engine, operator, _with_ref(valid_return(), written))
        assert result.outcome == Outcome.REJECTED
        assert "control_character" in {i.rule for i in result.issues}
    assert row_counts(engine)["operation"] == 0


def test_a_reference_of_invisible_characters_only_is_missing(
    engine: Engine, operator: Principal
) -> None:
    result = submit(engine, operator, _with_ref(valid_return(), "\u200b\u00a0"))
    assert result.outcome == Outcome.REJECTED
    assert ("Operations", "operation_ref", "required") in {
        (i.sheet, i.column, i.rule) for i in result.issues
    }
