"""What kind of exploitation an operation is about, and who its victims and suspects are.

Victim nationality, age and gender mixes follow the Home Office NRM statistics for police first
responders (2022 Q2 to 2023 Q4, detail rows only: UK 48%, Albanian 13%, Vietnamese 10%,
Romanian 4%, ...; children 41%; criminal exploitation mostly UK boys, sexual mostly women and
girls, domestic servitude mostly South Asian women), shifted back toward the 2017 picture the
report describes: more Romanian, Polish, Slovak and Lithuanian labour victims, fewer county
lines children at the start, their share growing month by month.
"""

from __future__ import annotations

from random import Random

from msops.domain.periods import Period
from msops.domain.reference import ROCU_KIND
from msops.synthetic.calibration import CALIBRATION_START, months_after
from msops.synthetic.model import OpPlan

Weights = dict[str, float]

CATEGORY_BY_LEAD: dict[str, Weights] = {
    "force": {"sexual": 0.39, "labour": 0.33, "criminal": 0.2, "domestic": 0.08},
    "rocu": {"sexual": 0.45, "labour": 0.35, "criminal": 0.17, "domestic": 0.03},
    "NCA": {"sexual": 0.45, "labour": 0.3, "criminal": 0.25},
    "GLAA": {"labour": 1.0},
    "HMRC": {"labour": 0.85, "criminal": 0.15},
    "Border Force": {"sexual": 0.4, "labour": 0.3, "criminal": 0.3},
    "Immigration Enforcement": {"labour": 0.5, "sexual": 0.3, "domestic": 0.2},
}
CRIMINAL_GROWTH = 0.005  # county lines: criminal exploitation's share grows each month

TYPES: dict[str, Weights] = {
    "labour": {"labour_for_offenders": 0.55, "labour_for_others": 0.35, "labour_for_both": 0.1},
    "domestic": {"domestic_partner": 0.3, "domestic_relatives": 0.45, "domestic_unrelated": 0.25},
    "sexual": {
        "cse_group": 0.1, "cse_individual": 0.1, "sex_work_fixed": 0.42,
        "sex_work_changing": 0.3, "gratification": 0.08,
    },
    "criminal": {
        "gang_criminality": 0.45, "illegal_labour": 0.25, "acquisitive_crime": 0.1,
        "begging": 0.1, "sham_marriage": 0.04, "financial_fraud": 0.06,
    },
}  # fmt: skip

LABOUR_SECTORS: Weights = {
    "car_wash": 0.16, "nail_bar": 0.12, "agriculture": 0.12, "food_processing": 0.1,
    "construction": 0.12, "hospitality": 0.1, "manufacturing": 0.05, "warehousing": 0.06,
    "fishing_maritime": 0.03, "care": 0.03, "cleaning": 0.04, "recycling_waste": 0.04,
    "retail": 0.02,
}  # fmt: skip
SECTORS_BY_TYPE: dict[str, Weights] = {
    "domestic_partner": {"domestic_household": 1.0},
    "domestic_relatives": {"domestic_household": 1.0},
    "domestic_unrelated": {"domestic_household": 0.8, "hospitality": 0.2},
    "sex_work_fixed": {"sex_industry": 1.0},
    "sex_work_changing": {"sex_industry": 1.0},
    "gratification": {"sex_industry": 0.5, "domestic_household": 0.5},
    "cse_group": {"other": 1.0},
    "cse_individual": {"other": 1.0},
    "gang_criminality": {"drugs_supply": 1.0},
    "illegal_labour": {"cannabis_cultivation": 0.85, "other": 0.15},
    "acquisitive_crime": {"begging_street": 0.7, "retail": 0.3},
    "begging": {"begging_street": 1.0},
    "sham_marriage": {"other": 1.0},
    "financial_fraud": {"benefit_fraud": 1.0},
}

VICTIM_NATS: dict[str, Weights] = {
    "labour": {
        "Romanian": 14, "Vietnamese": 12, "UK": 12, "Polish": 10, "Albanian": 9,
        "Lithuanian": 6, "Slovak": 4, "Indian": 5, "Chinese": 4, "Bulgarian": 4,
        "Hungarian": 4, "Czech": 3, "Latvian": 2, "Ghanaian": 2, "Pakistani": 2,
        "Nigerian": 1.5, "Bangladeshi": 1.5, "Eritrean": 1, "Sudanese": 1, "Filipino": 1,
    },
    "sexual": {
        "UK": 36, "Romanian": 16, "Albanian": 14, "Nigerian": 5, "Hungarian": 5, "Chinese": 5,
        "Vietnamese": 4, "Polish": 3, "Bulgarian": 3, "Thai": 3, "Czech": 2, "Brazilian": 2,
        "Slovak": 2, "Lithuanian": 1.5, "Latvian": 1, "Eritrean": 1,
    },
    "criminal": {
        "UK": 55, "Vietnamese": 14, "Albanian": 14, "Romanian": 6, "Polish": 2,
        "Lithuanian": 2, "Chinese": 2, "Eritrean": 1.5, "Sudanese": 1.5, "Slovak": 1.5,
        "Bulgarian": 1.5, "Afghan": 1,
    },
    "domestic": {
        "Pakistani": 25, "Indian": 12, "UK": 10, "Nigerian": 10, "Bangladeshi": 7,
        "Filipino": 5, "Ghanaian": 4, "Ethiopian": 4, "Eritrean": 3, "Sudanese": 3,
        "Vietnamese": 3, "Romanian": 3, "Moroccan": 2,
    },
}  # fmt: skip
SUSPECT_NATS: dict[str, Weights] = {
    "labour": {
        "UK": 35, "Romanian": 12, "Polish": 10, "Vietnamese": 8, "Lithuanian": 6, "Slovak": 6,
        "Chinese": 5, "Indian": 5, "Bulgarian": 3, "Hungarian": 3, "Pakistani": 3,
        "Albanian": 3, "Latvian": 1,
    },
    "sexual": {
        "UK": 35, "Romanian": 20, "Albanian": 10, "Chinese": 6, "Hungarian": 5, "Pakistani": 5,
        "Nigerian": 4, "Bulgarian": 3, "Polish": 3, "Czech": 2, "Slovak": 2, "Vietnamese": 2,
        "Thai": 1,
    },
    "criminal": {
        "UK": 62, "Albanian": 10, "Vietnamese": 10, "Romanian": 6, "Chinese": 3,
        "Lithuanian": 2, "Polish": 2, "Bulgarian": 2, "Jamaican": 1.5, "Somali": 1.5,
    },
    "domestic": {
        "Pakistani": 25, "UK": 25, "Indian": 15, "Nigerian": 10, "Bangladeshi": 8,
        "Ghanaian": 4, "Romanian": 3,
    },
}  # fmt: skip
# Sectors with a well-known community profile: (share of operations that follow it, weights).
SECTOR_VICTIM_NATS: dict[str, tuple[float, Weights]] = {
    "nail_bar": (0.8, {"Vietnamese": 0.85, "Chinese": 0.15}),
    "car_wash": (0.7, {"Romanian": 0.35, "Albanian": 0.35, "Iraqi": 0.15, "Bulgarian": 0.15}),
    "agriculture": (0.7, {"Romanian": 0.35, "Polish": 0.2, "Lithuanian": 0.2, "Bulgarian": 0.25}),
    "food_processing": (0.7, {"Polish": 0.35, "Lithuanian": 0.25, "Slovak": 0.2, "Latvian": 0.2}),
    "construction": (0.6, {"Romanian": 0.4, "Polish": 0.3, "Slovak": 0.15, "UK": 0.15}),
    "cannabis_cultivation": (0.85, {"Vietnamese": 0.65, "Albanian": 0.25, "Chinese": 0.1}),
    "drugs_supply": (0.9, {"UK": 1.0}),
    "begging_street": (0.7, {"Romanian": 0.7, "Slovak": 0.15, "Bulgarian": 0.15}),
}
# (share of children, share of women among adults, share of girls among children)
AGE_GENDER: dict[str, tuple[float, float, float]] = {
    "labour_for_offenders": (0.08, 0.22, 0.3),
    "labour_for_others": (0.06, 0.25, 0.3),
    "labour_for_both": (0.08, 0.25, 0.3),
    "domestic_partner": (0.02, 0.95, 0.9),
    "domestic_relatives": (0.2, 0.9, 0.8),
    "domestic_unrelated": (0.12, 0.9, 0.85),
    "cse_group": (0.97, 0.9, 0.9),
    "cse_individual": (0.97, 0.85, 0.85),
    "sex_work_fixed": (0.04, 0.97, 0.95),
    "sex_work_changing": (0.05, 0.96, 0.95),
    "gratification": (0.35, 0.9, 0.85),
    "gang_criminality": (0.72, 0.1, 0.12),
    "illegal_labour": (0.35, 0.08, 0.1),
    "acquisitive_crime": (0.4, 0.25, 0.3),
    "begging": (0.2, 0.4, 0.4),
    "sham_marriage": (0.03, 0.88, 0.9),
    "financial_fraud": (0.0, 0.4, 0.4),
}


def pick(rng: Random, weights: Weights) -> str:
    return rng.choices(list(weights), list(weights.values()))[0]


def lead_key(op: OpPlan) -> str:
    assert op.org is not None
    if not op.police:
        return op.org.short_name
    return "rocu" if op.org.kind == ROCU_KIND else "force"


def choose_profile(rng: Random, op: OpPlan) -> None:
    """Category, type, sector and the main victim and suspect nationality of an operation."""
    op.category = pick(rng, _category_weights(lead_key(op), op.opened_period))
    op.type_code = pick(rng, TYPES[op.category])
    sectors = SECTORS_BY_TYPE.get(op.type_code, LABOUR_SECTORS)
    op.sector = pick(rng, sectors)
    op.victim_nat = main_victim_nationality(rng, op.category, op.sector)
    same = op.victim_nat != "UK" and rng.random() < 0.65
    op.suspect_nat = op.victim_nat if same else pick(rng, SUSPECT_NATS[op.category])


def main_victim_nationality(rng: Random, category: str, sector: str | None) -> str:
    share, weights = SECTOR_VICTIM_NATS.get(sector or "", (0.0, {}))
    if weights and rng.random() < share:
        return pick(rng, weights)
    return pick(rng, VICTIM_NATS[category])


def _category_weights(lead: str, period: Period) -> Weights:
    weights = dict(CATEGORY_BY_LEAD[lead])
    if lead in ("force", "rocu"):
        months = max(0, min(36, months_after(CALIBRATION_START, period)))
        weights["criminal"] += CRIMINAL_GROWTH * months
    return weights
