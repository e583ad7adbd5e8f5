"""Reports to download: the monthly overview (HTML or PDF) and its tables (a ZIP of CSV files).

Each download is a disclosure, recorded with its purpose and recipient in the transaction that
reads its figures. A police and crime commissioner gets only the public, disclosure-controlled
version for their own force area.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from sqlalchemy import Engine

from msops.analytics.headline import Area
from msops.analytics.overview import Overview, overview
from msops.analytics.tables import Audience, ReportTable, Rule, overview_tables, write_csv
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.reports.html import render_overview
from msops.store.aggregate_scope import aggregate_scope
from msops.store.audit import record_report_disclosure


class ReportKind(StrEnum):
    OVERVIEW_HTML = "overview-html"
    OVERVIEW_PDF = "overview-pdf"
    TABLES_ZIP = "tables-zip"


MEDIA = {
    ReportKind.OVERVIEW_HTML: ("html", "text/html; charset=utf-8"),
    ReportKind.OVERVIEW_PDF: ("pdf", "application/pdf"),
    ReportKind.TABLES_ZIP: ("zip", "application/zip"),
}


@dataclass(frozen=True)
class ReportRequest:
    period: Period
    kind: ReportKind
    audience: Audience
    region: str | None
    org: str | None
    purpose: str
    recipient: str


@dataclass(frozen=True)
class Download:
    data: bytes
    filename: str
    media_type: str


def _scope(principal: Principal, req: ReportRequest) -> tuple[Principal, Area, Rule]:
    """Whose figures, for which area, released how: a PCC's are public and for their area."""
    if principal.role == Role.PCC:
        area = Area(organisation=principal.organisation)
        return aggregate_scope(principal), area, Rule(Audience.PUBLIC)
    return principal, Area.of(req.region, req.org), Rule(req.audience)


def _zip(tables: list[ReportTable]) -> bytes:
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="msops-tables-") as folder:
        paths = write_csv(tables, Path(folder))
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
    return buffer.getvalue()


def produce_report(engine: Engine, principal: Principal, req: ReportRequest) -> Download:
    """The report as a file, its disclosure recorded (purpose, recipient, audience, file)."""
    if not req.purpose.strip() or not req.recipient.strip():
        raise InvalidInput("say why the report is produced and who will receive it")
    who, asked, rule = _scope(principal, req)
    area = asked.within(who)
    suffix, media = MEDIA[req.kind]
    where = area.organisation or area.region or principal.organisation or principal.region
    place = (where or "national").replace(" ", "-")
    stem = "tables" if req.kind == ReportKind.TABLES_ZIP else "overview"
    filename = f"{stem}-{req.period}-{place}-{rule.audience.value}.{suffix}"
    with engine.begin() as conn:
        figures = overview(conn, who, req.period, area)
        data = _render(req.kind, figures, overview_tables(figures, rule), rule, principal)
        # Recorded last, in the same transaction: a report that failed to render is no disclosure.
        ref = f"{stem} {req.period} {area.describe()}"
        record_report_disclosure(
            conn, principal, ref, rule.audience.value, req.purpose, req.recipient, filename
        )
    return Download(data, filename, media)


def _render(
    kind: ReportKind, figures: Overview, tables: list[ReportTable], rule: Rule, who: Principal
) -> bytes:
    if kind == ReportKind.TABLES_ZIP:
        return _zip(tables)
    html = render_overview(figures, tables, rule, who.describe())
    if kind == ReportKind.OVERVIEW_PDF:
        from msops.reports.pdf import html_to_pdf

        return html_to_pdf(html)
    return html.encode("utf-8")
