"""Rules that span rows, parts and months of a return."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping

from msops.domain.content import PriorState, ReturnContent, Row
from msops.domain.identifiers import clean_postcode_district
from msops.domain.periods import Period
from msops.domain.reference import (
    Organisation,
    find_code,
    find_organisation,
    suggest_code,
    suggest_organisation,
    typology,
)
from msops.domain.return_spec import (
    CUMULATIVE_COLUMNS,
    DETAIL_CODES,
    DETAILS,
    NATIONALITIES,
    OPERATIONS,
    REF_LENGTH,
    VICTIM_COUNT_COLUMNS,
)
from msops.returns.cells import visible
from msops.returns.cross_people import nominal_rules
from msops.returns.located import issue_at, known_ref, unknown_ref
from msops.returns.raw import Issue, RawReturn


def check_cross_rules(
    raw: RawReturn,
    content: ReturnContent,
    organisation: Organisation,
    period: Period,
    prior: Mapping[str, PriorState],
) -> list[Issue]:
    issues: list[Issue] = []
    refs = _operation_refs(content, issues)
    for row in content.operations:
        issues.extend(_operation_rules(row, period, prior))
    issues.extend(_details_rules(content, refs, organisation))
    issues.extend(_nationality_rules(content, refs))
    issues.extend(nominal_rules(content, refs))
    return issues


def _operation_refs(content: ReturnContent, issues: list[Issue]) -> dict[str, Row]:
    refs: dict[str, Row] = {}
    for row in content.operations:
        ref = row.get("operation_ref")
        if ref is None:
            continue
        if ref in refs:
            first = refs[ref]["_row"]
            issues.append(
                issue_at(
                    OPERATIONS.sheet,
                    row,
                    "operation_ref",
                    "duplicate_reference",
                    f"operation_ref is also used on row {first}: each operation is listed once",
                    ref,
                )
            )
        else:
            refs[ref] = row
    return refs


def _operation_rules(row: Row, period: Period, prior: Mapping[str, PriorState]) -> Iterator[Issue]:
    sheet = OPERATIONS.sheet
    status, opened, closed = row["status"], row["opened_date"], row["closed_date"]
    if opened is not None and opened > period.last_day:
        yield issue_at(
            sheet,
            row,
            "opened_date",
            "date_after_period",
            f"opened_date is after the end of {period}",
            opened,
        )
    if status == "closed":
        if closed is None:
            yield issue_at(
                sheet,
                row,
                "closed_date",
                "closed_without_date",
                "a Closed operation needs its closed_date",
            )
        elif not period.contains(closed):
            yield issue_at(
                sheet,
                row,
                "closed_date",
                "date_outside_period",
                f"closed_date must fall in {period}: an operation closed earlier is"
                " no longer in the return",
                closed,
            )
        if row["disruption_outcome"] is None:
            yield issue_at(
                sheet,
                row,
                "disruption_outcome",
                "outcome_required",
                "a Closed operation needs its disruption_outcome",
            )
    elif closed is not None and status is not None:
        yield issue_at(
            sheet,
            row,
            "closed_date",
            "closed_date_while_live",
            "closed_date must be blank while the operation is live",
            closed,
        )
    if opened is not None and closed is not None and closed < opened:
        yield issue_at(
            sheet,
            row,
            "closed_date",
            "closed_before_opened",
            "closed_date is before opened_date",
            closed,
        )
    yield from _europol_rule(row, period)
    yield from _typology_rule(row)
    yield from _count_rules(row)
    yield from _month_rules(row, period, prior)


def _europol_rule(row: Row, period: Period) -> Iterator[Issue]:
    checked = row["europol_check_date"]
    if checked is not None and checked > period.last_day:
        yield issue_at(
            OPERATIONS.sheet,
            row,
            "europol_check_date",
            "date_after_period",
            f"europol_check_date is after the end of {period}",
            checked,
        )


def _typology_rule(row: Row) -> Iterator[Issue]:
    category, type_code = row["primary_category"], row["primary_type"]
    if category is None or type_code is None:
        return
    types = {t.code: t for t in typology()}
    if types[type_code].category_code != category:
        allowed = [t.label for t in types.values() if t.category_code == category]
        yield issue_at(
            OPERATIONS.sheet,
            row,
            "primary_type",
            "type_not_in_category",
            f"primary_type {types[type_code].label!r} is not a type of the primary"
            f" category; that category's types are: {'; '.join(allowed)}",
            type_code,
        )


def _count_rules(row: Row) -> Iterator[Issue]:
    pairs = (
        ("convictions", "charges"),
        ("stro_granted", "stro_applied"),
        ("stpo_granted", "stpo_applied"),
    )
    for smaller, larger in pairs:
        if (row[smaller] or 0) > (row[larger] or 0):
            yield issue_at(
                OPERATIONS.sheet,
                row,
                smaller,
                "count_exceeds",
                f"{smaller} ({row[smaller]}) cannot exceed {larger} ({row[larger]})",
                row[smaller],
            )


def _month_rules(row: Row, period: Period, prior: Mapping[str, PriorState]) -> Iterator[Issue]:
    state = prior.get(row["operation_ref"] or "")
    if state is None:
        return
    if state.status == "closed" and row["status"] == "live":
        yield issue_at(
            OPERATIONS.sheet,
            row,
            "status",
            "closed_not_reopened",
            f"this operation was closed in {state.period}; give its status as Reopened"
            " if it has been reopened",
            "Live",
            "Reopened",
        )
    for name in CUMULATIVE_COLUMNS:
        before = state.cumulative.get(name, 0)
        if (row[name] or 0) < before:
            yield issue_at(
                OPERATIONS.sheet,
                row,
                name,
                "count_decreased",
                f"{name} is a running total and was {before} in {state.period};"
                " correct that month's return if it was wrong",
                row[name],
            )


def _details_rules(
    content: ReturnContent, refs: Mapping[str, Row], organisation: Organisation
) -> Iterator[Issue]:
    seen: set[tuple[str, str, str]] = set()
    international: set[str] = set()
    for row in content.details:
        if not known_ref(row, refs):
            yield unknown_ref(DETAILS.sheet, row)
            continue
        kind, value = row["detail"], row["value"]
        if kind is None or value is None:
            continue
        issue, clean = _detail_value(row, kind, value, organisation)
        if issue is not None:
            yield issue
            continue
        row["value"] = clean
        key = (row["operation_ref"], kind, clean)
        if key in seen:
            yield issue_at(
                DETAILS.sheet,
                row,
                "value",
                "duplicate_row",
                "the same detail is listed twice for this operation",
                value,
            )
        seen.add(key)
        if kind == "international_country":
            international.add(row["operation_ref"])
    for ref, op in refs.items():
        if op["international_dimension"] == "yes" and ref not in international:
            yield issue_at(
                OPERATIONS.sheet,
                op,
                "international_dimension",
                "countries_missing",
                "an international dimension needs at least one 'Country of"
                " international dimension' row in Operation details",
            )


def _detail_value(
    row: Row, kind: str, value: str, organisation: Organisation
) -> tuple[Issue | None, str]:
    list_name = DETAIL_CODES[kind]
    if list_name is not None:
        code = find_code(list_name, value)
        if code is None:
            return issue_at(
                DETAILS.sheet,
                row,
                "value",
                "code_unknown",
                f"is not in the list of {list_name.replace('_', ' ')} values",
                value,
                suggest_code(list_name, value),
            ), value
        return None, code.code
    if kind == "location":
        try:
            return None, clean_postcode_district(value)
        except ValueError as err:
            return issue_at(
                DETAILS.sheet, row, "value", "not_a_district", f"value {err}", value
            ), value
    return _linked_operation(row, value, organisation)


def _linked_operation(row: Row, value: str, organisation: Organisation) -> tuple[Issue | None, str]:
    org_name, sep, ref = value.partition("/")
    other = find_organisation(org_name)
    if not sep or not ref.strip() or other is None:
        meant = suggest_organisation(org_name) if sep and ref.strip() else None
        return issue_at(
            DETAILS.sheet,
            row,
            "value",
            "linked_operation_format",
            "a linked operation is written 'ORGANISATION / REFERENCE', with an"
            " organisation from the reference list",
            value,
            None if meant is None else f"{meant.name} / {ref.strip()}",
        ), value
    if other.short_name == organisation.short_name:
        return issue_at(
            DETAILS.sheet,
            row,
            "value",
            "linked_operation_own",
            "a linked operation belongs to another organisation",
            value,
        ), value
    their_ref = visible(ref, reference=True).strip()
    if len(their_ref) > REF_LENGTH:
        return issue_at(
            DETAILS.sheet,
            row,
            "value",
            "too_long",
            f"the reference of a linked operation is too long: at most {REF_LENGTH} characters",
        ), value
    return None, f"{other.short_name} / {their_ref}"


def _nationality_rules(content: ReturnContent, refs: Mapping[str, Row]) -> Iterator[Issue]:
    totals: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, str, str]] = set()
    for row in content.nationalities:
        if not known_ref(row, refs):
            yield unknown_ref(NATIONALITIES.sheet, row)
            continue
        key = (row["operation_ref"], row["group"], row["nationality"])
        if key in seen:
            yield issue_at(
                NATIONALITIES.sheet,
                row,
                "nationality",
                "duplicate_row",
                "this nationality is listed twice for the same operation and group",
                row["nationality"],
            )
        seen.add(key)
        if row["count"] == 0:
            yield issue_at(
                NATIONALITIES.sheet,
                row,
                "count",
                "zero_count",
                "leave out nationalities with no people rather than writing 0",
            )
        totals[(row["operation_ref"], row["group"])] += row["count"] or 0
    for ref, op in refs.items():
        victims = sum(op[c] or 0 for c in VICTIM_COUNT_COLUMNS)
        for group, expected, column in (
            ("victim", victims, "victims_*"),
            ("suspect", op["suspects"] or 0, "suspects"),
        ):
            found = totals[(ref, group)]
            if found != expected:
                yield issue_at(
                    OPERATIONS.sheet,
                    op,
                    column,
                    "counts_do_not_add_up",
                    f"{group} nationalities on Nationalities add up to {found}, but"
                    f" the operation's {group} count is {expected}",
                    expected,
                )
