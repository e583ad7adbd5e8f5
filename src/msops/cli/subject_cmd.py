"""`msops subject`: a data subject's rights (DPA 2018 Part 3, ss.45-47): find what is held on
them, report it to them, rectify, restrict or erase it. Every act is recorded in the audit trail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer

from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.linkage.subjects import (
    DEFAULT_AGE_TOLERANCE,
    SubjectFindings,
    SubjectQuery,
    find_subject,
)
from msops.reports.subject import subject_pdf, subject_xlsx
from msops.store.audit import Action, AuditEntry, record
from msops.store.subject_rights import NominalRef, erase, rectify, restrict

app = typer.Typer(
    help="A data subject's rights: search, access report, rectification.", no_args_is_help=True
)

COLUMNS = [
    "organisation",
    "operation",
    "nominal",
    "period",
    "version",
    "state",
    "restricted",
    "matched_by",
    "role",
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "estimated_age",
    "gender",
    "nationality",
    "identifiers",
    "threads",
    "orders",
    "disclosures",
]

Given = Annotated[str | None, typer.Option("--given", help="Given name(s).")]
Family = Annotated[str | None, typer.Option("--family", help="Family name(s).")]
Name = Annotated[str | None, typer.Option("--name", help="Full name, in any order.")]
Dob = Annotated[str | None, typer.Option("--dob", help="Date of birth, YYYY-MM-DD.")]
Age = Annotated[int | None, typer.Option("--age", help="Age today, in years.")]
Tolerance = Annotated[
    int, typer.Option("--age-tolerance", help="Years either side of the date or age.")
]
SoundsLike = Annotated[
    bool, typer.Option("--sounds-like", help="Also match names that sound alike (Soundex).")
]
Phone = Annotated[list[str] | None, typer.Option("--phone")]
Email = Annotated[list[str] | None, typer.Option("--email")]
Postcode = Annotated[list[str] | None, typer.Option("--postcode")]
Vehicle = Annotated[list[str] | None, typer.Option("--vehicle")]
Passport = Annotated[list[str] | None, typer.Option("--passport")]
Account = Annotated[list[str] | None, typer.Option("--bank-account")]
Handle = Annotated[list[str] | None, typer.Option("--advert-handle")]
Purpose = Annotated[
    str, typer.Option("--purpose", help="Why: the request's reference, e.g. SAR 2026/123.")
]


IDENTIFIER_OPTIONS = (
    "phone",
    "email",
    "postcode",
    "vehicle",
    "passport",
    "bank_account",
    "advert_handle",
)


def _query(options: Mapping[str, Any]) -> SubjectQuery:
    """The search that `search` and `report` share, from their options (by parameter name)."""
    dob, age, tolerance = options["dob"], options["age"], options["tolerance"]
    born = None
    if dob:
        try:
            born = date.fromisoformat(dob.strip())
        except ValueError:
            raise InvalidInput("--dob is written YYYY-MM-DD") from None
    if age is not None and not 0 <= age <= 120:
        raise InvalidInput("--age is a whole number of years, 0 to 120")
    if tolerance < 0:
        raise InvalidInput("--age-tolerance cannot be negative")
    pairs = tuple((kind, v) for kind in IDENTIFIER_OPTIONS for v in options[kind] or ())
    return SubjectQuery(
        options["given"],
        options["family"],
        options["name"],
        born,
        age,
        tolerance,
        pairs,
        options["sounds_like"],
    )


def _rows(findings: SubjectFindings) -> list[dict[str, Any]]:
    rows = []
    for r in findings.records:
        orders = [
            f"{o['order_type']} {o['made_on']}"
            for o in findings.orders
            if (o["organisation"], o["operation_ref"], o["nominal_ref"])
            == (r.organisation, r.operation_ref, r.nominal_ref)
        ]
        told = [
            f"{d['at']:%Y-%m-%d} {d['object_ref']} to {d['recipient'] or '-'}"
            for d in findings.disclosures_of(r)
        ]
        rows.append(
            {
                "organisation": r.organisation,
                "operation": r.operation_ref,
                "nominal": r.nominal_ref,
                "period": r.period,
                "version": r.version,
                "state": "current" if r.current else "superseded",
                "restricted": "restricted" if r.restricted else "",
                "matched_by": r.matched_by,
                **r.fields,
                "identifiers": "; ".join(f"{k} {v}" for k, v in r.identifiers),
                "threads": ", ".join(r.threads),
                "orders": "; ".join(orders),
                "disclosures": "; ".join(told),
            }
        )
    return rows


@app.command("search")
@friendly
def search_cmd(
    purpose: Purpose,
    given: Given = None,
    family: Family = None,
    name: Name = None,
    dob: Dob = None,
    age: Age = None,
    tolerance: Tolerance = DEFAULT_AGE_TOLERANCE,
    sounds_like: SoundsLike = False,
    phone: Phone = None,
    email: Email = None,
    postcode: Postcode = None,
    vehicle: Vehicle = None,
    passport: Passport = None,
    bank_account: Account = None,
    advert_handle: Handle = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Every record held on a data subject, in every return version, with its thread, orders
    and disclosures (recorded as a consultation)."""
    query = _query(locals())
    with open_database().begin() as conn:
        findings = find_subject(conn, current_principal(), query, purpose)
    emit(_rows(findings), COLUMNS, fmt, title="Records held on the data subject")
    if fmt == OutputFormat.table:
        console.print(f"{len(findings.records)} records; {len(findings.disclosures)} disclosures")


@app.command("report")
@friendly
def report_cmd(
    purpose: Purpose,
    recipient: Annotated[
        str, typer.Option("--recipient", help="The data subject or their representative.")
    ],
    out: Annotated[Path, typer.Option("--out", help="FILE.xlsx or FILE.pdf")],
    given: Given = None,
    family: Family = None,
    name: Name = None,
    dob: Dob = None,
    age: Age = None,
    tolerance: Tolerance = DEFAULT_AGE_TOLERANCE,
    sounds_like: SoundsLike = False,
    phone: Phone = None,
    email: Email = None,
    postcode: Postcode = None,
    vehicle: Vehicle = None,
    passport: Passport = None,
    bank_account: Account = None,
    advert_handle: Handle = None,
) -> None:
    """Write the access report for a data subject (recorded as a disclosure to the recipient)."""
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise InvalidInput("--out must end .xlsx or .pdf")
    if not recipient.strip():
        raise InvalidInput("say who receives the report (--recipient)")
    query = _query(locals())
    principal = current_principal()
    with open_database().begin() as conn:
        findings = find_subject(conn, principal, query, purpose)
        write = subject_xlsx if suffix == ".xlsx" else subject_pdf
        content = write(findings, purpose.strip())
        record(
            conn,
            principal,
            AuditEntry(
                Action.DISCLOSURE,
                "data_subject",
                "subject access report",
                purpose=purpose.strip(),
                recipient=recipient.strip(),
                detail=f"{len(findings.records)} records; file {out.name}",
            ),
        )
        # Written inside the transaction: a failed write leaves no record of a disclosure.
        out.write_bytes(content)
    console.print(f"wrote {out} ({len(findings.records)} records)")


@app.command("rectify")
@friendly
def rectify_cmd(
    nominal: Annotated[
        str,
        typer.Option("--nominal", help="ORGANISATION/OPERATION/NOMINAL, e.g. Cleveland/OP-1/N1"),
    ],
    field: Annotated[str, typer.Option("--field", help="given_name, family_name, aliases, ...")],
    value: Annotated[str, typer.Option("--value", help="The correct value; empty clears it.")],
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. SAR 2026/123 rectification.")],
    period: Annotated[
        str | None, typer.Option("--period", help="YYYY-MM; default the latest month.")
    ] = None,
) -> None:
    """Correct one field of a nominal in its current return, keeping the old value in the
    rectification history (recorded as an alteration with the reason)."""
    ref = NominalRef.parse(nominal)
    month = Period.parse(period) if period else None
    with open_database().begin() as conn:
        done = rectify(conn, current_principal(), ref, field, value, reason, month)
    if done.changed:
        console.print(
            f"{done.field} of {done.nominal} rectified in the {done.period} return"
            f" (version {done.version}); the previous value is kept in the rectification history"
        )
    else:
        console.print(f"{done.field} of {done.nominal} already holds that value: nothing changed")


NominalOption = Annotated[
    str, typer.Option("--nominal", help="ORGANISATION/OPERATION/NOMINAL, e.g. Cleveland/OP-1/N1")
]


@app.command("restrict")
@friendly
def restrict_cmd(
    nominal: NominalOption,
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. SAR 2026/123 restriction.")],
    lift: Annotated[bool, typer.Option("--lift", help="End the restriction instead.")] = False,
) -> None:
    """Restrict the processing of a nominal (s.47(2)): left out of the nominals view, except for
    the organisation that holds it, and out of the linkage (recorded as an alteration)."""
    ref = NominalRef.parse(nominal)
    with open_database().begin() as conn:
        changed = restrict(conn, current_principal(), ref, reason, lift=lift)
    if lift:
        done = "restriction lifted" if changed else "was not restricted: nothing changed"
    else:
        done = "restricted" if changed else "was already restricted: nothing changed"
    console.print(f"{ref} {done}")


@app.command("erase")
@friendly
def erase_cmd(
    nominal: NominalOption,
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. SAR 2026/123 erasure.")],
    yes: Annotated[bool, typer.Option("--yes", help="Confirm: erasure cannot be undone.")] = False,
) -> None:
    """Erase a nominal's personal data in every stored version (s.47(1)); the return's counts
    stay as they were (recorded as an erasure)."""
    if not yes:
        raise InvalidInput("erasure cannot be undone: give --yes to confirm")
    ref = NominalRef.parse(nominal)
    with open_database().begin() as conn:
        done = erase(conn, current_principal(), ref, reason)
    console.print(
        f"{ref} erased in {done.versions} versions; {done.identifiers} identifiers and"
        f" {done.memberships} thread memberships deleted"
    )
