"""The national picture as a page: the overview's released tables, charts drawn from them, a
comparison with earlier months, and a link from each figure to what lies behind it.

The figures are those of `msops report overview` for the same month, scope and area: the page
is made from `analytics.overview.overview` and `analytics.tables.overview_tables`, released
exactly (police) or disclosure-controlled (a PCC's public view of their force area).
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import Connection, Engine, func, select

from msops.analytics import overview_breakdowns as b
from msops.analytics.headline import Area
from msops.analytics.overview import Overview, overview
from msops.analytics.tables import Audience, ReportTable, Rule, number, overview_tables
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.reports import charts
from msops.store.aggregate_scope import aggregate_scope
from msops.store.operations_repo import MonthCoverage, month_coverage, partial_periods
from msops.store.schema import return_version
from msops.web.picture_links import Links

BY_ORGANISATION = "live_operations_by_organisation"
LABEL_ROOM = 480  # pixels at most for a bar's label (the typology's are long)


class PictureCache:
    """Aggregate figures (never rows) per scope, area and month, kept until a return is stored:
    the newest return version id is part of every key. A month's overview reads no return of a
    later month, so its figures are keyed by the newest version up to that month (`through`):
    this month's returns arriving leave last month's and last year's figures in place."""

    def __init__(self, size: int = 256) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()

    def get(
        self,
        conn: Connection,
        key: tuple[Any, ...],
        compute: Callable[[], Any],
        through: Period | None = None,
    ) -> Any:
        newest = select(func.max(return_version.c.id))
        if through is not None:
            newest = newest.where(return_version.c.period <= str(through))
        version = conn.execute(newest).scalar_one_or_none()
        full = (*key, version)
        with self._lock:
            if full in self._items:
                self._items.move_to_end(full)
                return self._items[full]
        found = compute()
        with self._lock:
            self._items[full] = found
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return found


@dataclass(frozen=True)
class Change:
    value: str  # the figure in the earlier month, as released
    change: str  # signed difference, or "" when either figure is withheld
    percent: str


@dataclass(frozen=True)
class HeadlineRow:
    label: str
    value: str
    link: str | None
    previous: Change | None
    year_ago: Change | None


@dataclass(frozen=True)
class Chart:
    name: str  # the table's file stem (its CSV) and the chart's anchor
    title: str
    svg: Markup
    table: ReportTable

    @cached_property
    def table_html(self) -> Markup:
        """The chart's table for screen readers, drawn once with the cached picture (a page
        of the trend over ten years holds hundreds of cells)."""
        return _table_html(self.table)


def _figure(cell: str) -> str:
    return f"{int(cell):,}" if cell.isdigit() else cell


def _table_html(t: ReportTable) -> Markup:
    num = ' class="num"'
    head = "".join(
        f'<th scope="col"{"" if i == 0 else num}>{escape(h)}</th>' for i, h in enumerate(t.header)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{escape(c)}</th>'
            if j == 0
            else f'<td class="num">{escape(_figure(c))}</td>'
            for j, c in enumerate(row)
        )
        + "</tr>"
        for row in t.rows
    )
    return Markup(
        f"<table><caption>{escape(t.title)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table>"
    )


_SERIALS = itertools.count(1)


@dataclass(frozen=True)
class Picture:
    period: Period
    area: Area
    protected: bool  # disclosure-controlled (PCC)
    headline: list[HeadlineRow]
    previous: Period | None  # the months compared with, when held
    year_ago: Period | None
    charts: list[Chart]
    months: list[str]  # every month with a return, for the month picker
    partial: tuple[MonthCoverage, ...]
    synthetic: str
    # Names this picture among those computed by this process: a page drawn from it is kept
    # under its serial, and a picture computed anew (a return stored) gets a new one.
    serial: int = field(default_factory=lambda: next(_SERIALS), compare=False)


@dataclass(frozen=True)
class Asked:
    """Whose figures, for which area, released how."""

    scope: Principal
    area: Area
    rule: Rule

    @classmethod
    def of(cls, principal: Principal, region: str | None, org: str | None) -> Asked:
        scope = aggregate_scope(principal)
        if principal.role == Role.PCC:
            return cls(scope, Area(organisation=principal.organisation), Rule(Audience.PUBLIC))
        return cls(scope, Area.of(region, org).within(scope), Rule(Audience.INTERNAL))


def released(
    conn: Connection, cache: PictureCache, asked: Asked, period: Period
) -> tuple[Overview, list[ReportTable]]:
    """The overview of `period` and its tables as released under the rule (cached)."""
    who = asked.scope
    key: tuple[Any, ...] = (
        "overview",
        who.role,
        who.organisation,
        who.region,
        asked.area,
        str(period),
    )
    key = (*key, asked.rule.audience)

    def compute() -> tuple[Overview, list[ReportTable]]:
        ov = overview(conn, who, period, asked.area)
        return ov, overview_tables(ov, asked.rule)

    found: tuple[Overview, list[ReportTable]] = cache.get(conn, key, compute, through=period)
    return found


def page_tables(
    conn: Connection, cache: PictureCache, asked: Asked, period: Period
) -> tuple[Overview, list[ReportTable]]:
    """The page's tables: the overview's, and a region's operations by organisation."""
    ov, tables = released(conn, cache, asked, period)
    if asked.area.region and not asked.area.organisation and asked.rule.exact:
        who = asked.scope
        key = ("organisations", who.role, who.organisation, who.region, asked.area, str(period))
        counts = cache.get(
            conn, key, lambda: b.live_by_organisation(conn, who, period, asked.area), period
        )
        title = f"Live operations by organisation, {asked.area.describe()}"
        rows = tuple((name, str(n)) for name, n in counts.items())
        by_org = ReportTable(BY_ORGANISATION, title, ("Organisation", "Live operations"), rows)
        tables = [*tables, by_org]
    return ov, tables


def picture(
    engine: Engine,
    cache: PictureCache,
    principal: Principal,
    period: Period | None,
    asked: Asked,
) -> Picture | None:
    """The page's figures for `period` (default: the month most organisations are in), kept
    with its charts until a return is stored: drawing them is most of a page's work."""
    who = asked.scope
    key: tuple[Any, ...] = ("picture", who.role, who.organisation, who.region, asked.area)
    key = (*key, asked.rule.audience, str(period), principal.role == Role.PCC)
    with engine.connect() as conn:
        found: Picture | None = cache.get(
            conn, key, partial(_picture, conn, cache, principal, period, asked)
        )
    return found


def _picture(
    conn: Connection,
    cache: PictureCache,
    principal: Principal,
    period: Period | None,
    asked: Asked,
) -> Picture | None:
    months, _ = month_coverage(conn)
    early = tuple(partial_periods(conn))
    if period is None:
        later = {m.period for m in early}
        settled = [m.period for m in months if m.period not in later]
        period = settled[-1] if settled else None
    if period is None:
        return None
    ov, tables = page_tables(conn, cache, asked, period)
    first = ov.first_period
    earlier = [p if first is not None and first <= p < period else None for p in _compared(period)]
    others = [released(conn, cache, asked, p)[1][0] if p else None for p in earlier]
    links = Links(period, ov.area, operations=principal.role != Role.PCC)
    by_name = {t.name: t for t in tables}
    return Picture(
        period,
        ov.area,
        not asked.rule.exact,
        _headline(by_name["headline"], others, links),
        earlier[0],
        earlier[1],
        _charts(by_name, links, asked),
        [str(m.period) for m in months],
        tuple(m for m in early if m.period != period),
        ov.synthetic,
    )


def _compared(period: Period) -> tuple[Period, Period]:
    return period.previous(), Period(period.year - 1, period.month)


def _headline(
    table: ReportTable, others: list[ReportTable | None], links: Links
) -> list[HeadlineRow]:
    def change(label: str, now: str, then: ReportTable | None) -> Change | None:
        if then is None:
            return None
        was = then.value(label, "Value")
        a, b_ = number(now), number(was)
        if a is None or b_ is None:
            return Change(was, "", "")
        percent = f"{(a - b_) / b_:+.0%}" if b_ else ""
        return Change(was, f"{a - b_:+,}", percent)

    return [
        HeadlineRow(label, value, links.headline(label), *(change(label, value, o) for o in others))
        for label, value in table.rows
    ]


def _charts(t: dict[str, ReportTable], links: Links, asked: Asked) -> list[Chart]:
    out = [_trend(t["trend_by_month"], links)]
    region = t["live_operations_by_region_and_lead"]
    if not asked.area.region and not asked.area.organisation:
        items = region.column("Total")
        out.append(_bars(region, "by_region", "Live operations by region", items, links.region))
    if BY_ORGANISATION in t:
        table = t[BY_ORGANISATION]
        items = table.column("Live operations")
        out.append(_bars(table, BY_ORGANISATION, table.title, items, links.organisation))
    lead = [(name, number(region.value("Total", name))) for name in b.LEAD_TYPES]
    out.append(
        _bars(region, "by_lead", "Live operations by lead organisation type", lead, links.lead)
    )
    kinds = t["exploitation_type_by_category"]
    category = [(c, number(kinds.value("Total", c))) for c in kinds.header[1:-1]]
    types = [(r[0], number(r[-1])) for r in kinds.rows if r[0] != "Total"]
    title = "Live operations by primary exploitation category"
    out.append(_bars(kinds, "by_category", title, category, links.category))
    title = "Live operations by primary exploitation type (Home Office typology)"
    out.append(_bars(kinds, "by_type", title, types, links.exploitation_type))
    for name, people in (("victim_nationalities", "victim"), ("suspect_nationalities", "suspect")):
        table = t[name]
        out.append(
            _bars(
                table,
                name,
                table.title,
                table.column("People") if table.rows else [],
                partial(links.nationality, people),
            )
        )
    outcomes = t["outcomes"]
    items = [(r[0], number(r[1])) for r in outcomes.rows]
    out.append(_bars(outcomes, "outcomes", outcomes.title, items, links.outcome))
    europol = t["europol_checks"]
    out.append(
        _bars(europol, "europol", europol.title, europol.column("Operations"), links.europol)
    )
    return out


def _bars(
    table: ReportTable,
    anchor: str,
    title: str,
    items: list[tuple[str, int | None]],
    link: Callable[[str], str | None],
) -> Chart:
    longest = max((len(label) for label, _ in items), default=0)
    room = min(LABEL_ROOM, max(230, int(longest * charts.LABEL_CHAR_W) + 12))
    svg = charts.bar_chart(
        items, title, width=room + 420, links=[link(label) for label, _ in items], label_width=room
    )
    return Chart(anchor, title, Markup(svg), table)


def _trend(table: ReportTable, links: Links) -> Chart:
    months = [r[0] for r in table.rows]
    split: list[str] = [c for c in ("Live police-led", "Live partner-led") if c in table.header]
    names: list[str] = split or ["Live"]
    series = [(c, [v for _, v in table.column(c)]) for c in names]
    title = "Live operations by month"
    svg = charts.line_chart(months, series, title, links=[links.month(m) for m in months])
    return Chart("trend", title, Markup(svg), table)
