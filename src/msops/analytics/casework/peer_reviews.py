"""The national summary of peer reviews: ratings per criterion and anonymised findings.

Counts cover the reviews in the reader's scope (national for national roles) made under the
current criteria version. For the public audience each criterion's counts are released through
`protect_series` (small counts suppressed, the rest rounded, secondary suppression), and no
finding texts are released: a text filter is not disclosure control, and the number of texts
listed would undo the rounding of the counts. Police readers get exact counts and the findings
with organisation, region and operation names stripped
(`msops.domain.casework.peer_reviews.anonymise`). The document, Markdown or HTML, is
`msops.reports.documents.render_reviews`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection

from msops.analytics.disclosure import ROUNDING_BASE, THRESHOLD, protect_series
from msops.analytics.tables import Audience
from msops.domain.casework.peer_reviews import CriteriaSet, Redactions, anonymise, criteria_set
from msops.domain.errors import InvalidInput
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
    threshold: int = THRESHOLD
    base: int = ROUNDING_BASE

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
    threshold: int = THRESHOLD,
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
