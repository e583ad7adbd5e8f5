"""Public profiles: no small count is given away by the tables of the release taken together.

The attacker reads the released CSV text and knows what a reader of the profile knows: each
table adds up along its rows (these + other operations = national) and its columns; the summary
repeats the totals of the tables whose categories are exclusive (exploitation type, region, lead
organisation) and of the routes; victims, children and suspects are totals of the people tables;
an operation counted in a month or naming a sector or a method is one of these operations; the
routes into a region add up to that region's figure. It shares no code with `msops.analytics`
(its solver is `joint_attacker`'s), and takes the true counts from the exact release.
"""

from __future__ import annotations

import math

import pytest
from sqlalchemy import Engine

from msops.analytics.disclosure import release
from msops.analytics.disclosure_suppression import suppress
from msops.analytics.profile import Profile, profile
from msops.analytics.profile_release import PublicRelease, public_release, shapes
from msops.analytics.profile_routes import public_routes
from msops.analytics.profile_tables import public_tables, slug
from msops.analytics.tables import Audience, ReportTable, Rule
from msops.domain.principal import system_principal
from msops.domain.profile import theme_of
from tests.analytics import joint_attacker as ja
from tests.analytics.test_profile import DEMO, demo  # noqa: F401 (the fixture)

PUBLIC = Rule(Audience.PUBLIC)
NATIONALLY, THESE = "Operations nationally", "These operations"
EXCLUSIVE = ("exploitation_type", "region", "lead_organisation")
AT_MOST = ("months", "sector", "recruitment_method", "means_of_control")
LEFT_OUT = ("outcomes", "europol")  # single figures, each rounded on its own


def as_rows(tables: list[ReportTable]) -> dict[str, ja.Rows]:
    return {t.name: [list(t.header), *map(list, t.rows)] for t in tables if t.name not in LEFT_OUT}


def exact(p: Profile) -> dict[str, ja.Rows]:
    """The same tables with every count exact (no suppression, no rounding)."""
    grouped = public_routes(p.routes, PUBLIC.threshold)
    found = shapes(p, grouped)
    r = PublicRelease({n: release(s, {}, 1) for n, s in found.items()}, frozenset(), grouped)
    return as_rows(public_tables(p, PUBLIC, r))


def cell(table: str, row: str, col: str) -> str:
    return ja.key((table, row, col))


def cells(name: str, rows: ja.Rows) -> dict[ja.Ref, str]:
    """Every figure of a table; a route is named by its origin, transit and region."""
    header = rows[0]
    if name == "routes":
        return {(name, " / ".join(r[:3]), "Operations"): r[3] for r in rows[1:]}
    return {(name, r[0], header[j]): r[j] for r in rows[1:] for j in range(1, len(header))}


def lines(name: str, rows: ja.Rows) -> list[ja.Relation]:
    """Each table adds up: its last row is the sum of the others, its last column (national) of
    these and the other operations."""
    if name == "summary":
        return []
    if name == "routes":
        body = [" / ".join(r[:3]) for r in rows[1:]]
        terms = {cell(name, b, "Operations"): 1.0 for b in body[:-1]}
        return [ja.Relation({**terms, cell(name, body[-1], "Operations"): -1.0})]
    header, body = rows[0], [r[0] for r in rows[1:]]
    out = []
    for col in header[1:]:
        terms = {cell(name, b, col): 1.0 for b in body[:-1]}
        out.append(ja.Relation({**terms, cell(name, body[-1], col): -1.0}))
    for b in body:
        out.append(
            ja.Relation(
                {
                    cell(name, b, THESE): 1.0,
                    cell(name, b, "Other operations"): 1.0,
                    cell(name, b, NATIONALLY): -1.0,
                }
            )
        )
    return out


def cross(public: dict[str, ja.Rows], truth: dict[str, ja.Rows]) -> list[ja.Relation]:
    s = {r[0]: cell("summary", r[0], "Value") for r in public["summary"][1:]}
    ops, national = s[THESE], s[NATIONALLY]
    out = []
    for name in EXCLUSIVE:
        last = public[name][-1][0]
        out.append(ja.Relation({ops: 1.0, cell(name, last, THESE): -1.0}))
        out.append(ja.Relation({national: 1.0, cell(name, last, NATIONALLY): -1.0}))
    out.append(ja.Relation({ops: 1.0, cell("routes", "Total /  / ", "Operations"): -1.0}))
    for name in AT_MOST:
        for r in public[name][1:-1]:
            out.append(ja.Relation({cell(name, r[0], THESE): 1.0, ops: -1.0}, at_most=True))
    sex_age = public["victims_sex_and_age"]
    victims_total = cell("victims_sex_and_age", sex_age[-1][0], THESE)
    out.append(ja.Relation({s["Potential victims"]: 1.0, victims_total: -1.0}))
    children = [r[0] for r in sex_age[1:-1] if r[0].lower().startswith("child")]
    out.append(
        ja.Relation(
            {
                s["of whom children"]: 1.0,
                **{cell("victims_sex_and_age", c, THESE): -1.0 for c in children},
            }
        )
    )
    suspects = public["suspect_nationality"][-1][0]
    out.append(
        ja.Relation({s["Suspects"]: 1.0, cell("suspect_nationality", suspects, THESE): -1.0})
    )
    victims = public["victim_nationality"][-1][0]
    nat_total = dict(cells("victim_nationality", truth["victim_nationality"]))[
        ("victim_nationality", victims, THESE)
    ]
    summary_truth = {r[0]: r[1] for r in truth["summary"][1:]}
    if nat_total == summary_truth["Potential victims"]:
        out.append(
            ja.Relation(
                {s["Potential victims"]: 1.0, cell("victim_nationality", victims, THESE): -1.0}
            )
        )
    return out + by_region(public)


def by_region(public: dict[str, ja.Rows]) -> list[ja.Relation]:
    """The routes into each region (or into "Other regions") add up to the region's figure."""
    regions = [r[0] for r in public["region"][1:-1]]
    into: dict[str, list[str]] = {}
    for r in public["routes"][1:-1]:
        into.setdefault(r[2], []).append(cell("routes", " / ".join(r[:3]), "Operations"))
    out = []
    for node, refs in into.items():
        members = [g for g in regions if g == node or (node == "Other regions" and g not in into)]
        terms = {ref: 1.0 for ref in refs} | {cell("region", g, THESE): -1.0 for g in members}
        out.append(ja.Relation(terms))
    return out


def attack(
    public: dict[str, ja.Rows], truth: dict[str, ja.Rows], withheld: set[str]
) -> dict[str, tuple[int, int]]:
    """The feasible interval of every suppressed small count outside withheld tables."""
    m = ja.Model()
    targets = []
    for name, rows in public.items():
        true = cells(name, truth[name])
        for ref, text in cells(name, rows).items():
            if text == "":
                continue
            if name in withheld:  # of a withheld table a reader knows only that counts are >= 0
                m.bounds[ja.key(ref)] = (0, math.inf)
                continue
            m.bounds[ja.key(ref)] = ja.reader_bounds(text, int(true[ref]), 10, 5)
            if text == ja.SUPPRESSED and 0 < int(true[ref]) < 10:
                targets.append(ja.key(ref))
        m.relations += lines(name, rows)
    m.relations += [r for r in cross(public, truth) if all(k in m.bounds for k in r.terms)]
    return {t: ja.interval(m, t) for t in targets}


def table_name(shape: str) -> str:
    return slug(shape.split(":", 1)[-1])


@pytest.mark.parametrize(
    "words",
    [{"sector": "Car washes"}, {"children": True}, {"nationality": "Romanian"}],
    ids=["car-washes", "children", "romanian"],
)
def test_no_small_count_of_a_public_profile_is_narrowed(
    demo: Engine,  # noqa: F811
    words: dict[str, object],
) -> None:
    with demo.connect() as conn:
        p = profile(conn, system_principal("analyst"), theme_of(**words), DEMO)  # type: ignore[arg-type]
    r = public_release(p, PUBLIC)
    public = as_rows(public_tables(p, PUBLIC, r))
    found = attack(public, exact(p), {table_name(n) for n in r.withheld})
    assert found, "the attack is on the suppressed small counts"
    assert ja.narrow(found, 2) == {}
    assert all(not math.isinf(hi) for _, hi in found.values())


def test_the_attacker_pins_a_count_when_only_small_counts_are_suppressed(
    demo: Engine,  # noqa: F811
) -> None:
    """Without secondary suppression, the tables' own sums give a small count away."""
    with demo.connect() as conn:
        p = profile(conn, system_principal("analyst"), theme_of(sector="Car washes"), DEMO)
    grouped = public_routes(p.routes, PUBLIC.threshold)
    primary_only = {
        n: release(s, suppress(s.grid, threshold=10, suppress_zeros=False, secondary=False), 5)
        for n, s in shapes(p, grouped).items()
    }
    weak = PublicRelease(primary_only, frozenset(), grouped)
    found = attack(as_rows(public_tables(p, PUBLIC, weak)), exact(p), set())
    assert ja.narrow(found, 2) != {}
