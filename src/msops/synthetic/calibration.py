"""The published figures the synthetic history is calibrated to, and the curves between them.

Source: Modern Slavery Police Transformation Programme, annual report to 31 March 2018: 188 live
police-led operations in December 2016, 568 in February 2018 (97.7% led by local forces, 2.3% by
ROCUs), 1,159 operations held, at least 1,391 potential victims in the live ones, all 10 regions.
"""

from __future__ import annotations

import math

from msops.domain.periods import Period

CALIBRATION_START = Period(2016, 12)
ANCHOR = Period(2018, 2)

LIVE_AT_START = 188
LIVE_AT_ANCHOR = 568
HELD_AT_ANCHOR = 1159
ROCU_LIVE_AT_ANCHOR = 13  # 2.3% of 568; the other 555 (97.7%) are led by local forces
VICTIMS_AT_ANCHOR = 1452  # the report says "at least 1,391"
LIVE_STEADY_STATE = 600  # where the long benchmark history settles after the anchor

PARTNER_LIVE_AT_START = 40
PARTNER_LIVE_AT_ANCHOR = 52
PARTNER_STEADY_STATE = 55

CLOSED_AT_START = 8  # police operations already closing in the first month's returns
POLICE_CLOSURE_RATE = 0.105  # share of live operations closing each month after the anchor
PARTNER_CLOSURE_RATE = 0.08
REOPEN_SHARE = 0.02  # closed operations that come back as Reopened a few months later
LIVE_NOISE = 5.0  # standard deviation of the month-to-month wobble around the trend


def months_after(start: Period, period: Period) -> int:
    """Whole months from start to period (negative when period is earlier)."""
    return (period.year - start.year) * 12 + period.month - start.month


def police_live_trend(period: Period) -> float:
    """Live police-led operations the trend expects in a month (before noise)."""
    return _trend(period, LIVE_AT_START, LIVE_AT_ANCHOR, LIVE_STEADY_STATE)


def partner_live_trend(period: Period) -> float:
    return _trend(period, PARTNER_LIVE_AT_START, PARTNER_LIVE_AT_ANCHOR, PARTNER_STEADY_STATE)


def is_anchor(period: Period) -> bool:
    """Months whose live count is published, so carry no noise."""
    return period in (CALIBRATION_START, ANCHOR)


def _trend(period: Period, start: float, anchor: float, steady: float) -> float:
    t = months_after(CALIBRATION_START, period)
    span = months_after(CALIBRATION_START, ANCHOR)
    if t <= 0:
        return start
    if t <= span:
        return start + (anchor - start) * t / span
    return anchor + (steady - anchor) * (1.0 - math.exp(-(t - span) / 8.0))
