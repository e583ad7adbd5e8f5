"""The operations of a theme over a window of months, beside every operation in the country.

Each operation in a current return of the window is one `Record`, read from its latest month in
the window (the counts of the return are running totals, so the latest month holds them all).
The theme's operations are the records in the principal's scope and area that meet the theme;
the baseline is every record in the country, so that a force sees its own operations against
the national picture (counts only: no nominal is read).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import Connection, select

from msops.analytics.headline import LEAD, NATIONAL, Area
from msops.analytics.overview_breakdowns import NO_REGION, lead_type
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.profile import Group, Theme, Window
from msops.domain.return_spec import CUMULATIVE_COLUMNS, LIVE_STATUSES, VICTIM_COUNT_COLUMNS
from msops.store import schema as s
from msops.store.casework.europol import due_a_check
from msops.store.scope import visible_organisations

CHILD = tuple(i for i, c in enumerate(VICTIM_COUNT_COLUMNS) if "_child_" in c)


@dataclass(frozen=True)
class Record:
    """One operation as its latest month in the window describes it (no personal data)."""

    operation_id: int
    ref: str
    organisation_id: int
    organisation: str  # short name of the organisation whose return holds it
    region: str
    lead_type: str
    period: Period  # its latest month in the window
    periods: frozenset[Period]  # every month of the window whose returns hold it
    live_periods: frozenset[Period]  # ... in which it was Live or Reopened
    category: str
    type_code: str | None
    victims: tuple[int, ...]  # VICTIM_COUNT_COLUMNS
    suspects: int
    outcomes: tuple[int, ...]  # CUMULATIVE_COLUMNS, to date
    europol_due: bool
    europol_checked: bool
    details: Mapping[str, frozenset[str]] = field(default_factory=dict)
    victim_nationalities: Mapping[str, int] = field(default_factory=dict)
    suspect_nationalities: Mapping[str, int] = field(default_factory=dict)

    @property
    def n_victims(self) -> int:
        return sum(self.victims)

    @property
    def n_children(self) -> int:
        return sum(self.victims[i] for i in CHILD)


def _rows(conn: Connection, window: Window) -> list[dict[str, object]]:
    om, op, org = s.operation_month, s.operation, s.organisation
    columns = [
        om.c.id,
        om.c.operation_id,
        op.c.ref,
        om.c.period,
        om.c.status,
        om.c.primary_category,
        om.c.primary_type,
        om.c.suspects,
        om.c.europol_check_date,
        due_a_check().label("europol_due"),
        org.c.id.label("organisation_id"),
        org.c.short_name,
        org.c.region,
        LEAD.c.kind.label("lead_kind"),
        *(om.c[c] for c in (*VICTIM_COUNT_COLUMNS, *CUMULATIVE_COLUMNS)),
    ]
    query = (
        select(*columns)
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .join(LEAD, LEAD.c.id == om.c.lead_org_id)
        .where(om.c.is_current, om.c.period.between(str(window.first), str(window.last)))
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def _by_month(conn: Connection, window: Window, table: str) -> dict[int, list[tuple[str, ...]]]:
    om = s.operation_month
    if table == "details":
        t = s.operation_detail
        cols = (t.c.detail, t.c.value)
    else:
        t = s.operation_nationality
        cols = (t.c.grp, t.c.nationality, t.c.count)  # type: ignore[assignment]
    query = (
        select(t.c.operation_month_id, *cols)
        .join(om, om.c.id == t.c.operation_month_id)
        .where(om.c.is_current, om.c.period.between(str(window.first), str(window.last)))
    )
    out: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for month_id, *values in conn.execute(query):
        out[int(month_id)].append(tuple(str(v) for v in values))
    return out


def records(conn: Connection, window: Window) -> list[Record]:
    """Every operation held in the window's current returns, nationally, as its latest month."""
    months: dict[int, list[dict[str, object]]] = defaultdict(list)
    for row in _rows(conn, window):
        months[int(str(row["operation_id"]))].append(row)
    details = _by_month(conn, window, "details")
    nationalities = _by_month(conn, window, "nationalities")
    return [
        _record(rows, details, nationalities)
        for rows in sorted(months.values(), key=lambda r: (str(r[0]["short_name"]), r[0]["ref"]))
    ]


def _record(
    rows: list[dict[str, object]],
    details: Mapping[int, list[tuple[str, ...]]],
    nationalities: Mapping[int, list[tuple[str, ...]]],
) -> Record:
    latest = max(rows, key=lambda r: str(r["period"]))
    month_id = int(str(latest["id"]))
    kinds: dict[str, set[str]] = defaultdict(set)
    for kind, value in details.get(month_id, []):
        kinds[kind].add(value)
    nat: dict[str, dict[str, int]] = {"victim": {}, "suspect": {}}
    for grp, label, count in nationalities.get(month_id, []):
        if grp in nat and int(count) > 0:
            nat[grp][label] = nat[grp].get(label, 0) + int(count)
    return Record(
        operation_id=int(str(latest["operation_id"])),
        ref=str(latest["ref"]),
        organisation_id=int(str(latest["organisation_id"])),
        organisation=str(latest["short_name"]),
        region=str(latest["region"] or NO_REGION),
        lead_type=lead_type(str(latest["lead_kind"])),
        period=Period.parse(str(latest["period"])),
        periods=frozenset(Period.parse(str(r["period"])) for r in rows),
        live_periods=frozenset(
            Period.parse(str(r["period"])) for r in rows if r["status"] in LIVE_STATUSES
        ),
        category=str(latest["primary_category"]),
        type_code=str(latest["primary_type"]) if latest["primary_type"] else None,
        victims=tuple(int(str(latest[c])) for c in VICTIM_COUNT_COLUMNS),
        suspects=int(str(latest["suspects"])),
        outcomes=tuple(int(str(latest[c])) for c in CUMULATIVE_COLUMNS),
        europol_due=bool(latest["europol_due"]),
        europol_checked=latest["europol_check_date"] is not None,
        details={k: frozenset(v) for k, v in kinds.items()},
        victim_nationalities=nat["victim"],
        suspect_nationalities=nat["suspect"],
    )


def matches(record: Record, theme: Theme) -> bool:
    """Whether the operation meets every filter of the theme."""
    if theme.nationality:
        victim = theme.nationality in record.victim_nationalities
        suspect = theme.nationality in record.suspect_nationalities
        wanted = {Group.VICTIM: victim, Group.SUSPECT: suspect}.get(theme.group, victim or suspect)
        if not wanted:
            return False
    if theme.children and record.n_children == 0:
        return False
    if theme.exploitation and not _exploited(record, theme):
        return False
    if theme.sector and theme.sector.code not in record.details.get("sector", frozenset()):
        return False
    return not theme.location or any(
        _postcode_within(value, theme.location)
        for value in record.details.get("location", frozenset())
    )


def _exploited(record: Record, theme: Theme) -> bool:
    wanted = theme.exploitation
    assert wanted is not None
    if wanted.kind == "category":
        return record.category == wanted.code
    others = record.details.get("other_exploitation", frozenset())
    return record.type_code == wanted.code or wanted.code in others


def _postcode_within(district: str, prefix: str) -> bool:
    """'CF10' lies within 'CF' and 'CF10', not within 'C' or 'CF1'."""
    value = district.strip().upper().replace(" ", "")
    if not value.startswith(prefix):
        return False
    rest = value[len(prefix) :]
    return not rest or (prefix[-1].isalpha() and rest[0].isdigit())


@dataclass(frozen=True)
class Selection:
    """The theme's operations (in scope and area) and the national baseline, in one window."""

    theme: Theme
    window: Window
    area: Area
    chosen: tuple[Record, ...]
    baseline: tuple[Record, ...]

    @property
    def rest(self) -> tuple[Record, ...]:
        """The baseline's operations that are not the theme's."""
        ids = {r.operation_id for r in self.chosen}
        return tuple(r for r in self.baseline if r.operation_id not in ids)


def select_theme(
    conn: Connection,
    principal: Principal,
    theme: Theme,
    window: Window,
    area: Area = NATIONAL,
) -> Selection:
    """The operations of the theme that the principal may see, and every operation nationally."""
    area = area.within(principal)
    org = s.organisation
    visible = {
        str(name)
        for name in conn.execute(
            select(org.c.short_name).where(visible_organisations(principal, org), area.clause(org))
        ).scalars()
    }
    everything = records(conn, window)
    chosen = tuple(r for r in everything if r.organisation in visible and matches(r, theme))
    return Selection(theme, window, area, chosen, tuple(everything))


def operations_by_month(rows: Iterable[Record], months: Iterable[Period]) -> dict[Period, int]:
    """How many of the operations each month's returns hold."""
    found = {m: 0 for m in months}
    for r in rows:
        for m in r.periods:
            if m in found:
                found[m] += 1
    return found
