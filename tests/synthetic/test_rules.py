"""Every generated return obeys the counting rules of the monthly return.

The checks are written here from the rules themselves, not borrowed from the validator, so that
a mistake shared by both cannot hide.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest

from msops.domain.identifiers import clean_identifier
from msops.domain.periods import Period
from msops.domain.reference import code_lists, find_organisation, typology
from msops.domain.return_spec import DETAIL_CODES, PARTS_BY_NAME
from msops.synthetic import MonthlyReturn

VICTIMS = [f"victims_{a}_{g}" for a in ("adult", "child") for g in ("female", "male", "unknown")]
COUNTS = [*VICTIMS, "suspects"]
CUMULATIVE = [
    "nrm_referrals",
    "duty_to_notify",
    "arrests",
    "charges",
    "convictions",
    "stro_applied",
    "stro_granted",
    "stpo_applied",
    "stpo_granted",
]
DISTRICT = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?$")
Row = dict[str, str | int | None]


def labels(list_name: str) -> set[str]:
    return {c.label for c in code_lists()[list_name]}


def day(value: object) -> date:
    assert isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value), value
    return date.fromisoformat(value)


@pytest.fixture(scope="module")
def problems(history: list[MonthlyReturn]) -> list[str]:
    found: list[str] = []
    state: dict[tuple[str, str], tuple[Period, Row]] = {}
    held: dict[str, Period] = {}  # "ORG / REF" -> first month in the returns
    for r in history:
        for row in r.parts["operations"]:
            held.setdefault(f"{r.organisation} / {row['operation_ref']}", r.period)
    for r in history:
        where = f"{r.organisation} {r.period}"
        found += [f"{where}: {p}" for p in check_return(r, state, held)]
    last = history[-1].period
    for (org, ref), (period, row) in state.items():
        if row["status"] != "Closed" and period != last:
            found.append(f"{org} {period}: {ref} left the returns without closing")
    return found


def test_parts_have_exactly_the_spec_columns(history: list[MonthlyReturn]) -> None:
    for r in history:
        assert set(r.parts) <= set(PARTS_BY_NAME)
        for name, rows in r.parts.items():
            columns = set(PARTS_BY_NAME[name].column_names)
            assert all(set(row) == columns for row in rows), (r.organisation, r.period, name)


def test_every_return_follows_the_rules(problems: list[str]) -> None:
    assert problems == [], problems[:20]


def test_one_return_per_organisation_and_month(history: list[MonthlyReturn]) -> None:
    keys = [(r.period, r.organisation) for r in history]
    assert len(keys) == len(set(keys))
    assert all(r.parts["operations"] for r in history)


def test_identifiers_are_valid_for_their_kind(history: list[MonthlyReturn]) -> None:
    kinds = {c.label: c.code for c in code_lists()["identifier_kind"]}
    seen: Counter[str] = Counter()
    for r in history:
        for row in r.parts["identifiers"]:
            kind = kinds[str(row["kind"])]
            clean_identifier(kind, str(row["value"]))  # raises ValueError when invalid
            seen[kind] += 1
    assert set(seen) == set(kinds.values())


def test_phones_are_written_in_uk_and_international_forms(history: list[MonthlyReturn]) -> None:
    phones = [
        str(i["value"])
        for r in history[-60:]
        for i in r.parts["identifiers"]
        if i["kind"] == "Phone"
    ]
    assert any(p.startswith("07") for p in phones)
    assert any(p.startswith("+44") for p in phones)
    assert any(p.startswith(("+40", "+355", "+84", "0040", "00355", "0084")) for p in phones)


def test_reopened_operations_say_so(history: list[MonthlyReturn]) -> None:
    statuses = Counter(row["status"] for r in history for row in r.parts["operations"])
    assert statuses["Live"] > statuses["Closed"] > statuses["Reopened"] > 0


def check_return(
    r: MonthlyReturn, state: dict[tuple[str, str], tuple[Period, Row]], held: dict[str, Period]
) -> Iterator[str]:
    org = find_organisation(r.organisation)
    assert org is not None
    ops = {str(row["operation_ref"]): row for row in r.parts["operations"]}
    if len(ops) != len(r.parts["operations"]):
        yield "operation_ref repeated"
    for ref, row in ops.items():
        yield from check_operation(row, r.period, org.name, state.get((r.organisation, ref)))
        state[(r.organisation, ref)] = (r.period, row)
    yield from check_details(r, ops, held)
    yield from check_nationalities(r, ops)
    yield from check_nominals(r, ops)


def check_operation(
    row: Row, period: Period, lead: str, before: tuple[Period, Row] | None
) -> Iterator[str]:
    ref = row["operation_ref"]
    if row["lead_org"] != lead or not str(row["operation_name"]).startswith("Operation "):
        yield f"{ref}: lead_org or name"
    opened = day(row["opened_date"])
    if opened > period.last_day:
        yield f"{ref}: opened after the month"
    yield from check_status(row, period, opened, before)
    yield from check_labels(row)
    yield from check_counts(row, before)
    checked = row["europol_check_date"]
    if checked is not None and not opened <= day(checked) <= period.last_day:
        yield f"{ref}: europol_check_date"


def check_status(
    row: Row, period: Period, opened: date, before: tuple[Period, Row] | None
) -> Iterator[str]:
    ref, status, closed = row["operation_ref"], row["status"], row["closed_date"]
    if status == "Closed":
        if closed is None or not period.contains(day(closed)) or day(closed) < opened:
            yield f"{ref}: closed_date"
        if row["disruption_outcome"] not in labels("disruption_outcome"):
            yield f"{ref}: disruption_outcome missing"
    elif status in ("Live", "Reopened"):
        if closed is not None or row["disruption_outcome"] is not None:
            yield f"{ref}: closed fields while open"
    else:
        yield f"{ref}: status {status}"
    if before is None:
        return
    last_period, last = before
    if last["status"] == "Closed" and status != "Reopened":
        yield f"{ref}: back after closing without Reopened"
    if last["status"] != "Closed" and last_period != period.previous():
        yield f"{ref}: missing from a month while open"


def check_labels(row: Row) -> Iterator[str]:
    ref = row["operation_ref"]
    types = {t.label: t.category for t in typology()}
    if row["primary_category"] not in labels("exploitation_category"):
        yield f"{ref}: primary_category"
    kind = row["primary_type"]
    if kind is not None and types.get(str(kind)) != row["primary_category"]:
        yield f"{ref}: primary_type not of the category"
    if row["ocg_involved"] not in ("Yes", "No", "Unknown"):
        yield f"{ref}: ocg_involved"
    if row["international_dimension"] not in ("Yes", "No") or row["jit"] not in ("Yes", "No"):
        yield f"{ref}: yes/no"


def check_counts(row: Row, before: tuple[Period, Row] | None) -> Iterator[str]:
    ref = row["operation_ref"]
    if not all(isinstance(row[c], int) and int(str(row[c])) >= 0 for c in COUNTS + CUMULATIVE):
        yield f"{ref}: a count is not a whole number >= 0"
        return
    n = {c: int(str(row[c])) for c in COUNTS + CUMULATIVE}
    for small, large in (
        ("convictions", "charges"),
        ("stro_granted", "stro_applied"),
        ("stpo_granted", "stpo_applied"),
    ):
        if n[small] > n[large]:
            yield f"{ref}: {small} > {large}"
    if before is not None:
        last = before[1]
        for c in CUMULATIVE:
            if n[c] < int(str(last[c])):
                yield f"{ref}: {c} went down"


def check_details(r: MonthlyReturn, ops: dict[str, Row], held: dict[str, Period]) -> Iterator[str]:
    kinds = {c.label: c.code for c in code_lists()["detail_kind"]}
    rows = [
        (str(d["operation_ref"]), str(d["detail"]), str(d["value"])) for d in r.parts["details"]
    ]
    if len(rows) != len(set(rows)):
        yield "duplicate detail rows"
    countries = {ref for ref, kind, _ in rows if kinds.get(kind) == "international_country"}
    for ref, op in ops.items():
        if op["international_dimension"] == "Yes" and ref not in countries:
            yield f"{ref}: international without a country"
    for ref, kind, value in rows:
        if ref not in ops or kind not in kinds:
            yield f"{ref}: detail {kind} of an unknown operation or kind"
        elif not detail_value_ok(kinds[kind], value, r, held):
            yield f"{ref}: {kind} value {value!r}"


def detail_value_ok(kind: str, value: str, r: MonthlyReturn, held: dict[str, Period]) -> bool:
    list_name = DETAIL_CODES[kind]
    if list_name is not None:
        return value in labels(list_name)
    if kind == "location":
        return bool(DISTRICT.match(value))
    known = value in held and held[value] <= r.period  # an operation already in the returns
    return known and not value.startswith(f"{r.organisation} / ")


def check_nationalities(r: MonthlyReturn, ops: dict[str, Row]) -> Iterator[str]:
    totals: Counter[tuple[str, str]] = Counter()
    keys = [(n["operation_ref"], n["group"], n["nationality"]) for n in r.parts["nationalities"]]
    if len(keys) != len(set(keys)):
        yield "duplicate nationality rows"
    for n in r.parts["nationalities"]:
        count = n["count"]
        if (
            not isinstance(count, int)
            or count <= 0
            or n["nationality"] not in labels("nationality")
        ):
            yield f"{n['operation_ref']}: nationality row"
        totals[(str(n["operation_ref"]), str(n["group"]))] += int(str(count))
    for ref, op in ops.items():
        if totals[(ref, "Potential victims")] != sum(int(str(op[c])) for c in VICTIMS):
            yield f"{ref}: victim nationalities do not add up"
        if totals[(ref, "Suspects")] != op["suspects"]:
            yield f"{ref}: suspect nationalities do not add up"


def check_nominals(r: MonthlyReturn, ops: dict[str, Row]) -> Iterator[str]:
    people = [(str(n["operation_ref"]), str(n["nominal_ref"])) for n in r.parts["nominals"]]
    if len(people) != len(set(people)):
        yield "nominal_ref repeated within an operation"
    named = Counter(str(n["operation_ref"]) for n in r.parts["nominals"] if n["role"] == "Victim")
    for ref, count in named.items():
        if ref not in ops or count > sum(int(str(ops[ref][c])) for c in VICTIMS):
            yield f"{ref}: more victims named than counted"
    for n in r.parts["nominals"]:
        yield from check_person(n, r.period)
    known = set(people)
    for i in r.parts["identifiers"]:
        if (str(i["operation_ref"]), str(i["nominal_ref"])) not in known:
            yield f"{i['operation_ref']}: identifier of an unknown nominal"
        elif i["kind"] not in labels("identifier_kind"):
            yield f"{i['operation_ref']}: identifier kind {i['kind']}"


def check_person(n: Row, period: Period) -> Iterator[str]:
    ref = n["operation_ref"]
    if n["role"] not in labels("role") or n["gender"] not in labels("gender"):
        yield f"{ref}: role or gender"
    if n["nationality"] not in labels("nationality"):
        yield f"{ref}: nominal nationality"
    if not (n["given_name"] or n["family_name"]):
        yield f"{ref}: nominal without a name"
    born, age = n["date_of_birth"], n["estimated_age"]
    if born is not None and not date(1920, 1, 1) < day(born) < period.last_day:
        yield f"{ref}: date_of_birth"
    if born is None and not (isinstance(age, int) and 0 < age < 100):
        yield f"{ref}: neither a date of birth nor an estimated age"
