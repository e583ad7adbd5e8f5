"""The national summary of peer reviews: ratings per criterion and anonymised findings.

Counts cover the reviews in the reader's scope (national for national roles) made under the
current criteria version. For the public audience each criterion's counts are released through
`protect_series` (small counts suppressed, the rest rounded, secondary suppression), and no
finding texts are released: a text filter is not disclosure control, and the number of texts
listed would undo the rounding of the counts. Police readers get exact counts and the findings
with organisation, region and operation names stripped
(`msops.domain.casework.peer_reviews.anonymise`).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection

from msops.analytics.disclosure import protect_series
from msops.analytics.tables import Audience
from msops.domain.casework.peer_reviews import CriteriaSet, Redactions, anonymise, criteria_set
from msops.domain.errors import InvalidInput
from msops.domain.marking import OFFICIAL as PUBLIC_MARKING
from msops.domain.marking import OFFICIAL_SENSITIVE as MARKING
from msops.domain.principal import Principal
from msops.domain.reference import REGIONS, organisations
from msops.store.audit import Action
from msops.store.casework.peer_reviews import reviews_for_summary

# Regions of the devolved forces, which the Home Office list of regions does not hold.
_OTHER_REGIONS = ("Scotland", "Northern Ireland")


@dataclass(frozen=True)
class Finding:
    criterion: str
    rating: str
    text: str  # anonymised


@dataclass(frozen=True)
class ReviewSummary:
    scope: str
    audience: Audience
    criteria: CriteriaSet
    reviews: int  # under the current criteria version
    other_versions: int  # reviews made under an earlier criteria version, not counted
    counts: dict[str, dict[str, int]]  # criterion -> rating -> exact count
    findings: tuple[Finding, ...]  # empty for the public audience
    threshold: int = 10
    base: int = 5

    def rows(self) -> list[dict[str, str]]:
        """One row per criterion: the count per rating and the total, as released."""
        scale = self.criteria.rating_codes
        out: list[dict[str, str]] = []
        for criterion in self.criteria.criteria:
            given = self.counts[criterion.code]
            if self.audience == Audience.PUBLIC:
                table = protect_series(
                    given, categories=scale, threshold=self.threshold, base=self.base
                )
                cells = {r: table.cell(r, "Count").render() for r in scale}
                total = table.grand_total.render()
            else:
                cells = {r: str(given.get(r, 0)) for r in scale}
                total = str(sum(given.values()))
            out.append({"criterion": criterion.title, **cells, "total": total})
        return out

    def reviews_released(self) -> str:
        if self.audience == Audience.INTERNAL:
            return str(self.reviews)
        series = protect_series({"n": self.reviews}, threshold=self.threshold, base=self.base)
        return series.grand_total.render()


@cache
def redactions_common() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Names of every police organisation (full and short) and of every region."""
    names = tuple(n for o in organisations() if o.is_police for n in (o.name, o.short_name))
    return names, (*REGIONS, *_OTHER_REGIONS)


def review_summary(
    conn: Connection,
    principal: Principal,
    audience: Audience = Audience.INTERNAL,
    threshold: int = 10,
    purpose: str | None = None,
    recipient: str | None = None,
) -> ReviewSummary:
    """The summary of the reviews in scope; a public summary is audited as a disclosure."""
    action = Action.DISCLOSURE if audience == Audience.PUBLIC else Action.CONSULTATION
    if action == Action.DISCLOSURE and not (purpose or "").strip():
        raise InvalidInput("purpose: say why a public summary is produced (audit trail)")
    reviews = reviews_for_summary(conn, principal, action, purpose, recipient)
    criteria = criteria_set()
    current = [r for r in reviews if r["criteria_version"] == criteria.version]
    counts: dict[str, dict[str, int]] = {c: {} for c in criteria.criterion_codes}
    findings: list[Finding] = []
    org_names, region_names = redactions_common()
    for review in current:
        strip = Redactions(org_names, region_names, tuple(review["operation_terms"]))
        for r in review["ratings"]:
            by_rating = counts[r["criterion"]]
            by_rating[r["rating"]] = by_rating.get(r["rating"], 0) + 1
            if r["findings"] and audience == Audience.INTERNAL:
                findings.append(
                    Finding(r["criterion"], r["rating"], anonymise(r["findings"], strip))
                )
    order = {code: i for i, code in enumerate(criteria.criterion_codes)}
    scale = {code: i for i, code in enumerate(criteria.rating_codes)}
    # Sorted by criterion, rating and text: the order says nothing about force or date.
    findings.sort(key=lambda f: (order[f.criterion], scale[f.rating], f.text))
    return ReviewSummary(
        _scope(principal),
        audience,
        criteria,
        len(current),
        len(reviews) - len(current),
        counts,
        tuple(findings),
        threshold,
    )


def _scope(principal: Principal) -> str:
    if principal.sees_everything:
        return "national"
    return principal.region or principal.organisation or "none"


def to_markdown(summary: ReviewSummary) -> str:
    marking = MARKING if summary.audience == Audience.INTERNAL else PUBLIC_MARKING
    c = summary.criteria
    scale = c.rating_codes
    lines = [
        f"<!-- {marking} -->",
        f"# Peer reviews of investigations: summary ({summary.scope})",
        "",
        f"**{marking}**",
        "",
        f"{summary.reviews_released()} reviews under criteria {c.version} ({c.status}).",
    ]
    if summary.audience == Audience.PUBLIC:
        lines.append(
            f"Counts below {summary.threshold} are suppressed ([c]) and the rest rounded to the"
            f" nearest {summary.base}; totals are rounded from the true counts."
        )
    lines += ["", "| Criterion | " + " | ".join(c.rating(r).label for r in scale) + " | Total |"]
    lines.append("|" + "---|" * (len(scale) + 2))
    for row in summary.rows():
        lines.append(
            "| " + " | ".join([row["criterion"], *(row[r] for r in scale), row["total"]]) + " |"
        )
    if summary.audience == Audience.INTERNAL:
        lines += ["", "## Findings (anonymised)", ""]
        for criterion in c.criteria:
            found = [f for f in summary.findings if f.criterion == criterion.code]
            lines += [f"### {criterion.title}", ""]
            lines += [f"- _{c.rating(f.rating).label}_: {f.text}" for f in found] or ["- none"]
            lines.append("")
    return "\n".join(lines) + "\n"


def to_html(summary: ReviewSummary) -> str:
    """The Markdown summary's content as a self-contained HTML page."""
    e = html.escape
    marking = MARKING if summary.audience == Audience.INTERNAL else PUBLIC_MARKING
    c = summary.criteria
    scale = c.rating_codes
    parts = [
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Peer reviews summary</title></head><body>",
        f"<p><strong>{marking}</strong></p>",
        f"<h1>Peer reviews of investigations: summary ({e(summary.scope)})</h1>",
        f"<p>{e(summary.reviews_released())} reviews under criteria {e(c.version)}.</p><table>",
        "<tr><th>Criterion</th>"
        + "".join(f"<th>{e(c.rating(r).label)}</th>" for r in scale)
        + "<th>Total</th></tr>",
    ]
    for row in summary.rows():
        cells = [row["criterion"], *(row[r] for r in scale), row["total"]]
        parts.append("<tr>" + "".join(f"<td>{e(x)}</td>" for x in cells) + "</tr>")
    parts.append("</table>")
    if summary.audience == Audience.INTERNAL:
        parts.append("<h2>Findings (anonymised)</h2>")
        for criterion in c.criteria:
            parts.append(f"<h3>{e(criterion.title)}</h3><ul>")
            parts += [
                f"<li><em>{e(c.rating(f.rating).label)}</em>: {e(f.text)}</li>"
                for f in summary.findings
                if f.criterion == criterion.code
            ]
            parts.append("</ul>")
    parts.append(f"<p><strong>{marking}</strong></p></body></html>")
    return "\n".join(parts) + "\n"
