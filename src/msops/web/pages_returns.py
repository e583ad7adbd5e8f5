"""Monthly returns: upload with the validation result, status for a period, audited export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from msops.domain.errors import InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Role
from msops.domain.reference import organisations
from msops.returns.submit import SubmitResult
from msops.store.operations_repo import latest_period, return_status
from msops.web.gates import Operational, Submitter
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.services import export_file, max_upload_bytes, parse_period, submit_upload
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)


def submit_choices(viewer: Viewer) -> list[str]:
    """The organisations this viewer submits for: their own, or any for the national team."""
    if viewer.user.role == Role.NATIONAL_ANALYST:
        return [o.short_name for o in organisations()]
    return [viewer.user.organisation] if viewer.user.organisation else []


@dataclass(frozen=True)
class Typed:
    """What the person typed into the upload form: shown again when the file is refused."""

    org: str = ""
    period: str = ""
    nil: bool = False


def _upload_page(
    request: Request,
    viewer: Viewer,
    result: SubmitResult | None = None,
    status: int = 200,
    typed: Typed = Typed(),
    problem: str = "",
) -> Response:
    return page(
        request,
        "upload.html",
        viewer,
        status,
        result=result,
        choices=submit_choices(viewer),
        max_mb=max_upload_bytes() // 2**20,
        typed=typed,
        problem=problem,
    )


@router.get("/returns/upload")
def upload_form(request: Request, viewer: Submitter) -> Response:
    return _upload_page(request, viewer)


@router.post("/returns/upload")
def upload(
    request: Request,
    viewer: Submitter,
    period: Annotated[str, Form(max_length=7)],
    org: Annotated[str, Form(max_length=120)],
    file: Annotated[UploadFile, File()],
    csrf_token: Annotated[str, Form()],
    nil: Annotated[bool, Form()] = False,
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    typed = Typed(org, period, nil)
    try:
        result = submit_upload(
            engine_of(request), viewer.principal, file.file, file.filename, org, period, nil
        )
    except InvalidInput as refused:  # a wrong month or file type: the form keeps what was typed
        return _upload_page(request, viewer, None, 400, typed, str(refused))
    if result.outcome.value == "rejected":
        return _upload_page(request, viewer, result, 422, typed)
    return _upload_page(request, viewer, result)


@router.get("/returns/status")
def status_page(request: Request, viewer: Operational, period: str | None = None) -> Response:
    engine = engine_of(request)
    with engine.connect() as conn:
        the_period = parse_period(period) or latest_period(conn)
        rows = return_status(conn, viewer.principal, the_period) if the_period else []
    submitted = sum(1 for r in rows if r.version is not None)
    return page(request, "status.html", viewer, period=the_period, rows=rows, submitted=submitted)


@router.get("/returns/export")
def export_form(
    request: Request, viewer: Operational, org: str | None = None, period: str | None = None
) -> Response:
    choices = (
        [viewer.user.organisation]
        if viewer.user.organisation
        else [
            o.short_name
            for o in organisations()
            if viewer.user.region is None or o.region == viewer.user.region
        ]
    )
    return page(request, "export.html", viewer, choices=choices, org=org or "", period=period or "")


@router.post("/returns/export")
def export(
    request: Request,
    viewer: Operational,
    org: Annotated[str, Form(max_length=120)],
    period: Annotated[str, Form(max_length=7)],
    purpose: Annotated[str, Form(max_length=500)],
    recipient: Annotated[str, Form(max_length=200)],
    csrf_token: Annotated[str, Form()],
    fmt: Annotated[Literal["xlsx", "csv"], Form(alias="format")] = "xlsx",
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    Period.parse(period)
    data, name = export_file(
        engine_of(request), viewer.principal, org, period, fmt, purpose, recipient
    )
    media = (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        if fmt == "xlsx"
        else "application/zip"
    )
    return Response(
        data, media_type=media, headers={"content-disposition": f'attachment; filename="{name}"'}
    )
