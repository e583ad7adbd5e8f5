"""The thematic profile as one self-contained HTML document (and, through `pdf`, a PDF).

Every figure on the page comes from the profile's tables (`profile_tables`), so the internal
and the public profile are drawn by the same code: the public one from its suppressed and
rounded tables, with no statistic, fine detail or casework.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy import Connection

from msops.analytics.area_map import figures_of
from msops.analytics.headline import Area
from msops.analytics.overview import synthetic_returns
from msops.analytics.profile import Profile
from msops.analytics.profile_routes import Route, Routes
from msops.analytics.profile_tables import (
    changes_sentences,
    profile_tables,
    public_findings,
    slug,
)
from msops.analytics.tables import ReportTable, Rule, number
from msops.domain.principal import Principal
from msops.domain.profile import Theme, Window
from msops.reports import charts
from msops.reports.area_map import Measure, area_map_svg
from msops.reports.html import environment, page_context
from msops.reports.profile_routes import route_diagram

TOP = 10  # bars per chart; the table beside it holds every category


def title(p: Profile) -> str:
    return f"Thematic profile: {p.theme.describe()}"


def _bars(table: ReportTable, heading: str) -> Markup:
    column = next(c for c in table.header if c in ("These operations", "In these operations"))
    items = table.column(column)[:TOP]
    return Markup(charts.bar_chart(items, heading))


def _trend(months: ReportTable) -> Markup:
    points = [(m, v) for m, v in months.column("These operations") if m[:1].isdigit()]
    series: list[tuple[str, list[int | None]]] = [("These operations", [v for _, v in points])]
    return Markup(
        charts.line_chart(
            [m for m, _ in points], series, "These operations in each month's returns"
        )
    )


def _routes(table: ReportTable) -> Markup:
    counts = {
        Route(o, t, r): n
        for o, t, r, v in table.rows
        if o != "Total" and (n := number(v)) is not None
    }
    return Markup(route_diagram(Routes(counts), "Routes of these operations"))


def _charted(p: Profile, by_name: dict[str, ReportTable]) -> tuple[list[object], list[object]]:
    ops = [slug(d.name) for d in p.operation_dimensions]
    people = [slug(r.dimension) for r in p.people]
    return (
        [(by_name[n], _bars(by_name[n], by_name[n].header[0])) for n in ops if n in by_name],
        [(by_name[n], _bars(by_name[n], by_name[n].header[0])) for n in people if n in by_name],
    )


def _context(
    p: Profile, tables: list[ReportTable], rule: Rule, synthetic: str, area_map: str = ""
) -> dict[str, object]:
    by_name = {t.name: t for t in tables}
    context = page_context(
        title(p),
        f"{p.area.describe()} · {p.window.describe()} · audience: {rule.audience.value}",
        rule,
        synthetic,
        f"profile {p.window.describe()}",
    )
    operation_tables, people_tables = _charted(p, by_name)
    return context | {
        "p": p,
        "t": by_name,
        "public": not rule.exact,
        "summary": {r[0]: r[1] for r in by_name["summary"].rows},
        "findings": p.findings if rule.exact else public_findings(p, by_name),
        "changes": changes_sentences(p, rule),
        "trend": _trend(by_name["months"]),
        "routes": _routes(by_name["routes"]) if "routes" in by_name else Markup(""),
        "operation_tables": operation_tables,
        "people_tables": people_tables,
        "area_map": Markup(area_map),
        "number": number,
    }


def render_profile(
    p: Profile,
    tables: list[ReportTable],
    rule: Rule,
    generated_for: str,
    synthetic: str,
    area_map: str = "",
) -> str:
    """The profile as a document: summary and findings, then each dimension as a chart and its
    table."""
    context = _context(p, tables, rule, synthetic, area_map) | {"generated_for": generated_for}
    return environment().get_template("profile.html.j2").render(context)


def render_profile_body(
    p: Profile, tables: list[ReportTable], rule: Rule, area_map: str = ""
) -> Markup:
    """The same content without the document around it, for a page of the web application."""
    context = _context(p, tables, rule, "", area_map)
    return Markup(environment().get_template("profile_body.html.j2").render(context))


@dataclass(frozen=True)
class ProfileDocument:
    """A profile computed for a person, with its released tables, ready to show or to write."""

    profile: Profile
    tables: list[ReportTable]
    rule: Rule
    synthetic: str
    area_map: str = ""  # the theme's operations by force area (internal profiles only)

    @property
    def ref(self) -> str:
        """What the audit trail names: 'profile 2017-03 to 2018-02 Kent: Car washes'."""
        p = self.profile
        return f"profile {p.window.describe()} {p.area.describe()}: {p.theme.describe()}"

    def html(self, generated_for: str) -> str:
        p, tables, rule = self.profile, self.tables, self.rule
        return render_profile(p, tables, rule, generated_for, self.synthetic, self.area_map)

    def body(self) -> Markup:
        return render_profile_body(self.profile, self.tables, self.rule, self.area_map)


def profile_document(
    conn: Connection, who: Principal, theme: Theme, window: Window, area: Area, rule: Rule
) -> ProfileDocument:
    """The profile of `theme` for `who`, released under `rule`."""
    from msops.analytics.profile import profile

    found = profile(conn, who, theme, window, area)
    synthetic = synthetic_returns(conn, who, window.last, found.area)
    drawn = _area_map(found, who) if rule.exact else ""  # the public one leaves organisations out
    return ProfileDocument(found, profile_tables(found, rule), rule, synthetic, drawn)


def _area_map(p: Profile, who: Principal) -> str:
    figures = figures_of(dict(p.organisations), who, p.window.last)
    noun = "operations of the theme"
    return area_map_svg(figures, Measure.RATE, lambda _org: None, noun, p.window.describe())
