"""Routes of a theme's operations: country of origin -> transit country -> UK region.

Each operation follows one route, so the flows of each stage add up to the operations counted:

- **origin**: the country of its most numerous victim nationality (ties in alphabetical order),
  "Not recorded" when no victim nationality is;
- **transit**: the transit countries its return names, joined ("Hungary, Germany" in alphabetical
  order), or "No transit recorded";
- **region**: the policing region of the organisation whose return holds it.

Beyond the `top` origins and transits, the rest are grouped as "Other countries" and
"Other transit". For the public (`public_routes`), every origin, transit or region node that holds
fewer operations than the disclosure threshold is grouped as "Other" before the routes are
counted, and the route table is then suppressed and rounded like any public table.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from msops.analytics.profile_records import Record
from msops.domain.reference import code_lists, nationalities

NOT_RECORDED = "Not recorded"
NO_TRANSIT = "No transit recorded"
OTHER_ORIGIN = "Other countries"
OTHER_TRANSIT = "Other transit"
OTHER_REGION = "Other regions"
TOP = 8
STAGES = ("origin", "transit", "region")


@dataclass(frozen=True)
class Route:
    origin: str
    transit: str
    region: str

    def part(self, stage: str) -> str:
        return str(getattr(self, stage))


@dataclass(frozen=True)
class Routes:
    """Operations by route, largest first."""

    counts: Mapping[Route, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def nodes(self, stage: str) -> dict[str, int]:
        """Operations through each node of one stage, largest first ("Other ..." last)."""
        found: Counter[str] = Counter()
        for route, n in self.counts.items():
            found[route.part(stage)] += n
        return dict(sorted(found.items(), key=lambda kv: (_is_rest(kv[0]), -kv[1], kv[0])))

    def flows(self, first: str, second: str) -> dict[tuple[str, str], int]:
        """Operations from each node of stage `first` to each node of stage `second`."""
        found: Counter[tuple[str, str]] = Counter()
        for route, n in self.counts.items():
            found[route.part(first), route.part(second)] += n
        return dict(found)


def _is_rest(label: str) -> bool:
    return label in (OTHER_ORIGIN, OTHER_TRANSIT, OTHER_REGION, NOT_RECORDED, NO_TRANSIT)


@cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """(nationality label -> country name, country code -> country name)."""
    by_nationality = {n.label: n.country for n in nationalities() if n.country}
    by_code = {c.code: c.label for c in code_lists()["country"]}
    return by_nationality, by_code


def route_of(record: Record) -> Route:
    """The one route an operation follows (see the module's docstring)."""
    by_nationality, by_code = _countries()
    victims = sorted(record.victim_nationalities.items(), key=lambda kv: (-kv[1], kv[0]))
    held = [by_nationality.get(label, label) for label, n in victims if n > 0]
    transit = sorted(by_code.get(c, c) for c in record.details.get("transit_country", ()))
    return Route(
        origin=held[0] if held else NOT_RECORDED,
        transit=", ".join(transit) if transit else NO_TRANSIT,
        region=record.region,
    )


def routes(records: Sequence[Record], top: int = TOP) -> Routes:
    """The operations of `records` by route, keeping the `top` origins and transits."""
    return _grouped(Counter(route_of(r) for r in records), top)


def public_routes(found: Routes, threshold: int) -> Routes:
    """`found` with every node of fewer than `threshold` operations grouped as "Other"."""
    counts = dict(found.counts)
    for stage, other in zip(STAGES, (OTHER_ORIGIN, OTHER_TRANSIT, OTHER_REGION), strict=True):
        small = {k for k, n in Routes(counts).nodes(stage).items() if n < threshold}
        counts = _merge(counts, stage, small, other)
    return Routes(_sorted(counts))


def _grouped(counts: Mapping[Route, int], top: int) -> Routes:
    out = dict(counts)
    for stage, other in (("origin", OTHER_ORIGIN), ("transit", OTHER_TRANSIT)):
        nodes = [k for k in Routes(out).nodes(stage) if not _is_rest(k)]
        out = _merge(out, stage, set(nodes[top:]), other)
    return Routes(_sorted(out))


def _merge(
    counts: Mapping[Route, int], stage: str, labels: set[str], other: str
) -> dict[Route, int]:
    merged: Counter[Route] = Counter()
    for route, n in counts.items():
        if route.part(stage) in labels:
            route = Route(**{s: (other if s == stage else route.part(s)) for s in STAGES})
        merged[route] += n
    return dict(merged)


def _sorted(counts: Mapping[Route, int]) -> dict[Route, int]:
    return dict(
        sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].origin, kv[0].transit, kv[0].region))
    )
