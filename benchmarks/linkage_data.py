"""Evaluation data for `msops link dedupe`: a synthetic set of people with known truth, and FEBRL3.

People have the nationalities seen in NRM referrals and the names their communities carry. A
share of each community carries one of the short lists of common names of
`msops.synthetic.names` (the share real name statistics give those names: 95% of Vietnamese
people, 45% of Chinese, 10% of British; see `FAMILY_SHARE`), so many different people share a
name; the others a rarer name of the same sound (a long tail, as in a real population).
`--dense` gives half of every community a common name (the evaluation set of the first four
linkage steps: several times the namesakes of a real population); `--narrow` gives everyone a
common name (the stress set). 6% of people live with someone already drawn and share their
phone and postcode (a household). Each is recorded by one to four organisations, each record
written with the errors forces make: diacritics dropped, family name first, typos, an alias for
a given name, day and month of birth swapped, a mistyped digit (never a date in the future),
only an estimated age, a name in Cyrillic, fields left blank.

    python benchmarks/linkage_data.py --people 100000 --out /tmp/linkage   # people.csv, truth.csv
    python benchmarks/linkage_data.py --people 100000 --dense --out /tmp/linkage
    python benchmarks/linkage_data.py --febrl3 --out /tmp/linkage          # febrl3.csv, ...
"""

from __future__ import annotations

import argparse
import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from random import Random

from unidecode import unidecode

from msops.synthetic.names import (
    FAMILY_NAME_FIRST,
    FEMALE_ALIASES,
    MALE_ALIASES,
    NAMES,
    draw_name,
    feminine,
)
from msops.synthetic.names import name_group as _group
from msops.synthetic.people import typo

# FEBRL 3, kept beside the benchmarks with its licences (data/README.md).
FEBRL3 = Path(__file__).resolve().parent / "data" / "linkage" / "dataset3.csv"

# Nationalities of potential victims and suspects, weighted roughly as in NRM referrals.
NATIONALITIES = {
    "UK": 30, "Albanian": 12, "Vietnamese": 9, "Romanian": 6, "Sudanese": 4, "Eritrean": 4,
    "Chinese": 3, "Polish": 3, "Nigerian": 3, "Indian": 2, "Pakistani": 2, "Iraqi": 2,
    "Afghan": 2, "Iranian": 2, "Slovak": 2, "Lithuanian": 1, "Bulgarian": 2, "Hungarian": 1,
    "Ghanaian": 1, "Ethiopian": 1, "Egyptian": 1, "Czech": 1, "Filipino": 1, "Thai": 1,
}  # fmt: skip
ORGS = [f"org{i:02d}" for i in range(1, 49)]
_CYRILLIC = dict(
    zip(
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "ts",
            "ch",
            "sh",
            "sht",
            "a",
            "yu",
            "ya",
        ],
        [
            "а",
            "б",
            "в",
            "г",
            "д",
            "е",
            "ж",
            "з",
            "и",
            "й",
            "к",
            "л",
            "м",
            "н",
            "о",
            "п",
            "р",
            "с",
            "т",
            "у",
            "ф",
            "х",
            "ц",
            "ч",
            "ш",
            "щ",
            "ъ",
            "ю",
            "я",
        ],
        strict=True,
    )
)
FIELDS = [
    "record_id", "source", "given_name", "surname", "dob", "estimated_age", "age_on",
    "gender", "nationality", "phone", "postcode", "address",
]  # fmt: skip


@dataclass(frozen=True)
class Person:
    pid: int
    nationality: str
    group: str
    female: bool
    given: str
    family: str
    dob: date
    phone: str | None
    postcode: str


# The share of a group's people who carry one of its listed (common) family names; the others
# carry a rarer name of the same sound, so that name frequencies have a long tail as in real
# populations. From national statistics where they were at hand:
# - uk: the 24 listed names are about 10% of people in England and Wales (Smith 1.2-1.4%, Jones
#   0.9-1.1%, Williams 0.6-0.7%, ..., Cooper 0.25%: GRO deaths 1984-97 and the 1996 electoral
#   register, in P. Dance's comparative table of leading surnames);
# - cn: the 12 listed names are about 45% of people in China (Wang 7.25%, Li 7.19%, Zhang
#   6.83%, seven more each over 20 million of 1.3 billion: Ministry of Public Security, 2007);
# - vn: Nguyễn alone is about 38%, the listed names together about 90%;
# - pl: the 9 listed names are about 2.7% of Poles (Nowak 204,000, Kowalski 138,000, ...,
#   Szymański 88,000 of 38 million: PESEL register, dane.gov.pl, 2019-20);
# - ro: the 11 listed names are about 6% of Romanians (Popa the commonest, Popescu about
#   130,000 people of 19 million).
# Groups without a figure keep `SHARE_DEFAULT`, a half: several of them take the family name
# from a father's given name (Eritrean, Sudanese, Somali), which concentrates family names as
# given names are.
FAMILY_SHARE = {"vn": 0.95, "cn": 0.45, "uk": 0.10, "pl": 0.03, "ro": 0.06}
# Likewise for given names. Chinese given names are far more varied than the 12 listed: the
# commonest full name, Zhang Wei, is about 300,000 people, 0.34% of the Zhangs (Ministry of
# Public Security, 2019), so the 12 names together are a few per cent.
GIVEN_SHARE = {"cn": 0.05}
SHARE_DEFAULT = 0.5
# The harder evaluation set (`--dense`): half of every group, 85% of
# Chinese and 95% of Vietnamese family names, on the short lists.
DENSE_FAMILY_SHARE = {"vn": 0.95, "cn": 0.85}
# (family name shares, given name shares) of each set but "narrow" (everyone on the lists)
SHARES = {"people": (FAMILY_SHARE, GIVEN_SHARE), "dense": (DENSE_FAMILY_SHARE, {})}


def rarer_name(rng: Random, pool: list[str]) -> str:
    """A name of the same sound as the group's common ones: the start of one, the end of another."""
    first, second = rng.sample(pool, 2)
    head = first[: rng.randint(2, max(2, len(first) // 2 + 1))]
    tail = second[rng.randint(max(1, len(second) // 2 - 1), max(1, len(second) - 2)) :]
    return (head + tail).capitalize()


def draw_population_name(rng: Random, group: str, female: bool, names: str) -> tuple[str, str]:
    """(given, family): the common names of `draw_name`, or a rarer one at `names`' shares."""
    given, family = draw_name(rng, group, female)
    if names == "narrow":
        return given, family
    male, women, families = NAMES[group]
    family_share, given_share = SHARES[names]
    if rng.random() > given_share.get(group, SHARE_DEFAULT):
        *particle, _common = given.split()
        given = " ".join([*particle, rarer_name(rng, (women if female else male).split())])
    if rng.random() > family_share.get(group, SHARE_DEFAULT):
        pool = [f for f in families.split() if f != "Dela"]
        family = rarer_name(rng, sorted(set(pool)))
        family = feminine(group, family) if female else family
    return given, family


def household_member(rng: Random, pid: int, of: Person, names: str) -> Person:
    """Someone of the same family: same family name, phone and postcode, another given name."""
    female = rng.random() < 0.5
    given, _family = draw_population_name(rng, of.group, female, names)
    family = feminine(of.group, of.family) if female else of.family
    if not female and of.female and of.group in ("pl", "sk", "lt", "lv", "bg"):
        # her husband: his own family name
        family = draw_population_name(rng, of.group, False, names)[1]
    dob = date(2018, 1, 1) - timedelta(days=rng.randint(14 * 365, 60 * 365))
    return Person(pid, of.nationality, of.group, female, given, family, dob, of.phone, of.postcode)


def make_person(rng: Random, pid: int, names: str) -> Person:
    nationality = rng.choices(list(NATIONALITIES), list(NATIONALITIES.values()))[0]
    group = _group(rng, nationality)
    female = rng.random() < 0.45
    given, family = draw_population_name(rng, group, female, names)
    dob = date(2018, 1, 1) - timedelta(days=rng.randint(14 * 365, 60 * 365))
    phone = f"+447{rng.randint(100000000, 999999999)}" if rng.random() < 0.6 else None
    area = rng.choice(["B", "M", "LS", "L", "BD", "NG", "E", "N", "SE", "CF", "G", "S"])
    postcode = f"{area}{rng.randint(1, 30)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    postcode += rng.choice("ABDEFGHJLNPQRSTUWXYZ")
    return Person(pid, nationality, group, female, given, family, dob, phone, postcode)


def to_cyrillic(name: str) -> str:
    out, i, text = [], 0, unidecode(name).lower()
    while i < len(text):
        for size in (3, 2, 1):
            part = text[i : i + size]
            if part in _CYRILLIC:
                out.append(_CYRILLIC[part])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return "".join(out).capitalize()


def write_record(rng: Random, person: Person, rid: str, source: str) -> dict[str, object]:
    given, family = person.given, person.family
    if rng.random() < 0.65:
        given, family = unidecode(given), unidecode(family)
    if person.group == "bg" and rng.random() < 0.3:
        given, family = to_cyrillic(given), to_cyrillic(family)
    if rng.random() < 0.15:
        family = typo(rng, family)
    if rng.random() < 0.08:
        given = typo(rng, given)
    if rng.random() < 0.04:
        given = rng.choice(FEMALE_ALIASES if person.female else MALE_ALIASES)
    if rng.random() < (0.3 if person.group in FAMILY_NAME_FIRST else 0.08):
        given, family = family, given
    if rng.random() < 0.1:
        family = family.upper()
    seen = date(2017, 1, 1) + timedelta(days=rng.randint(0, 700))
    dob: str = person.dob.isoformat()
    age: object = ""
    roll = rng.random()
    if roll < 0.08 and person.dob.day <= 12:
        dob = date(person.dob.year, person.dob.day, person.dob.month).isoformat()
    elif roll < 0.12:
        dob = _dob_typo(rng, person.dob)
    elif roll < 0.27:
        years = (
            seen.year
            - person.dob.year
            - ((seen.month, seen.day) < (person.dob.month, person.dob.day))
        )
        dob, age = "", max(1, years + rng.randint(-2, 2))
    phone = person.phone if person.phone and rng.random() < 0.5 else ""
    postcode = person.postcode if rng.random() < 0.5 else ""
    return {
        "record_id": rid,
        "source": source,
        "given_name": given,
        "surname": family,
        "dob": dob,
        "estimated_age": age,
        "age_on": seen.isoformat() if age != "" else "",
        "gender": ("Female" if person.female else "Male") if rng.random() < 0.9 else "",
        "nationality": person.nationality if rng.random() < 0.9 else "",
        "phone": phone,
        "postcode": postcode,
        "address": "",
    }


def _dob_typo(rng: Random, dob: date) -> str:
    text = list(dob.isoformat())
    position = rng.choice([2, 3, 8, 9])
    text[position] = str(rng.randint(0, 9))
    candidate = "".join(text)
    try:
        typed = date.fromisoformat(candidate)
    except ValueError:
        return dob.isoformat()
    # a force's system refuses a birth date in the future or a birth before 1900
    return candidate if date(1900, 1, 1) <= typed <= date(2017, 1, 1) else dob.isoformat()


def people_rows(
    n_records: int, seed: int = 4, names: str = "people"
) -> tuple[list[dict[str, object]], dict[str, str]]:
    """About `n_records` records and the truth (record id -> person id).

    `names`: "people" (common names at the shares real name statistics give them), "dense" (half
    of every community on the common names: the harder evaluation set) or
    "narrow" (everyone on them: the stress set; far more namesakes than a real population has,
    see docs/benchmarks.md)."""
    rng = Random(f"msops-linkage-eval:{seed}")
    rows: list[dict[str, object]] = []
    truth: dict[str, str] = {}
    pid = 0
    previous: Person | None = None
    while len(rows) < n_records:
        # 6% of people live with someone already drawn and share their phone and address
        if previous is not None and previous.phone and rng.random() < 0.06:
            person = household_member(rng, pid, previous, names)
        else:
            person = make_person(rng, pid, names)
        previous = person
        copies = 1 if rng.random() < 0.4 else rng.randint(2, 4)
        for source in rng.sample(ORGS, copies):
            rid = f"r{len(rows):07d}"
            rows.append(write_record(rng, person, rid, source))
            truth[rid] = f"p{pid}"
        pid += 1
    order = list(range(len(rows)))
    rng.shuffle(order)
    return [rows[i] for i in order], truth


def febrl3_rows(path: Path) -> tuple[list[dict[str, object]], dict[str, str]]:
    """FEBRL3 as a person file: address fields joined, identity number dropped."""
    rows: list[dict[str, object]] = []
    truth: dict[str, str] = {}
    with path.open(newline="") as handle:
        for r in csv.DictReader(handle, skipinitialspace=True):
            parts = ("street_number", "address_1", "address_2", "suburb", "state")
            dob = r["date_of_birth"].strip()
            rows.append(
                {
                    "record_id": r["rec_id"],
                    "given_name": r["given_name"],
                    "surname": r["surname"],
                    "dob": f"{dob[:4]}-{dob[4:6]}-{dob[6:]}" if len(dob) == 8 else "",
                    "postcode": r["postcode"],
                    "address": " ".join(r[p].strip() for p in parts if r[p].strip()),
                }
            )
            truth[r["rec_id"]] = r["rec_id"].split("-")[1]
    return rows, truth


def write(folder: Path, name: str, rows: list[dict[str, object]], truth: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{name}.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, FIELDS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with (folder / f"{name}_truth.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["record_id", "true_cluster"])
        out.writerows(truth.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=0, help="records of synthetic people")
    parser.add_argument("--febrl3", action="store_true", help="also write FEBRL3 as a person file")
    variant = parser.add_mutually_exclusive_group()
    variant.add_argument("--dense", action="store_true", help="half on common names (harder)")
    variant.add_argument("--narrow", action="store_true", help="common names only (stress set)")
    parser.add_argument("--seed", type=int, default=4, help="another seed: another population")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.people:
        names = "narrow" if args.narrow else "dense" if args.dense else "people"
        prefix = names + ("" if args.seed == 4 else f"_s{args.seed}")
        rows = people_rows(args.people, seed=args.seed, names=names)
        write(args.out, f"{prefix}_{args.people}", *rows)
    if args.febrl3:
        write(args.out, "febrl3", *febrl3_rows(FEBRL3))


if __name__ == "__main__":
    main()
