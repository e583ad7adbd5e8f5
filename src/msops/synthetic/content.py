"""Everything about one operation that stays the same from month to month.

Built once, from the operation's own random stream, when the operation first appears: its
victims and suspects (one slot each, in the order they come to light), the people named on
Nominals with their identifiers, its details, and the schedule of its running totals.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from msops.domain.reference import ROCU_KIND
from msops.synthetic import details, outcomes
from msops.synthetic.geography import district
from msops.synthetic.model import OpPlan, VictimSlot
from msops.synthetic.nominals import NominalRecord, write_nominals
from msops.synthetic.people import Person
from msops.synthetic.profiles import AGE_GENDER, SUSPECT_NATS, VICTIM_NATS, pick

OCG: dict[str, tuple[float, float, float]] = {  # Yes, No, Unknown
    "labour": (0.45, 0.35, 0.2),
    "sexual": (0.5, 0.3, 0.2),
    "criminal": (0.6, 0.25, 0.15),
    "domestic": (0.05, 0.85, 0.1),
}


@dataclass(frozen=True)
class OpContent:
    plan: OpPlan
    victims: tuple[VictimSlot, ...]
    suspects: tuple[str, ...]  # nationality of each suspect
    nominals: tuple[NominalRecord, ...]
    details: tuple[tuple[str, str], ...]  # (detail kind label, value)
    schedule: outcomes.Schedule
    ocg: str
    international: bool
    europol_check: date | None
    jit_from: int | None  # months after opening when a joint investigation team starts
    type_known_from: int

    def victim_counts(self, revealed: int) -> Counter[str]:
        return Counter(slot.column for slot in self.victims[:revealed])


def build_content(seed: int, plan: OpPlan, shared: dict[str, Person]) -> OpContent:
    rng = Random(f"msops:{seed}:op:{plan.uid}")
    assert plan.org is not None
    areas = details.location_forces(rng, plan.org)
    outwards = [district(rng, force) for force in areas]
    victims = _victim_slots(rng, plan, shared)
    suspects = _suspect_slots(rng, plan, shared)
    nominals = write_nominals(rng, plan, victims, suspects, shared, outwards)
    international = _international(rng, plan)
    countries = details.countries(rng, plan, [v.nationality for v in victims], suspects)
    ocg = pick(rng, dict(zip(("Yes", "No", "Unknown"), _ocg_weights(plan), strict=True)))
    return OpContent(
        plan=plan,
        victims=victims,
        suspects=suspects,
        nominals=nominals,
        details=details.static_details(rng, plan, outwards, countries if international else []),
        schedule=outcomes.schedule(rng, plan),
        ocg=ocg,
        international=international,
        europol_check=_europol(rng, plan, international),
        jit_from=_jit(rng, plan, international, ocg),
        type_known_from=1 if rng.random() < 0.12 else 0,
    )


def _victim_slots(rng: Random, plan: OpPlan, shared: dict[str, Person]) -> tuple[VictimSlot, ...]:
    slots = [
        VictimSlot(p.nationality, p.is_child_on(plan.opened), p.gender)
        for p in _shared_people(plan, "victim", shared)
    ]
    child_share, women, girls = AGE_GENDER[plan.type_code]
    while len(slots) < plan.victims:
        main = rng.random() < 0.75
        nat = plan.victim_nat if main else pick(rng, VICTIM_NATS[plan.category])
        child = rng.random() < child_share
        gender = "Female" if rng.random() < (girls if child else women) else "Male"
        slots.append(VictimSlot(nat, child, "Unknown" if rng.random() < 0.02 else gender))
    return tuple(slots)


def _suspect_slots(rng: Random, plan: OpPlan, shared: dict[str, Person]) -> tuple[str, ...]:
    nats = [p.nationality for p in _shared_people(plan, "suspect", shared)]
    while len(nats) < plan.suspects:
        main = rng.random() < 0.7
        nats.append(plan.suspect_nat if main else pick(rng, SUSPECT_NATS[plan.category]))
    return tuple(nats)


def _shared_people(plan: OpPlan, role: str, shared: dict[str, Person]) -> list[Person]:
    roles = sorted((s for s in plan.shared if s.role == role), key=lambda s: s.order)
    return [shared[s.person_id] for s in roles]


def _international(rng: Random, plan: OpPlan) -> bool:
    foreign = plan.victim_nat != "UK" or plan.suspect_nat != "UK"
    return rng.random() < (0.75 if foreign else 0.06)


def _ocg_weights(plan: OpPlan) -> tuple[float, float, float]:
    org = plan.org
    organised = org is not None and (org.kind == ROCU_KIND or org.short_name == "NCA")
    return (0.85, 0.05, 0.1) if organised else OCG[plan.category]


def _europol(rng: Random, plan: OpPlan, international: bool) -> date | None:
    if rng.random() < (0.6 if international else 0.04):
        return plan.opened + timedelta(days=rng.randint(2, 150))
    return None


def _jit(rng: Random, plan: OpPlan, international: bool, ocg: str) -> int | None:
    share = 0.35 if (international and ocg == "Yes") else 0.0
    return rng.randint(2, 8) if rng.random() < share else None
