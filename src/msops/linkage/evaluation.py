"""Pairwise precision, recall and F1 of a clustering against the truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from msops.domain.errors import InvalidInput


@dataclass(frozen=True)
class PairwiseScore:
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.predicted_pairs if self.predicted_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise_score(truth: Mapping[str, str], predicted: Mapping[str, str]) -> PairwiseScore:
    """Every pair of records is a match in the truth, in the prediction, both or neither."""
    missing = [r for r in truth if r not in predicted]
    if missing:
        raise InvalidInput(
            f"{len(missing)} records of the truth have no cluster (first: {missing[0]!r})"
        )
    true_sizes = Counter(truth.values())
    pred_sizes = Counter(predicted[r] for r in truth)
    both = Counter((truth[r], predicted[r]) for r in truth)
    return PairwiseScore(
        _pairs(true_sizes.values()), _pairs(pred_sizes.values()), _pairs(both.values())
    )
