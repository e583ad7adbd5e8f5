"""A thematic profile: a theme's operations against the national baseline over a window.

`profile()` gathers every figure in one value, as `overview()` does for a month, so the report,
its CSV tables and its page show the same numbers. Each comparison tests the theme's operations
against the other operations of the country (`profile_stats`, `nrm_stats`) and reports the
national share beside the theme's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from msops.analytics.headline import NATIONAL, Area
from msops.analytics.nrm_stats import OTHER, CategoryResult, DimensionResult, Rows, compare_counts
from msops.analytics.overview_breakdowns import (
    AGE_GENDER,
    OUTCOME_LABELS,
    TYPE_NOT_KNOWN,
)
from msops.analytics.profile_changes import Changes, compare
from msops.analytics.profile_records import Record, Selection, operations_by_month, select_theme
from msops.analytics.profile_routes import Routes, routes
from msops.analytics.profile_stats import Share, count_operations, shares
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.profile import Theme, Window
from msops.domain.reference import code_lists, typology
from msops.domain.return_spec import CUMULATIVE_COLUMNS, VICTIM_COUNT_COLUMNS
from msops.store.casework.debriefs import debriefs_of
from msops.store.linkage_repo import threaded_operations

THEME_ROWS = Rows(first="the other operations", second="these operations")
Counts = dict[str, int]


@dataclass(frozen=True)
class MonthPoint:
    period: Period
    theme: int  # the theme's operations in the month's returns
    national: int


@dataclass(frozen=True)
class OperationDimension:
    """A dimension counted in operations (an operation may name several categories)."""

    name: str
    shares: tuple[Share, ...]


@dataclass(frozen=True)
class Outcome:
    label: str
    theme: int
    national: int
    theme_per_operation: float
    national_per_operation: float


@dataclass(frozen=True)
class Europol:
    theme_due: int
    theme_checked: int
    national_due: int
    national_checked: int


@dataclass(frozen=True)
class Profile:
    theme: Theme
    window: Window
    area: Area
    n_operations: int
    n_national: int
    n_victims: int
    n_children: int
    n_suspects: int
    months: tuple[MonthPoint, ...]
    operation_dimensions: tuple[OperationDimension, ...]
    people: tuple[DimensionResult, ...]  # victim and suspect nationality, victims by sex and age
    organisations: Counts  # the theme's operations by the organisation holding them
    outcomes: tuple[Outcome, ...]
    europol: Europol
    routes: Routes  # origin -> transit -> region, one route per operation
    changes: Changes  # against the same theme over the window a month earlier
    threaded: int  # the theme's operations that a golden thread joins to another force's
    linked: int  # ... that name a linked operation of another organisation
    debriefs: tuple[dict[str, object], ...]
    lessons: tuple[dict[str, object], ...]

    @property
    def findings(self) -> tuple[str, ...]:
        """What sets these operations apart, in plain sentences: each category held by a
        significantly larger share of them than of the other operations (the smaller shares
        are in the tables), and each people dimension whose profile differs."""
        out: list[str] = []
        for dim in self.operation_dimensions:
            out += [s.sentence(dim.name) for s in dim.shares if s.over_represented]
        for result in self.people:
            if result.significant:
                out += [result.sentences[0], *_larger_sentence(result)]
        return tuple(out)


def _over(chosen: Selection) -> frozenset[str]:
    """The over-represented categories of a selection, as "dimension: category"."""
    mine, rest = chosen.chosen, chosen.rest
    return _over_in(_operation_dimensions(mine, rest), _people(mine, rest))


def _over_in(
    dimensions: Iterable[OperationDimension], people: Iterable[DimensionResult]
) -> frozenset[str]:
    out = {f"{d.name}: {s.label}" for d in dimensions for s in d.shares if s.over_represented}
    out |= {f"{r.dimension}: {c.label}" for r in people for c in larger(r)}
    return frozenset(out)


def larger(result: DimensionResult) -> list[CategoryResult]:
    """The categories of people held in a significantly larger share by these operations
    (none when the dimension's profile does not differ)."""
    if not result.significant:
        return []
    return [c for c in result.categories if c.significant and c.adjusted_residual > 0]


def _larger_sentence(result: DimensionResult) -> list[str]:
    found = larger(result)
    if not found:
        return []
    each = ", ".join(f"{c.label} ({c.nrm_share:.0%} against {c.police_share:.0%})" for c in found)
    return [f"Larger shares in these operations, by {result.dimension}: {each}."]


def profile(
    conn: Connection,
    principal: Principal,
    theme: Theme,
    window: Window,
    area: Area = NATIONAL,
) -> Profile:
    """Every figure of the theme's profile, within the principal's scope and area."""
    chosen = select_theme(conn, principal, theme, window, area)
    mine, rest = chosen.chosen, chosen.rest
    threads = threaded_operations(conn)
    debriefs, lessons = _casework(conn, principal, chosen)
    then = select_theme(conn, principal, theme, window.previous(), area)
    dimensions, people = _operation_dimensions(mine, rest), _people(mine, rest)
    return Profile(
        theme=theme,
        window=window,
        area=chosen.area,
        n_operations=len(mine),
        n_national=len(chosen.baseline),
        n_victims=sum(r.n_victims for r in mine),
        n_children=sum(r.n_children for r in mine),
        n_suspects=sum(r.suspects for r in mine),
        months=_months(chosen),
        operation_dimensions=dimensions,
        people=people,
        organisations=_by_size(count_operations(frozenset({r.organisation}) for r in mine)),
        outcomes=_outcomes(mine, chosen.baseline),
        europol=_europol(mine, chosen.baseline),
        routes=routes(mine),
        changes=compare(then, chosen, _over(then), _over_in(dimensions, people)),
        threaded=sum(1 for r in mine if (r.organisation_id, r.ref) in threads),
        linked=sum(1 for r in mine if r.details.get("linked_operation")),
        debriefs=tuple(debriefs),
        lessons=tuple(lessons),
    )


def _months(chosen: Selection) -> tuple[MonthPoint, ...]:
    months = chosen.window.months
    theme = operations_by_month(chosen.chosen, months)
    national = operations_by_month(chosen.baseline, months)
    return tuple(MonthPoint(m, theme[m], national[m]) for m in months)


def _labels(list_name: str) -> Callable[[str], str]:
    known = {c.code: c.label for c in code_lists()[list_name]}
    return lambda code: known.get(code, code)


def _type_label(record: Record) -> frozenset[str]:
    labels = {t.code: t.label for t in typology()}
    return frozenset({labels.get(record.type_code or "", TYPE_NOT_KNOWN)})


def _postcode_area(district: str) -> str:
    text = district.strip().upper()
    return text[: len(text) - len(text.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))] or text


# (name, the categories an operation names, how a category is written)
_DIMENSIONS: tuple[tuple[str, Callable[[Record], frozenset[str]], Callable[[str], str]], ...] = (
    ("Exploitation type", _type_label, str),
    ("Sector", lambda r: r.details.get("sector", frozenset()), _labels("sector")),
    (
        "Recruitment method",
        lambda r: r.details.get("recruitment_method", frozenset()),
        _labels("recruitment_method"),
    ),
    (
        "Means of control",
        lambda r: r.details.get("control_method", frozenset()),
        _labels("control_method"),
    ),
    (
        "Postcode area",
        lambda r: frozenset(_postcode_area(v) for v in r.details.get("location", frozenset())),
        str,
    ),
    ("Region", lambda r: frozenset({r.region}), str),
    ("Lead organisation", lambda r: frozenset({r.lead_type}), str),
)


def _operation_dimensions(
    mine: tuple[Record, ...], rest: tuple[Record, ...]
) -> tuple[OperationDimension, ...]:
    out = []
    for name, categories, label in _DIMENSIONS:
        theme = count_operations(categories(r) for r in mine)
        others = count_operations(categories(r) for r in rest)
        out.append(OperationDimension(name, shares(theme, len(mine), others, len(rest), label)))
    return tuple(out)


def _add(counts: Counts, items: Iterable[tuple[str, int]]) -> Counts:
    for key, n in items:
        counts[key] = counts.get(key, 0) + n
    return counts


def _people(mine: tuple[Record, ...], rest: tuple[Record, ...]) -> tuple[DimensionResult, ...]:
    def victims(rows: tuple[Record, ...]) -> Counts:
        cells: Counts = {}
        for r in rows:
            _add(
                cells,
                (
                    (" ".join(AGE_GENDER[c]), n)
                    for c, n in zip(VICTIM_COUNT_COLUMNS, r.victims, strict=True)
                ),
            )
        return cells

    def nationality(rows: tuple[Record, ...], group: str) -> Counts:
        cells: Counts = {}
        for r in rows:
            held = r.victim_nationalities if group == "victim" else r.suspect_nationalities
            _add(cells, held.items())
        return cells

    by_nationality = tuple(
        compare_counts(
            f"{group} nationality",
            nationality(rest, group),
            nationality(mine, group),
            subject=_nationals,
            rows=_people_rows(f"{group}s"),
        )
        for group in ("victim", "suspect")
    )
    return (
        *by_nationality,
        compare_counts(
            "victims' sex and age",
            victims(rest),
            victims(mine),
            subject=lambda label: f"{label.capitalize()} victims are",
            rows=_people_rows("victims"),
        ),
    )


def _nationals(label: str) -> str:
    return "Other nationalities are" if label == OTHER else f"{label} nationals are"


def _people_rows(who: str) -> Rows:
    return Rows(first=f"{who} in the other operations", second=f"{who} in these operations")


def _outcomes(mine: tuple[Record, ...], everything: tuple[Record, ...]) -> tuple[Outcome, ...]:
    out = []
    for i, column in enumerate(CUMULATIVE_COLUMNS):
        theme = sum(r.outcomes[i] for r in mine)
        national = sum(r.outcomes[i] for r in everything)
        out.append(
            Outcome(
                OUTCOME_LABELS[column],
                theme,
                national,
                theme / len(mine) if mine else 0.0,
                national / len(everything) if everything else 0.0,
            )
        )
    return tuple(out)


def _europol(mine: tuple[Record, ...], everything: tuple[Record, ...]) -> Europol:
    def due(rows: tuple[Record, ...]) -> tuple[int, int]:
        eligible = [r for r in rows if r.europol_due]
        return len(eligible), sum(1 for r in eligible if r.europol_checked)

    return Europol(*due(mine), *due(everything))


def _casework(
    conn: Connection, principal: Principal, chosen: Selection
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    if not principal.may_see_personal_data:
        return [], []
    first: date = chosen.window.first.first_day
    last: date = chosen.window.last.last_day
    keys = [(r.organisation, r.ref) for r in chosen.chosen]
    return debriefs_of(conn, principal, keys, first, last)


def _by_size(counts: Counts) -> Counts:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
