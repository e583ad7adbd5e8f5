"""The force map's layout and the residents of each area, both shipped in `domain/data/`.

`area_map.csv` places every force area on a hex grid with odd rows shifted half a tile right
(hand-placed to be recognisable: Scotland at the top, Kent and Sussex in the south east); the
organisations that are not force areas (BTP, the ROCUs, the partner agencies) are placed in
a panel `beside` the map. `population.csv` holds mid-year estimates (`population-SOURCES.md`).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from msops.domain.reference import Organisation, canonical_organisation

AREA_KINDS = ("territorial_force", "devolved_force")  # the areas people live in


@dataclass(frozen=True)
class Tile:
    organisation: Organisation
    label: str  # drawn on the tile: a few letters for a force area, the short name beside
    col: int
    row: int
    beside: bool  # not a force area: drawn in the panel beside the map


@dataclass(frozen=True)
class Population:
    organisation: str  # short name
    year: int
    residents: int
    source: str


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("msops.domain.data").joinpath(filename).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def tiles() -> tuple[Tile, ...]:
    """Every organisation's place on the map, force areas first."""
    placed = (
        Tile(
            canonical_organisation(r["organisation"]),
            r["label"],
            int(r["col"]),
            int(r["row"]),
            r["beside"] == "yes",
        )
        for r in _rows("area_map.csv")
    )
    return tuple(sorted(placed, key=lambda t: t.beside))


@cache
def populations() -> dict[str, Population]:
    """Residents per force area, by the organisation's short name (areas without an estimate
    shipped are absent)."""
    found: dict[str, Population] = {}
    for r in _rows("population.csv"):
        org = canonical_organisation(r["organisation"])
        found[org.short_name] = Population(
            org.short_name, int(r["year"]), int(r["residents"]), r["source"]
        )
    return found


def rate_per_100k(count: int, residents: int) -> float:
    """`count` per 100,000 of `residents`."""
    return count * 100_000 / residents
