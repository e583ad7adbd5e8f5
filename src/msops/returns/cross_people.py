"""Rules across the people of a return: nominals and their identifiers."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping
from datetime import date

from msops.domain.content import ReturnContent, Row
from msops.domain.identifiers import clean_identifier
from msops.domain.return_spec import (
    IDENTIFIERS,
    NOMINALS,
    OPERATIONS,
    TEXT_LENGTH,
    VICTIM_COUNT_COLUMNS,
)
from msops.returns.located import issue_at, known_ref, unknown_ref
from msops.returns.raw import Issue


def nominal_rules(content: ReturnContent, refs: Mapping[str, Row]) -> Iterator[Issue]:
    people: dict[tuple[str, str], Row] = {}
    victims_listed: Counter[str] = Counter()
    for row in content.nominals:
        if not known_ref(row, refs):
            yield unknown_ref(NOMINALS.sheet, row)
            continue
        key = (row["operation_ref"], row["nominal_ref"])
        if key in people:
            yield issue_at(
                NOMINALS.sheet,
                row,
                "nominal_ref",
                "duplicate_reference",
                f"nominal_ref is also used on row {people[key]['_row']} for this operation",
            )
        people[key] = row
        yield from _person_rules(row)
        if row["role"] == "victim" and row["operation_ref"] is not None:
            victims_listed[row["operation_ref"]] += 1
    for ref, listed in victims_listed.items():
        op = refs[ref]
        total = sum(op[c] or 0 for c in VICTIM_COUNT_COLUMNS)
        if listed > total:
            yield issue_at(
                OPERATIONS.sheet,
                op,
                "victims_*",
                "more_victims_named_than_counted",
                f"{listed} victims are named on Nominals but the victim counts add up to {total}",
            )
    yield from _identifier_rules(content, people)


def _person_rules(row: Row) -> Iterator[Issue]:
    if row["given_name"] is None and row["family_name"] is None and row["aliases"] is None:
        yield issue_at(
            NOMINALS.sheet,
            row,
            "family_name",
            "name_required",
            "give at least a family name, a given name or an alias",
        )
    dob = row["date_of_birth"]
    if dob is not None and (dob.year < 1900 or dob > date.today()):
        yield issue_at(
            NOMINALS.sheet,
            row,
            "date_of_birth",
            "implausible_date",
            "date_of_birth must be after 1900 and not in the future",
        )
    age = row["estimated_age"]
    if age is not None and age > 110:
        yield issue_at(
            NOMINALS.sheet,
            row,
            "estimated_age",
            "implausible_age",
            "estimated_age must be 110 or less",
            age,
        )


def _identifier_rules(
    content: ReturnContent, people: Mapping[tuple[str, str], Row]
) -> Iterator[Issue]:
    by_person: defaultdict[tuple[str, str], set[tuple[str, str]]] = defaultdict(set)
    for row in content.identifiers:
        key = (row["operation_ref"], row["nominal_ref"])
        if key not in people:
            yield issue_at(
                IDENTIFIERS.sheet,
                row,
                "nominal_ref",
                "unknown_nominal",
                "nominal_ref is not on the Nominals sheet for this operation",
            )
            continue
        if row["kind"] is None or row["value"] is None:
            continue
        try:
            row["value_norm"] = clean_identifier(row["kind"], row["value"])
        except ValueError as err:
            yield issue_at(IDENTIFIERS.sheet, row, "value", "identifier_invalid", f"value {err}")
            continue
        if len(row["value_norm"]) > TEXT_LENGTH:
            yield issue_at(
                IDENTIFIERS.sheet,
                row,
                "value",
                "too_long",
                f"value is too long once normalised: at most {TEXT_LENGTH} characters",
            )
            continue
        if (row["kind"], row["value_norm"]) in by_person[key]:
            yield issue_at(
                IDENTIFIERS.sheet,
                row,
                "value",
                "duplicate_row",
                "this identifier is listed twice for the same person",
            )
        by_person[key].add((row["kind"], row["value_norm"]))
