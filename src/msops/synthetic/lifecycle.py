"""When operations open, close and reopen, so that the live counts follow the published curve.

Each month a number of live operations close (older ones more often), a few closed ones reopen,
and as many new ones open as the month's target needs. Between December 2016 and February 2018
the closures are spread so that exactly 1,159 police-led operations have appeared by the anchor.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from random import Random

from msops.domain.periods import Period
from msops.synthetic import calibration as cal
from msops.synthetic.model import OpPlan, Span, age_in_months

PARTNER_UID_BASE = 500_000


@dataclass
class _Stream:
    rng: Random
    police: bool
    next_uid: int
    ops: list[OpPlan] = field(default_factory=list)
    live: list[OpPlan] = field(default_factory=list)
    reopen_due: dict[Period, list[OpPlan]] = field(default_factory=dict)
    closed: int = 0  # closures after the first month
    reopened: int = 0


ClosureRule = Callable[[int, _Stream, int, list[int]], int]


def police_lifecycles(seed: int, months: list[Period]) -> list[OpPlan]:
    stream = _Stream(Random(f"msops:{seed}:police-life"), True, 1)
    targets = _targets(stream.rng, months, cal.police_live_trend)
    _run(stream, months, targets, cal.CLOSED_AT_START, _police_closures(months))
    return stream.ops


def partner_lifecycles(seed: int, months: list[Period]) -> list[OpPlan]:
    stream = _Stream(Random(f"msops:{seed}:partner-life"), False, PARTNER_UID_BASE)
    targets = _targets(stream.rng, months, cal.partner_live_trend)
    _run(stream, months, targets, 2, _rate_closures(cal.PARTNER_CLOSURE_RATE))
    return stream.ops


def _targets(rng: Random, months: list[Period], trend: Callable[[Period], float]) -> list[int]:
    out: list[int] = []
    for period in months:
        level = trend(period)
        spread = cal.LIVE_NOISE * math.sqrt(level / cal.LIVE_AT_ANCHOR)
        noise = 0.0 if cal.is_anchor(period) else rng.gauss(0.0, spread)
        out.append(max(1, round(level + noise)))
    return out


def _police_closures(months: list[Period]) -> ClosureRule:
    calibrated = months[0] == cal.CALIBRATION_START and cal.ANCHOR in months
    anchor = months.index(cal.ANCHOR) if calibrated else -1
    by_rate = _rate_closures(cal.POLICE_CLOSURE_RATE)

    def rule(t: int, stream: _Stream, reopening: int, targets: list[int]) -> int:
        if t > anchor:
            return by_rate(t, stream, reopening, targets)
        needed = cal.HELD_AT_ANCHOR - targets[anchor] - cal.CLOSED_AT_START
        remaining = needed + stream.reopened + reopening - stream.closed
        if t == anchor:
            return remaining
        share = targets[t - 1] / sum(targets[s - 1] for s in range(t, anchor + 1))
        return round(remaining * share)

    return rule


def _rate_closures(rate: float) -> ClosureRule:
    def rule(t: int, stream: _Stream, reopening: int, targets: list[int]) -> int:
        return round(rate * len(stream.live) + stream.rng.gauss(0.0, 2.0))

    return rule


def _run(
    stream: _Stream, months: list[Period], targets: list[int], closed_first: int, rule: ClosureRule
) -> None:
    first = months[0]
    count = targets[0] + closed_first
    initial = [_new_op(stream, _past_opening(stream.rng, first)) for _ in range(count)]
    older = [op for op in initial if age_in_months(op.opened, first) >= 1]
    closing = _pick(stream.rng, older, min(closed_first, len(older)), first)
    for op in initial:
        op.spans.append(Span(first))
    _close_all(stream, closing, first)
    stream.live = [op for op in initial if op not in closing]
    for t in range(1, len(months)):
        _step(stream, months[t], t, targets, rule)


def _step(stream: _Stream, period: Period, t: int, targets: list[int], rule: ClosureRule) -> None:
    back = stream.reopen_due.pop(period, [])
    lowest = (
        len(stream.live) + len(back) - targets[t]
    )  # fewer closures would need negative openings
    count = min(len(stream.live), max(lowest, 0, rule(t, stream, len(back), targets)))
    closing = _pick(stream.rng, stream.live, count, period)
    _close_all(stream, closing, period)
    stream.closed += len(closing)
    stream.reopened += len(back)
    for op in back:
        op.spans.append(Span(period, reopened=True))
    gone = {op.uid for op in closing}
    stream.live = [op for op in stream.live if op.uid not in gone] + back
    for _ in range(max(0, targets[t] - len(stream.live))):
        op = _new_op(stream, _day_in(stream.rng, period))
        op.spans.append(Span(period))
        stream.live.append(op)


def _new_op(stream: _Stream, opened: date) -> OpPlan:
    op = OpPlan(uid=stream.next_uid, police=stream.police, opened=opened)
    stream.next_uid += 1
    stream.ops.append(op)
    return op


def _pick(rng: Random, ops: list[OpPlan], count: int, period: Period) -> list[OpPlan]:
    """count operations without replacement, older ones more likely (Efraimidis-Spirakis keys)."""
    if count <= 0:
        return []
    keyed = [
        (rng.random() ** (1.0 / (1 + min(24, age_in_months(op.opened, period)))), op) for op in ops
    ]
    keyed.sort(key=lambda pair: pair[0], reverse=True)
    return [op for _, op in keyed[:count]]


def _close_all(stream: _Stream, closing: list[OpPlan], period: Period) -> None:
    for op in closing:
        span = op.spans[-1]
        span.end = period
        span.closed_on = max(op.opened, _day_in(stream.rng, period))
        if stream.rng.random() < cal.REOPEN_SHARE:
            back = _add_months(period, stream.rng.randint(2, 6))
            stream.reopen_due.setdefault(back, []).append(op)


def _past_opening(rng: Random, first: Period) -> date:
    """An opening date for an operation already live in the first month."""
    months_back = min(36, int(rng.expovariate(1 / 8)))
    return _day_in(rng, _add_months(first, -months_back))


def _day_in(rng: Random, period: Period) -> date:
    last = calendar.monthrange(period.year, period.month)[1]
    return date(period.year, period.month, rng.randint(1, last))


def _add_months(period: Period, months: int) -> Period:
    index = period.year * 12 + period.month - 1 + months
    return Period(index // 12, index % 12 + 1)
