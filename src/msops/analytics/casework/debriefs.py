"""Which operations of a month merit a debrief, and why: configurable weighted rules."""

from __future__ import annotations

import tomllib
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, select

from msops.domain.casework.debriefs import Quarter
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.return_spec import VICTIM_COUNT_COLUMNS
from msops.store import schema as s
from msops.store.casework.debriefs import debriefs_in_quarter, lessons_in_quarter
from msops.store.linkage_repo import threaded_operations
from msops.store.scope import visible_organisations

Rules = dict[str, Any]
CHILD_COLUMNS = tuple(c for c in VICTIM_COUNT_COLUMNS if "_child_" in c)


@dataclass
class Candidate:
    organisation: str
    operation_ref: str
    name: str
    status: str
    score: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, weight: int, reason: str) -> None:
        self.score += weight
        self.reasons.append(reason)


@dataclass
class Ranking:
    period: Period
    candidates: list[Candidate]


def load_rules(override: Path | None = None) -> Rules:
    """The shipped rules, with any keys of `override` (a TOML file) taking their place."""
    text = resources.files("msops.domain.data").joinpath("debrief_rules.toml").read_text("utf-8")
    rules: Rules = tomllib.loads(text)
    if override is None:
        return rules
    try:
        extra = tomllib.loads(override.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise InvalidInput(f"rules: {override.name} cannot be read as TOML: {err}") from None
    for key, value in extra.items():
        if key not in rules:
            raise InvalidInput(f"rules: {override.name} has an unknown rule {key!r}")
        rules[key] = {**rules[key], **value} if isinstance(value, dict) else value
    return rules


def _months(conn: Connection, principal: Principal, period: Period) -> list[Any]:
    om, op, org = s.operation_month, s.operation, s.organisation
    return list(
        conn.execute(
            select(
                om,
                op.c.ref,
                op.c.organisation_id.label("holder_id"),
                org.c.short_name.label("organisation"),
            )
            .join(op, op.c.id == om.c.operation_id)
            .join(org, org.c.id == op.c.organisation_id)
            .where(
                om.c.is_current, om.c.period == str(period), visible_organisations(principal, org)
            )
            .order_by(org.c.short_name, op.c.ref)
        )
    )


def _shares(conn: Connection) -> tuple[dict[str, float], dict[str, float]]:
    """Share of operations in the whole database with each primary type and each sector."""
    om, det = s.operation_month, s.operation_detail
    types = {
        r.operation_id: r.primary_type
        for r in conn.execute(select(om.c.operation_id, om.c.primary_type).where(om.c.is_current))
    }
    sectors: dict[int, set[str]] = defaultdict(set)
    for r in conn.execute(
        select(om.c.operation_id, det.c.value)
        .join(det, det.c.operation_month_id == om.c.id)
        .where(om.c.is_current, det.c.detail == "sector")
    ):
        sectors[r.operation_id].add(r.value)
    total = max(len(types), 1)
    type_counts = Counter(t for t in types.values() if t)
    sector_counts = Counter(v for vs in sectors.values() for v in vs)
    return (
        {k: n / total for k, n in type_counts.items()},
        {k: n / total for k, n in sector_counts.items()},
    )


def _details(conn: Connection, month_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    det = s.operation_detail
    out: dict[int, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    if month_ids:
        for r in conn.execute(
            select(det.c.operation_month_id, det.c.detail, det.c.value).where(
                det.c.operation_month_id.in_(month_ids)
            )
        ):
            out[r.operation_month_id][r.detail].append(r.value)
    return out


def debrief_candidates(
    conn: Connection, principal: Principal, period: Period, rules: Rules
) -> Ranking:
    """Operations in the month's current returns that score at least `min_score`."""
    months = _months(conn, principal, period)
    type_share, sector_share = _shares(conn)
    details = _details(conn, [m.id for m in months])
    threads = threaded_operations(conn)
    found: list[Candidate] = []
    for m in months:
        cand = Candidate(m.organisation, m.ref, m.operation_name, m.status)
        _score(cand, m, details[m.id], rules, type_share, sector_share)
        if (m.holder_id, m.ref) in threads:
            cand.add(int(rules["golden_thread"]["weight"]), "golden thread across forces")
        if cand.score >= int(rules["min_score"]):
            found.append(cand)
    found.sort(key=lambda c: (-c.score, c.organisation, c.operation_ref))
    return Ranking(period, found)


def _score(
    cand: Candidate,
    m: Any,
    details: dict[str, list[str]],
    rules: Rules,
    type_share: dict[str, float],
    sector_share: dict[str, float],
) -> None:
    orgs = {cand.organisation, *details.get("supporting_org", [])}
    orgs |= {v.split(" / ")[0].strip() for v in details.get("linked_operation", [])}
    rule = rules["several_organisations"]
    if len(orgs) >= int(rule["min_organisations"]):
        cand.add(int(rule["weight"]), f"{len(orgs)} organisations: {', '.join(sorted(orgs))}")
    if m.ocg_involved == "yes":
        cand.add(int(rules["ocg"]["weight"]), "organised crime group involved")
    victims = sum(int(m._mapping[c]) for c in VICTIM_COUNT_COLUMNS)
    children = sum(int(m._mapping[c]) for c in CHILD_COLUMNS)
    if victims >= int(rules["many_victims"]["min_victims"]):
        cand.add(int(rules["many_victims"]["weight"]), f"{victims} potential victims")
    if children >= int(rules["child_victims"]["min_children"]):
        cand.add(int(rules["child_victims"]["weight"]), f"{children} child victims")
    share = type_share.get(m.primary_type or "", 1.0)
    if share <= float(rules["rare_exploitation"]["max_share"]):
        cand.add(
            int(rules["rare_exploitation"]["weight"]),
            f"rare exploitation type {m.primary_type} ({share:.1%} of operations)",
        )
    rare = sorted(
        v
        for v in details.get("sector", [])
        if sector_share.get(v, 1.0) <= float(rules["rare_sector"]["max_share"])
    )
    if rare:
        cand.add(int(rules["rare_sector"]["weight"]), f"rare sector {', '.join(rare)}")
    if m.international_dimension == "yes":
        countries = details.get("international_country", [])
        cand.add(
            int(rules["international"]["weight"]),
            "international dimension" + (f" ({', '.join(sorted(countries))})" if countries else ""),
        )


# The quarterly lessons summary: the quarter's lessons and debriefs in scope (the document is
# `msops.reports.documents.render_lessons`).
@dataclass(frozen=True)
class LessonsSummary:
    quarter: Quarter
    debriefs: list[dict[str, Any]]
    lessons: list[dict[str, Any]]

    @property
    def themes(self) -> list[tuple[str, int]]:
        counts = Counter(t for lesson in self.lessons for t in lesson["themes"])
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def lessons_summary(conn: Connection, principal: Principal, quarter: Quarter) -> LessonsSummary:
    return LessonsSummary(
        quarter,
        debriefs_in_quarter(conn, principal, quarter),
        lessons_in_quarter(conn, principal, quarter),
    )
