"""Europol (SIENA) checks, operational meetings and joint investigation teams."""

from __future__ import annotations

from enum import StrEnum

from msops.domain.errors import InvalidInput


class EventKind(StrEnum):
    CHECK = "check"  # a query to Europol through SIENA about an operation
    OPERATIONAL_MEETING = "operational_meeting"
    JIT = "jit"  # a joint investigation team set up


class CheckOutcome(StrEnum):
    NO_TRACE = "no_trace"
    TRACE = "trace"
    PENDING = "pending"


# Nationalities that do not, by themselves, make an operation international.
DOMESTIC_NATIONALITIES = frozenset({"UK", "Unknown"})


def check_event(kind: EventKind, operation_ref: str | None, outcome: CheckOutcome | None) -> None:
    """A check belongs to an operation and has an outcome; a JIT belongs to an operation."""
    if kind in (EventKind.CHECK, EventKind.JIT) and not (operation_ref or "").strip():
        raise InvalidInput(f"operation: a {kind.value} is recorded against an operation")
    if kind == EventKind.CHECK and outcome is None:
        raise InvalidInput(
            f"outcome: a check needs its outcome ({', '.join(o.value for o in CheckOutcome)})"
        )
    if kind != EventKind.CHECK and outcome is not None:
        raise InvalidInput(f"outcome: only a check has an outcome, not a {kind.value}")
