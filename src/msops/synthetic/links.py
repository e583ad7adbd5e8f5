"""People who turn up in the operations of two or three different organisations.

A few percent of suspects and a smaller share of victims are shared: the later operation is of
the same kind, opened within nine months of the first and, more often than not, in the same
region. Sometimes the forces know of each other and list the other's operation as linked.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from random import Random

from msops.synthetic.geography import district, forces_of
from msops.synthetic.model import OpPlan, SharedRole
from msops.synthetic.people import Person, Traits, make_person
from msops.synthetic.profiles import AGE_GENDER

SUSPECT_LINK_SHARE = 0.09  # of operations, one of whose suspects is also someone else's
VICTIM_LINK_SHARE = 0.05
THIRD_ORG_SHARE = 0.3
KNOWN_LINK_SHARE = 0.35  # links the forces have found themselves (Linked operation detail)
WINDOW_DAYS = 270
CANDIDATES = 12


def plan_links(seed: int, ops: list[OpPlan]) -> dict[str, Person]:
    """Shared people, keyed by person id; each operation's plan lists the roles they take."""
    rng = Random(f"msops:{seed}:links")
    ordered = sorted(ops, key=lambda o: (o.opened, o.uid))
    days = [o.opened.toordinal() for o in ordered]
    persons: dict[str, Person] = {}
    for op in ordered:
        for role, share in (("suspect", SUSPECT_LINK_SHARE), ("victim", VICTIM_LINK_SHARE)):
            if rng.random() < share and _room(op, role):
                group = _group(rng, op, ordered, days, role)
                if len(group) > 1:
                    person = _person(seed, rng, len(persons), op, role)
                    persons[person.pid] = person
                    _share(rng, person, role, group)
    return persons


def _room(op: OpPlan, role: str) -> bool:
    return role == "suspect" or op.victims > op.shared_count("victim")


def _group(
    rng: Random, op: OpPlan, ordered: list[OpPlan], days: list[int], role: str
) -> list[OpPlan]:
    group = [op]
    wanted = 3 if rng.random() < THIRD_ORG_SHARE else 2
    day = op.opened.toordinal()
    low, high = bisect_left(days, day - WINDOW_DAYS), bisect_right(days, day + WINDOW_DAYS)
    while len(group) < wanted:
        partner = _partner(rng, op, ordered[low:high], group, role)
        if partner is None:
            break
        group.append(partner)
    return group


def _partner(
    rng: Random, op: OpPlan, window: list[OpPlan], group: list[OpPlan], role: str
) -> OpPlan | None:
    taken = {o.org.short_name for o in group if o.org is not None}
    best: tuple[float, OpPlan] | None = None
    for other in rng.sample(window, min(CANDIDATES, len(window))):
        if other.org is None or other.org.short_name in taken or not _room(other, role):
            continue
        if other.category != op.category:
            continue
        assert op.org is not None
        score = rng.random() + (2.0 if other.org.region == op.org.region else 0.0)
        if best is None or score > best[0]:
            best = (score, other)
    return None if best is None else best[1]


def _person(seed: int, rng: Random, number: int, op: OpPlan, role: str) -> Person:
    pid = f"X{number + 1:05d}"
    child_share, women, girls = AGE_GENDER[op.type_code]
    child = role == "victim" and rng.random() < child_share
    female = rng.random() < ((girls if child else women) if role == "victim" else 0.2)
    assert op.org is not None
    traits = Traits(
        role=role,
        nationality=op.victim_nat if role == "victim" else op.suspect_nat,
        gender="Female" if female else "Male",
        child=child,
        seen_on=op.opened,
        sexual=op.category == "sexual",
        outward=district(rng, rng.choice(forces_of(op.org))),
    )
    return make_person(Random(f"msops:{seed}:person:{pid}"), pid, traits)


def _share(rng: Random, person: Person, role: str, group: list[OpPlan]) -> None:
    for op in group:
        op.shared.append(SharedRole(person.pid, role, op.shared_count(role)))
        if role == "suspect":
            op.suspects = max(op.suspects, op.shared_count("suspect"))
    if rng.random() < KNOWN_LINK_SHARE:
        first, *later = sorted(group, key=lambda o: (o.opened, o.uid))
        assert first.org is not None
        for op in later:
            value = f"{first.org.short_name} / {first.ref}"
            if value not in op.linked:
                op.linked.append(value)
