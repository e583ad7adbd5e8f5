"""The overview's tables, as released to an audience: exact inside the police, protected outside.

For the public audience every count goes through `msops.analytics.disclosure` (small counts
suppressed as "[c]", the rest rounded to 5, secondary suppression within each table). Figures
with no additive relation between them (opened and closed in a month, arrests and charges) are
protected one by one. A figure that is the sum of others in a table is taken from that table's
protected margins, so that it is released once, with the same protection everywhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from msops.analytics import overview_breakdowns as b
from msops.analytics.disclosure import (
    ROUNDING_BASE,
    SUPPRESSED,
    THRESHOLD,
    ProtectedTable,
    protect_series,
    protect_table,
)
from msops.analytics.disclosure_joint import PROTECTION, Rules
from msops.analytics.overview import Overview
from msops.analytics.tables_release import WITHHELD_NOTE, Released, release_all
from msops.domain.tabular import csv_text


class Audience(StrEnum):
    INTERNAL = "internal"
    PUBLIC = "public"


@dataclass(frozen=True)
class Rule:
    """How counts are released: exact (internal) or suppressed and rounded (public)."""

    audience: Audience
    threshold: int = THRESHOLD
    base: int = ROUNDING_BASE
    protection: int = PROTECTION  # public: least width a reader can tell of a suppressed count

    @property
    def exact(self) -> bool:
        return self.audience == Audience.INTERNAL

    def table(
        self, counts: Mapping[tuple[str, str], int], rows: Sequence[str], cols: Sequence[str]
    ) -> ProtectedTable:
        if self.exact:
            return protect_table(counts, rows=rows, cols=cols, threshold=0, base=1, secondary=False)
        return protect_table(counts, rows=rows, cols=cols, threshold=self.threshold, base=self.base)

    def series(self, counts: Mapping[str, int], column: str) -> ProtectedTable:
        if self.exact:
            return protect_series(counts, column=column, threshold=0, base=1, secondary=False)
        return protect_series(counts, column=column, threshold=self.threshold, base=self.base)

    def count(self, value: int) -> str:
        """One figure that is no sum of other released figures."""
        return self.series({"n": value}, "n").grand_total.render()


@dataclass(frozen=True)
class ReportTable:
    """One released table: a file stem, a title, a header and rows of rendered cells."""

    name: str
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""

    def column(self, name: str) -> list[tuple[str, int | None]]:
        """(row label, value or None when suppressed) for one column, total rows excluded."""
        j = self.header.index(name)
        return [(r[0], number(r[j])) for r in self.rows if not r[0].startswith(TOTAL_PREFIXES)]

    def value(self, row: str, col: str) -> str:
        j = self.header.index(col)
        return next(r[j] for r in self.rows if r[0] == row)


TOTAL_PREFIXES = ("Total", "All mentions", "All live", "Eligible")


def number(text: str) -> int | None:
    return None if text in (SUPPRESSED, "") else int(text)


def _from_protected(
    name: str,
    title: str,
    first: str,
    table: ProtectedTable,
    total: str = "Total",
    note: str = "",
    keep_total_row: bool = True,
) -> ReportTable:
    rows = table.as_rows(row_header=first, total=total)
    if not keep_total_row:
        rows = rows[:-1]
    header = tuple(rows[0])
    return ReportTable(name, title, header, tuple(tuple(r[h] for h in header) for r in rows), note)


def overview_tables(ov: Overview, rule: Rule) -> list[ReportTable]:
    """Every table of the monthly overview, released under `rule`: for the public, the tables
    that share figures are protected together (`tables_release`)."""
    rules = None if rule.exact else Rules(rule.threshold, rule.base, protection=rule.protection)
    r = release_all(ov, rules)
    return [
        _headline(ov, rule, r),
        _trend(ov, rule, r),
        _region(r),
        _exploitation(r),
        _victims(r),
        *_details(r),
        *_nationalities(ov, r),
        _outcomes(ov, rule),
        _europol(r),
    ]


def _from_release(
    r: Released, key: str, name: str, title: str, first: str, total: str = "Total", note: str = ""
) -> ReportTable:
    if key in r.withheld:
        note = f"{note} {WITHHELD_NOTE}".strip()
    return _from_protected(name, title, first, r.tables[key], total=total, note=note)


def _region(r: Released) -> ReportTable:
    title = "Live operations by region and lead organisation type"
    note = "Region of the organisation holding the operation; type of the organisation leading it."
    name = "live_operations_by_region_and_lead"
    return _from_release(r, "region", name, title, "Region", note=note)


def _victims(r: Released) -> ReportTable:
    title = "Potential victims in live police-led operations, by age group and gender"
    return _from_release(r, "victims", "victims_by_age_and_gender", title, "Age group")


def _headline(ov: Overview, rule: Rule, r: Released) -> ReportTable:
    lead, people, h = r.tables["region"], r.tables["victims"], ov.headline
    local, rocu, partner = (lead.col_totals[t] for t in b.LEAD_TYPES)
    rows = [
        ("Live operations", lead.grand_total.render()),
        ("Live police-led operations", r.tables["police_led"].grand_total.render()),
        ("Led by local forces", local.render()),
        ("Led by ROCUs", rocu.render()),
        ("Led by partner agencies", partner.render()),
        ("Opened in the month", r.tables["opened"].grand_total.render()),
        ("Closed in the month", r.tables["closed"].grand_total.render()),
        ("Police-led operations held to date", r.tables["held"].grand_total.render()),
        ("Potential victims in live police-led operations", people.grand_total.render()),
        ("of whom children", people.row_totals["Child"].render()),
        ("Policing regions active (of 10)", str(h.regions_active)),
    ]
    return ReportTable("headline", f"Headline, {ov.period}", ("Measure", "Value"), tuple(rows))


def _trend(ov: Overview, rule: Rule, r: Released) -> ReportTable:
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    if rule.exact:
        header = ("Month", "Live police-led", "Live partner-led", "Live", "Opened", "Closed")
        rows = [
            (
                str(p.period),
                str(p.live_police_led),
                str(p.live_partner_led),
                str(p.live_police_led + p.live_partner_led),
                str(p.opened),
                str(p.closed),
            )
            for p in ov.trend
        ]
    else:  # one figure per cell, no split: the split is released once, in the region table
        header = ("Month", "Live", "Opened", "Closed")
        rows = [
            (
                str(p.period),
                rule.count(p.live_police_led + p.live_partner_led),
                rule.count(p.opened),
                rule.count(p.closed),
            )
            for p in ov.trend
        ]
        if rows and ov.trend[-1].period == ov.period:  # the month's figures, as released
            this_month = [r.tables[n].grand_total.render() for n in ("region", "opened", "closed")]
            rows[-1] = (rows[-1][0], *this_month)
    title = "Live operations, opened and closed, month by month"
    return ReportTable("trend_by_month", title, header, tuple(rows))


def _exploitation(r: Released) -> ReportTable:
    title = "Live operations by primary exploitation type and category"
    return _from_release(r, "exploitation", "exploitation_type_by_category", title, "Type")


def _details(r: Released) -> list[ReportTable]:
    note = "An operation may name several: the total counts mentions, not operations."
    out = []
    for name, title in (
        ("sectors", "Sectors named by live operations"),
        ("recruitment_methods", "Recruitment methods named by live operations"),
        ("control_methods", "Control methods named by live operations"),
    ):
        label = title.split(" named")[0][:-1]
        if name not in r.tables:
            out.append(ReportTable(name, title, (label, "Operations"), (), note))
            continue
        out.append(_from_release(r, name, name, title, label, total="All mentions", note=note))
    return out


def _nationalities(ov: Overview, r: Released) -> list[ReportTable]:
    out = []
    for name, who in (
        ("victim_nationalities", "Potential victims"),
        ("suspect_nationalities", "Suspects"),
    ):
        title = f"{who} in live operations: the 10 most frequent nationalities (UK included)"
        if name not in r.tables:
            out.append(ReportTable(name, title, ("Nationality", "People"), ()))
            continue
        out.append(_from_release(r, name, name, title, "Nationality"))
    return out


def _outcomes(ov: Overview, rule: Rule) -> ReportTable:
    rows = tuple((label, rule.count(n)) for label, n in ov.outcomes.items())
    title = "Outcomes to date of the operations in the month's returns"
    note = "Running totals reported by each operation, live or closed in the month."
    return ReportTable("outcomes", title, ("Outcome", "Number"), rows, note)


def _europol(r: Released) -> ReportTable:
    title = "Europol (SIENA) checks of live operations with an international dimension"
    note = (
        "Eligible: international dimension recorded, or a victim or suspect not of UK nationality."
    )
    total = "Eligible live operations"
    return _from_release(
        r, "europol", "europol_checks", title, "Europol check", total=total, note=note
    )


def write_csv(tables: Sequence[ReportTable], folder: Path) -> list[Path]:
    """One CSV per table, named after it, in `folder` (created if need be)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in tables:
        path = folder / f"{t.name}.csv"
        path.write_text(csv_text(t.header, t.rows), encoding="utf-8", newline="")
        paths.append(path)
    return paths
