"""Which organisation leads each operation, and what it calls it.

Forces are weighted by population (ONS mid-2017 estimates, in thousands; Wales, Scotland and
Northern Ireland from the same release), London a little above its share. Exactly 13 of the
operations live at the anchor month are ROCU-led (2.3%); every region keeps a live operation.
"""

from __future__ import annotations

from collections import Counter
from random import Random

from msops.domain.periods import Period
from msops.domain.reference import REGIONS, ROCU_KIND, Organisation, organisations
from msops.synthetic import calibration as cal
from msops.synthetic.model import OpPlan
from msops.synthetic.words import CODEWORDS

POPULATION_THOUSANDS: dict[str, int] = {
    "Cleveland": 566, "Durham": 630, "Northumbria": 1449, "Cheshire": 1054, "Cumbria": 498,
    "Greater Manchester": 2799, "Lancashire": 1490, "Merseyside": 1417, "Humberside": 930,
    "North Yorkshire": 820, "South Yorkshire": 1393, "West Yorkshire": 2307, "Derbyshire": 1049,
    "Leicestershire": 1083, "Lincolnshire": 751, "Northamptonshire": 741,
    "Nottinghamshire": 1295, "Staffordshire": 1126, "Warwickshire": 565, "West Mercia": 1273,
    "West Midlands": 2897, "Bedfordshire": 665, "Cambridgeshire": 847, "Essex": 1820,
    "Hertfordshire": 1181, "Norfolk": 898, "Suffolk": 757, "City of London": 150,
    "Metropolitan": 8265, "Hampshire": 1979, "Kent": 1832, "Surrey": 1185, "Sussex": 1693,
    "Thames Valley": 2244, "Avon and Somerset": 1695, "Devon and Cornwall": 1749,
    "Dorset": 771, "Gloucestershire": 628, "Wiltshire": 716, "Dyfed-Powys": 520,
    "Gwent": 590, "North Wales": 700, "South Wales": 1330, "BTP": 600,
    "Police Scotland": 4300, "PSNI": 1500,
}  # fmt: skip
LONDON_UPLIFT = 1.3  # the capital's share of operations runs above its share of population
ROCU_SHARE = 0.023
PREFIXES = {  # where initials would be ambiguous or are not what the force uses
    "Metropolitan": "MPS", "West Mercia": "WMERC", "Avon and Somerset": "ASC",
    "Devon and Cornwall": "DCP", "City of London": "COLP", "Police Scotland": "PSCOT",
}  # fmt: skip
PARTNER_WEIGHTS: dict[str, float] = {
    "NCA": 0.33, "GLAA": 0.32, "Immigration Enforcement": 0.15, "Border Force": 0.1, "HMRC": 0.1,
}  # fmt: skip


def local_forces() -> list[Organisation]:
    return [o for o in organisations() if o.is_police and o.kind != ROCU_KIND]


def rocus() -> list[Organisation]:
    return [o for o in organisations() if o.kind == ROCU_KIND]


def force_weight(org: Organisation) -> float:
    uplift = LONDON_UPLIFT if org.region == "London" else 1.0
    return POPULATION_THOUSANDS.get(org.short_name, 500) * uplift


def region_weight(region: str | None) -> float:
    return sum(force_weight(f) for f in local_forces() if f.region == region)


def assign_police(rng: Random, ops: list[OpPlan], months: list[Period]) -> None:
    """Give every police operation a force or ROCU, then keep every region live every month."""
    forces, units = local_forces(), rocus()
    weights = [force_weight(f) for f in forces]
    unit_weights = [region_weight(u.region) for u in units]
    rocu_ops = _rocu_ops(rng, ops, months)
    for op in ops:
        if op.uid in rocu_ops:
            op.org = rng.choices(units, unit_weights)[0]
        else:
            op.org = rng.choices(forces, weights)[0]
    for period in months:
        _fill_regions(rng, [op for op in ops if op.is_live(period)])


def assign_partners(rng: Random, ops: list[OpPlan]) -> None:
    agencies = {o.short_name: o for o in organisations() if not o.is_police}
    names = list(PARTNER_WEIGHTS)
    for op in ops:
        op.org = agencies[rng.choices(names, [PARTNER_WEIGHTS[n] for n in names])[0]]


def _rocu_ops(rng: Random, ops: list[OpPlan], months: list[Period]) -> set[int]:
    if cal.ANCHOR not in months:
        return {op.uid for op in ops if rng.random() < ROCU_SHARE}
    at_anchor = [op for op in ops if op.is_live(cal.ANCHOR)]
    chosen = {op.uid for op in rng.sample(at_anchor, cal.ROCU_LIVE_AT_ANCHOR)}
    anchor_uids = {op.uid for op in at_anchor}
    others = {op.uid for op in ops if op.uid not in anchor_uids and rng.random() < ROCU_SHARE}
    return chosen | others


def _fill_regions(rng: Random, live: list[OpPlan]) -> None:
    """Move a force operation into any region with none live this month."""
    for region in REGIONS:
        counts = Counter(op.org.region for op in live if op.org is not None)
        if counts[region]:
            continue
        donor = _donor(live, counts)
        targets = [f for f in local_forces() if f.region == region]
        donor.org = rng.choices(targets, [force_weight(f) for f in targets])[0]


def _donor(live: list[OpPlan], counts: Counter[str | None]) -> OpPlan:
    """A force-led operation of the busiest region, which can spare it."""
    busiest = max(REGIONS, key=lambda r: counts[r])
    return next(
        op
        for op in live
        if op.org is not None and op.org.region == busiest and op.org.kind != ROCU_KIND
    )


def name_operations(rng: Random, ops: list[OpPlan]) -> None:
    """References unique within each organisation, in its own house style, and codeword names."""
    sequence: Counter[tuple[str, int]] = Counter()
    used: dict[str, set[str]] = {}
    for op in sorted(ops, key=lambda o: (o.opened, o.uid)):
        assert op.org is not None
        key = (op.org.short_name, op.opened.year)
        sequence[key] += 1
        op.ref = _reference(op.org, op.opened.year, sequence[key])
        taken = used.setdefault(op.org.short_name, set())
        word = rng.choice(CODEWORDS)
        while word in taken and len(taken) < len(CODEWORDS):
            word = rng.choice(CODEWORDS)
        taken.add(word)
        op.name = f"Operation {word}"


def _reference(org: Organisation, year: int, number: int) -> str:
    prefix = PREFIXES.get(org.short_name)
    if prefix is None:
        initials = "".join(w[0] for w in org.short_name.replace("-", " ").split()).upper()
        prefix = initials if len(initials) > 1 else org.short_name[:3].upper()
    style = sum(map(ord, org.short_name)) % 3
    if style == 0:
        return f"{prefix}/MS/{year}/{number:04d}"
    if style == 1:
        return f"{prefix}-MS-{year % 100:02d}-{number:03d}"
    return f"MS{year % 100:02d}{number:04d}"
