"""A profile's tables for the public: suppressed and rounded, protected together.

The counts of a profile are released as two-way tables, each category against "these
operations" and "other operations" with its total (the national figure), so a reader gets the
national baseline as a row total rather than by subtraction. The tables repeat each other's
figures, and a reader knows how:

- these operations: the column total of the tables whose categories are exclusive (exploitation
  type, region, lead organisation), and the routes' total; every other operation likewise;
- an operation that names a sector, a recruitment or a control method, or is in a month's
  returns, is one of these operations (each such figure is at most their number);
- potential victims: the total of the sex-and-age table and of the victims' nationalities (when
  every victim's nationality is recorded); children: the child rows of the sex-and-age table;
  suspects: the total of the suspects' nationalities;
- the routes into a region add up to that region's figure (small regions grouped as "Other").

Every table is protected by `disclosure_joint.protect_jointly` under those relations, as the
overview's public tables are. Left out for the public: the tests' statistics (computed on exact
counts), the postcode areas and organisations (too fine), threads, debriefs and lessons.
Outcomes and Europol checks are single figures, each suppressed and rounded on its own, as in
the overview.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from msops.analytics.disclosure import ProtectedTable, Shape, release, series_shape, table_shape
from msops.analytics.disclosure_joint import Ref, Relation, Rules, protect_jointly, same
from msops.analytics.nrm_stats import DimensionResult
from msops.analytics.profile import OperationDimension, Profile
from msops.analytics.profile_routes import OTHER_REGION, Routes, public_routes
from msops.analytics.tables import Rule

THESE, OTHERS = "These operations", "Other operations"
COLS = (THESE, OTHERS)
EXCLUSIVE = ("Exploitation type", "Region", "Lead organisation")
LEFT_OUT = ("Postcode area",)
SUMMARY = ("operations", "national", "children")
ARROW = " → "


@dataclass(frozen=True)
class PublicRelease:
    """Every protected table by name, the tables withheld whole, and the routes as grouped."""

    tables: Mapping[str, ProtectedTable]
    withheld: frozenset[str]
    routes: Routes


def dimension_key(name: str) -> str:
    return "dim:" + name


def people_key(name: str) -> str:
    return "people:" + name


def route_label(origin: str, transit: str, region: str) -> str:
    return ARROW.join((origin, transit, region))


def public_release(p: Profile, rule: Rule) -> PublicRelease:
    """The profile's counts as released to the public under `rule`."""
    rules = Rules(rule.threshold, rule.base, protection=rule.protection)
    grouped = public_routes(p.routes, rule.threshold)
    found = shapes(p, grouped)
    joint = protect_jointly({n: s.grid for n, s in found.items()}, relations(p, found), rules)
    tables = {n: release(s, joint.status[n], rules.base) for n, s in found.items()}
    return PublicRelease(tables, frozenset(joint.withheld), grouped)


def _pairs(dim: OperationDimension) -> dict[tuple[str, str], int]:
    out = {}
    for s in dim.shares:
        out[s.label, THESE] = s.theme
        out[s.label, OTHERS] = s.national - s.theme
    return out


def _people(result: DimensionResult) -> dict[tuple[str, str], int]:
    out = {}
    for c in result.categories:
        out[c.label, THESE] = c.nrm  # the theme is the second row of the comparison
        out[c.label, OTHERS] = c.police
    return out


def shapes(p: Profile, routes: Routes) -> dict[str, Shape]:
    """The counts of every table of the public release, by name."""
    months: dict[tuple[str, str], int] = {}
    for m in p.months:
        months[str(m.period), THESE] = m.theme
        months[str(m.period), OTHERS] = m.national - m.theme
    out = {
        "operations": series_shape({"n": p.n_operations}, column="n"),
        "national": series_shape({"n": p.n_national}, column="n"),
        "children": series_shape({"n": p.n_children}, column="n"),
        "months": table_shape(months, rows=[str(m.period) for m in p.months], cols=COLS),
    }
    for dim in p.operation_dimensions:
        if dim.name not in LEFT_OUT and dim.shares:
            rows = [s.label for s in dim.shares]
            out[dimension_key(dim.name)] = table_shape(_pairs(dim), rows=rows, cols=COLS)
    for result in p.people:
        if result.categories:
            rows = [c.label for c in result.categories]
            out[people_key(result.dimension)] = table_shape(_people(result), rows=rows, cols=COLS)
    if routes.counts:
        counts = {route_label(r.origin, r.transit, r.region): n for r, n in routes.counts.items()}
        out["routes"] = series_shape(counts, column="Operations")
    return out


def _at(found: Mapping[str, Shape], name: str, row: str | None, col: str | None) -> Ref:
    return name, found[name].position(row, col)


def relations(p: Profile, found: Mapping[str, Shape]) -> list[Relation]:
    """What a reader knows of how the tables' figures are related (the module's docstring)."""
    ops, national = _at(found, "operations", None, None), _at(found, "national", None, None)
    exclusive = [dimension_key(n) for n in EXCLUSIVE if dimension_key(n) in found]
    out = [
        *same(ops, *(_at(found, k, None, THESE) for k in exclusive)),
        *same(national, *(_at(found, k, None, None) for k in exclusive)),
    ]
    if "routes" in found:
        out += same(ops, _at(found, "routes", None, None))
    for name, shape in found.items():
        if name == "months" or (name.startswith("dim:") and name not in exclusive):
            out += [
                Relation(((_at(found, name, row, THESE), 1), (ops, -1)), at_most=True)
                for row in shape.rows
            ]
    return out + _people_relations(p, found) + _route_relations(p, found)


def _people_relations(p: Profile, found: Mapping[str, Shape]) -> list[Relation]:
    sex_age, nationality = people_key("victims' sex and age"), people_key("victim nationality")
    if sex_age not in found:
        return []
    out = []
    children = [r for r in found[sex_age].rows if r.lower().startswith("child")]
    if children:
        terms = [(_at(found, sex_age, r, THESE), -1) for r in children]
        out.append(Relation(((_at(found, "children", None, None), 1), *terms)))
    held = {r.dimension: r for r in p.people}
    named = held.get("victim nationality")
    if nationality in found and named is not None and named.n_nrm == p.n_victims:
        out += same(_at(found, sex_age, None, THESE), _at(found, nationality, None, THESE))
    return out


def _route_relations(p: Profile, found: Mapping[str, Shape]) -> list[Relation]:
    """The routes into each region (or the "Other regions" group) add up to its figure."""
    region = dimension_key("Region")
    if "routes" not in found or region not in found:
        return []
    into: dict[str, list[Ref]] = {}
    for label in found["routes"].rows:
        into.setdefault(label.split(ARROW)[-1], []).append(_at(found, "routes", label, None))
    [dim] = [d for d in p.operation_dimensions if d.name == "Region"]
    counts = {s.label: s.theme for s in dim.shares}
    out = []
    for node, refs in into.items():
        members = [
            r
            for r in found[region].rows
            if r == node or (node == OTHER_REGION and counts.get(r, 0) > 0 and r not in into)
        ]
        terms = [
            *((ref, 1) for ref in refs),
            *((_at(found, region, r, THESE), -1) for r in members),
        ]
        out.append(Relation(tuple(terms)))
    return out
