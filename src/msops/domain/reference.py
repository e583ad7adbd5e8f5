"""Reference data shipped in the package: organisations, regions, typology, code lists."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rapidfuzz import fuzz, process, utils

from msops.domain.errors import NotFound
from msops.domain.return_spec import DETAIL_CODES

REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "East Midlands",
    "West Midlands",
    "East of England",
    "London",
    "South East",
    "South West",
    "Wales",
)

ROCU_KIND = "rocu"
PARTNER_KIND = "partner_agency"  # the one kind that is not police: its operations are partner-led
ORG_KINDS: tuple[str, ...] = (
    "territorial_force",
    "special_force",
    "devolved_force",
    ROCU_KIND,
    PARTNER_KIND,
)


@dataclass(frozen=True)
class Organisation:
    name: str
    short_name: str
    kind: str
    region: str | None
    ons_code: str | None

    @property
    def is_police(self) -> bool:
        return self.kind != PARTNER_KIND


@dataclass(frozen=True)
class TypologyType:
    version: str
    category_code: str
    category: str
    code: str
    label: str
    nrm_label: str
    note: str


@dataclass(frozen=True)
class Code:
    list_name: str
    code: str
    label: str


@dataclass(frozen=True)
class Nationality:
    label: str
    iso2: str | None
    country: str | None


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("msops.domain.data").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def organisations() -> tuple[Organisation, ...]:
    return tuple(
        Organisation(
            name=r["name"],
            short_name=r["short_name"],
            kind=r["kind"],
            region=r["region"] or None,
            ons_code=r["ons_code"] or None,
        )
        for r in _rows("organisations.csv")
    )


def _org_key(name: str) -> str:
    """A spelling reduced to what tells organisations apart: case and spacing are not."""
    return " ".join(name.split()).casefold()


@cache
def _org_index() -> dict[str, Organisation]:
    index: dict[str, Organisation] = {}
    for org in organisations():
        for spelling in (org.name, org.short_name, org.ons_code):
            if spelling:
                index[_org_key(spelling)] = org
    return index


def find_organisation(name: str) -> Organisation | None:
    """The organisation called `name` (full or short name or ONS code, any case or spacing)."""
    return _org_index().get(_org_key(name))


def canonical_organisation(name: str) -> Organisation:
    """The organisation `name` spells, or NotFound naming the spelling: every name reaching msops
    (command line, pages, API, files) resolves here to one organisation before anything is
    scoped, stored or audited."""
    found = find_organisation(name)
    if found is None:
        raise NotFound(f"no organisation is called {name.strip()[:120]!r}; `msops orgs` lists them")
    return found


CURRENT_TYPOLOGY = "2017"


@cache
def typology(version: str = CURRENT_TYPOLOGY) -> tuple[TypologyType, ...]:
    return tuple(
        TypologyType(
            version=r["version"],
            category_code=r["category_code"],
            category=r["category"],
            code=r["type_code"],
            label=r["type_label"],
            nrm_label=r["nrm_label"],
            note=r["note"],
        )
        for r in _rows("typology.csv")
        if r["version"] == version
    )


def exploitation_categories(version: str = CURRENT_TYPOLOGY) -> tuple[Code, ...]:
    seen: dict[str, Code] = {}
    for t in typology(version):
        seen.setdefault(t.category_code, Code("exploitation_category", t.category_code, t.category))
    return tuple(seen.values())


def nrm_label_for_category(category_code: str, version: str = CURRENT_TYPOLOGY) -> str | None:
    """The NRM statistics' coarse label for a typology category (e.g. 'Labour')."""
    for t in typology(version):
        if t.category_code == category_code:
            return t.nrm_label
    return None


@cache
def code_lists() -> dict[str, tuple[Code, ...]]:
    lists: dict[str, list[Code]] = {}
    for r in _rows("codes.csv"):
        lists.setdefault(r["list"], []).append(Code(r["list"], r["code"], r["label"]))
    lists["exploitation_category"] = list(exploitation_categories())
    lists["exploitation_type"] = [Code("exploitation_type", t.code, t.label) for t in typology()]
    lists["nationality"] = [Code("nationality", n.label, n.label) for n in nationalities()]
    lists["country"] = [
        Code("country", n.iso2, n.country) for n in nationalities() if n.iso2 and n.country
    ]
    lists["organisation"] = [Code("organisation", o.short_name, o.name) for o in organisations()]
    return {name: tuple(codes) for name, codes in lists.items()}


@cache
def _code_index(list_name: str) -> dict[str, Code]:
    index: dict[str, Code] = {}
    for code in code_lists()[list_name]:
        index[code.label.casefold()] = code
        index[code.code.casefold()] = code
    return index


@cache
def _exact_index(list_name: str) -> dict[str, Code]:
    index: dict[str, Code] = {}
    for code in code_lists()[list_name]:
        index[code.label] = code
        index[code.code] = code
    return index


def exact_code(list_name: str, value: str) -> Code | None:
    """The code whose code or label is exactly `value`: the fast path before `find_code`."""
    return _exact_index(list_name).get(value)


def find_code(list_name: str, value: str) -> Code | None:
    """The code in `list_name` whose code or label is `value` (any case)."""
    return _code_index(list_name).get(value.strip().casefold())


ORG_KIND_LABELS: dict[str, str] = {
    "territorial_force": "Territorial force",
    "special_force": "Special force",
    "devolved_force": "Devolved force",
    ROCU_KIND: "Regional organised crime unit",
    PARTNER_KIND: "Partner agency",
}


@cache
def _labels(list_name: str) -> dict[str, str]:
    if list_name == "organisation_kind":
        return ORG_KIND_LABELS
    labels = {c.code: c.label for c in code_lists().get(list_name, ())}
    # The casework registers' own values (an order's status, a breach's outcome...)
    labels.update(
        (r["code"], r["label"]) for r in _rows("casework_codes.csv") if r["list"] == list_name
    )
    return labels


def label_of(list_name: str, code: str | None) -> str:
    """What a person reads for `code` of the list `list_name` (sector, car_wash -> Car washes;
    country, AL -> Albania); the value itself when the list does not hold it, "" for None.
    Exports keep the codes: this is for pages and reports."""
    if code is None:
        return ""
    return _labels(list_name).get(code, code)


def detail_label(detail: str, value: str) -> str:
    """An operation detail's value as a person reads it: the label from the list that detail's
    values come from (transit_country, PL -> Poland); a postcode or reference as it is."""
    list_name = DETAIL_CODES.get(detail)
    return label_of(list_name, value) if list_name else value


def suggest(value: str, choices: Iterable[str], cutoff: float = 60.0) -> str | None:
    """The nearest valid label to a mistyped one, or None when nothing is close."""
    match = process.extractOne(value, list(choices), score_cutoff=cutoff)
    return None if match is None else str(match[0])


# A suggestion for a coded value is offered only when it is close (CODE_CUTOFF) and clearly
# closer than the next best (CODE_MARGIN): 'Open' is as near 'Reopened' as a typo, and a wrong
# suggestion is worse than none, since people take it.
CODE_CUTOFF = 75.0
CODE_MARGIN = 5.0
# Words people write in a return for a value of the list, which no spelling distance finds.
# Only offered as a suggestion: 'Open' may mean opened this month, so it is never accepted.
SYNONYMS: dict[str, dict[str, str]] = {
    "status": {
        "open": "Live",
        "opened": "Live",
        "active": "Live",
        "ongoing": "Live",
        "current": "Live",
        "in progress": "Live",
        "finished": "Closed",
        "complete": "Closed",
        "completed": "Closed",
        "concluded": "Closed",
        "ended": "Closed",
        "re-opened": "Reopened",
        "re opened": "Reopened",
    },
    "nationality": {
        "british": "UK",
        "english": "UK",
        "scottish": "UK",
        "welsh": "UK",
        "northern irish": "UK",
        "united kingdom": "UK",
    },
    "yes_no": {"y": "Yes", "n": "No", "true": "Yes", "false": "No"},
    "yes_no_unknown": {
        "y": "Yes",
        "n": "No",
        "not known": "Unknown",
        "n/k": "Unknown",
        "unk": "Unknown",
    },
}
# Words that every second organisation's name has: they tell none apart, so names are compared
# without them ('Cleveland Constabulary' is Cleveland Police, not Cheshire Constabulary).
_GENERIC_ORG_WORDS = frozenset(
    {"police", "constabulary", "service", "the", "of", "and", "&", "regional", "organised"}
    | {"crime", "unit", "special", "operations", "rocu"}
)


def suggest_code(list_name: str, value: str) -> str | None:
    """The label of `list_name` a mistyped `value` most likely meant, or None when no label
    is close and unambiguous (see CODE_CUTOFF, CODE_MARGIN and SYNONYMS)."""
    if list_name == "organisation":
        org = suggest_organisation(value)
        return None if org is None else org.name
    synonym = SYNONYMS.get(list_name, {}).get(" ".join(value.split()).casefold())
    if synonym is not None:
        return synonym
    return clear_best(value, [c.label for c in code_lists()[list_name]])


def clear_best(value: str, choices: Iterable[str], cutoff: float = CODE_CUTOFF) -> str | None:
    """The choice nearest `value` if it scores at least `cutoff` and CODE_MARGIN more than any
    other choice, else None."""
    found = process.extract(value, list(dict.fromkeys(choices)), processor=utils.default_process)
    if not found or found[0][1] < cutoff:
        return None
    if len(found) > 1 and found[0][1] - found[1][1] < CODE_MARGIN:
        return None
    return str(found[0][0])


def _distinctive(name: str) -> str:
    words = utils.default_process(name.replace("&", " and ")).split()
    return " ".join(w for w in words if w not in _GENERIC_ORG_WORDS)


def suggest_organisation(name: str) -> Organisation | None:
    """The organisation a mistyped or unofficial name most likely means, matched on the words
    that tell organisations apart; None when none is close or two are equally close."""
    wanted = _distinctive(name)
    if not wanted:
        return None
    scores: dict[Organisation, float] = {}
    for org in organisations():
        for spelling in (org.name, org.short_name):
            key = _distinctive(spelling)
            if key:
                score = max(fuzz.ratio(wanted, key), fuzz.token_sort_ratio(wanted, key))
                scores[org] = max(scores.get(org, 0.0), score)
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    if not ranked or ranked[0][1] < CODE_CUTOFF:
        return None
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < CODE_MARGIN:
        return None
    return ranked[0][0]


@cache
def nationalities() -> tuple[Nationality, ...]:
    return tuple(
        Nationality(label=r["label"], iso2=r["iso2"] or None, country=r["country"] or None)
        for r in _rows("nationalities.csv")
    )
