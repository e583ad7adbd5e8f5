"""Running totals of an operation (NRM referrals, arrests, charges, orders) month by month.

Every total is a fixed final figure times a progress curve that only ever rises, each later
stage lagging the one before, so charges never fall behind convictions, orders granted never
exceed orders applied for, and no total ever goes down from one month to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from msops.domain.return_spec import CUMULATIVE_COLUMNS
from msops.synthetic.model import OpPlan

# months each stage lags the start of arrests
LAGS = {
    "arrests": 0,
    "charges": 2,
    "convictions": 9,
    "stro_applied": 1,
    "stro_granted": 2,
    "stpo_applied": 10,
    "stpo_granted": 11,
}


@dataclass(frozen=True)
class Schedule:
    nrm_share: float  # share of counted victims referred to the NRM
    dtn_share: float  # share notified under the duty to notify instead
    finals: dict[str, int]  # final figure of each stage in LAGS
    start: int  # months after opening that arrests begin
    pace: int  # months each stage takes from first to final figure

    def totals(self, age: int, victims: int) -> dict[str, int]:
        """Every running total of the return (its CUMULATIVE_COLUMNS, in that order)."""
        out = {
            "nrm_referrals": int(self.nrm_share * victims),
            "duty_to_notify": int(self.dtn_share * victims),
        }
        for stage, lag in LAGS.items():
            out[stage] = int(self.finals[stage] * self._progress(age - lag))
        return {column: out[column] for column in CUMULATIVE_COLUMNS}

    def _progress(self, age: int) -> float:
        return min(1.0, max(0.0, (age - self.start + 1) / self.pace))


def schedule(rng: Random, plan: OpPlan) -> Schedule:
    nrm = rng.uniform(0.4, 0.9)
    arrests = rng.randint(1, plan.suspects + 1) if plan.suspects and rng.random() < 0.75 else 0
    charges = rng.randint(1, arrests) if arrests and rng.random() < 0.6 else 0
    convictions = rng.randint(1, charges) if charges and rng.random() < 0.55 else 0
    stro = rng.randint(1, 2) if arrests and rng.random() < 0.05 else 0
    stpo = rng.randint(1, convictions) if convictions and rng.random() < 0.3 else 0
    finals = {
        "arrests": arrests,
        "charges": charges,
        "convictions": convictions,
        "stro_applied": stro,
        "stro_granted": rng.randint(0, stro),
        "stpo_applied": stpo,
        "stpo_granted": rng.randint(0, stpo),
    }
    return Schedule(
        nrm, rng.uniform(0.0, 1.0 - nrm) * 0.6, finals, rng.randint(0, 4), rng.randint(1, 6)
    )


def disruption_outcome(totals: dict[str, int], victims: int, choice: int) -> str:
    """The disruption outcome label that fits the totals when an operation closes."""
    if totals["stpo_granted"] or totals["stro_granted"]:
        return "Prevention or risk orders obtained"
    if totals["convictions"]:
        return "Convicted"
    if totals["charges"]:
        return "Charged and prosecuted"
    if totals["arrests"]:
        options = ["Disrupted by other offences", "No further action"]
    else:
        options = ["Intelligence developed only", "Transferred to another organisation"]
    if victims:
        options.append("Victims safeguarded without prosecution")
    return options[choice % len(options)]
