"""One operation's rows in one month's return, in the labels a force types."""

from __future__ import annotations

from collections import Counter

from msops.domain.periods import Period
from msops.domain.return_spec import PARTS, VICTIM_COUNT_COLUMNS
from msops.synthetic.content import OpContent
from msops.synthetic.labels import label
from msops.synthetic.model import Row, Span, age_in_months
from msops.synthetic.outcomes import disruption_outcome
from msops.synthetic.sizes import revealed

PART_NAMES = tuple(p.name for p in PARTS)
LINKED = label("detail_kind", "linked_operation")


def operation_rows(content: OpContent, period: Period, rows: dict[str, list[Row]]) -> None:
    """Append the operation's rows for the month to each part of `rows`."""
    plan = content.plan
    span = plan.span_at(period)
    assert span is not None
    age = age_in_months(plan.opened, period)
    victims = revealed(len(content.victims), age, plan.ramp)
    suspects = revealed(len(content.suspects), age, plan.ramp)
    rows["operations"].append(_operation(content, period, span, age, victims, suspects))
    ref = plan.ref
    rows["details"].extend(
        {"operation_ref": ref, "detail": kind, "value": value} for kind, value in content.details
    )
    rows["details"].extend(
        {"operation_ref": ref, "detail": LINKED, "value": v} for v in plan.linked
    )
    rows["nationalities"].extend(_nationalities(content, victims, suspects))
    for nominal in content.nominals:
        limit = victims if nominal.role == "victim" else suspects
        if nominal.role == "other" or nominal.slot < limit:
            rows["nominals"].append(dict(nominal.row))
            rows["identifiers"].extend(dict(r) for r in nominal.identifiers)


def _operation(
    content: OpContent, period: Period, span: Span, age: int, victims: int, suspects: int
) -> Row:
    plan = content.plan
    assert plan.org is not None
    closing = span.end == period
    known_type = age >= content.type_known_from
    row: Row = {
        "operation_ref": plan.ref,
        "operation_name": plan.name,
        "lead_org": plan.org.name,
        "status": "Closed" if closing else ("Reopened" if span.reopened else "Live"),
        "opened_date": plan.opened.isoformat(),
        "closed_date": span.closed_on.isoformat() if closing and span.closed_on else None,
        "primary_category": label("exploitation_category", plan.category),
        "primary_type": label("exploitation_type", plan.type_code) if known_type else None,
    }
    counts = content.victim_counts(victims)
    row.update({column: counts[column] for column in VICTIM_COUNT_COLUMNS})
    row["suspects"] = suspects
    row.update(_flags(content, period, age))
    totals = content.schedule.totals(age, victims)
    row.update(totals)
    outcome = disruption_outcome(totals, victims, plan.uid + len(plan.spans))
    row["disruption_outcome"] = outcome if closing else None
    row["correction"] = None  # the generator never changes what an earlier month said
    return row


def _flags(content: OpContent, period: Period, age: int) -> Row:
    checked = content.europol_check
    return {
        "ocg_involved": content.ocg,
        "international_dimension": "Yes" if content.international else "No",
        "europol_check_date": (
            None if checked is None or checked > period.last_day else checked.isoformat()
        ),
        "jit": "Yes" if content.jit_from is not None and age >= content.jit_from else "No",
    }


def _nationalities(content: OpContent, victims: int, suspects: int) -> list[Row]:
    ref = content.plan.ref
    out: list[Row] = []
    groups = (
        ("Potential victims", Counter(v.nationality for v in content.victims[:victims])),
        ("Suspects", Counter(content.suspects[:suspects])),
    )
    for group, counts in groups:
        out.extend(
            {"operation_ref": ref, "group": group, "nationality": nat, "count": n}
            for nat, n in counts.items()
        )
    return out
