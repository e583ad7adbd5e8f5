"""The Operation details of an operation: sectors, places, methods, countries, partners."""

from __future__ import annotations

from functools import cache
from random import Random

from msops.domain.reference import ROCU_KIND, Organisation, nationalities, organisations
from msops.synthetic.geography import forces_of
from msops.synthetic.labels import label
from msops.synthetic.model import OpPlan
from msops.synthetic.organisations import force_weight
from msops.synthetic.profiles import LABOUR_SECTORS, TYPES, Weights, pick

RECRUITMENT: dict[str, Weights] = {
    "labour": {
        "false_job_offer": 0.35, "recruitment_agency": 0.15, "friend_acquaintance": 0.15,
        "debt_offer": 0.15, "vulnerability_targeted": 0.1, "online_advert": 0.05,
        "family_member": 0.05,
    },
    "sexual": {
        "intimate_partner": 0.3, "false_job_offer": 0.2, "social_media": 0.15,
        "friend_acquaintance": 0.15, "online_advert": 0.1, "vulnerability_targeted": 0.1,
    },
    "criminal": {
        "vulnerability_targeted": 0.3, "friend_acquaintance": 0.25, "social_media": 0.15,
        "debt_offer": 0.15, "abduction": 0.05, "unknown": 0.1,
    },
    "domestic": {
        "family_member": 0.45, "intimate_partner": 0.25, "false_job_offer": 0.2, "unknown": 0.1,
    },
}  # fmt: skip
CONTROL: dict[str, tuple[str, ...]] = {
    "labour": (
        "debt_bondage", "takes_earnings", "restricts_financial_access", "excessive_working_hours",
        "withholds_documents", "threats", "withholds_necessities", "restricts_movement",
    ),
    "sexual": (
        "threats", "physical_abuse", "sexual_abuse", "takes_earnings", "psychological_abuse",
        "debt_bondage", "psychoactive_substances", "withholds_documents",
    ),
    "criminal": (
        "threats", "physical_abuse", "psychoactive_substances", "debt_bondage",
        "psychological_abuse", "uses_children", "restricts_movement",
    ),
    "domestic": (
        "psychological_abuse", "restricts_movement", "withholds_documents",
        "excessive_working_hours", "threat_of_law_enforcement", "physical_abuse",
        "withholds_necessities",
    ),
}  # fmt: skip
TRANSIT: dict[str, tuple[str, ...]] = {
    "Vietnamese": ("China", "Russia", "France", "Belgium"),
    "Albanian": ("Italy", "France", "Belgium", "Greece"),
    "Eritrean": ("Sudan", "Libya", "Italy", "France"),
    "Sudanese": ("Libya", "Italy", "France"),
    "Nigerian": ("Niger", "Libya", "Italy", "Spain"),
    "Chinese": ("Russia", "France", "Netherlands"),
    "Romanian": ("Hungary", "Germany", "France"),
}
INITIATIVES = {
    "labour": "aidant_labour",
    "sexual": "aidant_sexual",
    "criminal": "aidant_criminal",
    "domestic": "aidant_border",
}


def location_forces(rng: Random, org: Organisation) -> list[str]:
    """One to three force areas the operation works in."""
    forces = forces_of(org)
    if len(forces) == 1:
        return forces
    weights = [force_weight(o) for o in organisations() if o.short_name in forces]
    named = [o.short_name for o in organisations() if o.short_name in forces]
    return rng.choices(named, weights, k=rng.randint(1, 2))


def countries(
    rng: Random, plan: OpPlan, victims: list[str], suspects: tuple[str, ...]
) -> list[str]:
    """Countries of the international dimension: where the foreign nationals come from."""
    found = [_country(n) for n in (plan.victim_nat, plan.suspect_nat, *victims, *suspects)]
    named = [c for c in dict.fromkeys(found) if c is not None and c != "United Kingdom"]
    return named[:3] or [rng.choice(("Netherlands", "Spain", "Ireland", "France", "Jamaica"))]


def static_details(
    rng: Random, plan: OpPlan, outwards: list[str], international: list[str]
) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = []
    if plan.sector is not None:
        rows.append(("sector", label("sector", plan.sector)))
        if plan.category == "labour" and rng.random() < 0.15:
            rows.append(("sector", label("sector", pick(rng, LABOUR_SECTORS))))
    rows += [("location", d) for d in outwards]
    rows += _methods(rng, plan.category)
    if rng.random() < 0.15:
        other = pick(rng, {c: 1.0 for c in TYPES if c != plan.category})
        rows.append(("other_exploitation", label("exploitation_type", pick(rng, TYPES[other]))))
    rows += [("international_country", c) for c in international]
    if international and rng.random() < 0.35:
        rows += [("transit_country", c) for c in TRANSIT.get(plan.victim_nat, ())[:2]]
    if rng.random() < 0.12:
        tag = "aidant_child" if plan.type_code.startswith("cse") else INITIATIVES[plan.category]
        rows.append(("initiative_tag", label("initiative_tag", tag)))
    rows += [("supporting_org", name) for name in _supporters(rng, plan, bool(international))]
    return tuple((label("detail_kind", kind), value) for kind, value in dict.fromkeys(rows))


def _methods(rng: Random, category: str) -> list[tuple[str, str]]:
    recruitment = RECRUITMENT[category]
    picked = {pick(rng, recruitment) for _ in range(rng.randint(1, 2))}
    control = rng.sample(CONTROL[category], rng.randint(2, 4))
    return [("recruitment_method", label("recruitment_method", c)) for c in sorted(picked)] + [
        ("control_method", label("control_method", c)) for c in control
    ]


def _supporters(rng: Random, plan: OpPlan, international: bool) -> list[str]:
    assert plan.org is not None
    odds = {
        "GLAA": 0.3 if plan.category == "labour" else 0.0,
        "HMRC": 0.1 if plan.category == "labour" else 0.02,
        "NCA": 0.2 if international else 0.03,
        "Immigration Enforcement": 0.2 if international else 0.05,
        "Border Force": 0.05 if international else 0.0,
    }
    chosen = [name for name, p in odds.items() if rng.random() < p]
    if plan.org.kind != ROCU_KIND and plan.org.region is not None and rng.random() < 0.1:
        chosen += [
            o.short_name
            for o in organisations()
            if o.kind == ROCU_KIND and o.region == plan.org.region
        ]
    by_short = {o.short_name: o.name for o in organisations()}
    return [by_short[s] for s in chosen if s != plan.org.short_name]


def _country(nationality: str) -> str | None:
    return _countries().get(nationality)


@cache
def _countries() -> dict[str, str]:
    return {n.label: n.country for n in nationalities() if n.country}
