"""The NRM profile comparison as CSV: one row per dimension and category (the HTML page is
`msops.reports.documents.render_nrm_profile`)."""

from __future__ import annotations

import math

from msops.analytics.nrm_profile import NrmProfile
from msops.domain.tabular import csv_text

CSV_COLUMNS: tuple[str, ...] = (
    "dimension",
    "category",
    "merged_categories",
    "police_victims",
    "police_share",
    "nrm_referrals",
    "nrm_share",
    "expected_nrm",
    "adjusted_residual",
    "p_value_bonferroni",
    "significant",
    "chi_square",
    "df",
    "p_value",
    "cramers_v",
)


def decimal_text(value: float | None, digits: int = 4) -> str:
    """A figure with `digits` decimals; empty when there is none (None or NaN)."""
    if value is None or math.isnan(value):
        return ""
    return f"{value:.{digits}f}"


def profile_rows(profile: NrmProfile) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    for dim in profile.dimensions:
        for c in dim.categories:
            rows.append(
                {
                    "dimension": dim.dimension,
                    "category": c.label,
                    "merged_categories": "; ".join(c.merged),
                    "police_victims": str(c.police),
                    "police_share": decimal_text(c.police_share),
                    "nrm_referrals": str(c.nrm),
                    "nrm_share": decimal_text(c.nrm_share),
                    "expected_nrm": decimal_text(c.expected_nrm, 2),
                    "adjusted_residual": decimal_text(c.adjusted_residual, 2),
                    "p_value_bonferroni": decimal_text(c.p_value, 6),
                    "significant": "yes" if c.significant else "no",
                    "chi_square": decimal_text(dim.chi2, 3),
                    "df": str(dim.df),
                    "p_value": decimal_text(dim.p_value, 6),
                    "cramers_v": decimal_text(dim.cramers_v, 4),
                }
            )
    return rows


def profile_csv(profile: NrmProfile) -> str:
    rows = ([row.get(c) for c in CSV_COLUMNS] for row in profile_rows(profile))
    return csv_text(CSV_COLUMNS, rows, lineterminator="\n")


def title(profile: NrmProfile) -> str:
    return (
        f"Victims in police operations {profile.first} to {profile.last} against NRM referrals"
        f" ({profile.responder} first responders, {profile.quarters[0]}-{profile.quarters[-1]})"
    )
