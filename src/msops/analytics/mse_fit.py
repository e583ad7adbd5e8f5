"""Poisson log-linear models of a capture table: fitting, checks, p-values and intervals.

The model for the expected count of capture history h is
    log mu(h) = intercept + sum of main effects of the sources in h
                + sum of the chosen two-way interactions whose both sources are in h,
fitted by maximum likelihood to every observable history (zero counts included). The
all-zero history is not observed; its expected count, exp(intercept), is the dark figure.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

# statsmodels and scipy take over a second to import: they are imported in the functions that
# fit, so that importing this module (as every `msops` command does) stays cheap.
from msops.analytics.mse_table import CaptureTable, History

FloatArray = npt.NDArray[np.float64]
Pair = tuple[int, int]

_LP_INTERIOR = 1e-6  # below this the LP margin is zero: the counts sit on the boundary
_MAX_BRACKET_STEPS = 7  # profile search reaches 2**7 = 128 standard errors from the estimate


def _unusable_fit() -> tuple[type[Warning], ...]:
    """The warnings that make a fit unusable (statsmodels' own, imported when fitting)."""
    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        HessianInversionWarning,
        SingularMatrixWarning,
    )

    return (ConvergenceWarning, SingularMatrixWarning, HessianInversionWarning, RuntimeWarning)


class ModelProblem(StrEnum):
    """Why a model cannot be used, worded to follow "the model ..."."""

    NOT_IDENTIFIABLE = "is not identifiable"
    NO_FINITE_MLE = "has no finite maximum likelihood estimate"


class FitFailed(Exception):
    """statsmodels could not fit the model (no convergence, numerical overflow)."""


@dataclass(frozen=True)
class Design:
    """The data and model matrix of one model: a row per observable history."""

    cells: list[History]
    counts: FloatArray
    matrix: FloatArray  # column 0 the intercept, then one per source, then one per interaction
    pairs: tuple[Pair, ...]

    def has_both(self, pair: Pair) -> FloatArray:
        first, second = pair
        return np.array([float(h[first] and h[second]) for h in self.cells])


@dataclass(frozen=True)
class Fit:
    """What the selection and the estimate need from a fitted model."""

    params: FloatArray
    intercept_se: float
    mu: FloatArray
    deviance: float
    df_resid: int
    aic: float

    @property
    def intercept(self) -> float:
        return float(self.params[0])


def build_design(table: CaptureTable, pairs: Sequence[Pair]) -> Design:
    cells = table.cells()
    counts = np.array([float(table.count(h)) for h in cells])
    columns = [np.ones(len(cells))]
    columns += [np.array([float(h[i]) for h in cells]) for i in range(len(table.sources))]
    columns += [np.array([float(h[a] and h[b]) for h in cells]) for a, b in pairs]
    return Design(cells, counts, np.column_stack(columns), tuple(pairs))


def fit_model(design: Design) -> Fit:
    with _fitting():
        result = _glm(design.counts, design.matrix)
        return Fit(
            params=np.asarray(result.params, dtype=np.float64),
            intercept_se=float(result.bse[0]),
            mu=np.asarray(result.mu, dtype=np.float64),
            deviance=max(0.0, float(result.deviance)),
            df_resid=round(float(result.df_resid)),
            aic=float(result.aic),
        )


@contextmanager
def _fitting() -> Iterator[None]:
    """statsmodels' warnings, each handled on purpose, for the duration of a fit.

    Later filters take precedence over earlier ones.
    """
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    unusable_fit = _unusable_fit()
    fit_errors: tuple[type[Exception], ...] = (*unusable_fit, np.linalg.LinAlgError)
    with warnings.catch_warnings():
        # Non-convergence, a numerically singular system and overflow mean this fit is
        # unusable: make them errors, turned into FitFailed below.
        for unusable in unusable_fit:
            warnings.filterwarnings("error", category=unusable)
        # Each IRLS step estimates a residual variance (dividing by the residual degrees of
        # freedom, zero for a saturated model) that a Poisson fit, whose scale is 1, never uses.
        warnings.filterwarnings(
            "ignore", category=RuntimeWarning, module=r"statsmodels\.regression\._tools"
        )
        # A perfect fit (a saturated model, or counts exactly equal to their expectation) is
        # legitimate for a log-linear model; identifiability and existence of the estimate are
        # checked beforehand by `problem_with`, so statsmodels' separation warning adds nothing.
        warnings.filterwarnings("ignore", category=PerfectSeparationWarning)
        try:
            yield
        except fit_errors as err:
            raise FitFailed(str(err)) from None


def _glm(
    counts: FloatArray,
    matrix: FloatArray,
    offset: FloatArray | None = None,
    start: FloatArray | None = None,
) -> Any:
    """A Poisson GLM fitted by IRLS; call within `_fitting()`."""
    import statsmodels.api as sm

    model = sm.GLM(counts, matrix, family=sm.families.Poisson(), offset=offset)
    result = model.fit(start_params=start, maxiter=200)
    if not result.converged:
        raise FitFailed("the iteratively reweighted least squares fit did not converge")
    return result


def problem_with(design: Design) -> ModelProblem | None:
    """Why the model cannot be used, or None when it is fine.

    Identifiability: the model matrix has full column rank. Existence: the linear-programming
    test of Fienberg and Rinaldo (2012), as SparseMSE's `checkident` applies it: the estimate is
    finite exactly when some table with the same sufficient statistics has every cell positive.
    """
    matrix = design.matrix
    if np.linalg.matrix_rank(matrix) < matrix.shape[1]:
        return ModelProblem.NOT_IDENTIFIABLE
    if _interior_margin(matrix, design.counts) <= _LP_INTERIOR:
        return ModelProblem.NO_FINITE_MLE
    return None


def _interior_margin(matrix: FloatArray, counts: FloatArray) -> float:
    """max s such that some y >= s, with X'y = X'counts, exists (0 when on the boundary)."""
    from scipy.optimize import linprog

    cells, params = matrix.shape
    objective = np.zeros(cells + 1)
    objective[-1] = -1.0
    equalities = np.hstack([matrix.T, np.zeros((params, 1))])
    margins = np.hstack([-np.eye(cells), np.ones((cells, 1))])  # s - y_i <= 0
    answer = linprog(
        objective,
        A_ub=margins,
        b_ub=np.zeros(cells),
        A_eq=equalities,
        b_eq=matrix.T @ counts,
        bounds=[(0.0, None)] * (cells + 1),
        method="highs",
    )
    return float(-answer.fun) if answer.status == 0 else 0.0


def expected_overlap(design: Design, fitted: Fit, pair: Pair) -> float:
    """Cases the current model expects on both sources of the pair."""
    return float(fitted.mu @ design.has_both(pair))


def overlap_p_value(observed: int, expected: float) -> float:
    """Poisson p-value of the observed overlap, in the direction it departs from expectation.

    As in SparseMSE's `stepwisefit`: min(P(X <= n), P(X >= n)) for X ~ Poisson(expected).
    """
    from scipy.stats import poisson

    lower = float(poisson.cdf(observed, expected))
    upper = float(poisson.sf(observed - 1, expected))
    return min(lower, upper, 1.0)


def wald_interval(fitted: Fit, level: float) -> tuple[float, float]:
    """Interval for the dark figure: normal on the log scale (exp of intercept +- z se)."""
    from scipy.stats import norm

    z = float(norm.ppf(0.5 + level / 2))
    half = z * fitted.intercept_se
    return float(np.exp(fitted.intercept - half)), float(np.exp(fitted.intercept + half))


def profile_interval(design: Design, fitted: Fit, level: float) -> tuple[float, float] | None:
    """Interval for the dark figure by profile likelihood on the intercept, or None.

    The intercept is held at b (as an offset) and the other parameters refitted; b is in the
    interval while the deviance rises by less than the chi-squared(1) quantile. None when a
    limit cannot be bracketed or a refit fails (a sparse table can have no finite upper limit).
    """
    from scipy.stats import chi2

    critical = fitted.deviance + float(chi2.ppf(level, 1))
    rest, start = design.matrix[:, 1:], fitted.params[1:]

    def excess(b: float) -> float:
        offset = np.full(len(design.counts), b)
        with _fitting():
            result = _glm(design.counts, rest, offset=offset, start=start)
            return float(result.deviance) - critical

    try:
        low = _limit(excess, fitted.intercept, -fitted.intercept_se)
        high = _limit(excess, fitted.intercept, fitted.intercept_se)
    except FitFailed:
        return None
    if low is None or high is None:
        return None
    return float(np.exp(low)), float(np.exp(high))


def _limit(excess: Callable[[float], float], centre: float, step: float) -> float | None:
    from scipy.optimize import brentq

    inner = centre
    for k in range(_MAX_BRACKET_STEPS + 1):
        outer = centre + step * 2.0**k
        if excess(outer) > 0:
            return float(brentq(excess, min(inner, outer), max(inner, outer), xtol=1e-10))
        inner = outer
    return None
