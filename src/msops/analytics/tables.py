"""The overview's tables, as released to an audience: exact inside the police, protected outside.

For the public audience every count goes through `msops.analytics.disclosure` (small counts
suppressed as "[c]", the rest rounded to 5, secondary suppression within each table). Figures
with no additive relation between them (opened and closed in a month, arrests and charges) are
protected one by one. A figure that is the sum of others in a table is taken from that table's
protected margins, so that it is released once, with the same protection everywhere.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from msops.analytics import overview_breakdowns as b
from msops.analytics.disclosure import SUPPRESSED, ProtectedTable, protect_series, protect_table
from msops.analytics.overview import Overview
from msops.domain.reference import code_lists, typology


class Audience(StrEnum):
    INTERNAL = "internal"
    PUBLIC = "public"


@dataclass(frozen=True)
class Rule:
    """How counts are released: exact (internal) or suppressed and rounded (public)."""

    audience: Audience
    threshold: int = 10
    base: int = 5

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
    """Every table of the monthly overview, released under `rule`."""
    region = _lead_by_region(ov, rule)
    victims = _victims(ov, rule)
    return [
        _headline(ov, rule, region, victims),
        _trend(ov, rule),
        _with_table(region),
        _exploitation(ov, rule),
        _with_table(victims),
        *_details(ov, rule),
        *_nationalities(ov, rule),
        _outcomes(ov, rule),
        _europol(ov, rule),
    ]


def _with_table(pair: tuple[ReportTable, ProtectedTable]) -> ReportTable:
    return pair[0]


def _lead_by_region(ov: Overview, rule: Rule) -> tuple[ReportTable, ProtectedTable]:
    regions = b.ordered({r for r, _ in ov.lead_by_region}, b.REGION_ORDER) or [b.NO_REGION]
    table = rule.table(ov.lead_by_region, regions, b.LEAD_TYPES)
    title = "Live operations by region and lead organisation type"
    note = "Region of the organisation holding the operation; type of the organisation leading it."
    return _from_protected(
        "live_operations_by_region_and_lead", title, "Region", table, note=note
    ), table


def _victims(ov: Overview, rule: Rule) -> tuple[ReportTable, ProtectedTable]:
    table = rule.table(ov.victims, ("Adult", "Child"), ("Female", "Male", "Unknown"))
    title = "Potential victims in live police-led operations, by age group and gender"
    return _from_protected("victims_by_age_and_gender", title, "Age group", table), table


def _headline(
    ov: Overview,
    rule: Rule,
    region: tuple[ReportTable, ProtectedTable],
    victims: tuple[ReportTable, ProtectedTable],
) -> ReportTable:
    lead, people, h = region[1], victims[1], ov.headline
    local, rocu, partner = (lead.col_totals[t] for t in b.LEAD_TYPES)
    police = rule.count(h.live_police_led)
    if not rule.exact and any(p.suppressed for p in (local, rocu, partner, lead.grand_total)):
        police = SUPPRESSED  # else live minus police-led would give partner-led away
    rows = [
        ("Live operations", lead.grand_total.render()),
        ("Live police-led operations", police),
        ("Led by local forces", local.render()),
        ("Led by ROCUs", rocu.render()),
        ("Led by partner agencies", partner.render()),
        ("Opened in the month", rule.count(h.opened_in_month)),
        ("Closed in the month", rule.count(h.closed_in_month)),
        ("Police-led operations held to date", rule.count(h.police_led_held_to_date)),
        ("Potential victims in live police-led operations", people.grand_total.render()),
        ("of whom children", people.row_totals["Child"].render()),
        ("Policing regions active (of 10)", str(h.regions_active)),
    ]
    return ReportTable("headline", f"Headline, {ov.period}", ("Measure", "Value"), tuple(rows))


def _trend(ov: Overview, rule: Rule) -> ReportTable:
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
    title = "Live operations, opened and closed, month by month"
    return ReportTable("trend_by_month", title, header, tuple(rows))


def _exploitation(ov: Overview, rule: Rule) -> ReportTable:
    categories = [c.label for c in code_lists()["exploitation_category"]]
    types = [t.label for t in typology()] + [b.TYPE_NOT_KNOWN]
    table = rule.table(ov.exploitation, types, categories)
    title = "Live operations by primary exploitation type and category"
    return _from_protected("exploitation_type_by_category", title, "Type", table)


def _details(ov: Overview, rule: Rule) -> list[ReportTable]:
    note = "An operation may name several: the total counts mentions, not operations."
    out = []
    for name, title, counts in (
        ("sectors", "Sectors named by live operations", ov.sectors),
        ("recruitment_methods", "Recruitment methods named by live operations", ov.recruitment),
        ("control_methods", "Control methods named by live operations", ov.control),
    ):
        label = title.split(" named")[0][:-1]
        if not counts:
            out.append(ReportTable(name, title, (label, "Operations"), (), note))
            continue
        table = rule.series(counts, "Operations")
        out.append(_from_protected(name, title, label, table, total="All mentions", note=note))
    return out


def _nationalities(ov: Overview, rule: Rule) -> list[ReportTable]:
    out = []
    for name, who, counts in (
        ("victim_nationalities", "Potential victims", ov.victim_nationalities),
        ("suspect_nationalities", "Suspects", ov.suspect_nationalities),
    ):
        title = f"{who} in live operations: the 10 most frequent nationalities (UK included)"
        if not counts:
            out.append(ReportTable(name, title, ("Nationality", "People"), ()))
            continue
        table = rule.series(b.top(counts), "People")
        out.append(_from_protected(name, title, "Nationality", table))
    return out


def _outcomes(ov: Overview, rule: Rule) -> ReportTable:
    rows = tuple((label, rule.count(n)) for label, n in ov.outcomes.items())
    title = "Outcomes to date of the operations in the month's returns"
    note = "Running totals reported by each operation, live or closed in the month."
    return ReportTable("outcomes", title, ("Outcome", "Number"), rows, note)


def _europol(ov: Overview, rule: Rule) -> ReportTable:
    e = ov.europol
    counts = {"Checked": e.checked, "Not checked": e.eligible - e.checked}
    table = rule.series(counts, "Operations")
    title = "Europol (SIENA) checks of live operations with an international dimension"
    note = (
        "Eligible: international dimension recorded, or a victim or suspect not of UK nationality."
    )
    return _from_protected(
        "europol_checks", title, "Europol check", table, total="Eligible live operations", note=note
    )


def write_csv(tables: Sequence[ReportTable], folder: Path) -> list[Path]:
    """One CSV per table, named after it, in `folder` (created if need be)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for t in tables:
        path = folder / f"{t.name}.csv"
        with path.open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(t.header)
            writer.writerows(t.rows)
        paths.append(path)
    return paths
