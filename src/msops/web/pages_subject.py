"""A data subject's rights in the web application (DPA 2018 Part 3, ss.45-47): search for what is
held on a person, download the access report (XLSX or PDF), rectify, restrict or erase a record.

The same functions as `msops subject`, audited the same way: a search is a consultation, a
report a disclosure to its recipient, a rectification or restriction an alteration, an erasure
an erasure. Every form is a POST with the CSRF token: names, dates of birth and identifiers
never appear in a URL. Only national analysts reach these pages (`gates.SUBJECT_OFFICERS`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

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
from msops.store.subject_repo import RECTIFIABLE, HeldRecord
from msops.store.subject_rights import NominalRef, erase, rectify, restrict
from msops.web.gates import FormCsrf, SubjectOfficer
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)

NAME_FIELDS = (("given", "Given name(s)"), ("family", "Family name(s)"), ("name", "Full name"))
IDENTIFIER_FIELDS = (
    ("phone", "Phone"),
    ("email", "Email"),
    ("postcode", "Postcode"),
    ("vehicle", "Vehicle registration"),
    ("passport", "Passport"),
    ("bank_account", "Bank account"),
    ("advert_handle", "Advert handle"),
)
SEARCH_FIELDS = (
    "purpose",
    *(n for n, _ in NAME_FIELDS),
    "dob",
    "age",
    "age_tolerance",
    "sounds_like",
    *(n for n, _ in IDENTIFIER_FIELDS),
)
MAX_FIELD = 200
FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", subject_xlsx),
    "pdf": ("application/pdf", subject_pdf),
}
NominalText = Annotated[str, Form(max_length=300)]
Reason = Annotated[str, Form(max_length=500)]


def _values(form: FormData) -> dict[str, str]:
    """The search form's fields as text, each cut to MAX_FIELD characters."""
    out = {}
    for name in SEARCH_FIELDS:
        value = form.get(name, "")
        out[name] = value[:MAX_FIELD] if isinstance(value, str) else ""
    return out


def _whole(text: str, label: str, low: int, high: int) -> int | None:
    if not text.strip():
        return None
    try:
        number = int(text.strip())
    except ValueError:
        raise InvalidInput(f"{label} is a whole number of years") from None
    if not low <= number <= high:
        raise InvalidInput(f"{label} is a whole number of years, {low} to {high}")
    return number


def query_of(values: dict[str, str]) -> SubjectQuery:
    """The search as `msops subject search` builds it from its options; messages name the field
    and never repeat its value."""
    born = None
    if values["dob"].strip():
        try:
            born = date.fromisoformat(values["dob"].strip())
        except ValueError:
            raise InvalidInput("date of birth is written YYYY-MM-DD") from None
    tolerance = _whole(values["age_tolerance"], "age tolerance", 0, 20)
    identifiers = tuple(
        (kind, values[kind].strip()) for kind, _ in IDENTIFIER_FIELDS if values[kind].strip()
    )
    return SubjectQuery(
        values["given"].strip() or None,
        values["family"].strip() or None,
        values["name"].strip() or None,
        born,
        _whole(values["age"], "age", 0, 120),
        DEFAULT_AGE_TOLERANCE if tolerance is None else tolerance,
        identifiers,
        values["sounds_like"] == "on",
    )


def _orders(findings: SubjectFindings, held: HeldRecord) -> list[str]:
    """The orders made on the record's nominal, as `msops subject search` lists them."""
    key = (held.organisation, held.operation_ref, held.nominal_ref)
    return [
        f"{o['order_type']} {o['made_on']}"
        for o in findings.orders
        if (o["organisation"], o["operation_ref"], o["nominal_ref"]) == key
    ]


def _search_page(
    request: Request,
    viewer: Viewer,
    values: dict[str, str],
    findings: SubjectFindings | None = None,
    message: str | None = None,
    status: int = 200,
) -> Response:
    rows: list[dict[str, Any]] = []
    if findings is not None:
        rows = [
            {"record": r, "disclosures": findings.disclosures_of(r), "orders": _orders(findings, r)}
            for r in findings.records
        ]
    return page(
        request,
        "subject.html",
        viewer,
        status,
        values=values,
        rows=rows,
        searched=findings is not None,
        message=message,
        names=NAME_FIELDS,
        identifiers=IDENTIFIER_FIELDS,
        hidden=[(n, values[n]) for n in SEARCH_FIELDS if n != "purpose"],
    )


def _find(request: Request, viewer: Viewer, values: dict[str, str]) -> SubjectFindings:
    with engine_of(request).begin() as conn:
        return find_subject(conn, viewer.principal, query_of(values), values["purpose"])


@router.get("/subject")
def search_form(request: Request, viewer: SubjectOfficer) -> Response:
    values = dict.fromkeys(SEARCH_FIELDS, "")
    return _search_page(request, viewer, values)


@router.post("/subject")
async def search(request: Request, viewer: SubjectOfficer) -> Response:
    """Every record held on the person, in every return version (a consultation)."""
    form = await request.form()
    check_csrf(viewer.csrf_token, _text(form.get("csrf_token")))
    values = _values(form)
    try:
        findings = _find(request, viewer, values)
    except InvalidInput as err:
        return _search_page(request, viewer, values, message=str(err), status=422)
    return _search_page(request, viewer, values, findings)


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


@router.post("/subject/report")
async def report(request: Request, viewer: SubjectOfficer) -> Response:
    """The access report as a file (a consultation, and a disclosure to the recipient)."""
    form = await request.form()
    check_csrf(viewer.csrf_token, _text(form.get("csrf_token")))
    values = _values(form)
    recipient = _text(form.get("recipient", "")).strip()[:MAX_FIELD]
    kind = _text(form.get("format", ""))
    try:
        if kind not in FORMATS:
            raise InvalidInput("choose XLSX or PDF")
        if not recipient:
            raise InvalidInput("say who receives the report")
        media_type, write = FORMATS[kind]
        with engine_of(request).begin() as conn:
            query = query_of(values)
            findings = find_subject(conn, viewer.principal, query, values["purpose"])
            content = write(findings, values["purpose"].strip())
            entry = AuditEntry(
                Action.DISCLOSURE,
                "data_subject",
                "subject access report",
                purpose=values["purpose"].strip(),
                recipient=recipient,
                detail=f"{len(findings.records)} records; file subject-access.{kind}",
            )
            record(conn, viewer.principal, entry)
    except InvalidInput as err:
        return _search_page(request, viewer, values, message=str(err), status=422)
    disposition = f'attachment; filename="subject-access.{kind}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


# --- rectify, restrict, erase ------------------------------------------------------------------


def _rights_page(
    request: Request,
    viewer: Viewer,
    nominal: str,
    message: str | None = None,
    problem: str | None = None,
    status: int = 200,
) -> Response:
    return page(
        request,
        "subject_rights.html",
        viewer,
        status,
        nominal=nominal,
        fields=RECTIFIABLE,
        message=message,
        problem=problem,
    )


@router.get("/subject/rights")
def rights_form(
    request: Request,
    viewer: SubjectOfficer,
    nominal: Annotated[str, Query(max_length=300)] = "",
) -> Response:
    """The rectify, restrict and erase forms for one nominal, named by its reference
    (ORGANISATION/OPERATION/NOMINAL, never a person's name)."""
    return _rights_page(request, viewer, nominal)


def _act(request: Request, viewer: Viewer, nominal: str, act: Any) -> Response:
    """Run one act in a transaction; bad input re-renders the forms (422), nothing stored."""
    try:
        ref = NominalRef.parse(nominal)
        with engine_of(request).begin() as conn:
            message = act(conn, ref)
    except InvalidInput as err:
        return _rights_page(request, viewer, nominal, problem=str(err), status=422)
    return _rights_page(request, viewer, nominal, message=message)


@router.post("/subject/rectify")
def rectify_record(
    request: Request,
    viewer: SubjectOfficer,
    nominal: NominalText,
    field: Annotated[str, Form(max_length=40)],
    reason: Reason,
    csrf_token: FormCsrf,
    value: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    period: Annotated[str, Form(max_length=7)] = "",
) -> Response:
    """Correct one field in the current return; the old value stays in the history."""
    check_csrf(viewer.csrf_token, csrf_token)

    def act(conn: Any, ref: NominalRef) -> str:
        month = Period.parse(period) if period.strip() else None
        done = rectify(conn, viewer.principal, ref, field, value, reason, month)
        if not done.changed:
            return f"{done.field} of {done.nominal} already holds that value: nothing changed."
        return (
            f"{done.field} of {done.nominal} rectified in the {done.period} return (version"
            f" {done.version}); the previous value is kept in the rectification history."
        )

    return _act(request, viewer, nominal, act)


@router.post("/subject/restrict")
def restrict_record(
    request: Request,
    viewer: SubjectOfficer,
    nominal: NominalText,
    reason: Reason,
    csrf_token: FormCsrf,
    lift: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Restrict processing (or lift the restriction)."""
    check_csrf(viewer.csrf_token, csrf_token)

    def act(conn: Any, ref: NominalRef) -> str:
        lifting = lift == "on"
        changed = restrict(conn, viewer.principal, ref, reason, lift=lifting)
        if lifting:
            return f"{ref}: " + ("restriction lifted." if changed else "was not restricted.")
        return f"{ref}: " + ("restricted." if changed else "was already restricted.")

    return _act(request, viewer, nominal, act)


@router.post("/subject/erase")
def erase_record(
    request: Request,
    viewer: SubjectOfficer,
    nominal: NominalText,
    reason: Reason,
    csrf_token: FormCsrf,
    confirm: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Erase the nominal's personal data in every stored version, once confirmed."""
    check_csrf(viewer.csrf_token, csrf_token)

    def act(conn: Any, ref: NominalRef) -> str:
        if confirm != "on":
            raise InvalidInput("erasure cannot be undone: tick the box to confirm it")
        done = erase(conn, viewer.principal, ref, reason)
        return (
            f"{ref} erased in {done.versions} versions; {done.identifiers} identifiers and"
            f" {done.memberships} thread memberships deleted."
        )

    return _act(request, viewer, nominal, act)
