"""From scored pairs to people: exact identifier links, then connected components."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    """Two records judged the same person (or sharing a strong identifier), and why."""

    left: str
    right: str
    probability: float
    kind: str  # "model" or the identifier kind of an exact link ("phone", "passport", ...)


class _UnionFind:
    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, item: str) -> str:
        root = item
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            # the smaller id becomes the root, so cluster ids do not depend on link order
            low, high = sorted((ra, rb))
            self.parent[high] = low


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


def connected_clusters(record_ids: Iterable[str], links: Iterable[Link]) -> dict[str, str]:
    """record id -> cluster id (the smallest record id of its cluster, compared as text)."""
    uf = _UnionFind(record_ids)
    for link in links:
        uf.union(link.left, link.right)
    return {rid: uf.find(rid) for rid in uf.parent}
