"""Is a theme's share of a category different from the other operations'? One test per category.

An operation may name several sectors, recruitment methods or locations, so the categories of
such a dimension are not exclusive and a single chi-square over them would count operations
more than once. Each category is therefore its own 2 x 2 table: the theme's operations and the
other operations of the country, with and without the category. The test is Pearson's
chi-square without continuity correction (as `nrm_stats`); the effect size is phi (the 2 x 2
Cramér's V), signed positive when the theme holds the larger share; the p-values are
Bonferroni-corrected over the categories of the dimension. A table with an expected count below
`MIN_EXPECTED` is not tested, and says so.

People counted by nationality, sex or age are exclusive categories: `nrm_stats.compare_counts`
tests those, with the theme as its second row.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from msops.analytics.nrm_stats import ALPHA, MIN_EXPECTED, format_p


@dataclass(frozen=True)
class Share:
    label: str
    theme: int  # operations of the theme naming the category
    theme_total: int
    national: int  # operations of the whole country naming it (the theme's among them)
    national_total: int
    chi2: float | None  # None: too few operations for a test
    p_value: float | None  # Bonferroni-corrected
    phi: float | None  # positive: a larger share of the theme's operations

    @property
    def theme_share(self) -> float:
        return self.theme / self.theme_total if self.theme_total else 0.0

    @property
    def national_share(self) -> float:
        return self.national / self.national_total if self.national_total else 0.0

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA

    @property
    def over_represented(self) -> bool:
        """A significantly larger share of the theme's operations than of the others'."""
        return self.significant and self.phi is not None and self.phi > 0

    def sentence(self, subject: str) -> str:
        """'Recruitment method, friend or acquaintance: 41% of these operations against 18%
        nationally (chi-square 12.3, p < 0.001, phi 0.21).'"""
        stats = (
            "too few operations for a test"
            if self.chi2 is None or self.p_value is None or self.phi is None
            else f"chi-square {self.chi2:.1f}, {format_p(self.p_value)}, phi {self.phi:.2f}"
        )
        return (
            f"{subject}, {self.label}: {self.theme_share:.0%} of these operations against"
            f" {self.national_share:.0%} nationally ({stats})."
        )


def shares(
    theme: Mapping[str, int],
    theme_total: int,
    rest: Mapping[str, int],
    rest_total: int,
    label: Callable[[str], str] = str,
) -> tuple[Share, ...]:
    """Each category's share of the theme's operations and of the country's, tested against the
    other operations; largest share of the theme first."""
    categories = sorted(
        {c for c in (*theme, *rest) if theme.get(c, 0) + rest.get(c, 0) > 0},
        key=lambda c: (-theme.get(c, 0), -rest.get(c, 0), label(c)),
    )
    tested = [_test(theme.get(c, 0), theme_total, rest.get(c, 0), rest_total) for c in categories]
    n_tests = max(1, sum(1 for t in tested if t is not None))
    out = []
    for c, test in zip(categories, tested, strict=True):
        chi2, p, phi = test if test is not None else (None, None, None)
        out.append(
            Share(
                label=label(c),
                theme=theme.get(c, 0),
                theme_total=theme_total,
                national=theme.get(c, 0) + rest.get(c, 0),
                national_total=theme_total + rest_total,
                chi2=chi2,
                p_value=None if p is None else min(1.0, p * n_tests),
                phi=phi,
            )
        )
    return tuple(out)


def _test(a: int, theme_total: int, c: int, rest_total: int) -> tuple[float, float, float] | None:
    """Pearson's chi-square of [[a, theme_total - a], [c, rest_total - c]] and signed phi."""
    from scipy.stats import chi2_contingency  # slow to import: only when testing

    n = theme_total + rest_total
    if 0 in (theme_total, rest_total, a + c, n - a - c):
        return None
    table = [[a, theme_total - a], [c, rest_total - c]]
    chi2, p, _, expected = chi2_contingency(table, correction=False)
    if expected.min() < MIN_EXPECTED:
        return None
    direction = 1.0 if a / theme_total >= c / rest_total else -1.0
    return float(chi2), float(p), direction * math.sqrt(float(chi2) / n)


def count_operations(
    rows: Iterable[frozenset[str]],
) -> dict[str, int]:
    """How many operations name each category (each operation once per category)."""
    found: dict[str, int] = {}
    for values in rows:
        for v in values:
            found[v] = found.get(v, 0) + 1
    return found
