"""People of the synthetic ground truth, and how one organisation's record of them reads.

A `Person` is who someone really is. `record` writes the Nominals fields one organisation holds:
the same person seen by two forces may lose the diacritics of their name, have given and family
names swapped, a typo, an alias, a date of birth with day and month swapped, or only an
estimated age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from random import Random

from unidecode import unidecode

from msops.synthetic import idents
from msops.synthetic.geography import postcode
from msops.synthetic.model import Row
from msops.synthetic.names import (
    FAMILY_NAME_FIRST,
    FEMALE_ALIASES,
    MALE_ALIASES,
    draw_name,
    name_group,
)

VARIATIONS = ("ascii", "swap", "typo", "alias", "dob_swap", "age_only", "caps")


@dataclass(frozen=True)
class Person:
    pid: str
    nationality: str
    group: str
    gender: str  # Female, Male or Unknown
    given: str
    family: str
    dob: date
    alias: str
    identifiers: tuple[tuple[str, str], ...]  # (identifier kind code, canonical value)

    def age_on(self, day: date) -> int:
        before = (day.month, day.day) < (self.dob.month, self.dob.day)
        return day.year - self.dob.year - before

    def is_child_on(self, day: date) -> bool:
        return self.age_on(day) < 18


@dataclass(frozen=True)
class Traits:
    """What decides a new person: who they are in the operation that first records them."""

    role: str  # victim, suspect or other
    nationality: str
    gender: str
    child: bool
    seen_on: date  # the operation's opening date
    sexual: bool  # sexual exploitation: advert handles are common
    outward: str  # the postcode district they are found in


def make_person(rng: Random, pid: str, traits: Traits) -> Person:
    group = name_group(rng, traits.nationality)
    female = traits.gender == "Female" or (traits.gender == "Unknown" and rng.random() < 0.5)
    given, family = draw_name(rng, group, female)
    dob = _birth_date(rng, traits)
    ids = _identifiers(rng, traits, given, family, pid)
    alias = rng.choice(FEMALE_ALIASES if female else MALE_ALIASES)
    return Person(pid, traits.nationality, group, traits.gender, given, family, dob, alias, ids)


def record(rng: Random, person: Person, seen_on: date, variations: set[str]) -> Row:
    """The Nominals fields (without the references and role) for one record of the person."""
    given, family = person.given, person.family
    if "ascii" in variations:
        given, family = unidecode(given), unidecode(family)
    if "typo" in variations:
        family = typo(rng, family)
    if "swap" in variations:
        given, family = family, given
    aliases = person.alias if "alias" in variations else None
    if "caps" in variations:
        family = family.upper()
    dob: date | None = person.dob
    age: int | None = None
    if "dob_swap" in variations and person.dob.day <= 12 and person.dob.day != person.dob.month:
        dob = date(person.dob.year, person.dob.day, person.dob.month)
    if "age_only" in variations:
        dob, age = None, max(1, person.age_on(seen_on) + rng.randint(-2, 2))
    return {
        "given_name": given,
        "family_name": family,
        "aliases": aliases,
        "date_of_birth": None if dob is None else dob.isoformat(),
        "estimated_age": age,
        "gender": person.gender,
        "nationality": person.nationality,
    }


def usual_variations(rng: Random, person: Person, role: str, caps: bool) -> set[str]:
    """How a record is usually written: most names lose their accents in police systems."""
    out: set[str] = set()
    if rng.random() < 0.65:
        out.add("ascii")
    if person.group in FAMILY_NAME_FIRST and rng.random() < 0.15:
        out.add("swap")
    if rng.random() < (0.3 if role == "victim" else 0.1):
        out.add("age_only")
    if rng.random() < (0.25 if role == "suspect" else 0.05):
        out.add("alias")
    if caps:
        out.add("caps")
    return out


def typo(rng: Random, name: str) -> str:
    """The name with one slip of the keyboard: two letters swapped, one dropped or doubled."""
    if len(name) < 4:
        return name + name[-1]
    i = rng.randint(1, len(name) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if kind == 1:
        return name[:i] + name[i + 1 :]
    return name[:i] + name[i] + name[i:]


def _birth_date(rng: Random, traits: Traits) -> date:
    if traits.child:
        age = rng.randint(13, 17) if traits.role == "victim" else rng.randint(15, 17)
    elif traits.role == "suspect":
        age = min(70, 19 + int(rng.expovariate(1 / 13)))
    else:
        age = min(65, 18 + int(rng.expovariate(1 / 11)))
    seen = traits.seen_on
    birthday = date(seen.year - age, seen.month, min(seen.day, 28))
    return birthday - timedelta(days=rng.randint(0, 360))


def _identifiers(
    rng: Random, traits: Traits, given: str, family: str, pid: str
) -> tuple[tuple[str, str], ...]:
    """The person's own identifiers: an email or advert handle carries a number of theirs
    (never derived from the name alone, so namesakes do not share them)."""
    nat, role = traits.nationality, traits.role
    suspect = role == "suspect"
    out: list[tuple[str, str]] = []
    for _ in range(_phones(rng, role)):
        out.append(("phone", idents.phone(rng, nat)))
    if rng.random() < (0.35 if suspect else 0.12):
        out.append(("vehicle", idents.vehicle(rng)))
    if rng.random() < (0.25 if suspect else 0.1):
        out.append(("email", idents.email(rng, nat, given, family, pid)))
    if rng.random() < (0.5 if role != "victim" else 0.3):
        out.append(("postcode", postcode(rng, traits.outward)))
    if nat != "UK" and rng.random() < (0.3 if suspect else 0.35):
        out.append(("passport", idents.passport(rng, nat)))
    if rng.random() < (0.3 if suspect else 0.08):
        out.append(("bank_account", idents.bank_account(rng, nat)))
    if role != "other" and rng.random() < (0.4 if traits.sexual else 0.05):
        out.append(("advert_handle", idents.handle(rng, given, traits.sexual, pid)))
    return tuple(out)


def _phones(rng: Random, role: str) -> int:
    if role == "suspect":
        return rng.choices((0, 1, 2, 3), (0.15, 0.5, 0.25, 0.1))[0]
    return 1 if rng.random() < (0.5 if role == "victim" else 0.45) else 0
