"""What the model's levels tell apart on a file with many namesakes: one slip of the keyboard
from another name, an estimated age that agrees closely, and a household (another given name of
the other gender, sharing a phone and an address) from one person."""

from __future__ import annotations

from datetime import date, timedelta
from random import Random

import pytest

from msops.linkage.comparisons import WITH_THE_PHONE
from msops.linkage.dedupe import Resolution, dedupe
from msops.linkage.matcher import MatcherConfig
from msops.linkage.prepare import PersonInput
from msops.synthetic.names import draw_name
from msops.synthetic.people import typo

GROUPS = ("vn", "al", "ro", "uk", "pl", "iq")
TAKEN_ON = date(2017, 9, 1)


def _background(rng: Random) -> list[PersonInput]:
    """People with common names, 1-3 records each, a tenth with the family name mistyped; some
    with a phone and a postcode."""
    out = []
    for pid in range(1500):
        group = rng.choice(GROUPS[:5])
        female = rng.random() < 0.5
        given, family = draw_name(rng, group, female)
        dob = (date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))).isoformat()
        phone = f"+4477009{pid:05d}" if rng.random() < 0.5 else None
        for copy in range(rng.choice([1, 2, 2, 3])):
            out.append(
                PersonInput(
                    f"bg{pid}-{copy}",
                    f"org{copy}",
                    given,
                    typo(rng, family) if rng.random() < 0.1 else family,
                    dob,
                    gender="F" if female else "M",
                    nationality=group,
                    phone=phone if rng.random() < 0.6 else None,
                    postcode=f"E{pid % 20 + 1} {pid % 9 + 1}AB" if rng.random() < 0.5 else None,
                )
            )
    return out


def _households(rng: Random) -> list[PersonInput]:
    """Couples sharing a phone and a postcode, each partner on one or two dated records."""
    out = []
    for hid in range(120):
        contact = {"phone": f"+4477008{hid:05d}", "postcode": f"N{hid % 20 + 1} {hid % 9 + 1}HH"}
        group = rng.choice(GROUPS[:5])
        family = draw_name(rng, group, False)[1]
        for who, female in (("a", False), ("b", True)):
            given = draw_name(rng, group, female)[0]
            dob = (date(1950, 1, 1) + timedelta(days=rng.randint(0, 20000))).isoformat()
            for copy in range(rng.choice([1, 2])):
                gender = "F" if female else "M"
                rid = f"hh{hid}{who}-{copy}"
                out.append(PersonInput(rid, f"org{copy}", given, family, dob, gender, **contact))
    return out


HOUSEHOLD = {"phone": "+447700955501", "postcode": "E15 8EZ", "nationality": "iq"}
HOUSEHOLD_2 = {"phone": "+447700955502", "postcode": "LS18 8ES", "nationality": "ro"}
PLANTED = [
    # one woman, her family name mistyped once in a record with only an age
    PersonInput("ioana-dob", "org1", "Ioana", "Popescu", "1990-03-04", gender="F"),
    PersonInput("ioana-age", "org2", "Ioana", "Popesuc", estimated_age=27, age_on=TAKEN_ON),
    # a couple: one family name, other given names and genders, one phone and address
    PersonInput("sara-dob", "org1", "Sara", "Abdallah", "1966-10-18", gender="F", **HOUSEHOLD),
    PersonInput(
        "hassan-age",
        "org2",
        "Hassan",
        "Abdallah",
        estimated_age=51,
        age_on=TAKEN_ON,
        gender="M",
        **HOUSEHOLD,
    ),
    # a couple whose given names are spelt alike, sharing a phone and an address
    PersonInput("cristian", "org1", "Cristian", "Gheorghe", "1984-07-16", "M", **HOUSEHOLD_2),
    PersonInput("cristina", "org2", "Cristina", "Gheorghe", "1977-11-06", "F", **HOUSEHOLD_2),
]


# one man whose family name is mistyped once, among other men whose names are each one letter
# from his (each name rare, so counting the name alone would call the typo strong evidence)
CROWDED = [
    PersonInput("arben-1", "org1", "Arben", "Kolla", "1980-02-03", gender="M"),
    PersonInput("arben-2", "org2", "Arben", "Kola", "1980-02-03", gender="M"),
    *(
        PersonInput(f"near-{i}", "org3", "Arben", name, f"19{60 + i}-0{i % 9 + 1}-11", gender="M")
        for i, name in enumerate(["Kolle", "Kolka", "Kolle", "Kollas", "Kolia", "Kolka"])
    ),
]
# and one woman with a rare name and no neighbours, mistyped the same way
ALONE = [
    PersonInput("elira-1", "org1", "Elira", "Dushaj", "1980-02-03", gender="F"),
    PersonInput("elira-2", "org2", "Elira", "Dushj", "1980-02-03", gender="F"),
]

# two people with rare names, one written on four records, the other on two
MANY = [PersonInput(f"dritan-{i}", f"org{i}", "Dritan", "Zeqiri", "1979-06-12") for i in range(4)]
FEW = [PersonInput(f"mirela-{i}", f"org{i}", "Mirela", "Shkurti", "1979-06-12") for i in range(2)]


@pytest.fixture(scope="module")
def resolved() -> Resolution:
    people = PLANTED + CROWDED + ALONE + MANY + FEW + _background(Random(5))
    people += _households(Random(6))
    return dedupe(people, MatcherConfig(seed=3, keep_pairs_from=1e-9, evidence=True))


def _evidence(resolved: Resolution, a: str, b: str) -> dict[str, str]:
    pair = next(p for p in resolved.scored.pairs if {p.left, p.right} == {a, b})
    return {field: level for field, level, _weight in pair.evidence}


def test_one_slip_of_the_keyboard_is_its_own_level_and_links(resolved: Resolution) -> None:
    evidence = _evidence(resolved, "ioana-dob", "ioana-age")
    assert evidence["name"] == "one letter different"
    assert evidence["date_of_birth"] == "estimated age agrees"  # 27 on 2017-09-01: born 1989.7
    assert resolved.clusters["ioana-dob"] == resolved.clusters["ioana-age"]


def test_a_household_of_two_genders_is_not_one_person(resolved: Resolution) -> None:
    """Same family name, phone and address, an age that fits: without gender weighed by the
    given names, agreeing fields outweighed a gender that cannot be one person's."""
    evidence = _evidence(resolved, "sara-dob", "hassan-age")
    assert evidence["gender"] == "different, another given name"
    assert resolved.clusters["sara-dob"] != resolved.clusters["hassan-age"]


def _weight(resolved: Resolution, a: str, b: str, field: str) -> float:
    pair = next(p for p in resolved.scored.pairs if {p.left, p.right} == {a, b})
    return next(w for f, _level, w in pair.evidence if f == field)


def test_a_typo_among_names_one_letter_apart_weighs_less(resolved: Resolution) -> None:
    """ "Kolla" / "Kola" could be another of the men whose names are a letter away; "Dushaj" /
    "Dushj" has no such neighbours. Both names are rare, so only the neighbourhood tells."""
    assert _evidence(resolved, "arben-1", "arben-2")["name"] == "one letter different"
    assert _evidence(resolved, "elira-1", "elira-2")["name"] == "one letter different"
    crowded = _weight(resolved, "arben-1", "arben-2", "name")
    alone = _weight(resolved, "elira-1", "elira-2", "name")
    assert crowded < alone - 1.5, (crowded, alone)


def test_a_name_on_many_records_of_one_person_is_still_rare(resolved: Resolution) -> None:
    """How common a name is among other people does not depend on how many records its one
    holder has: counted in records, Dritan Zeqiri's four records made his name look twice as
    common as Mirela Shkurti's, and its agreement weigh a bit less."""
    many = _weight(resolved, "dritan-0", "dritan-1", "name")
    few = _weight(resolved, "mirela-0", "mirela-1", "name")
    assert abs(many - few) < 0.3, (many, few)


def test_a_shared_phone_and_postcode_are_one_piece_of_evidence(resolved: Resolution) -> None:
    """A household shares both: counted as two, they outweighed two dates of birth and two
    genders between given names spelt alike (Cristian, Cristina)."""
    evidence = _evidence(resolved, "cristian", "cristina")
    assert evidence["postcode"] == WITH_THE_PHONE
    assert abs(_weight(resolved, "cristian", "cristina", "postcode")) < 1.0
    assert resolved.clusters["cristian"] != resolved.clusters["cristina"]
