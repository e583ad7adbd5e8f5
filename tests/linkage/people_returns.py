"""A small hand-built national picture for linkage tests, submitted as forces submit returns.

One woman (Nguyễn Thị Lan) is named by Cleveland, Durham and the Met, each writing her name
differently, one with day and month of birth swapped, all with the same phone written three
ways. A man is known to the Met and the GLAA under different spellings with the same passport.
Namesakes of Lan (same name, other birth dates and phones) are in Kent and Durham and must stay
apart. Around them, about 250 background people of five nationalities, some of whom a force
names in two of its own operations (clusters, but not threads: one organisation only).
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from random import Random
from typing import Any

from sqlalchemy import Engine

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from tests.builders import operation

Row = dict[str, Any]
PERIOD = Period(2018, 2)
LEADS = {
    "Cleveland": "Cleveland Police",
    "Durham": "Durham Constabulary",
    "Metropolitan": "Metropolitan Police Service",
    "GLAA": "GLAA",
    "Kent": "Kent Police",
    "Essex": "Essex Police",
}

NAMES = {
    "Romanian": (["Ion", "Andrei", "Mihai", "Elena", "Ioana", "Maria", "Florin", "Adrian"],
                 ["Popescu", "Ionescu", "Dumitru", "Stan", "Gheorghe", "Rusu", "Munteanu"]),
    "Polish": (["Piotr", "Tomasz", "Anna", "Katarzyna", "Marek", "Agnieszka", "Pawel"],
               ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski"]),
    "Albanian": (["Arben", "Besnik", "Elira", "Drita", "Gentian", "Ilir", "Mirela"],
                 ["Hoxha", "Berisha", "Shehu", "Gashi", "Krasniqi", "Leka", "Dervishi"]),
    "Vietnamese": (["Minh", "Tuan", "Hoa", "Mai", "Duc", "Linh", "Quang"],
                   ["Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"]),
    "UK": (["James", "Sarah", "David", "Emma", "Paul", "Claire", "Mark", "Lisa"],
           ["Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Walker"]),
}  # fmt: skip

LAN = "07700 900456"


def person(ref: str, nref: str, role: str, given: str | None, family: str | None, **kw: Any) -> Row:
    return {
        "operation_ref": ref,
        "nominal_ref": nref,
        "role": role,
        "given_name": given,
        "family_name": family,
        "aliases": kw.get("aliases"),
        "date_of_birth": kw.get("dob"),
        "estimated_age": kw.get("age"),
        "gender": kw.get("gender", "Female"),
        "nationality": kw.get("nationality", "Vietnamese"),
    }


def ident(ref: str, nref: str, kind: str, value: str) -> Row:
    return {"operation_ref": ref, "nominal_ref": nref, "kind": kind, "value": value}


def planted() -> dict[str, tuple[list[Row], list[Row]]]:
    """org -> (nominals, identifiers) of the people the tests are about."""
    return {
        "Cleveland": (
            [person("C1", "LAN", "Victim", "Thị Lan", "Nguyễn", dob="1990-03-07")],
            [ident("C1", "LAN", "Phone", LAN)],
        ),
        "Durham": (
            [
                person("D1", "LAN", "Victim", "Lan", "NGUYEN", dob="1990-07-03"),
                person("D2", "NS1", "Victim", "Thi Lan", "Nguyen", dob="1972-01-15"),
            ],
            [
                ident("D1", "LAN", "Phone", "+44 7700 900456"),
                ident("D2", "NS1", "Phone", "07700 900999"),
            ],
        ),
        "Metropolitan": (
            [
                person("M1", "LAN", "Victim", "Nguyen", "Thi Lan", dob="1990-03-07"),
                person(
                    "M2",
                    "AND",
                    "Suspect",
                    "Andrei",
                    "Ionescu",
                    dob="1979-10-02",
                    gender="Male",
                    nationality="Romanian",
                ),
            ],
            [
                ident("M1", "LAN", "Phone", "(07700) 900-456"),
                ident("M2", "AND", "Passport number", "AB 123456"),
            ],
        ),
        "GLAA": (
            [
                person(
                    "G1",
                    "AND",
                    "Suspect",
                    "Andrey",
                    "Ionesku",
                    age=40,
                    gender="Male",
                    nationality="Romanian",
                )
            ],
            [ident("G1", "AND", "Passport number", "ab123456")],
        ),
        "Kent": (
            [person("K1", "NS2", "Victim", "Lan", "Nguyen", dob="1985-11-20")],
            [ident("K1", "NS2", "Phone", "07700 900777")],
        ),
    }


def _background(rng: Random, org: str, refs: list[str], start: int) -> tuple[list[Row], list[Row]]:
    people, ids = [], []
    for number in range(start, start + 45):
        nationality = rng.choice(sorted(NAMES))
        givens, families = NAMES[nationality]
        dob = date(1960, 1, 1) + timedelta(days=rng.randrange(16000))
        role = rng.choice(["Victim", "Victim", "Suspect", "Other"])
        gender = rng.choice(["Female", "Male"])
        given, family = rng.choice(givens), rng.choice(families)
        phone = f"07700 {number:06d}"
        # every fifth person is named again in the force's next operation, written differently
        appearances = [refs[number % len(refs)]]
        if number % 5 == 0:
            appearances.append(refs[(number + 1) % len(refs)])
        for i, ref in enumerate(appearances):
            nref = f"B{number}"
            shown = family.upper() if i else family
            people.append(person(ref, nref, role, given, shown, dob=dob.isoformat(),
                                 gender=gender, nationality=nationality))  # fmt: skip
            ids.append(ident(ref, nref, "Phone", phone))
    return people, ids


def org_return(org: str, nominals: list[Row], identifiers: list[Row]) -> dict[str, list[Row]]:
    refs = sorted({n["operation_ref"] for n in nominals})
    ops, nationalities = [], []
    for ref in refs:
        mine = [n for n in nominals if n["operation_ref"] == ref]
        victims = sum(1 for n in mine if n["role"] == "Victim")
        ops.append(
            operation(
                ref, lead_org=LEADS[org], victims_adult_female=victims, victims_adult_male=0,
                suspects=sum(1 for n in mine if n["role"] == "Suspect"),
                arrests=0, nrm_referrals=0,
            )
        )  # fmt: skip
        for group, role in (("Potential victims", "Victim"), ("Suspects", "Suspect")):
            counts = Counter(n["nationality"] for n in mine if n["role"] == role)
            nationalities += [
                {"operation_ref": ref, "group": group, "nationality": k, "count": v}
                for k, v in sorted(counts.items())
            ]
    return {
        "operations": ops,
        "details": [],
        "nationalities": nationalities,
        "nominals": nominals,
        "identifiers": identifiers,
    }


def national_picture(with_background: bool = True) -> dict[str, dict[str, list[Row]]]:
    """org -> return rows."""
    rng = Random(11)
    out = {}
    for i, (org, (nominals, identifiers)) in enumerate(
        sorted({**planted(), "Essex": ([], [])}.items())
    ):
        nominals, identifiers = list(nominals), list(identifiers)
        if with_background:
            prefix = org[0]
            refs = [f"{prefix}{n}" for n in (1, 2, 3)]
            extra_people, extra_ids = _background(rng, org, refs, 1000 * (i + 1))
            nominals += extra_people
            identifiers += extra_ids
        out[org] = org_return(org, nominals, identifiers)
    return out


def load(
    engine: Engine,
    who: Principal,
    returns: dict[str, dict[str, list[Row]]],
    period: Period = PERIOD,
) -> None:
    for org, rows in returns.items():
        raw = RawReturn.from_rows(f"{org}.csv", rows)
        nil = not rows["operations"]  # an organisation with nothing to report says so
        result = submit_raw(engine, who, raw, org, period, "linkage test", nil=nil)
        assert result.outcome == Outcome.ACCEPTED, (org, result.issues[:3])
