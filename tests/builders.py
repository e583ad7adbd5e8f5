"""Small valid returns to start tests from; each test changes one thing and checks the result."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw

Rows = dict[str, list[dict[str, Any]]]
FEB_2018 = Period(2018, 2)


def operation(ref: str = "CL-001", **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "operation_ref": ref,
        "operation_name": f"Operation {ref}",
        "lead_org": "Cleveland Police",
        "status": "Live",
        "opened_date": "2018-01-15",
        "closed_date": None,
        "primary_category": "Labour exploitation",
        "primary_type": "Victims work for offenders",
        "victims_adult_female": 1,
        "victims_adult_male": 2,
        "victims_adult_unknown": 0,
        "victims_child_female": 0,
        "victims_child_male": 0,
        "victims_child_unknown": 0,
        "suspects": 1,
        "ocg_involved": "Yes",
        "international_dimension": "No",
        "europol_check_date": None,
        "jit": "No",
        "nrm_referrals": 3,
        "duty_to_notify": 0,
        "arrests": 1,
        "charges": 0,
        "convictions": 0,
        "stro_applied": 0,
        "stro_granted": 0,
        "stpo_applied": 0,
        "stpo_granted": 0,
        "disruption_outcome": None,
    }
    row.update(overrides)
    return row


def nationalities(ref: str = "CL-001") -> list[dict[str, Any]]:
    return [
        {"operation_ref": ref, "group": "Potential victims", "nationality": "Romanian", "count": 2},
        {"operation_ref": ref, "group": "Potential victims", "nationality": "UK", "count": 1},
        {"operation_ref": ref, "group": "Suspects", "nationality": "UK", "count": 1},
    ]


def valid_return(*refs: str) -> Rows:
    """A clean return with one operation per reference, each with people and identifiers."""
    refs = refs or ("CL-001",)
    rows: Rows = {
        "operations": [operation(r) for r in refs],
        "details": [],
        "nationalities": [],
        "nominals": [],
        "identifiers": [],
    }
    for ref in refs:
        rows["details"] += [
            {"operation_ref": ref, "detail": "Sector", "value": "Car washes"},
            {"operation_ref": ref, "detail": "Location (postcode district)", "value": "TS1"},
        ]
        rows["nationalities"] += nationalities(ref)
        rows["nominals"] += [
            {
                "operation_ref": ref,
                "nominal_ref": "N1",
                "role": "Suspect",
                "given_name": "Ion",
                "family_name": "Popescu",
                "aliases": None,
                "date_of_birth": "1980-04-03",
                "estimated_age": None,
                "gender": "Male",
                "nationality": "Romanian",
            },
            {
                "operation_ref": ref,
                "nominal_ref": "N2",
                "role": "Victim",
                "given_name": "Ana",
                "family_name": "Ionescu",
                "aliases": None,
                "date_of_birth": None,
                "estimated_age": 30,
                "gender": "Female",
                "nationality": "Romanian",
            },
        ]
        rows["identifiers"] += [
            {"operation_ref": ref, "nominal_ref": "N1", "kind": "Phone", "value": "07700 900123"},
            {
                "operation_ref": ref,
                "nominal_ref": "N1",
                "kind": "Vehicle registration",
                "value": "ab12 cde",
            },
        ]
    return rows


def load_operations(
    engine: Engine,
    who: Principal,
    org: str,
    lead: str,
    refs: list[str],
    period: Period = FEB_2018,
    **changes: Any,
) -> None:
    """Submit (and require acceptance of) a valid return of `org` listing `refs`."""
    rows = valid_return(*refs)
    for row in rows["operations"]:
        row.update(lead_org=lead, **changes)
    result = submit_raw(engine, who, RawReturn.from_rows(f"{org}.csv", rows), org, period, "x")
    assert result.outcome == Outcome.ACCEPTED, result.issues


def submit_history(engine: Engine, who: Principal, first: Period, last: Period) -> None:
    """Every organisation's returns of the demo history (seed 2018) from `first` to `last`,
    submitted as `msops demo` does, each accepted."""
    from msops.synthetic import generate_history

    for item in generate_history(2018, first, last):
        raw = RawReturn.from_rows(f"synthetic-{item.organisation}.csv", item.parts)
        result = submit_raw(engine, who, raw, item.organisation, item.period, "demo")
        assert result.outcome == Outcome.ACCEPTED, (item.organisation, item.period)
