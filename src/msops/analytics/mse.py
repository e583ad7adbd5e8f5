"""Multiple systems estimation (MSE) of hidden harm, with Silverman's stepwise model selection.

Given how many cases each combination of sources saw (a capture table), estimate how many
cases no source saw (the dark figure) and so the total population. Method, as in Silverman
(2014) "Modern Slavery: an application of multiple systems estimation" (Home Office) and the
`stepwisefit` routine of the R package SparseMSE (Chan, Silverman and Vincent):

* Poisson log-linear model; the main effects of all sources are always in it.
* Two-way interactions are added one at a time. At each step every interaction not yet in the
  model is a candidate; its p-value compares the cases seen on both of its sources with the
  number the current model expects there (Poisson, in the direction of the departure).
  Candidates whose sources share no case are excluded, as is any whose addition would leave the
  model non-identifiable or without a finite maximum likelihood estimate. The candidate with the
  smallest p-value is added if that p-value is below the threshold (0.02, Silverman's).
* The dark figure is exp(intercept); total = observed + dark figure. The 95% interval is by
  profile likelihood on the intercept, or, when that cannot be computed, Wald on the log scale.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from msops.analytics.mse_fit import (
    Design,
    Fit,
    FitFailed,
    ModelProblem,
    Pair,
    build_design,
    expected_overlap,
    fit_model,
    overlap_p_value,
    problem_with,
    profile_interval,
    wald_interval,
)
from msops.analytics.mse_table import (
    CaptureTable,
    CaptureTableError,
    capture_table,
    read_capture_csv,
)
from msops.domain.errors import InvalidInput

__all__ = [
    "DEFAULT_LEVEL",
    "DEFAULT_THRESHOLD",
    "Candidate",
    "CandidateStatus",
    "CaptureTable",
    "CaptureTableError",
    "MseResult",
    "Step",
    "capture_table",
    "estimate_csv",
    "estimate_population",
    "read_capture_csv",
]

DEFAULT_THRESHOLD = 0.02  # Silverman (2014); SparseMSE's default `pthresh`
DEFAULT_LEVEL = 0.95
PROFILE = "profile likelihood"
WALD = "Wald (log scale)"


class CandidateStatus(StrEnum):
    ADDED = "added"
    NOT_SIGNIFICANT = "not significant"  # p-value not below the threshold
    PASSED_OVER = "significant, smaller p-value added"  # another candidate went in first
    NO_OVERLAP = "excluded: no case on both sources"
    NOT_IDENTIFIABLE = "excluded: model would not be identifiable"
    NO_FINITE_MLE = "excluded: model would have no finite estimate"
    FIT_FAILED = "excluded: model could not be fitted"


_PROBLEM_STATUS = {
    ModelProblem.NOT_IDENTIFIABLE: CandidateStatus.NOT_IDENTIFIABLE,
    ModelProblem.NO_FINITE_MLE: CandidateStatus.NO_FINITE_MLE,
}


@dataclass(frozen=True)
class Candidate:
    """One interaction considered at one step, and what happened to it."""

    interaction: str  # "LA:NG"
    observed_overlap: int  # cases seen on both sources
    expected_overlap: float  # cases the model before this step expects on both
    p_value: float
    status: CandidateStatus


@dataclass(frozen=True)
class Step:
    """One round of the selection: the model it started from, the candidates, the outcome."""

    number: int
    model: tuple[str, ...]  # interactions in the model at the start of the step
    candidates: tuple[Candidate, ...]  # smallest p-value first
    added: str | None


@dataclass(frozen=True)
class MseResult:
    file: str
    sources: tuple[str, ...]
    observed: int
    dark_figure: float
    estimate: float  # observed + dark figure
    ci_low: float
    ci_high: float
    ci_method: str  # PROFILE or WALD
    ci_note: str | None  # why Wald was used, when it was
    wald_low: float  # the Wald interval too, for comparison
    wald_high: float
    level: float
    threshold: float
    interactions: tuple[str, ...]
    steps: tuple[Step, ...]
    stop_reason: str
    deviance: float
    df_resid: int
    aic: float

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (enums as their text)."""
        data = asdict(self)
        for step in data["steps"]:
            for candidate in step["candidates"]:
                candidate["status"] = str(candidate["status"])
        return data


@dataclass
class _State:
    table: CaptureTable
    threshold: float
    pairs: list[Pair]
    design: Design
    fit: Fit
    failed: set[Pair]


def estimate_csv(
    path: Path, threshold: float = DEFAULT_THRESHOLD, level: float = DEFAULT_LEVEL
) -> MseResult:
    """Read a capture table from CSV and estimate the total population."""
    return estimate_population(read_capture_csv(path), threshold, level)


def estimate_population(
    table: CaptureTable, threshold: float = DEFAULT_THRESHOLD, level: float = DEFAULT_LEVEL
) -> MseResult:
    """Select a model stepwise, then estimate the dark figure and total with an interval."""
    _check_settings(threshold, level)
    state = _start(table, threshold)
    steps: list[Step] = []
    stop_reason = ""
    while not stop_reason:
        step, stop_reason = _step(state, len(steps) + 1)
        steps.append(step)
    return _result(state, tuple(steps), stop_reason, level)


def _check_settings(threshold: float, level: float) -> None:
    if not 0.0 <= threshold <= 1.0:
        raise InvalidInput(f"threshold {threshold} is not a p-value between 0 and 1")
    if not 0.0 < level < 1.0:
        raise InvalidInput(f"confidence level {level} is not between 0 and 1 (e.g. 0.95)")


def _start(table: CaptureTable, threshold: float) -> _State:
    design = build_design(table, [])
    problem = problem_with(design)
    if problem is not None:
        raise _not_estimable(table, problem)
    try:
        fitted = fit_model(design)
    except FitFailed as err:
        raise _not_estimable(table, f"could not be fitted ({err})") from None
    return _State(table, threshold, [], design, fitted, set())


def _not_estimable(table: CaptureTable, problem: str) -> CaptureTableError:
    return CaptureTableError(
        table.name,
        "main_effects_not_estimable",
        f"the model with main effects only {problem} for this table, so no estimate can be"
        " made (sources that share no case with the others can cause this)",
    )


def _step(state: _State, number: int) -> tuple[Step, str]:
    """Assess every remaining candidate; add the best significant one or give a stop reason."""
    model = tuple(_label(state.table, p) for p in state.pairs)
    remaining = [p for p in _all_pairs(state.table) if p not in state.pairs]
    if not remaining:
        return Step(number, model, (), None), "every two-way interaction is in the model"
    scored = sorted((_score(state, p) for p in remaining), key=lambda c: c[1].p_value)
    candidates: list[Candidate] = []
    added: Pair | None = None
    for pair, candidate in scored:
        status = _decide(state, pair, candidate, added)
        if status is CandidateStatus.ADDED:
            added = pair
        candidates.append(replace(candidate, status=status))
    step = Step(number, model, tuple(candidates), _label(state.table, added) if added else None)
    return step, "" if added else _stop_reason(state, candidates)


def _score(state: _State, pair: Pair) -> tuple[Pair, Candidate]:
    observed = state.table.overlap(*pair)
    expected = expected_overlap(state.design, state.fit, pair)
    status = CandidateStatus.NO_OVERLAP if observed == 0 else CandidateStatus.NOT_SIGNIFICANT
    p_value = overlap_p_value(observed, expected)
    return pair, Candidate(_label(state.table, pair), observed, expected, p_value, status)


def _decide(state: _State, pair: Pair, candidate: Candidate, added: Pair | None) -> CandidateStatus:
    """Status of a candidate, visited in order of p-value; adds the first admissible one."""
    if pair in state.failed:  # a model with it could not be fitted at an earlier step
        return CandidateStatus.FIT_FAILED
    if candidate.status is CandidateStatus.NO_OVERLAP:
        return candidate.status
    if candidate.p_value >= state.threshold:
        return CandidateStatus.NOT_SIGNIFICANT
    if added is not None:
        return CandidateStatus.PASSED_OVER
    return _try_adding(state, pair)


def _try_adding(state: _State, pair: Pair) -> CandidateStatus:
    design = build_design(state.table, [*state.pairs, pair])
    problem = problem_with(design)
    if problem is not None:
        return _PROBLEM_STATUS[problem]
    try:
        fitted = fit_model(design)
    except FitFailed:
        state.failed.add(pair)
        return CandidateStatus.FIT_FAILED
    state.pairs.append(pair)
    state.design, state.fit = design, fitted
    return CandidateStatus.ADDED


def _stop_reason(state: _State, candidates: list[Candidate]) -> str:
    eligible = [c for c in candidates if c.status is CandidateStatus.NOT_SIGNIFICANT]
    if eligible:
        best = eligible[0]
        return (
            f"the smallest p-value among the candidates that could be added, {best.p_value:.3g} for"
            f" {best.interaction}, is not below the threshold {state.threshold:g}"
        )
    return (
        "no remaining candidate can be added: each has no case on both sources or would leave"
        " the model without a finite, identifiable estimate"
    )


def _result(state: _State, steps: tuple[Step, ...], stop_reason: str, level: float) -> MseResult:
    fitted = state.fit
    dark = math.exp(fitted.intercept)
    wald = wald_interval(fitted, level)
    profile = profile_interval(state.design, fitted, level)
    interval, method, note = (profile, PROFILE, None) if profile else (wald, WALD, _WALD_NOTE)
    observed = state.table.observed
    return MseResult(
        file=state.table.name,
        sources=state.table.sources,
        observed=observed,
        dark_figure=dark,
        estimate=observed + dark,
        ci_low=observed + interval[0],
        ci_high=observed + interval[1],
        ci_method=method,
        ci_note=note,
        wald_low=observed + wald[0],
        wald_high=observed + wald[1],
        level=level,
        threshold=state.threshold,
        interactions=tuple(_label(state.table, p) for p in state.pairs),
        steps=steps,
        stop_reason=stop_reason,
        deviance=fitted.deviance,
        df_resid=fitted.df_resid,
        aic=fitted.aic,
    )


_WALD_NOTE = (
    "the profile likelihood limits could not be found (the likelihood may not rise enough on"
    " one side for a sparse table), so the interval is Wald on the log scale"
)


def _all_pairs(table: CaptureTable) -> list[Pair]:
    return list(itertools.combinations(range(len(table.sources)), 2))


def _label(table: CaptureTable, pair: Pair) -> str:
    first, second = pair
    return f"{table.sources[first]}:{table.sources[second]}"
