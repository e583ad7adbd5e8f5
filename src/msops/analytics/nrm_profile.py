"""Victims in police operations against NRM referrals: nationality, age and exploitation.

Police side: the current monthly returns within the principal's scope, police-led operations
(lead organisation not a partner agency) active in any month of the range. Each operation counts
once, as it stood in its latest month in the range (victim counts are per operation to date, so
adding months would count the same people again). Its victims are: by age, the adult and child
count columns; by nationality, its "Potential victims" nationality rows; by exploitation, its
primary category, or "multiple" when its other exploitation types include another category
(the NRM's combinations such as "Labour & Criminal").
NRM side: the current import of one publication table (default `police`), the quarters that
contain a month of the range. "Not specified or unknown" values on either side, and NRM rows the
table does not break down by a dimension, are left out of that dimension's test and counted in
its notes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from msops.analytics.nrm_labels import (
    MULTIPLE,
    UNKNOWN,
    UNKNOWN_NATIONALITY,
    age_of,
    exploitation_label,
    exploitation_of,
    nationality_of,
)
from msops.analytics.nrm_stats import DimensionResult, Phrase, compare_counts
from msops.domain.errors import InvalidInput, NotFound
from msops.domain.periods import Period, months_between
from msops.domain.principal import Principal
from msops.domain.reference import PARTNER_KIND, typology
from msops.domain.return_spec import VICTIM_COUNT_COLUMNS
from msops.store import schema as s
from msops.store.nrm_repo import current_import, referral_counts
from msops.store.scope import visible_organisations

DIMENSIONS: tuple[str, ...] = ("nationality", "age", "exploitation")
RESPONDERS: tuple[str, ...] = ("police", "govt", "la", "ngo", "all")


@dataclass(frozen=True)
class Profile:
    """Counts of people by category for each dimension."""

    nationality: Counter[str]
    age: Counter[str]
    exploitation: Counter[str]

    def of(self, dimension: str) -> Counter[str]:
        found: Counter[str] = getattr(self, dimension)
        return found


@dataclass(frozen=True)
class NrmProfile:
    first: Period
    last: Period
    quarters: tuple[str, ...]
    responder: str  # the NRM publication table compared with
    source_name: str  # the file that table was imported from
    n_operations: int
    police: Profile
    nrm: Profile
    dimensions: tuple[DimensionResult, ...]
    notes: tuple[str, ...]


def quarters_of(first: Period, last: Period) -> list[tuple[int, int]]:
    """The calendar quarters that contain a month from first to last."""
    seen: list[tuple[int, int]] = []
    for month in months_between(first, last):
        quarter = (month.year, (month.month - 1) // 3 + 1)
        if quarter not in seen:
            seen.append(quarter)
    return seen


def _latest_months(
    conn: Connection, principal: Principal, first: Period, last: Period
) -> list[int]:
    """Ids of each in-scope, police-led operation's month row for its latest month in range."""
    om, op, org = s.operation_month, s.operation, s.organisation
    lead = org.alias("lead")
    in_range = om.c.is_current & (om.c.period >= str(first)) & (om.c.period <= str(last))
    latest = (
        select(om.c.operation_id, func.max(om.c.period).label("period"))
        .where(in_range)
        .group_by(om.c.operation_id)
        .subquery()
    )
    query = (
        select(om.c.id)
        .join(
            latest, (latest.c.operation_id == om.c.operation_id) & (latest.c.period == om.c.period)
        )
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .join(lead, lead.c.id == om.c.lead_org_id)
        .where(om.c.is_current, lead.c.kind != PARTNER_KIND, visible_organisations(principal, org))
        .order_by(om.c.id)
    )
    return [int(i) for i in conn.execute(query).scalars()]


def police_profile(
    conn: Connection, principal: Principal, first: Period, last: Period
) -> tuple[int, Profile]:
    """How many police-led operations, and their victims by nationality, age and exploitation."""
    ids = _latest_months(conn, principal, first, last)
    om = s.operation_month
    nationality: Counter[str] = Counter()
    age: Counter[str] = Counter()
    exploitation: Counter[str] = Counter()
    other_categories = _other_categories(conn, ids)
    for chunk in _chunks(ids):
        cols = [om.c[c] for c in VICTIM_COUNT_COLUMNS]
        for row in conn.execute(
            select(om.c.id, om.c.primary_category, *cols).where(om.c.id.in_(chunk))
        ):
            counts = dict(zip(VICTIM_COUNT_COLUMNS, row[2:], strict=True))
            adults = sum(v for k, v in counts.items() if "_adult_" in k)
            children = sum(v for k, v in counts.items() if "_child_" in k)
            age["adult"] += adults
            age["child"] += children
            extra = other_categories.get(row.id, set()) - {row.primary_category}
            exploitation[MULTIPLE if extra else row.primary_category] += adults + children
        n = s.operation_nationality
        for nat, count in conn.execute(
            select(n.c.nationality, func.sum(n.c.count))
            .where(n.c.operation_month_id.in_(chunk), n.c.grp == "victim")
            .group_by(n.c.nationality)
        ):
            nationality[nationality_of(nat)] += int(count)
    return len(ids), Profile(+nationality, +age, +exploitation)


def _other_categories(conn: Connection, ids: list[int]) -> dict[int, set[str]]:
    category_of = {t.code: t.category_code for t in typology()}
    d = s.operation_detail
    found: dict[int, set[str]] = {}
    for chunk in _chunks(ids):
        for month_id, value in conn.execute(
            select(d.c.operation_month_id, d.c.value).where(
                d.c.operation_month_id.in_(chunk), d.c.detail == "other_exploitation"
            )
        ):
            if value in category_of:
                found.setdefault(int(month_id), set()).add(category_of[value])
    return found


def _chunks(ids: list[int], size: int = 900) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)]


def nrm_profile_counts(
    conn: Connection, table: str, quarters: list[tuple[int, int]]
) -> tuple[Profile, Counter[str]]:
    """NRM referrals by dimension, and per dimension how many the table does not break down."""
    nationality: Counter[str] = Counter()
    age: Counter[str] = Counter()
    exploitation: Counter[str] = Counter()
    missing: Counter[str] = Counter()
    for c in referral_counts(conn, table, quarters):
        for dim, label, counter, mapper in (
            ("nationality", c.nationality, nationality, nationality_of),
            ("age", c.age, age, age_of),
            ("exploitation", c.exploitation, exploitation, exploitation_of),
        ):
            if label is None:
                missing[dim] += c.people
            else:
                counter[mapper(label)] += c.people
    return Profile(+nationality, +age, +exploitation), missing


_UNKNOWN_OF: dict[str, str] = {
    "nationality": UNKNOWN_NATIONALITY,
    "age": UNKNOWN,
    "exploitation": UNKNOWN,
}


def _label(dimension: str, code: str) -> str:
    if dimension == "exploitation":
        return exploitation_label(code)
    if dimension == "age":
        return {"adult": "Adults", "child": "Children"}.get(code, code)
    return code


def _subject(dimension: str) -> Phrase:
    def phrase(label: str) -> str:
        if dimension == "nationality":
            return "Other nationalities are" if label == "Other" else f"{label} nationals are"
        if dimension == "age":
            return f"{label} are"
        return f"{label} is" if label != "Other" else "Other exploitation is"

    return phrase


def compare_dimension(
    dimension: str, police: Counter[str], nrm: Counter[str], not_broken_down: int = 0
) -> DimensionResult:
    """One dimension's test, with unknown values set aside and said so."""
    unknown = _UNKNOWN_OF[dimension]
    known_police = {k: v for k, v in police.items() if k != unknown}
    known_nrm = {k: v for k, v in nrm.items() if k != unknown}
    result = compare_counts(
        dimension,
        known_police,
        known_nrm,
        label=lambda code: _label(dimension, code),
        subject=_subject(dimension),
    )
    notes = list(result.notes)
    if police.get(unknown) or nrm.get(unknown):
        notes.append(
            f"left out as not known: {police.get(unknown, 0):,} victims in police operations,"
            f" {nrm.get(unknown, 0):,} NRM referrals"
        )
    if not_broken_down:
        notes.append(
            f"{not_broken_down:,} NRM referrals are not broken down by {dimension} in this"
            " table and are left out"
        )
    return DimensionResult(
        result.dimension,
        result.categories,
        result.n_police,
        result.n_nrm,
        result.chi2,
        result.df,
        result.p_value,
        result.cramers_v,
        result.sentences,
        tuple(notes),
    )


def nrm_profile(
    conn: Connection,
    principal: Principal,
    first: Period,
    last: Period,
    responder: str = "police",
) -> NrmProfile:
    """Victims in police operations (first..last) against the NRM referrals of the same quarters."""
    if last < first:
        raise InvalidInput(f"--from {first} is after --to {last}")
    if responder not in RESPONDERS:
        raise InvalidInput(f"--responder must be one of {', '.join(RESPONDERS)}, not {responder!r}")
    imported = current_import(conn, responder)
    if imported is None:
        raise NotFound(
            f"no `{responder}` NRM table has been imported: run `msops nrm import FILE` with"
            f" the Home Office nrm_referrals_{responder}_*.csv"
        )
    quarters = quarters_of(first, last)
    n_operations, police = police_profile(conn, principal, first, last)
    nrm, missing = nrm_profile_counts(conn, responder, quarters)
    dimensions = tuple(
        compare_dimension(d, police.of(d), nrm.of(d), missing[d]) for d in DIMENSIONS
    )
    labels = tuple(f"{y}Q{q}" for y, q in quarters)
    notes = _coverage_notes(conn, responder, quarters, first, last, n_operations)
    return NrmProfile(
        first,
        last,
        labels,
        responder,
        imported.source_name,
        n_operations,
        police,
        nrm,
        dimensions,
        notes,
    )


def _coverage_notes(
    conn: Connection,
    table: str,
    quarters: list[tuple[int, int]],
    first: Period,
    last: Period,
    n_operations: int,
) -> tuple[str, ...]:
    notes: list[str] = []
    present = {(c.year, c.quarter) for c in referral_counts(conn, table, quarters)}
    absent = [f"{y}Q{q}" for y, q in quarters if (y, q) not in present]
    if absent:
        notes.append(f"the `{table}` NRM table has no referrals for {', '.join(absent)}")
    if first.month % 3 != 1 or last.month % 3 != 0:
        notes.append(
            f"{first}..{last} does not start and end on quarter boundaries: the NRM side covers"
            " whole quarters"
        )
    if n_operations == 0:
        notes.append(f"no police-led operations in scope between {first} and {last}")
    return tuple(notes)
