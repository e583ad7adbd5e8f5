"""Whose return a file is and for which month, by what it says of itself, and nil returns.

A file is checked against what it is submitted as (`--org`, `--period`, or the upload form's):

* the organisation, period and nil return it declares (XLSX About sheet; CSV README.txt or a
  banner line: `RawReturn.declared`);
* the operations' `lead_org`, where it names another organisation of the submitter's own kind
  (a force's file listing another force's operations is that force's file);
* its references, when none is one the organisation has used and none is in its house style,
  while another organisation has used them before;
* the month, which must have begun;
* an empty Operations part, which is refused unless the return is declared nil.

Every problem names both sides ("the file says Durham Constabulary, 2018-03; submitted as
Cleveland Police, 2018-03"). Nothing here is personal data: names of organisations, months,
references.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime

from msops.domain.content import Earlier, ReturnContent, Row
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.reference import Organisation, find_organisation, suggest_organisation
from msops.domain.return_spec import OPERATIONS
from msops.returns.file_identity import NIL_LABEL
from msops.returns.located import issue_at
from msops.returns.raw import Cell, Declared, Issue, RawReturn

_YES = frozenset({"yes", "y", "true", "x", "1", "✓", "✔", "☑"})
_NO = frozenset({"no", "n", "false", "0", "☐"})
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})(?:-\d{1,2})?$")
_MONTH_UK = re.compile(r"^(?:\d{1,2}/)?(\d{1,2})/(\d{4})$")


def future_period_rule(period: Period, today: date) -> Iterator[Issue]:
    """A return is for a month that has begun."""
    now = Period.of(today)
    if period > now:
        yield Issue(
            "Period",
            None,
            None,
            str(period),
            "period_in_future",
            f"{period} has not begun (it is {now} now): a return is for a month that has begun",
        )


def identity_rules(
    raw: RawReturn,
    content: ReturnContent,
    organisation: Organisation,
    period: Period,
    earlier: Earlier,
    nil: bool,
) -> list[Issue]:
    """Problems where the file, by its own account, is not `organisation`'s return for `period`,
    or is empty without being declared a nil return (`nil`: declared when submitting)."""
    issues: list[Issue] = []
    declared_nil = nil
    for declared in raw.declared:
        issues.extend(_declaration_rules(declared, organisation, period))
        declared_nil = declared_nil or _nil_of(declared.nil) is True
    issues.extend(_nil_rules(raw, declared_nil))
    issues.extend(_lead_org_rules(content, organisation))
    issues.extend(_reference_rules(content, organisation, earlier))
    return issues


def _declaration_rules(
    declared: Declared, organisation: Organisation, period: Period
) -> Iterator[Issue]:
    said_org: Organisation | None = None
    if declared.organisation is not None:
        said_org = find_organisation(declared.organisation)
        if said_org is None:
            meant = suggest_organisation(declared.organisation)
            yield Issue(
                declared.where,
                None,
                "Organisation",
                declared.organisation,
                "identity_unreadable",
                f"the {declared.where} names an organisation msops does not know: write the"
                f" name `msops orgs` lists ({organisation.name}, if this is its return)",
                None if meant is None else meant.name,
            )
    said_period: Period | None = None
    if declared.period is not None:
        said_period = _period_of(declared.period)
        if said_period is None:
            yield Issue(
                declared.where,
                None,
                "Period",
                _text(declared.period),
                "identity_unreadable",
                f"the {declared.where} gives a period that is not a month: write it YYYY-MM"
                f" ({period}, if this is the return for {period})",
            )
    if declared.nil is not None and _nil_of(declared.nil) is None:
        yield Issue(
            declared.where,
            None,
            NIL_LABEL,
            declared.nil,
            "identity_unreadable",
            f"{NIL_LABEL} is Yes (nothing to report this month) or No",
        )
    other_org = said_org is not None and said_org.short_name != organisation.short_name
    other_period = said_period is not None and said_period != period
    if other_org or other_period:
        said = (said_org.name if said_org else None, str(said_period) if said_period else None)
        says = ", ".join(filter(None, said))
        yield Issue(
            declared.where,
            None,
            "Organisation" if other_org else "Period",
            says,
            "identity_mismatch",
            f"the file says {says}; submitted as {organisation.name}, {period}: submit it as"
            f" what it says it is, or send {organisation.name}'s return for {period}",
        )


def _period_of(value: Cell) -> Period | None:
    if isinstance(value, datetime | date):
        return Period.of(value)
    text = _text(value) or ""
    if iso := _MONTH.match(text):
        year, month = iso.group(1), iso.group(2)
    elif uk := _MONTH_UK.match(text):
        month, year = uk.group(1), uk.group(2)
    else:
        return None
    try:
        return Period(int(year), int(month))
    except InvalidInput:
        return None


def _nil_of(value: str | None) -> bool | None:
    """Yes (or a tick) -> True, No -> False; None when empty or neither."""
    if value is None:
        return None
    text = value.strip().casefold()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def _text(value: Cell) -> str | None:
    if value is None:
        return None
    return value.strip() if isinstance(value, str) else str(value)


def _nil_rules(raw: RawReturn, declared_nil: bool) -> Iterator[Issue]:
    table = raw.tables.get(OPERATIONS.name)
    if table is None:
        return  # no Operations part at all: reported as such by the reader
    listed = len(table.rows)
    if declared_nil and listed:
        yield Issue(
            OPERATIONS.sheet,
            None,
            None,
            None,
            "nil_with_operations",
            f"the return is declared a nil return (nothing to report) but lists {listed}"
            f" operation{'s' if listed != 1 else ''}: set {NIL_LABEL} to No, or send no rows",
        )
    elif not declared_nil and not listed:
        yield Issue(
            OPERATIONS.sheet,
            None,
            None,
            None,
            "empty_return",
            "the return lists no operation, and is not declared a nil return: with nothing to"
            f" report for the month, set {NIL_LABEL} to Yes (About sheet, or README.txt) or"
            " submit with --nil; otherwise the file is not the one meant (an empty file, or a"
            " blank template)",
        )


def _lead_org_rules(content: ReturnContent, organisation: Organisation) -> Iterator[Issue]:
    """Operations led by another organisation of the submitter's kind (another force, another
    ROCU, another agency): that organisation's return, or rows copied into the wrong one."""
    others: defaultdict[str, list[Row]] = defaultdict(list)
    for row in content.operations:
        lead = row.get("lead_org")
        if lead is None or lead == organisation.short_name:
            continue
        led_by = find_organisation(lead)
        if led_by is not None and led_by.kind == organisation.kind:
            others[led_by.short_name].append(row)
    for short_name, rows in others.items():
        led_by = find_organisation(short_name)
        assert led_by is not None
        count = f"{len(rows)} operations are" if len(rows) != 1 else "1 operation is"
        yield issue_at(
            OPERATIONS.sheet,
            rows[0],
            "lead_org",
            "identity_lead_org",
            f"{count} led by {led_by.name} (the first on row {rows[0]['_row']}); the file"
            f" is submitted as {organisation.name}: an operation {led_by.name} leads is on"
            f" {led_by.name}'s return",
            led_by.name,
        )


def reference_shape(ref: str) -> str:
    """A reference's house style: its letters and punctuation, each run of digits one '9'
    ('DUR/MS/2017/0012' -> 'DUR/MS/9/9')."""
    return re.sub(r"\d+", "9", ref.upper())


def _reference_rules(
    content: ReturnContent, organisation: Organisation, earlier: Earlier
) -> Iterator[Issue]:
    """References another organisation has used, none of this one's, none in its style."""
    refs = {r["operation_ref"] for r in content.operations if r.get("operation_ref")}
    own = earlier.own_refs
    if not refs or not own or refs & own:
        return
    own_styles = {reference_shape(r) for r in own}
    if any(reference_shape(r) in own_styles for r in refs):
        return  # new operations, in the organisation's own style
    best: tuple[int, str, list[str]] | None = None
    for short_name, used in earlier.others_refs.items():
        exact = sorted(refs & used)
        if not exact:
            continue
        styles = {reference_shape(r) for r in used}
        in_their_style = all(r in used or reference_shape(r) in styles for r in refs)
        if in_their_style and (best is None or len(exact) > best[0]):
            best = (len(exact), short_name, exact)
    if best is None:
        return
    other = find_organisation(best[1])
    name = other.name if other else best[1]
    example = min(own)
    yield Issue(
        OPERATIONS.sheet,
        None,
        "operation_ref",
        None,
        "identity_references",
        f"the file's operation references are {name}'s ({best[0]} used before by {name}, such"
        f" as {best[2][0]}) and none is {organisation.name}'s (such as {example}); the file is"
        f" submitted as {organisation.name}: submit it as {name}, or send"
        f" {organisation.name}'s own return",
    )
