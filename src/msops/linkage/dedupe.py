"""Deduplicating a batch of person records: prepare, match, add exact links, cluster."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from msops.linkage.clusters import Birth, Link, connected_clusters, used_links
from msops.linkage.matcher import (
    DEFAULT_THRESHOLD,
    MatcherConfig,
    MatchResult,
    Progress,
    match,
)
from msops.linkage.prepare import PersonInput, prepare


@dataclass
class Resolution:
    clusters: dict[str, str]  # record id -> cluster id
    links: list[Link]  # links at or above the threshold, model and exact
    scored: MatchResult  # every scored pair with its evidence


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector rescans every live object each time many are allocated; a run
    allocates millions (prepared columns, pairs, links) and makes no cycles worth collecting."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def dedupe(
    people: Iterable[PersonInput],
    config: MatcherConfig | None = None,
    progress: Progress | None = None,
    extra_links: Sequence[Link] = (),
) -> Resolution:
    """Who is who among `people`: a cluster id for every record."""
    with _gc_paused():
        return _dedupe(people, config or MatcherConfig(), progress, extra_links)


def _dedupe(
    people: Iterable[PersonInput],
    config: MatcherConfig,
    progress: Progress | None,
    extra_links: Sequence[Link],
) -> Resolution:
    say = progress or (lambda _stage: None)
    say("preparing records (names, dates of birth, identifiers)")
    columns = prepare(people)
    ids = [str(i) for i in columns["unique_id"]]
    births = {
        rid: Birth(dob, year)  # type: ignore[arg-type]
        for rid, dob, year in zip(ids, columns["dob"], columns["birth_when"], strict=True)
        if year is not None
    }
    result = match(columns, config, progress)  # clears the columns once they are in DuckDB
    threshold = DEFAULT_THRESHOLD if config.threshold is None else config.threshold
    links = [
        Link(p.left, p.right, p.probability, "model", p.one_name)
        for p in result.pairs
        if p.probability >= threshold and not p.family
    ]
    links += extra_links
    say("clustering")
    clusters = connected_clusters(ids, links, births)
    return Resolution(clusters, used_links(links, clusters), result)
