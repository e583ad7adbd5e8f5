"""The NRM statistics' labels in the terms of the monthly return: nationality, exploitation, age.

- Nationality: the NRM lists dual nationalities as two labels in one ("Albanian Greek"). For a
  comparison the person counts once, under the first part that is a known nationality ("Albanian";
  "Unknown UK" counts as UK). Spelling variants ("Congolese Drc", "Citizen of Guinea Bissau",
  "UKrainian") are matched ignoring case, brackets and hyphens. A label with no known part is
  "Unknown".
- Exploitation: single labels map to the typology category whose NRM label they are ("Domestic"
  is the NRM's short form of "Domestic servitude"); combinations ("Labour & Criminal") are
  "multiple"; "Organ Harvesting" has no typology category and stays "organ_harvesting";
  "Not specified or unknown" is "unknown".
- Age: "Adult (18 or over)" is adult, "Child (17 or under)" child, anything else unknown.
"""

from __future__ import annotations

import re
from functools import cache

from msops.domain.reference import exploitation_categories, nationalities, nrm_label_for_category

UNKNOWN = "unknown"
MULTIPLE = "multiple"
ORGAN_HARVESTING = "organ_harvesting"
UNKNOWN_NATIONALITY = "Unknown"

EXPLOITATION_LABELS: dict[str, str] = {
    MULTIPLE: "More than one type",
    ORGAN_HARVESTING: "Organ harvesting",
    UNKNOWN: "Not specified or unknown",
}
AGE_GROUPS: tuple[str, ...] = ("adult", "child", UNKNOWN)


def _norm(text: str) -> str:
    cleaned = re.sub(r"[()\-]", " ", text.casefold())
    return " ".join(cleaned.split())


@cache
def _nationality_index() -> dict[str, str]:
    return {_norm(n.label): n.label for n in nationalities()}


def nationality_parts(label: str) -> list[str]:
    """The reference nationalities named in an NRM label, in order ("Albanian Greek": both)."""
    index = _nationality_index()
    words = _norm(label).split()
    parts: list[str] = []
    start = 0
    while start < len(words):
        for end in range(len(words), start, -1):  # longest match first: "South Sudanese"
            found = index.get(" ".join(words[start:end]))
            if found is not None:
                parts.append(found)
                start = end
                break
        else:
            start += 1
    return parts


@cache
def nationality_of(label: str) -> str:
    """The reference nationality an NRM label counts under: its first known part."""
    parts = nationality_parts(label)
    known = [p for p in parts if p != UNKNOWN_NATIONALITY]
    return known[0] if known else UNKNOWN_NATIONALITY


@cache
def _category_by_nrm_label() -> dict[str, str]:
    found: dict[str, str] = {}
    for category in exploitation_categories():
        label = nrm_label_for_category(category.code)
        if label:
            found[label.casefold()] = category.code
            found[label.split()[0].casefold()] = category.code  # "Domestic servitude" -> Domestic
    return found


@cache
def exploitation_of(label: str) -> str:
    """The typology category code (or multiple / organ_harvesting / unknown) of an NRM label."""
    text = label.strip().casefold()
    if "&" in text or "," in text:
        return MULTIPLE
    if text == "organ harvesting":
        return ORGAN_HARVESTING
    return _category_by_nrm_label().get(text, UNKNOWN)


def exploitation_label(code: str) -> str:
    """A category code as a person reads it ("labour" -> "Labour exploitation")."""
    for category in exploitation_categories():
        if category.code == code:
            return category.label
    return EXPLOITATION_LABELS.get(code, code)


def age_of(label: str) -> str:
    text = label.strip().casefold()
    if text.startswith("adult"):
        return "adult"
    if text.startswith("child"):
        return "child"
    return UNKNOWN
