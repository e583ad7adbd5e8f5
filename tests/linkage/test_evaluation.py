"""Pairwise scoring of clusters, checked against pairs counted by hand."""

from __future__ import annotations

import pytest

from msops.domain.errors import InvalidInput
from msops.linkage.clusters import Link, connected_clusters, exact_links
from msops.linkage.evaluation import pairwise_score


def test_pairwise_scores_count_pairs() -> None:
    truth = {"a": "1", "b": "1", "c": "1", "d": "2", "e": "3"}
    # predicted: {a,b} {c,d} {e}: one right pair (a-b) of two predicted; three true pairs
    predicted = {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}
    score = pairwise_score(truth, predicted)
    assert (score.true_pairs, score.predicted_pairs, score.correct_pairs) == (3, 2, 1)
    assert score.precision == 0.5
    assert score.recall == pytest.approx(1 / 3)
    assert score.f1 == pytest.approx(0.4)


def test_a_record_without_a_cluster_is_an_error() -> None:
    with pytest.raises(InvalidInput, match="1 records"):
        pairwise_score({"a": "1", "b": "1"}, {"a": "x"})


def test_exact_links_and_components() -> None:
    links = exact_links(["a", "b", "c", "d"], ["+44", None, "+44", "+33"], "phone")
    assert [(x.left, x.right, x.kind) for x in links] == [("a", "c", "phone")]
    clusters = connected_clusters(["d", "c", "b", "a"], [*links, Link("c", "d", 0.9, "model")])
    assert clusters == {"a": "a", "c": "a", "d": "a", "b": "b"}
