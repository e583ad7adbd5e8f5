"""Are two profiles different? A chi-square test of homogeneity on a 2 x k table, with effect size.

Rows: a reference and a compared profile (victims in police operations and NRM referrals, or a
theme's operations and the others); columns: the categories of one dimension.
Categories whose expected count is below `min_expected` in either row are merged into "Other"
(and, while "Other" itself is too small, the smallest remaining category with it). No continuity
correction, so the statistic equals the sum of squared Pearson residuals. Per category, the
adjusted (standardised) residual of the NRM row, (O - E) / sqrt(E (1 - row/n) (1 - col/n)), is
approximately standard normal; its two-sided p-value is Bonferroni-corrected over the categories,
and a category is called significant when that corrected p-value is below `alpha`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

OTHER = "Other"
MIN_EXPECTED = 5.0
ALPHA = 0.05


@dataclass(frozen=True)
class CategoryResult:
    category: str  # code, or OTHER
    label: str
    police: int
    nrm: int
    police_share: float
    nrm_share: float
    expected_nrm: float
    adjusted_residual: float  # positive: a larger share of NRM referrals
    p_value: float  # two-sided, Bonferroni-corrected over the categories
    significant: bool
    merged: tuple[str, ...] = ()  # the categories "Other" stands for


@dataclass(frozen=True)
class DimensionResult:
    dimension: str  # nationality, age, exploitation
    categories: tuple[CategoryResult, ...]
    n_police: int
    n_nrm: int
    chi2: float | None  # None: no test possible (fewer than two categories or an empty row)
    df: int
    p_value: float | None
    cramers_v: float | None
    sentences: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA


Phrase = Callable[[str], str]  # a category's label -> the subject of a sentence ("UK nationals")


@dataclass(frozen=True)
class Rows:
    """What the two rows of the table are, in the sentences: the reference and the compared."""

    first: str = "victims in police operations"
    second: str = "NRM referrals"


NRM_ROWS = Rows()


def format_p(p: float) -> str:
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"


def merge_small(
    police: Mapping[str, int], nrm: Mapping[str, int], min_expected: float = MIN_EXPECTED
) -> dict[str, tuple[int, int, tuple[str, ...]]]:
    """Categories (in order of their total, largest first) with small ones merged into OTHER."""
    cats = sorted(
        {c for c in (*police, *nrm) if police.get(c, 0) + nrm.get(c, 0) > 0},
        key=lambda c: (-(police.get(c, 0) + nrm.get(c, 0)), c),
    )
    n_p, n_n = sum(police.get(c, 0) for c in cats), sum(nrm.get(c, 0) for c in cats)
    n = n_p + n_n
    if n == 0:
        return {}

    def small(total: int) -> bool:
        return min(n_p, n_n) * total / n < min_expected

    keep = [c for c in cats if c != OTHER and not small(police.get(c, 0) + nrm.get(c, 0))]
    merged = [c for c in cats if c not in keep]
    while merged and len(keep) > 1:
        other_total = sum(police.get(c, 0) + nrm.get(c, 0) for c in merged)
        if not small(other_total):
            break
        merged.append(keep.pop())  # the smallest kept category joins "Other"
    out: dict[str, tuple[int, int, tuple[str, ...]]] = {
        c: (police.get(c, 0), nrm.get(c, 0), ()) for c in keep
    }
    if merged:
        sources = tuple(sorted(merged))
        out[OTHER] = (
            sum(police.get(c, 0) for c in merged),
            sum(nrm.get(c, 0) for c in merged),
            sources,
        )
    return out


def compare_counts(
    dimension: str,
    police: Mapping[str, int],
    nrm: Mapping[str, int],
    label: Callable[[str], str] = str,
    subject: Phrase | None = None,
    min_expected: float = MIN_EXPECTED,
    rows: Rows = NRM_ROWS,
) -> DimensionResult:
    """The chi-square test, Cramér's V and adjusted residuals of the two profiles."""
    import numpy as np  # numpy and scipy are slow to import: only when testing
    from scipy.stats import chi2_contingency, norm

    cells = merge_small(police, nrm, min_expected)
    n_p = sum(p for p, _, _ in cells.values())
    n_n = sum(q for _, q, _ in cells.values())
    if len(cells) < 2 or n_p == 0 or n_n == 0:
        categories = tuple(
            _category(c, label, p, q, n_p, n_n, math.nan, math.nan, 1.0, merged)
            for c, (p, q, merged) in cells.items()
        )
        why = f"{dimension}: no test possible ({rows.first} {n_p:,}, {rows.second} {n_n:,},"
        why += f" {len(cells)} categories after merging small ones)"
        return DimensionResult(dimension, categories, n_p, n_n, None, 0, None, None, (why,))
    table = np.array([[p for p, _, _ in cells.values()], [q for _, q, _ in cells.values()]])
    chi2, p_value, df, expected = chi2_contingency(table, correction=False)
    n = table.sum()
    col = table.sum(axis=0)
    adjusted = (table[1] - expected[1]) / np.sqrt(expected[1] * (1 - n_n / n) * (1 - col / n))
    p_cat = np.minimum(1.0, 2 * norm.sf(np.abs(adjusted)) * len(cells))
    categories = tuple(
        _category(c, label, p, q, n_p, n_n, float(e), float(r), float(pc), merged)
        for (c, (p, q, merged)), e, r, pc in zip(
            cells.items(), expected[1], adjusted, p_cat, strict=True
        )
    )
    v = math.sqrt(float(chi2) / float(n))  # min(rows, cols) - 1 = 1 for two rows
    result = DimensionResult(
        dimension, categories, n_p, n_n, float(chi2), int(df), float(p_value), v, ()
    )
    sentences = describe(result, subject or (lambda text: text), rows)
    return DimensionResult(
        dimension, categories, n_p, n_n, float(chi2), int(df), float(p_value), v, sentences
    )


def _category(
    code: str,
    label: Callable[[str], str],
    police: int,
    nrm: int,
    n_p: int,
    n_n: int,
    expected: float,
    residual: float,
    p_value: float,
    merged: tuple[str, ...],
) -> CategoryResult:
    return CategoryResult(
        category=code,
        label=OTHER if code == OTHER else label(code),
        police=police,
        nrm=nrm,
        police_share=police / n_p if n_p else 0.0,
        nrm_share=nrm / n_n if n_n else 0.0,
        expected_nrm=expected,
        adjusted_residual=residual,
        p_value=p_value,
        significant=p_value < ALPHA,
        merged=merged,
    )


def describe(result: DimensionResult, subject: Phrase, rows: Rows = NRM_ROWS) -> tuple[str, ...]:
    """The result in words: the overall test, then each significant category."""
    assert result.chi2 is not None and result.p_value is not None
    stats = (
        f"chi-square {result.chi2:.1f}, df {result.df}, {format_p(result.p_value)},"
        f" Cramér's V {result.cramers_v:.2f}"
    )
    if not result.significant:
        return (
            f"By {result.dimension}, the profile of {rows.second} does not differ significantly"
            f" from that of {rows.first} ({stats}).",
        )
    out = [
        f"By {result.dimension}, the profile of {rows.second} differs from that of"
        f" {rows.first} ({stats})."
    ]
    for c in sorted(result.categories, key=lambda c: -abs(c.adjusted_residual)):
        if not c.significant:
            continue
        direction = "larger" if c.adjusted_residual > 0 else "smaller"
        out.append(
            f"{subject(c.label)} a {direction} share of {rows.second} than of {rows.first}"
            f" ({c.nrm_share:.1%} against {c.police_share:.1%}; adjusted residual"
            f" {c.adjusted_residual:.1f}, {format_p(c.p_value)})."
        )
    if len(out) == 1:
        out.append(
            "No single category differs significantly after correcting for the number of"
            " categories."
        )
    return tuple(out)
