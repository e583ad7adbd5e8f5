"""The thematic profile as one self-contained HTML document (and, through `pdf`, a PDF)."""

from __future__ import annotations

from markupsafe import Markup

from msops.analytics.profile import Profile
from msops.analytics.profile_tables import slug
from msops.analytics.tables import ReportTable, Rule, number
from msops.reports import charts
from msops.reports.html import environment, page_context
from msops.reports.profile_routes import route_diagram

TOP = 10  # bars per chart; the table beside it holds every category


def title(p: Profile) -> str:
    return f"Thematic profile: {p.theme.describe()}"


def _bars(table: ReportTable, column: str, heading: str) -> Markup:
    items = table.column(column)[:TOP]
    return Markup(charts.bar_chart(items, heading))


def _trend(p: Profile) -> Markup:
    months = [str(m.period) for m in p.months]
    series: list[tuple[str, list[int | None]]] = [("These operations", [m.theme for m in p.months])]
    return Markup(charts.line_chart(months, series, "These operations in each month's returns"))


def render_profile(
    p: Profile, tables: list[ReportTable], rule: Rule, generated_for: str, synthetic: str
) -> str:
    """The profile: summary and findings, then each dimension as a chart and its table."""
    by_name = {t.name: t for t in tables}
    context = page_context(
        title(p),
        f"{p.area.describe()} · {p.window.describe()} · audience: {rule.audience.value}",
        rule,
        synthetic,
        f"profile {p.window.describe()}",
    )
    context |= {
        "p": p,
        "t": by_name,
        "trend": _trend(p),
        "routes": Markup(route_diagram(p.routes, "Routes of these operations")),
        "operation_tables": [
            (by_name[slug(d.name)], _bars(by_name[slug(d.name)], "These operations", d.name))
            for d in p.operation_dimensions
        ],
        "people_tables": [
            (
                by_name[slug(r.dimension)],
                _bars(by_name[slug(r.dimension)], "In these operations", r.dimension),
            )
            for r in p.people
        ],
        "generated_for": generated_for,
        "number": number,
    }
    return environment().get_template("profile.html.j2").render(context)
