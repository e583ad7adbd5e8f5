"""Thematic profiles in the web application: shown on a page or downloaded as a file.

Showing a profile is a consultation and downloading it a disclosure, each recorded in the
transaction that reads its figures. Whose operations: a force or partner user's own, a regional
analyst's region's, any area for a national analyst, each against the national baseline; a
police and crime commissioner gets the public version for their force area only.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace
from enum import StrEnum

from sqlalchemy import Connection, Engine

from msops.analytics.headline import Area
from msops.analytics.tables import Audience, Rule
from msops.domain.principal import Principal, Role
from msops.domain.profile import Filters, window_of
from msops.domain.tabular import csv_text
from msops.reports.profile import ProfileDocument, profile_document
from msops.store.aggregate_scope import aggregate_scope
from msops.store.audit import Action, AuditEntry, record, record_report_disclosure
from msops.store.operations_repo import latest_period


class ProfileFormat(StrEnum):
    HTML = "html"
    PDF = "pdf"
    ZIP = "zip"  # its tables as CSV files


MEDIA = {
    ProfileFormat.HTML: "text/html; charset=utf-8",
    ProfileFormat.PDF: "application/pdf",
    ProfileFormat.ZIP: "application/zip",
}


@dataclass(frozen=True)
class ProfileAsk:
    """A profile as asked for on the page: the filters and the months."""

    filters: Filters
    first: str | None = None
    last: str | None = None


@dataclass(frozen=True)
class ProfileFile:
    data: bytes
    filename: str
    media_type: str


def _scoped(
    principal: Principal, ask: ProfileAsk, audience: Audience
) -> tuple[Principal, Filters, Rule]:
    """Whose figures, for which area, released how: a PCC's are public and for their area."""
    if principal.role == Role.PCC:
        area = replace(ask.filters, region=None, org=principal.organisation)
        return aggregate_scope(principal), area, Rule(Audience.PUBLIC)
    return principal, ask.filters, Rule(audience)


def _document(
    conn: Connection, who: Principal, f: Filters, ask: ProfileAsk, rule: Rule
) -> ProfileDocument:
    window = window_of(ask.first, ask.last, latest_period(conn))
    return profile_document(conn, who, f.theme(), window, Area.of(f.region, f.org), rule)


def show_profile(engine: Engine, principal: Principal, ask: ProfileAsk) -> ProfileDocument:
    """The profile for the page, its consultation recorded."""
    who, f, rule = _scoped(principal, ask, Audience.INTERNAL)
    with engine.begin() as conn:
        doc = _document(conn, who, f, ask, rule)
        record(conn, principal, AuditEntry(Action.CONSULTATION, "report", doc.ref, detail="page"))
    return doc


def download_profile(
    engine: Engine,
    principal: Principal,
    ask: ProfileAsk,
    fmt: ProfileFormat,
    audience: Audience,
    purpose: str,
    recipient: str,
) -> ProfileFile:
    """The profile as a file, its disclosure recorded (purpose, recipient, audience, file)."""
    who, f, rule = _scoped(principal, ask, audience)
    with engine.begin() as conn:
        doc = _document(conn, who, f, ask, rule)
        stem = re.sub(r"[^a-z0-9]+", "-", doc.profile.theme.describe().lower()).strip("-")
        filename = f"profile-{doc.profile.window.last}-{stem}-{rule.audience.value}.{fmt.value}"
        data = _render(doc, fmt, principal)
        record_report_disclosure(
            conn, principal, doc.ref, rule.audience.value, purpose, recipient, filename
        )
    return ProfileFile(data, filename, MEDIA[fmt])


def _render(doc: ProfileDocument, fmt: ProfileFormat, who: Principal) -> bytes:
    if fmt == ProfileFormat.ZIP:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for t in doc.tables:
                archive.writestr(f"{t.name}.csv", csv_text(t.header, t.rows))
        return buffer.getvalue()
    html = doc.html(who.describe())
    if fmt == ProfileFormat.PDF:
        from msops.reports.pdf import html_to_pdf

        return html_to_pdf(html)
    return html.encode("utf-8")
