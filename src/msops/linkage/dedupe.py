"""Deduplicating a batch of person records: prepare, match, add exact links, cluster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from msops.linkage.clusters import Link, connected_clusters, exact_links
from msops.linkage.matcher import MatcherConfig, MatchResult, Progress, match
from msops.linkage.prepare import PersonInput, prepare

STRONG_COLUMNS = ("phone",)  # in a person file, the identifiers that link on their own


@dataclass
class Resolution:
    clusters: dict[str, str]  # record id -> cluster id
    links: list[Link]  # links at or above the threshold, model and exact
    scored: MatchResult  # every scored pair with its evidence


def dedupe(
    people: Sequence[PersonInput],
    config: MatcherConfig | None = None,
    progress: Progress | None = None,
    extra_links: Sequence[Link] = (),
) -> Resolution:
    """Who is who among `people`: a cluster id for every record."""
    config = config or MatcherConfig()
    say = progress or (lambda _stage: None)
    say("preparing records (names, dates of birth, identifiers)")
    columns = prepare(people)
    result = match(columns, config, progress)
    ids = [str(i) for i in columns["unique_id"]]
    links = [
        Link(p.left, p.right, p.probability, "model")
        for p in result.pairs
        if p.probability >= config.threshold
    ]
    for column in STRONG_COLUMNS:
        if column in result.present:
            links += exact_links(ids, columns[column], column)
    links += extra_links
    say("clustering")
    return Resolution(connected_clusters(ids, links), links, result)
