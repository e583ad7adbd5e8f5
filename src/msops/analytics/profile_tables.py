"""A profile's figures as tables: the report prints them and `--tables` writes them as CSV."""

from __future__ import annotations

import math
from collections.abc import Mapping

from msops.analytics.disclosure import ProtectedTable
from msops.analytics.nrm_stats import OTHER, DimensionResult
from msops.analytics.profile import OperationDimension, Profile, larger
from msops.analytics.profile_release import (
    ARROW,
    EXCLUSIVE,
    THESE,
    PublicRelease,
    dimension_key,
    people_key,
    public_release,
)
from msops.analytics.tables import ReportTable, Rule, number
from msops.analytics.tables_release import WITHHELD_NOTE

NATIONALLY = "Operations nationally"


def _share(value: float) -> str:
    return f"{value:.1%}"


def _stat(value: float | None, digits: int = 2) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _p(value: float | None) -> str:
    if value is None or math.isnan(value):
        return ""
    return "<0.001" if value < 0.001 else f"{value:.3f}"


def slug(name: str) -> str:
    """A file stem for a table: "victims' sex and age" -> "victims_sex_and_age"."""
    return "_".join("".join(ch if ch.isalnum() else " " for ch in name.lower()).split())


def months_table(p: Profile) -> ReportTable:
    return ReportTable(
        "months",
        "Operations in each month's returns",
        ("Month", "These operations", "All operations nationally"),
        tuple((str(m.period), str(m.theme), str(m.national)) for m in p.months),
    )


def operation_table(dim: OperationDimension) -> ReportTable:
    return ReportTable(
        slug(dim.name),
        f"{dim.name}: operations naming each",
        (
            dim.name,
            "These operations",
            "Share",
            "Operations nationally",
            "National share",
            "Chi-square",
            "p (Bonferroni)",
            "Phi",
        ),
        tuple(
            (
                s.label,
                str(s.theme),
                _share(s.theme_share),
                str(s.national),
                _share(s.national_share),
                _stat(s.chi2, 1),
                _p(s.p_value),
                _stat(s.phi),
            )
            for s in dim.shares
        ),
        note="An operation may name several; each category is tested against the other"
        " operations (2 x 2 chi-square, Bonferroni-corrected).",
    )


def people_table(result: DimensionResult) -> ReportTable:
    """Counts of people: the other operations (first row of the test) and the theme's."""
    return ReportTable(
        slug(result.dimension),
        f"By {result.dimension}",
        (
            result.dimension.capitalize(),
            "In these operations",
            "Share",
            "In the other operations",
            "Share",
            "Adjusted residual",
            "p (Bonferroni)",
        ),
        tuple(
            (
                c.label if c.category != OTHER else f"{OTHER} ({', '.join(c.merged)})",
                str(c.nrm),
                _share(c.nrm_share),
                str(c.police),
                _share(c.police_share),
                _stat(c.adjusted_residual),
                _p(c.p_value),
            )
            for c in result.categories
        ),
        note=" ".join(result.sentences or result.notes),
    )


def organisations_table(p: Profile) -> ReportTable:
    return ReportTable(
        "organisations",
        "These operations by the organisation holding them",
        ("Organisation", "Operations"),
        tuple((name, str(n)) for name, n in p.organisations.items()),
    )


def outcomes_table(p: Profile) -> ReportTable:
    return ReportTable(
        "outcomes",
        "Outcomes to date",
        ("Outcome", "These operations", "Per operation", "Nationally", "Per operation"),
        tuple(
            (
                o.label,
                str(o.theme),
                f"{o.theme_per_operation:.2f}",
                str(o.national),
                f"{o.national_per_operation:.2f}",
            )
            for o in p.outcomes
        ),
    )


def europol_table(p: Profile) -> ReportTable:
    e = p.europol

    def rate(checked: int, due: int) -> str:
        return _share(checked / due) if due else ""

    return ReportTable(
        "europol",
        "Europol checks of operations with an international dimension or foreign nationals",
        ("", "Due a check", "Checked", "Share checked"),
        (
            (
                "These operations",
                str(e.theme_due),
                str(e.theme_checked),
                rate(e.theme_checked, e.theme_due),
            ),
            (
                "Nationally",
                str(e.national_due),
                str(e.national_checked),
                rate(e.national_checked, e.national_due),
            ),
        ),
    )


def routes_table(p: Profile) -> ReportTable:
    return ReportTable(
        "routes",
        "Routes: country of origin, transit and UK region",
        ("Country of origin", "Transit", "UK region", "Operations"),
        tuple((r.origin, r.transit, r.region, str(n)) for r, n in p.routes.counts.items()),
        note="Each operation once: the country of its most numerous victim nationality, the"
        " transit countries its return names and the region of the organisation holding it.",
    )


def summary_table(p: Profile) -> ReportTable:
    rows = (
        ("These operations", p.n_operations),
        (NATIONALLY, p.n_national),
        ("Potential victims", p.n_victims),
        ("of whom children", p.n_children),
        ("Suspects", p.n_suspects),
        ("Joined by a golden thread to another organisation's operation", p.threaded),
        ("Naming a linked operation of another organisation", p.linked),
    )
    return ReportTable(
        "summary", "Summary", ("Measure", "Value"), tuple((m, str(n)) for m, n in rows)
    )


def profile_tables(p: Profile, rule: Rule) -> list[ReportTable]:
    """Every table of the profile, in the report's order: exact, or as released to the public."""
    if not rule.exact:
        return public_tables(p, rule)
    return [
        summary_table(p),
        months_table(p),
        *(operation_table(d) for d in p.operation_dimensions),
        *(people_table(r) for r in p.people),
        organisations_table(p),
        outcomes_table(p),
        europol_table(p),
        routes_table(p),
    ]


def _released(
    name: str,
    title: str,
    first: str,
    t: ProtectedTable,
    total: str,
    note: str,
    withheld: bool,
) -> ReportTable:
    header = (first, *t.cols) if t.one_way else (first, *t.cols, NATIONALLY)
    rows = [
        (
            r,
            *(t.cells[r, c].render() for c in t.cols),
            *(() if t.one_way else (t.row_totals[r].render(),)),
        )
        for r in t.rows
    ]
    last = (total, *(t.col_totals[c].render() for c in t.cols))
    rows.append(last if t.one_way else (*last, t.grand_total.render()))
    if withheld:
        note = f"{note} {WITHHELD_NOTE}".strip()
    return ReportTable(name, title, header, tuple(rows), note)


def public_tables(p: Profile, rule: Rule, r: PublicRelease | None = None) -> list[ReportTable]:
    """The profile's tables for the public (`profile_release`): no statistic, no fine detail.
    `r` is the release to render (by default, `p` released under `rule`)."""
    r = public_release(p, rule) if r is None else r
    out = [_public_summary(p, r)]

    def add(
        key: str, name: str, title: str, first: str, total: str = "Total", note: str = ""
    ) -> None:
        if key in r.tables:
            out.append(_released(name, title, first, r.tables[key], total, note, key in r.withheld))

    add("months", "months", "Operations in each month's returns", "Month", "All months")
    for dim in p.operation_dimensions:
        total = "Total" if dim.name in EXCLUSIVE else "All mentions"
        add(
            dimension_key(dim.name),
            slug(dim.name),
            f"{dim.name}: operations naming each",
            dim.name,
            total,
        )
    for result in p.people:
        add(
            people_key(result.dimension),
            slug(result.dimension),
            f"By {result.dimension}",
            result.dimension.capitalize(),
        )
    out += [_public_outcomes(p, rule), _public_europol(p, rule)]
    if "routes" in r.tables:
        out.append(_public_routes(r))
    return out


def _public_summary(p: Profile, r: PublicRelease) -> ReportTable:
    def total(key: str) -> str:
        return r.tables[key].col_totals[THESE].render() if key in r.tables else ""

    rows = (
        ("These operations", r.tables["operations"].grand_total.render()),
        (NATIONALLY, r.tables["national"].grand_total.render()),
        ("Potential victims", total(people_key("victims' sex and age"))),
        ("of whom children", r.tables["children"].grand_total.render()),
        ("Suspects", total(people_key("suspect nationality"))),
    )
    return ReportTable("summary", "Summary", ("Measure", "Value"), rows)


def _public_outcomes(p: Profile, rule: Rule) -> ReportTable:
    return ReportTable(
        "outcomes",
        "Outcomes to date",
        ("Outcome", THESE, "Nationally"),
        tuple((o.label, rule.count(o.theme), rule.count(o.national)) for o in p.outcomes),
    )


def _public_europol(p: Profile, rule: Rule) -> ReportTable:
    e = p.europol
    return ReportTable(
        "europol",
        "Europol checks of operations with an international dimension or foreign nationals",
        ("", "Due a check", "Checked"),
        (
            (THESE, rule.count(e.theme_due), rule.count(e.theme_checked)),
            ("Nationally", rule.count(e.national_due), rule.count(e.national_checked)),
        ),
    )


def _public_routes(r: PublicRelease) -> ReportTable:
    t = r.tables["routes"]
    rows = [(*label.split(ARROW), t.cells[label, t.cols[0]].render()) for label in t.rows]
    rows.append(("Total", "", "", t.grand_total.render()))
    note = "Countries, transits and regions of fewer operations than the threshold are grouped."
    if "routes" in r.withheld:
        note = f"{note} {WITHHELD_NOTE}"
    return ReportTable(
        "routes",
        "Routes: country of origin, transit and UK region",
        ("Country of origin", "Transit", "UK region", "Operations"),
        tuple(rows),
        note=note,
    )


def public_findings(p: Profile, tables: Mapping[str, ReportTable]) -> tuple[str, ...]:
    """The findings without their statistics (computed on exact counts), and only for a
    category whose count is published: which categories these operations hold more often."""
    out: list[str] = []
    for dim in p.operation_dimensions:
        table = tables.get(slug(dim.name))
        for s in dim.shares:
            if table is None or not s.over_represented:
                continue
            if number(table.value(s.label, THESE)) is not None:
                out.append(
                    f"{dim.name}, {s.label}: a larger share of these operations than of the others."
                )
    for result in p.people:
        table = tables.get(slug(result.dimension))
        if table is None:
            continue
        shown = [c.label for c in larger(result) if number(table.value(c.label, THESE)) is not None]
        if shown:
            out.append(
                f"Larger shares in these operations, by {result.dimension}: {', '.join(shown)}."
            )
    return tuple(out)


def changes_sentences(p: Profile, rule: Rule) -> tuple[str, ...]:
    """What changed since the window a month earlier: exact, or for the public its counts only,
    each suppressed and rounded (a category's change would tell of a count left out)."""
    c = p.changes
    if rule.exact:
        return c.sentences()
    now, then, joined, left = (rule.count(n) for n in (c.n_now, c.n_then, c.joined, c.left))
    return (
        f"{now} operations meet the theme, against {then} over {c.previous.describe()}:"
        f" {joined} joined it and {left} left it (rounded; [c]: fewer than {rule.threshold}).",
    )
