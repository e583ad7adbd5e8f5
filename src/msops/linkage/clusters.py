"""From scored pairs to people: exact identifier links, then connected components that refuse
to merge records whose dates of birth cannot belong to one person.

A chain of links (A-B at 0.9, B-C at 0.9) can join A and C even when A and C are namesakes with
different full dates of birth: one record with only an estimated age, or a shared phone, is
enough. Clustering therefore takes links strongest first and skips any link that would put two
incompatible birth facts in one cluster (see `compatible`), unless the model linked the
records holding them directly between names that could be one person's (never a household's
two given names). An estimated age that disagrees with a full date is reconciled by another
full date in the cluster a slip of the pen away (a year written a decade wrong). A link
between two given names (an alias) joins one record to a group, never two groups of records,
and two groups of records join only when the links between them outweigh the pairs between
them the model did not link (`_cohesive`). Links an analyst confirmed are applied first and
never refused.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from math import log
from operator import ne
from typing import NamedTuple


class Link(NamedTuple):  # a tuple: hundreds of thousands are made per run
    """Two records judged the same person (or sharing a strong identifier), and why."""

    left: str
    right: str
    probability: float
    kind: str  # "model" or the identifier kind of an exact link ("phone", "passport", ...)
    # a model link between names that could be one person's (not two given names of a family)
    one_name: bool = True


class Birth(NamedTuple):
    """What a record says about when its person was born (either may be unknown)."""

    dob: str | None = None  # ISO date, as written (after cleaning)
    year: float | None = None  # when born, as a decimal year (exact or estimated from an age)


# A model link at least this probable between two records overrides their dates of birth (any
# model link that is used, by default: its other fields outweighed the dates).
OVERRIDE_FROM = 0.0

# How far apart two years of birth may be when at least one is only estimated from an age.
ESTIMATE_SLACK = 5


def _digits_apart(a: str, b: str) -> int:
    """Positions where two ISO dates (both ten characters, see `prepare.parse_dob`) differ; map(ne)
    rather than a generator: this runs for every pair of dates a join compares."""
    return sum(map(ne, a, b))


def _swap(iso: str) -> str:
    return f"{iso[:5]}{iso[8:10]}-{iso[5:7]}"


def compatible(a: Birth, b: Birth) -> bool:
    """Could one person have both records? Full dates must be equal or at most two digits apart,
    either way round (day and month swapped); an estimated year must be within the estimate slack of
    the other year."""
    if a.dob and b.dob:
        # two records may each carry one slip of the pen: up to two digits apart
        return _digits_apart(a.dob, b.dob) <= 2 or _digits_apart(_swap(a.dob), b.dob) <= 2
    if a.year is None or b.year is None:
        return True
    return abs(a.year - b.year) <= ESTIMATE_SLACK


def _reconciled(a: Birth, b: Birth, held: Iterable[Mapping[Birth, object]]) -> bool:
    """A full date and an estimated age that disagree are one person's when the cluster holds
    another full date a slip of the pen away from the first that the age agrees with: the
    first was written with a wrong digit (1943 for 1983). Two full dates are never reconciled
    this way."""
    if (a.dob is None) == (b.dob is None):
        return False
    written, age = (a, b) if a.dob else (b, a)
    return any(
        w.dob and w.dob != written.dob and compatible(w, written) and compatible(w, age)
        for facts in held
        for w in facts
    )


class _UnionFind:
    """Union-find that keeps, per cluster, which records hold which birth facts."""

    def __init__(self, ids: Iterable[str], births: Mapping[str, Birth]) -> None:
        self.parent = {i: i for i in ids}
        self.births = births
        # root -> birth fact -> records holding it, for roots that have joined another record
        # (a record alone holds its own birth fact: see `_facts`)
        self.facts: dict[str, dict[Birth, list[str]]] = {}

    def _facts(self, root: str) -> dict[Birth, list[str]]:
        if root in self.facts:
            return self.facts[root]
        birth = self.births.get(root)
        if birth is None or (not birth.dob and birth.year is None):
            return {}
        return {birth: [root]}

    def find(self, item: str) -> str:
        return _root(self.parent, item)

    def can_join(self, ra: str, rb: str, direct: set[tuple[str, str]]) -> list[Birth] | None:
        """No two incompatible birth facts in the clusters of roots ra and rb, unless the model
        linked a record holding one directly to a record holding the other (its other fields
        outweighed the dates); a chain through third records is never enough. None: refused;
        else the facts the join outvotes (see `union`)."""
        outvoted: list[Birth] = []
        mine, theirs = self._facts(ra), self._facts(rb)
        if not mine or not theirs:
            return outvoted
        for x_birth, xs in mine.items():
            for y_birth, ys in theirs.items():
                if compatible(x_birth, y_birth) or _reconciled(x_birth, y_birth, (mine, theirs)):
                    continue
                if not any((min(x, y), max(x, y)) in direct for x in xs for y in ys):
                    return None
                if len(xs) != len(ys):
                    outvoted.append(x_birth if len(xs) < len(ys) else y_birth)
        return outvoted

    def union(self, ra: str, rb: str, outvoted: Sequence[Birth] = ()) -> None:
        """Join the clusters of roots ra and rb (two clusters: `find` them first). A birth fact
        outvoted by the join (held by fewer records than the fact it contradicts, and
        overridden by a direct link) was written wrong: it no longer speaks for the cluster, so
        it cannot refuse later joins."""
        # the smaller id becomes the root, so cluster ids do not depend on link order
        low, high = (ra, rb) if ra < rb else (rb, ra)
        self.parent[high] = low
        mine = self.facts[low] = self._facts(low)
        for birth, holders in self._facts(high).items():
            mine.setdefault(birth, []).extend(holders)
        self.facts.pop(high, None)
        for birth in outvoted:
            mine.pop(birth, None)


def exact_links(
    record_ids: Sequence[str], values: Sequence[object | None], kind: str
) -> list[Link]:
    """Links between records holding the same normalised identifier (a star per value)."""
    first: dict[object, str] = {}
    links = []
    for rid, value in zip(record_ids, values, strict=True):
        if value is None:
            continue
        if value in first:
            links.append(Link(first[value], rid, 1.0, kind))
        else:
            first[value] = rid
    return links


def connected_clusters(
    record_ids: Iterable[str],
    links: Iterable[Link],
    births: Mapping[str, Birth] | None = None,
    override_from: float = OVERRIDE_FROM,
) -> dict[str, str]:
    """record id -> cluster id (the smallest record id of its cluster, compared as text).

    With `births`, links are taken strongest first (confirmed links before all others) and a
    link that would join incompatible dates of birth is skipped, unless the model linked the
    records holding them directly and their names could be one person's (`Link.one_name`;
    exact identifier links never count as that evidence). A date such a link outvotes (held by
    fewer records than the date it contradicts) stops refusing later links. Whatever the
    births, a model link between two given names joins one record to a group, never two groups
    (`_without_alias_bridges`), and a model link between two groups must be borne out by the
    other pairs between them (`_cohesive`).
    """
    links, groups = _cohesive(_without_alias_bridges(links))
    clusters = {rid: rid for rid in record_ids}
    for root, members in groups.items():
        for rid in members:
            if rid not in clusters:
                raise ValueError("a link names a record that is not among the records clustered")
            clusters[rid] = root
    if births is None:
        return clusters
    # Where every birth fact of a group of linked records could be one person's, no link is
    # refused: the group is a cluster as it is. Only the other groups are clustered link by
    # link (4% of the records and 6% of the links at 100k).
    disputed = _disputed(groups, births)
    if disputed:
        ids = [rid for root in disputed for rid in groups[root]]
        inner = [k for k in links if clusters[k.left] in disputed]
        clusters.update(_strongest_first(ids, inner, births, override_from))
    return clusters


def _without_alias_bridges(links: Iterable[Link]) -> list[Link]:
    """The links, less model links between two given names (not `Link.one_name`) that would
    join two groups of two records or more. Another given name is an alias, and an alias is
    one record's: one person's records agree on their names but for that one. Two groups,
    each joined by names that could be one person's, that meet only across two given names are
    two people who share a family name and a date of birth by chance (at 1,000,000 records
    these joins made two fifths of the false pairs between full dates). Groups are taken
    before any such link: an alias record may join a group whatever the order."""
    links = list(links)
    alike = [k for k in links if k.kind != "model" or k.one_name]
    if len(alike) == len(links):
        return links
    groups = _components(alike)
    sizes = Counter(groups.values())
    return [
        k
        for k in links
        if k.kind != "model"
        or k.one_name
        or min(sizes[groups.get(k.left, k.left)], sizes[groups.get(k.right, k.right)]) < 2
        or groups.get(k.left, k.left) == groups.get(k.right, k.right)
    ]


# Weighing two groups of records, a pair between them that the model did not link counts as
# this probable: below the threshold, by how much is not kept (measured: the pairs' own
# probabilities instead changed F1 by 0.0001 at 300,000 records).
UNLINKED = 0.05


def _log_odds(probability: float) -> float:
    p = min(max(probability, 1e-4), 1 - 1e-4)  # an identifier link (1.0) counts as 0.9999
    return log(p / (1 - p))


def _cohesive(links: list[Link]) -> tuple[list[Link], dict[str, list[str]]]:
    """The links, less model links that would join two groups of two records or more that the
    other pairs between them speak against, and the groups the rest make (root, the smallest
    record id, -> records; records without a link are left out).
    Taken strongest first, such a link joins its two groups only when the log-odds of every
    pair between them sum above zero: a linked pair counts its probability, a pair not linked
    `UNLINKED`. One person's records are copies of the same facts with a few written wrong, so
    most pairs across link; two people who meet in one chance likeness (a namesake born a digit
    apart, a typo that makes one name of two) link in that pair only. Identifier and confirmed
    links are taken first and never dropped."""
    model = sorted((k for k in links if k.kind == "model"), key=_strongest)
    ordered = [k for k in links if k.kind != "model"] + model
    by_record: defaultdict[str, list[tuple[str, float]]] = defaultdict(list)
    for k in ordered:
        by_record[k.left].append((k.right, k.probability))
        by_record[k.right].append((k.left, k.probability))
    neighbours = dict(by_record)  # a lookup of a record without links is an error, not a []
    parent = {rid: rid for rid in neighbours}
    members: dict[str, list[str]] = {}
    # a root's group changes when another joins it: a refusal holds until one of the two does
    version: dict[str, int] = {}
    refused: set[tuple[str, int, str, int]] = set()
    dropped: set[Link] = set()
    for link in ordered:
        # roots found inline where a record is a root or next to one (most are: 1 s of 2 at
        # 100,000 records went on calls)
        ra, rb = parent[link.left], parent[link.right]
        if parent[ra] != ra:
            ra = _root(parent, ra)
        if parent[rb] != rb:
            rb = _root(parent, rb)
        if ra == rb:
            continue
        if rb < ra:
            ra, rb = rb, ra
        mine, theirs = members.get(ra, [ra]), members.get(rb, [rb])
        if link.kind == "model" and len(mine) >= 2 and len(theirs) >= 2:
            state = (ra, version.get(ra, 0), rb, version.get(rb, 0))
            if state in refused or not _borne_out(mine, theirs, parent, neighbours):
                refused.add(state)
                dropped.add(link)
                continue
        # the smaller id becomes the root: a cluster's id is its smallest record id
        parent[rb] = ra
        version[ra] = version.get(ra, 0) + 1
        # the smaller group is copied into the larger (a placeholder identifier shared by
        # thousands of records must not copy its growing group once per record)
        larger, smaller = (mine, theirs) if len(mine) >= len(theirs) else (theirs, mine)
        larger.extend(smaller)
        members.pop(rb, None)
        members[ra] = larger
    # a dropped link whose records a later link put in one group is kept: it is direct
    # evidence between them (see `_strongest_first`)
    kept = [k for k in links if k not in dropped or _root(parent, k.left) == _root(parent, k.right)]
    return kept, members


def _strongest(link: Link) -> tuple[float, str, str]:
    """Sort key: the most probable link first, ties in the order of the records' ids (links
    come from an unordered join: equal probabilities must not be taken in whatever order it
    gave)."""
    a, b = link.left, link.right
    return (-link.probability, a, b) if a < b else (-link.probability, b, a)


def _borne_out(
    mine: Sequence[str],
    theirs: Sequence[str],
    parent: dict[str, str],
    neighbours: Mapping[str, Sequence[tuple[str, float]]],
) -> bool:
    """Whether the log-odds of every pair between two groups sum above zero (see `_cohesive`).
    The linked pairs are found from the smaller group's links (a group of thousands, a
    placeholder identifier's holders, costs its links, not a lookup per pair)."""
    smaller, larger = (mine, theirs) if len(mine) <= len(theirs) else (theirs, mine)
    other = _root(parent, larger[0])
    total, linked = 0.0, 0
    for a in smaller:
        # a pair linked twice (model and identifier) counts its stronger link
        strongest: dict[str, float] = {}
        for b, p in neighbours[a]:
            if _root(parent, b) == other and p > strongest.get(b, 0.0):
                strongest[b] = p
        linked += len(strongest)
        total += sum(map(_log_odds, strongest.values()))
    unlinked = len(mine) * len(theirs) - linked
    return total + unlinked * _log_odds(UNLINKED) > 0


def _components(links: Iterable[Link]) -> dict[str, str]:
    """record id -> the smallest record id joined to it by any chain of links (for the records
    of the links only)."""
    parent: dict[str, str] = {}
    for link in links:
        ra = _root(parent, parent.setdefault(link.left, link.left))
        rb = _root(parent, parent.setdefault(link.right, link.right))
        if ra < rb:
            parent[rb] = ra
        elif rb < ra:
            parent[ra] = rb
    return {i: _root(parent, i) for i in parent}


def _root(parent: dict[str, str], item: str) -> str:
    """The root of `item` in a union-find forest, compressing the path to it."""
    root = item
    while parent[root] != root:
        root = parent[root]
    while parent[item] != root:
        parent[item], item = root, parent[item]
    return root


def _disputed(groups: Mapping[str, Sequence[str]], births: Mapping[str, Birth]) -> set[str]:
    """The groups (by root) holding two birth facts that could not be one person's."""
    disputed = set()
    for root, members in groups.items():
        held = {
            b for b in map(births.get, members) if b is not None and (b.dob or b.year is not None)
        }
        if len(held) > 1 and not all(compatible(a, b) for a, b in combinations(held, 2)):
            disputed.add(root)
    return disputed


def _strongest_first(
    record_ids: Iterable[str],
    links: Iterable[Link],
    births: Mapping[str, Birth],
    override_from: float,
) -> dict[str, str]:
    """`connected_clusters` with births, link by link (see there)."""
    ordered = sorted(links, key=lambda k: (k.kind != "confirmed", *_strongest(k)))
    uf = _UnionFind(record_ids, births)
    direct = {
        (min(k.left, k.right), max(k.left, k.right))
        for k in ordered
        if k.kind == "model" and k.probability >= override_from and k.one_name
    }
    for link in ordered:
        ra, rb = uf.find(link.left), uf.find(link.right)
        if ra == rb:
            continue
        if link.kind == "confirmed":
            uf.union(ra, rb)
            continue
        outvoted = uf.can_join(ra, rb, direct)
        if outvoted is not None:
            uf.union(ra, rb, outvoted)
    return {rid: uf.find(rid) for rid in uf.parent}


def used_links(links: Iterable[Link], clusters: Mapping[str, str]) -> list[Link]:
    """The links whose two records ended in one cluster (refused links are dropped)."""
    return [k for k in links if clusters[k.left] == clusters[k.right]]
