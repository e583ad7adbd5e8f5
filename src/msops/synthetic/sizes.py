"""How many potential victims and suspects an operation has, and how fast they come to light.

The victims counted in the operations live at the anchor month are then nudged, one at a time,
until they add up to the calibrated figure (the report: "at least 1,391").
"""

from __future__ import annotations

import math
from random import Random

from msops.domain.periods import Period
from msops.synthetic import calibration as cal
from msops.synthetic.model import OpPlan, age_in_months

# type: (mean victims beyond the first, share of large operations, their size range)
VICTIM_SIZES: dict[str, tuple[float, float, tuple[int, int]]] = {
    "labour_for_offenders": (2.8, 0.08, (8, 30)),
    "labour_for_others": (2.8, 0.08, (8, 30)),
    "labour_for_both": (2.8, 0.08, (8, 30)),
    "cse_group": (3.0, 0.1, (6, 15)),
    "cse_individual": (0.6, 0.0, (1, 1)),
    "sex_work_fixed": (1.6, 0.04, (6, 12)),
    "sex_work_changing": (1.8, 0.05, (6, 15)),
    "gratification": (0.5, 0.0, (1, 1)),
    "gang_criminality": (1.0, 0.03, (5, 10)),
    "illegal_labour": (0.7, 0.02, (4, 8)),
    "acquisitive_crime": (2.0, 0.05, (6, 12)),
    "begging": (2.5, 0.05, (6, 15)),
    "sham_marriage": (0.4, 0.0, (1, 1)),
    "financial_fraud": (2.0, 0.05, (6, 20)),
}
DOMESTIC_SIZE = (0.3, 0.0, (1, 1))
NO_VICTIM_YET = 0.1  # operations still at the intelligence stage
SUSPECT_MEANS = {"labour": 3.5, "sexual": 3.5, "criminal": 4.1, "domestic": 0.9}


def choose_sizes(rng: Random, op: OpPlan) -> None:
    op.victims = _victims(rng, op.type_code)
    op.suspects = _suspects(rng, op.category)
    op.ramp = rng.choices((0, 1, 2, 3), (0.4, 0.3, 0.2, 0.1))[0]


def revealed(total: int, age: int, ramp: int) -> int:
    """How many of an operation's people are counted `age` months after it opened."""
    if total == 0 or age >= ramp:
        return total
    return max(1, math.ceil(total * (max(age, 0) + 1) / (ramp + 1)))


def counted_victims(op: OpPlan, period: Period) -> int:
    return revealed(op.victims, age_in_months(op.opened, period), op.ramp)


def calibrate_victims(rng: Random, police: list[OpPlan], months: list[Period]) -> None:
    """Nudge fully counted operations by one victim at a time to hit the anchor's total."""
    if cal.ANCHOR not in months:
        return
    live = [op for op in police if op.is_live(cal.ANCHOR)]
    settled = [op for op in live if age_in_months(op.opened, cal.ANCHOR) >= op.ramp]
    gap = cal.VICTIMS_AT_ANCHOR - sum(counted_victims(op, cal.ANCHOR) for op in live)
    while gap != 0:
        op = rng.choice(settled)
        if gap > 0 and op.victims > 0:
            op.victims += 1
            gap -= 1
        elif gap < 0 and op.victims > 1:
            op.victims -= 1
            gap += 1


def _victims(rng: Random, type_code: str) -> int:
    mean, large_share, (low, high) = VICTIM_SIZES.get(type_code, DOMESTIC_SIZE)
    if rng.random() < NO_VICTIM_YET:
        return 0
    if rng.random() < large_share:
        return rng.randint(low, high)
    return 1 + int(rng.expovariate(1 / mean)) if mean > 0 else 1


def _suspects(rng: Random, category: str) -> int:
    if rng.random() < 0.08:
        return 0
    return min(25, 1 + int(rng.expovariate(1 / SUSPECT_MEANS[category])))
