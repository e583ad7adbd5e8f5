"""A profile's figures as tables: the report prints them and `--tables` writes them as CSV."""

from __future__ import annotations

import math

from msops.analytics.nrm_stats import OTHER, DimensionResult
from msops.analytics.profile import OperationDimension, Profile
from msops.analytics.tables import ReportTable


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


def profile_tables(p: Profile) -> list[ReportTable]:
    """Every table of the profile, in the report's order."""
    return [
        months_table(p),
        *(operation_table(d) for d in p.operation_dimensions),
        *(people_table(r) for r in p.people),
        organisations_table(p),
        outcomes_table(p),
        europol_table(p),
        routes_table(p),
    ]
