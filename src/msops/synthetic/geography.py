"""Postcode districts in each force area, for operation locations and nominals' addresses."""

from __future__ import annotations

from random import Random

from msops.domain.reference import ROCU_KIND, Organisation, organisations

Area = tuple[str, int, int]  # postcode area and its usual range of district numbers

FORCE_AREAS: dict[str, tuple[Area, ...]] = {
    "Cleveland": (("TS", 1, 29),),
    "Durham": (("DH", 1, 9), ("DL", 1, 17)),
    "Northumbria": (("NE", 1, 66), ("SR", 1, 8)),
    "Cheshire": (("CH", 1, 8), ("CW", 1, 12), ("WA", 1, 16)),
    "Cumbria": (("CA", 1, 28),),
    "Greater Manchester": (("M", 1, 46), ("BL", 1, 9), ("OL", 1, 16), ("SK", 1, 16), ("WN", 1, 8)),
    "Lancashire": (("PR", 1, 9), ("BB", 1, 12), ("FY", 1, 8), ("LA", 1, 6)),
    "Merseyside": (("L", 1, 40),),
    "Humberside": (("HU", 1, 20), ("DN", 14, 40)),
    "North Yorkshire": (("YO", 1, 32), ("HG", 1, 5)),
    "South Yorkshire": (("S", 1, 75), ("DN", 1, 12)),
    "West Yorkshire": (("LS", 1, 29), ("BD", 1, 24), ("WF", 1, 17), ("HD", 1, 9), ("HX", 1, 7)),
    "Derbyshire": (("DE", 1, 24), ("S", 40, 45)),
    "Leicestershire": (("LE", 1, 19),),
    "Lincolnshire": (("LN", 1, 13), ("PE", 10, 25)),
    "Northamptonshire": (("NN", 1, 18),),
    "Nottinghamshire": (("NG", 1, 25),),
    "Staffordshire": (("ST", 1, 21), ("WS", 11, 15)),
    "Warwickshire": (("CV", 8, 37),),
    "West Mercia": (("WR", 1, 15), ("HR", 1, 9), ("SY", 1, 15), ("TF", 1, 13)),
    "West Midlands": (("B", 1, 48), ("WV", 1, 14), ("CV", 1, 7), ("DY", 1, 9), ("WS", 1, 10)),
    "Bedfordshire": (("LU", 1, 7), ("MK", 40, 45)),
    "Cambridgeshire": (("CB", 1, 11), ("PE", 1, 9)),
    "Essex": (("CM", 1, 24), ("CO", 1, 16), ("SS", 1, 17)),
    "Hertfordshire": (("AL", 1, 10), ("SG", 1, 19), ("WD", 17, 25)),
    "Norfolk": (("NR", 1, 35),),
    "Suffolk": (("IP", 1, 33),),
    "City of London": (("EC", 1, 4),),
    "Metropolitan": (
        ("E", 1, 18), ("N", 1, 22), ("SE", 1, 28), ("SW", 2, 20), ("W", 2, 14), ("NW", 1, 11),
        ("CR", 0, 8), ("IG", 1, 11), ("RM", 1, 14), ("UB", 1, 10), ("HA", 0, 9),
    ),
    "Hampshire": (("SO", 14, 53), ("PO", 1, 22)),
    "Kent": (("ME", 1, 20), ("CT", 1, 21), ("TN", 1, 30), ("DA", 1, 18)),
    "Surrey": (("GU", 1, 27), ("KT", 7, 24), ("RH", 1, 9)),
    "Sussex": (("BN", 1, 27), ("RH", 10, 20)),
    "Thames Valley": (("OX", 1, 18), ("RG", 1, 31), ("MK", 1, 19), ("SL", 0, 9), ("HP", 1, 23)),
    "Avon and Somerset": (("BS", 1, 16), ("BA", 1, 22), ("TA", 1, 24)),
    "Devon and Cornwall": (("EX", 1, 39), ("PL", 1, 35), ("TQ", 1, 14), ("TR", 1, 27)),
    "Dorset": (("BH", 1, 25), ("DT", 1, 11)),
    "Gloucestershire": (("GL", 1, 20),),
    "Wiltshire": (("SN", 1, 16), ("SP", 1, 11)),
    "Dyfed-Powys": (("SA", 31, 48), ("LD", 1, 8)),
    "Gwent": (("NP", 4, 26),),
    "North Wales": (("LL", 11, 78),),
    "South Wales": (("CF", 3, 48), ("SA", 1, 18)),
    "BTP": (("EC", 1, 4), ("NW", 1, 1), ("SE", 1, 1), ("M", 1, 1), ("B", 1, 5), ("LS", 1, 1)),
    "Police Scotland": (("G", 1, 53), ("EH", 1, 17), ("AB", 10, 25), ("DD", 1, 11)),
    "PSNI": (("BT", 1, 60),),
}  # fmt: skip
CITY_SUFFIX = "AMNPRVY"  # EC1A, EC2V: central London districts carry a letter
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters used in the last two places of a postcode


def district(rng: Random, force: str) -> str:
    """A postcode district (outward code) in the force's area, e.g. 'B9'."""
    area, low, high = rng.choice(FORCE_AREAS[force])
    number = rng.randint(low, high)
    if area == "EC":
        return f"EC{number}{rng.choice(CITY_SUFFIX)}"
    return f"{area}{number}"


def postcode(rng: Random, outward: str) -> str:
    """A full postcode in the district, e.g. 'B9 4LD'."""
    unit = rng.choice(UNIT_LETTERS) + rng.choice(UNIT_LETTERS)
    return f"{outward} {rng.randint(1, 9)}{unit}"


def forces_of(org: Organisation) -> list[str]:
    """The force areas an organisation works in: its own, its region's, or (agencies) any."""
    if org.short_name in FORCE_AREAS:
        return [org.short_name]
    if org.kind == ROCU_KIND:
        return [o.short_name for o in organisations() if _local(o) and o.region == org.region]
    return [o.short_name for o in organisations() if _local(o)]


def _local(org: Organisation) -> bool:
    return org.kind in ("territorial_force", "devolved_force")
