"""The Nominals and Identifiers an organisation records for one operation.

Forces name the people they have identified: most victims, most suspects, and a few others
(associates, landlords, drivers). A person shared with another organisation's operation is
written the way this organisation writes it, with one or two of the usual variations.
"""

from __future__ import annotations

from dataclasses import dataclass
from random import Random

from msops.domain.reference import Organisation
from msops.synthetic import idents
from msops.synthetic.geography import postcode
from msops.synthetic.labels import label
from msops.synthetic.model import OpPlan, Row, VictimSlot
from msops.synthetic.people import Person, Traits, make_person, record, usual_variations

NAMED_VICTIMS = 0.85  # share of counted victims a force names
NAMED_SUSPECTS = 0.9
MAX_NAMED_VICTIMS = 12
OTHERS, OTHERS_WEIGHTS = (0, 1, 2, 3, 4), (0.15, 0.3, 0.25, 0.17, 0.13)  # associates per operation
SHARED_VARIATIONS = ("ascii", "swap", "typo", "alias", "dob_swap", "age_only")


@dataclass(frozen=True)
class NominalRecord:
    ref: str
    person_id: str
    role: str  # victim, suspect or other
    slot: int  # the victim or suspect slot it stands for; -1 for others
    row: Row
    identifiers: tuple[Row, ...]


@dataclass
class _Writer:
    rng: Random
    plan: OpPlan
    outwards: list[str]
    premises: str | None  # where the victims were found, if at one address
    records: list[NominalRecord]

    def add(self, person: Person, role: str, slot: int, shared: bool) -> None:
        rng, org = self.rng, self.plan.org
        assert org is not None
        variations = usual_variations(rng, person, role, _caps(org))
        if shared and rng.random() < 0.75:
            variations |= set(rng.sample(SHARED_VARIATIONS, rng.randint(1, 2)))
        ref = _nominal_ref(org, role, len(self.records), self._count(role))
        row: Row = {"operation_ref": self.plan.ref, "nominal_ref": ref, "role": label("role", role)}
        row.update(record(rng, person, self.plan.opened, variations))
        ids = self._identifiers(person, role, ref, shared)
        self.records.append(NominalRecord(ref, person.pid, role, slot, row, ids))

    def new_person(self, traits: Traits) -> Person:
        """Someone only this operation knows, with an id of the ground truth."""
        pid = f"P{self.plan.uid:06d}-{len(self.records) + 1:02d}"
        return make_person(self.rng, pid, traits)

    def _count(self, role: str) -> int:
        return sum(1 for r in self.records if r.role == role)

    def _identifiers(self, person: Person, role: str, ref: str, shared: bool) -> tuple[Row, ...]:
        keep = 0.9 if shared else 0.85
        chosen = [(k, v) for k, v in person.identifiers if self.rng.random() < keep]
        if role == "victim" and self.premises is not None and self.rng.random() < 0.7:
            chosen.append(("postcode", self.premises))
        rows: list[Row] = []
        for kind, value in dict.fromkeys(chosen):
            rows.append(
                {
                    "operation_ref": self.plan.ref,
                    "nominal_ref": ref,
                    "kind": label("identifier_kind", kind),
                    "value": idents.written(self.rng, kind, value),
                }
            )
        return tuple(rows)


def write_nominals(
    rng: Random,
    plan: OpPlan,
    victims: tuple[VictimSlot, ...],
    suspects: tuple[str, ...],
    shared: dict[str, Person],
    outwards: list[str],
) -> tuple[NominalRecord, ...]:
    premises = postcode(rng, rng.choice(outwards)) if rng.random() < 0.4 else None
    writer = _Writer(rng, plan, outwards, premises, [])
    by_slot = {(s.role, s.order): shared[s.person_id] for s in plan.shared}
    for i, nationality in enumerate(suspects):
        person = by_slot.get(("suspect", i))
        if person is None and rng.random() < NAMED_SUSPECTS:
            female = rng.random() < (0.3 if plan.category == "sexual" else 0.15)
            person = writer.new_person(_traits(rng, plan, "suspect", nationality, female, outwards))
        if person is not None:
            writer.add(person, "suspect", i, ("suspect", i) in by_slot)
    for i, slot in enumerate(victims):
        person = by_slot.get(("victim", i))
        if person is None and i < MAX_NAMED_VICTIMS and rng.random() < NAMED_VICTIMS:
            person = writer.new_person(_victim_traits(rng, plan, slot, outwards))
        if person is not None:
            writer.add(person, "victim", i, ("victim", i) in by_slot)
    for _ in range(rng.choices(OTHERS, OTHERS_WEIGHTS)[0]):
        nat = "UK" if rng.random() < 0.6 else plan.suspect_nat
        other = _traits(rng, plan, "other", nat, rng.random() < 0.4, outwards)
        writer.add(writer.new_person(other), "other", -1, False)
    return tuple(writer.records)


def _traits(
    rng: Random, plan: OpPlan, role: str, nationality: str, female: bool, outwards: list[str]
) -> Traits:
    return Traits(
        role=role,
        nationality=nationality,
        gender="Female" if female else "Male",
        child=False,
        seen_on=plan.opened,
        sexual=plan.category == "sexual",
        outward=rng.choice(outwards),
    )


def _victim_traits(rng: Random, plan: OpPlan, slot: VictimSlot, outwards: list[str]) -> Traits:
    return Traits(
        role="victim",
        nationality=slot.nationality,
        gender=slot.gender,
        child=slot.child,
        seen_on=plan.opened,
        sexual=plan.category == "sexual",
        outward=rng.choice(outwards),
    )


def _caps(org: Organisation) -> bool:
    """Some organisations write family names in capitals, as many police systems do."""
    return sum(map(ord, org.short_name)) % 3 == 0


def _nominal_ref(org: Organisation, role: str, overall: int, within_role: int) -> str:
    style = sum(map(ord, org.name)) % 3
    if style == 0:
        return f"{role[0].upper()}{within_role + 1}"
    if style == 1:
        return f"N{overall + 1:03d}"
    return f"NOM-{overall + 1}"
