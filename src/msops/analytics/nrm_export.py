"""The NRM profile comparison as CSV (one row per dimension and category) or one HTML page."""

from __future__ import annotations

import csv
import io
import math
from html import escape
from pathlib import Path

from msops.analytics.nrm_profile import NrmProfile
from msops.domain.errors import InvalidInput
from msops.domain.marking import OFFICIAL_SENSITIVE as MARKING

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


def _num(value: float | None, digits: int = 4) -> str:
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
                    "police_share": _num(c.police_share),
                    "nrm_referrals": str(c.nrm),
                    "nrm_share": _num(c.nrm_share),
                    "expected_nrm": _num(c.expected_nrm, 2),
                    "adjusted_residual": _num(c.adjusted_residual, 2),
                    "p_value_bonferroni": _num(c.p_value, 6),
                    "significant": "yes" if c.significant else "no",
                    "chi_square": _num(dim.chi2, 3),
                    "df": str(dim.df),
                    "p_value": _num(dim.p_value, 6),
                    "cramers_v": _num(dim.cramers_v, 4),
                }
            )
    return rows


def profile_csv(profile: NrmProfile) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(profile_rows(profile))
    return out.getvalue()


def title(profile: NrmProfile) -> str:
    return (
        f"Victims in police operations {profile.first} to {profile.last} against NRM referrals"
        f" ({profile.responder} first responders, {profile.quarters[0]}-{profile.quarters[-1]})"
    )


def profile_html(profile: NrmProfile) -> str:
    """One self-contained page: no script, style sheet, font or image from elsewhere."""
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{escape(title(profile))}</title>",
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:2px 6px;text-align:right}"
        "td:first-child,th:first-child{text-align:left}.sig{font-weight:bold}"
        ".marking{font-weight:bold;text-align:center}</style></head><body>",
        f"<p class='marking'>{MARKING}</p>",
        f"<h1>{escape(title(profile))}</h1>",
        f"<p>{profile.n_operations:,} police-led operations; NRM table from"
        f" {escape(profile.source_name)}.</p>",
    ]
    parts += [f"<p><em>Note:</em> {escape(n)}</p>" for n in profile.notes]
    for dim in profile.dimensions:
        parts.append(f"<h2>By {escape(dim.dimension)}</h2>")
        parts += [f"<p>{escape(s)}</p>" for s in dim.sentences]
        parts += [f"<p><em>Note:</em> {escape(n)}</p>" for n in dim.notes]
        parts.append(
            "<table><tr><th>category</th><th>police victims</th><th>share</th>"
            "<th>NRM referrals</th><th>share</th><th>adjusted residual</th><th>p (Bonferroni)</th>"
            "</tr>"
        )
        for c in dim.categories:
            css = " class='sig'" if c.significant else ""
            parts.append(
                f"<tr{css}><td>{escape(c.label)}</td><td>{c.police:,}</td>"
                f"<td>{c.police_share:.1%}</td><td>{c.nrm:,}</td><td>{c.nrm_share:.1%}</td>"
                f"<td>{_num(c.adjusted_residual, 2)}</td><td>{_num(c.p_value, 4)}</td></tr>"
            )
        parts.append("</table>")
    parts.append(f"<p class='marking'>{MARKING}</p></body></html>")
    return "\n".join(parts)


def write_profile(profile: NrmProfile, path: Path) -> None:
    """Write CSV or HTML, chosen by the file's extension."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        path.write_text(profile_csv(profile), encoding="utf-8")
    elif suffix in (".html", ".htm"):
        path.write_text(profile_html(profile), encoding="utf-8")
    else:
        raise InvalidInput(f"--out {path.name}: write a .csv or .html file")
