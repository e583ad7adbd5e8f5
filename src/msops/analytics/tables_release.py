"""The overview's tables of counts as one release: what they share, protected together.

The tables of a release repeat each other's figures, and a reader knows how (see
`docs/disclosure-control.md`, "Tables released together"):

- live operations: the grand total of the region-by-lead table and of the exploitation table
  (and the headline, and the last month of the trend, which show the region table's figure);
- live police-led operations (headline) = local forces + ROCUs (region table's column totals),
  and police-led + partner-led = live;
- opened and closed in the month: the headline and the last month of the trend show one figure;
- police-led operations held to date are at least the live police-led ones;
- potential victims by nationality add up to the victims of every live operation: those of
  police-led operations (victims table) plus those of partner-led ones (none when no partner-led
  operation is live);
- operations eligible for a Europol check are some of the live operations.

For the public, every table here is protected by `disclosure_joint.protect_jointly` with those
relations; internally, every figure is exact.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from msops.analytics import overview_breakdowns as b
from msops.analytics.disclosure import ProtectedTable, Shape, release, series_shape, table_shape
from msops.analytics.disclosure_joint import Relation, Rules, protect_jointly, same
from msops.analytics.overview import Overview
from msops.domain.reference import code_lists, typology

DETAILS = ("sectors", "recruitment_methods", "control_methods")
NATIONALITIES = ("victim_nationalities", "suspect_nationalities")
COUNTS = ("police_led", "opened", "closed", "held")  # headline figures of their own
WITHHELD_NOTE = (
    "Withheld: this table could not be published without giving away small counts,"
    " with the other tables of the release."
)


@dataclass(frozen=True)
class Released:
    """Every table of counts of one release, by name, and the names of the withheld ones."""

    tables: Mapping[str, ProtectedTable]
    withheld: frozenset[str]


def release_all(ov: Overview, rules: Rules | None) -> Released:
    """The tables of `ov`: exact when `rules` is None, else protected together under `rules`."""
    found = shapes(ov)
    if rules is None:
        return Released({n: release(s, {}, 1) for n, s in found.items()}, frozenset())
    grids = {name: shape.grid for name, shape in found.items()}
    joint = protect_jointly(grids, relations(ov, found), rules)
    tables = {n: release(s, joint.status[n], rules.base) for n, s in found.items()}
    return Released(tables, frozenset(joint.withheld))


def shapes(ov: Overview) -> dict[str, Shape]:
    """The counts of every table that shares figures with another, checked, by name."""
    regions = b.ordered({r for r, _ in ov.lead_by_region}, b.REGION_ORDER) or [b.NO_REGION]
    categories = [c.label for c in code_lists()["exploitation_category"]]
    types = [t.label for t in typology()] + [b.TYPE_NOT_KNOWN]
    h, e = ov.headline, ov.europol
    out = {
        "region": table_shape(ov.lead_by_region, rows=regions, cols=b.LEAD_TYPES),
        "exploitation": table_shape(ov.exploitation, rows=types, cols=categories),
        "victims": table_shape(
            ov.victims, rows=("Adult", "Child"), cols=("Female", "Male", "Unknown")
        ),
        "europol": series_shape(
            {"Checked": e.checked, "Not checked": e.eligible - e.checked}, column="Operations"
        ),
    }
    figures = (h.live_police_led, h.opened_in_month, h.closed_in_month, h.police_led_held_to_date)
    out |= {
        name: series_shape({"n": n}, column="n") for name, n in zip(COUNTS, figures, strict=True)
    }
    for name, counts in zip(DETAILS, (ov.sectors, ov.recruitment, ov.control), strict=True):
        if counts:
            out[name] = series_shape(counts, column="Operations")
    people = (ov.victim_nationalities, ov.suspect_nationalities)
    for name, counts in zip(NATIONALITIES, people, strict=True):
        if counts:
            out[name] = series_shape(b.top(counts), column="People")
    return out


def relations(ov: Overview, found: Mapping[str, Shape]) -> list[Relation]:
    """What a reader knows of how the tables' figures are related (the module's docstring)."""
    region = found["region"]
    live = ("region", region.position(None, None))
    local, rocu, partner = (("region", region.position(None, t)) for t in b.LEAD_TYPES)
    police, held = ("police_led", (1, 0)), ("held", (1, 0))
    victims = ("victims", found["victims"].position(None, None))
    out = [
        *same(live, ("exploitation", found["exploitation"].position(None, None))),
        Relation(((police, 1), (local, -1), (rocu, -1))),
        Relation(((police, 1), (partner, 1), (live, -1))),
        Relation(((police, 1), (held, -1)), at_most=True),
        Relation(((("europol", (2, 0)), 1), (live, -1)), at_most=True),
    ]
    if "victim_nationalities" in found:
        total = ("victim_nationalities", found["victim_nationalities"].position(None, None))
        no_partner = ov.lead_by_region and not any(
            n for (_, t), n in ov.lead_by_region.items() if t == b.PARTNER
        )
        out += same(victims, total) if no_partner else [Relation(((victims, 1), (total, -1)), True)]
    return out
