"""HTML documents through Jinja2: one self-contained file, charts and style inlined."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from msops.analytics.overview import Overview
from msops.analytics.tables import TOTAL_PREFIXES, ReportTable, Rule, number
from msops.analytics.tables_release import DETAILS, NATIONALITIES
from msops.domain.marking import OFFICIAL, OFFICIAL_SENSITIVE
from msops.reports import charts

if TYPE_CHECKING:
    from jinja2 import Environment

SYNTHETIC_NOTICE = {
    "all": "SYNTHETIC DATA: every return behind these figures is synthetic (demonstration"
    " data), not real operations or people.",
    "some": "CAUTION: some returns behind these figures are synthetic (demonstration data).",
}


def _css_string(value: str) -> Markup:
    """A CSS string literal (quoted) for the @page margin boxes; `<` as a CSS escape, so that no
    text can close the <style> element it is inlined in."""
    text = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    text = text.replace("<", "\\3c ")
    return Markup(f'"{text}"')


def _figure(cell: str) -> str:
    """A released cell for reading: 1234 as 1,234; "[c]" and words unchanged."""
    return f"{int(cell):,}" if cell.isdigit() else cell


@cache
def environment() -> Environment:
    """One environment per process: each template is compiled once.

    Jinja2 is imported here, when a document is first rendered, not by every `msops` command.
    """
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=PackageLoader("msops.reports", "templates"),
        autoescape=select_autoescape(("html", "j2")),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["css_string"] = _css_string
    env.filters["figure"] = _figure
    env.globals["total_prefixes"] = TOTAL_PREFIXES
    return env


def marking(rule: Rule) -> str:
    return OFFICIAL_SENSITIVE if rule.exact else OFFICIAL  # public: disclosure-controlled


def base_context(
    title: str, subtitle: str, mark: str, footer: str = "", synthetic: str = ""
) -> dict[str, Any]:
    """What the base template needs: titles, marking, page footer and the synthetic notice."""
    return {
        "title": title,
        "subtitle": subtitle,
        "marking": mark,
        "footer": f"msops {footer}",
        "synthetic_notice": SYNTHETIC_NOTICE.get(synthetic, ""),
    }


def page_context(
    title: str, subtitle: str, rule: Rule, synthetic: str, footer: str = ""
) -> dict[str, Any]:
    """The base template's context for a report of released tables, with the rule's notes."""
    return base_context(title, subtitle, marking(rule), footer, synthetic) | {
        "public": not rule.exact,
        "threshold": rule.threshold,
        "base": rule.base,
        "generated": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def render_overview(
    ov: Overview, tables: list[ReportTable], rule: Rule, generated_for: str, scope_note: str = ""
) -> str:
    """The monthly overview as one HTML document."""
    by_name = {t.name: t for t in tables}
    head = ov.headline
    context = page_context(
        f"Monthly overview of modern slavery operations: {ov.area.describe()}, {ov.period}",
        f"{ov.area.describe()} · audience: {rule.audience.value}",
        rule,
        ov.synthetic,
        f"overview {ov.period}",
    )
    shares = rule.exact and head.live_police_led
    context |= {
        "t": by_name,
        "charts": _overview_charts(by_name),
        "period": str(ov.period),
        "area": ov.area.describe(),
        "scope_note": scope_note,
        "first_period": str(ov.first_period or ov.period),
        "local_share": f"{head.local_force_share:.1%}" if shares else "",
        "rocu_share": f"{head.rocu_share:.1%}" if shares else "",
        "europol_sentence": _europol_sentence(by_name["europol_checks"]),
        "generated_for": generated_for,
    }
    return environment().get_template("overview.html.j2").render(context)


def _europol_sentence(table: ReportTable) -> str:
    checked = number(table.value("Checked", "Operations"))
    eligible = number(table.value("Eligible live operations", "Operations"))
    if eligible is None or checked is None:
        return "Too few eligible operations to show a rate."
    if eligible == 0:
        return "No live operation had an international dimension or foreign nationals."
    return (
        f"{checked:,} of {eligible:,} live operations with an international dimension or"
        f" foreign nationals have been checked against Europol ({checked / eligible:.0%})."
    )


def _overview_charts(t: dict[str, ReportTable]) -> dict[str, Markup]:
    trend = t["trend_by_month"]
    months = [r[0] for r in trend.rows]
    live_cols = [c for c in ("Live police-led", "Live partner-led", "Live") if c in trend.header]
    if "Live police-led" in live_cols:
        live_cols.remove("Live")
    region = t["live_operations_by_region_and_lead"]
    exploitation = t["exploitation_type_by_category"]
    out = {
        "trend_live": charts.line_chart(
            months, [(c, _values(trend, c)) for c in live_cols], "Live operations by month"
        ),
        "trend_flow": charts.line_chart(
            months,
            [(c, _values(trend, c)) for c in ("Opened", "Closed")],
            "Operations opened and closed by month",
            height=180,
        ),
        "lead": charts.stacked_bar_chart(
            [label for label, _ in region.column("Local force")],
            [(c, _values(region, c)) for c in region.header[1:-1]],
            "Live operations by region and lead organisation type",
        ),
        "category": charts.bar_chart(
            [(c, number(exploitation.value("Total", c))) for c in exploitation.header[1:-1]],
            "Live operations by primary exploitation category",
        ),
        "type": charts.bar_chart(
            [(r[0], number(r[-1])) for r in exploitation.rows if r[0] != "Total"],
            "Live operations by primary exploitation type",
        ),
    }
    for name in DETAILS:
        out[name] = charts.bar_chart(t[name].column("Operations")[:12], t[name].title)
    for name in NATIONALITIES:
        out[name] = charts.bar_chart(t[name].column("People"), t[name].title, width=330)
    return {k: Markup(v) for k, v in out.items()}


def _values(table: ReportTable, column: str) -> list[int | None]:
    return [v for _, v in table.column(column)]
