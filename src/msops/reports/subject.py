"""The access report for a data subject (DPA 2018 s.45): what msops holds on them, where each
record came from, and to whom it was disclosed; as an XLSX workbook or a PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from msops.domain.marking import OFFICIAL_SENSITIVE
from msops.domain.tabular import neutralised
from msops.linkage.subjects import SubjectFindings
from msops.reports.html import base_context, environment

TITLE = "Data subject access report"


@dataclass(frozen=True)
class Section:
    title: str
    header: list[str]
    rows: list[list[Any]]


def _text(value: object) -> object:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return "" if value is None else value


def _disclosures(findings: SubjectFindings) -> list[dict[str, Any]]:
    """The disclosures that covered any of the records, oldest first."""
    covering = {d["seq"]: d for r in findings.records for d in findings.disclosures_of(r)}
    return [covering[seq] for seq in sorted(covering)]


def sections(findings: SubjectFindings) -> list[Section]:
    """The report's tables: the records, their identifiers, the orders, the disclosures and the
    rectifications made."""
    records = Section(
        "Records held",
        [
            "organisation",
            "operation",
            "nominal",
            "return period",
            "version",
            "current",
            "processing restricted",
            "submitted at",
            "submitted by",
            "source file",
            "role",
            "given name",
            "family name",
            "aliases",
            "date of birth",
            "estimated age",
            "gender",
            "nationality",
            "golden threads",
        ],
        [
            [
                r.organisation,
                r.operation_ref,
                r.nominal_ref,
                r.period,
                r.version,
                "current" if r.current else "superseded",
                "yes" if r.restricted else "no",
                r.submitted_at,
                r.submitted_by,
                r.source_name,
                *(r.fields[name] for name in ("role", "given_name", "family_name", "aliases")),
                *(r.fields[name] for name in ("date_of_birth", "estimated_age", "gender")),
                r.fields["nationality"],
                ", ".join(r.threads),
            ]
            for r in findings.records
        ],
    )
    identifiers = Section(
        "Identifiers held",
        ["organisation", "operation", "nominal", "return period", "version", "kind", "value"],
        [
            [r.organisation, r.operation_ref, r.nominal_ref, r.period, r.version, kind, value]
            for r in findings.records
            for kind, value in r.identifiers
        ],
    )
    orders = Section(
        "Orders",
        ["organisation", "operation", "nominal", "order", "court", "made on", "expires", "status"],
        [
            [
                o["organisation"],
                o["operation_ref"],
                o["nominal_ref"],
                o["order_type"],
                o["court"],
                o["made_on"],
                o["expires_on"],
                o["status"],
            ]
            for o in findings.orders
        ],
    )
    disclosures = Section(
        "Disclosures",
        ["when (UTC)", "by", "what", "purpose", "recipient", "detail"],
        [
            [d["at"], d["actor"], d["object_ref"], d["purpose"], d["recipient"], d["detail"]]
            for d in _disclosures(findings)
        ],
    )
    rectified = Section(
        "Rectifications",
        ["when (UTC)", "by", "field", "reason"],
        [
            [h["rectified_at"], h["rectified_by"], h["field"], h["reason"]]
            for h in findings.rectifications
        ],
    )
    return [records, identifiers, orders, disclosures, rectified]


def subject_xlsx(findings: SubjectFindings, reference: str) -> bytes:
    """The report as a workbook, one sheet per section; every cell neutralised against
    formulas (a name may begin with "=")."""
    from openpyxl import Workbook  # imported by the report that writes one

    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "About"
    cover.append([OFFICIAL_SENSITIVE])
    cover.append([TITLE])
    cover.append(["reference", neutralised(reference)])
    cover.append(["produced", datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")])
    for section in sections(findings):
        sheet = book.create_sheet(section.title[:31])
        sheet.append(section.header)
        for row in section.rows:
            sheet.append([neutralised(_text(v)) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def subject_html(findings: SubjectFindings, reference: str) -> str:
    context = base_context(TITLE, f"Reference {reference}", OFFICIAL_SENSITIVE, TITLE)
    context["generated"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    context["sections"] = [
        Section(s.title, s.header, [[_text(v) for v in row] for row in s.rows])
        for s in sections(findings)
    ]
    return environment().get_template("subject_access.html.j2").render(context)


def subject_pdf(findings: SubjectFindings, reference: str) -> bytes:
    from msops.reports.pdf import html_to_pdf

    return html_to_pdf(subject_html(findings, reference))
