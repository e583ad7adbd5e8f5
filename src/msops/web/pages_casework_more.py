"""Casework downloads and settings in the browser: the orders reference library and the
quarterly lessons summary (each download a disclosure with purpose and recipient), the Europol
annual counts, the peer-review criteria in force, and the NRM rule settings with their history
and a form for national analysts to change one (the store refuses anyone else too).

Included before the registers' routers: "/casework/orders/library" and
"/casework/peer-reviews/criteria" would otherwise be taken for an order or review id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Connection

from msops.analytics.casework.europol import annual
from msops.domain.casework.nrm_referrals import DEFAULT_SETTINGS
from msops.domain.errors import AccessDenied, MsopsError, NotFound
from msops.domain.principal import Principal, Role
from msops.store.casework.nrm_referrals import set_setting, setting_history
from msops.web import casework_more as cm
from msops.web.casework_forms import FormSpec, Input, choices, show_form, submit_form
from msops.web.pages_casework import table_page
from msops.web.render import page
from msops.web.reports import Download
from msops.web.security import check_csrf
from msops.web.session import OPERATIONAL, Viewer, allow, engine_of

router = APIRouter(include_in_schema=False)
SETTERS = frozenset({Role.NATIONAL_ANALYST})
Operational = Annotated[Viewer, Depends(allow(OPERATIONAL))]
Setter = Annotated[Viewer, Depends(allow(SETTERS))]
Csrf = Annotated[str, Form()]
Purpose = Annotated[str, Form(max_length=500)]
Recipient = Annotated[str, Form(max_length=200)]
SETTINGS_URL = "/casework/nrm-settings"


@dataclass(frozen=True)
class DownloadPage:
    title: str
    action: str
    note: str
    formats: tuple[tuple[str, str], ...]
    fields: tuple[tuple[str, str, int], ...] = ()  # (name, label, maxlength) besides purpose
    back: tuple[tuple[str, str], ...] = (("/casework", "Casework"),)


LIBRARY_PAGE = DownloadPage(
    "Reference library of prevention and risk orders",
    "/casework/orders/library",
    "The anonymised library of the orders in your scope: type, court, prohibitions, travel"
    " terms, notification requirements, numbers of variations and breaches, status. No subject,"
    " force or operation; dates as quarters, durations in whole years (OFFICIAL). The download"
    " is a disclosure: it is recorded in the audit trail with its purpose and recipient.",
    (("csv", "CSV"), ("json", "JSON")),
    back=(("/casework", "Casework"), ("/casework/orders", "Orders")),
)
LESSONS_PAGE = DownloadPage(
    "Quarterly lessons summary",
    "/casework/lessons/summary",
    "The quarter's lessons in your scope by theme, with counts, and its debriefs"
    " (OFFICIAL-SENSITIVE): the file the command msops report lessons writes. The download is"
    " a disclosure: it is recorded in the audit trail with its purpose and recipient.",
    (("html", "HTML"), ("md", "Markdown")),
    (("quarter", "Quarter (YYYY-Qn)", 7),),
    (("/casework", "Casework"), ("/casework/lessons", "Lessons")),
)


def download_form(
    request: Request,
    viewer: Viewer,
    spec: DownloadPage,
    values: dict[str, str],
    message: str | None = None,
    status: int = 200,
) -> Response:
    return page(
        request, "casework_download.html", viewer, status, spec=spec, values=values, message=message
    )


def attachment(found: Download) -> Response:
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"content-disposition": f'attachment; filename="{found.filename}"'},
    )


def deliver(
    request: Request,
    viewer: Viewer,
    spec: DownloadPage,
    values: dict[str, str],
    make: Callable[[Connection, Principal], Download],
) -> Response:
    """The file, produced and audited in one transaction; bad input re-renders the form with
    the message (422; 404 for a thing not found) and, rolled back, records nothing."""
    try:
        with engine_of(request).begin() as conn:
            found = make(conn, viewer.principal)
    except AccessDenied:
        raise
    except NotFound as err:
        return download_form(request, viewer, spec, values, str(err), 404)
    except MsopsError as err:
        return download_form(request, viewer, spec, values, str(err), 422)
    return attachment(found)


# --- orders library -------------------------------------------------------------------------


@router.get("/casework/orders/library")
def library_form(request: Request, viewer: Operational) -> Response:
    values = {"purpose": "reference library of orders", "format": "csv"}
    return download_form(request, viewer, LIBRARY_PAGE, values)


@router.post("/casework/orders/library")
def library_download(
    request: Request,
    viewer: Operational,
    csrf_token: Csrf,
    purpose: Purpose = "",
    recipient: Recipient = "",
    fmt: Annotated[cm.LibraryFormat, Form(alias="format")] = "csv",
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    values = {"purpose": purpose, "recipient": recipient, "format": fmt}

    def make(conn: Connection, who: Principal) -> Download:
        return cm.library_file(conn, who, fmt, purpose, recipient)

    return deliver(request, viewer, LIBRARY_PAGE, values, make)


# --- quarterly lessons summary --------------------------------------------------------------


@router.get("/casework/lessons/summary")
def lessons_form(
    request: Request,
    viewer: Operational,
    quarter: Annotated[str | None, Query(max_length=7)] = None,
) -> Response:
    if not quarter:
        with engine_of(request).connect() as conn:
            quarter = str(cm.default_quarter(conn))
    values = {"quarter": quarter, "purpose": "quarterly lessons summary", "format": "html"}
    return download_form(request, viewer, LESSONS_PAGE, values)


@router.post("/casework/lessons/summary")
def lessons_download(
    request: Request,
    viewer: Operational,
    csrf_token: Csrf,
    quarter: Annotated[str, Form(max_length=7)] = "",
    purpose: Purpose = "",
    recipient: Recipient = "",
    fmt: Annotated[cm.LessonsFormat, Form(alias="format")] = "html",
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    values = {"quarter": quarter, "purpose": purpose, "recipient": recipient, "format": fmt}

    def make(conn: Connection, who: Principal) -> Download:
        return cm.lessons_file(conn, who, quarter, fmt, purpose, recipient)

    return deliver(request, viewer, LESSONS_PAGE, values, make)


# --- Europol annual counts and the peer-review criteria ------------------------------------


@router.get("/casework/europol/annual")
def europol_annual(
    request: Request,
    viewer: Operational,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
) -> Response:
    with engine_of(request).connect() as conn:
        chosen = year or cm.default_year(conn)
        rows = annual(conn, viewer.principal, chosen)
    return table_page(
        request,
        viewer,
        title=f"Europol activity {chosen}",
        columns=cm.ANNUAL_COLUMNS,
        rows=rows,
        note="Per organisation in your scope and in total: checks, operational meetings and JITs"
        " recorded here, beside operations with a Europol check date or a JIT in that year's"
        " returns. The two sources are shown side by side, not added.",
        form={"action": "/casework/europol/annual", "fields": [("year", "Year", chosen)]},
        actions=[
            ("/casework/europol", "Checks due"),
            ("/casework/europol/events", "Checks, meetings and JITs recorded"),
        ],
    )


@router.get("/casework/peer-reviews/criteria")
def criteria_page(request: Request, viewer: Operational) -> Response:
    return page(
        request,
        "review_criteria.html",
        viewer,
        criteria=cm.criteria_in_force(),
        back=(("/casework", "Casework"), ("/casework/peer-reviews", "Peer reviews")),
    )


# --- NRM rule settings ----------------------------------------------------------------------


def _number_as_text(value: object) -> object:
    """A JSON whole number as the text a form sends (not a boolean, not a float); anything
    else is left for the text field to accept or refuse."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) < 10**10:
        return str(value)
    return value


class SettingIn(BaseModel):
    name: str = Field(
        "", max_length=40, description="crime_recording_hours or rg_target_working_days"
    )
    value: Annotated[str, BeforeValidator(_number_as_text), Field(max_length=10)] = Field(
        "", description="A whole number, 1 to 1000 (as text or a JSON number)"
    )


def setting_from(conn: Connection, principal: Principal, body: SettingIn) -> int:
    """Change one setting (national roles only: the store refuses anyone else)."""
    return set_setting(conn, principal, body.name, body.value.strip())


SETTING_SPEC = FormSpec(
    title="Change an NRM rule setting",
    action=f"{SETTINGS_URL}/change",
    fields=(
        Input("name", "Setting", "select", choices(list(DEFAULT_SETTINGS))),
        Input("value", "New value (a whole number, 1 to 1000)", max_length=10),
    ),
    model=SettingIn,
    apply=setting_from,
    done=lambda _body, _version: SETTINGS_URL,
    note="The compliance table judges every referral by the settings in force when it is"
    " shown. The change is kept in the settings' history and the audit trail.",
    submit="Change the setting",
    back=(("/casework", "Casework"), (SETTINGS_URL, "NRM rule settings")),
)


@router.get(SETTINGS_URL)
def settings_page(request: Request, viewer: Operational) -> Response:
    with engine_of(request).connect() as conn:
        values = cm.settings_in_force(conn)
        history = setting_history(conn)
    return page(
        request,
        "nrm_settings.html",
        viewer,
        settings=values,
        history=history,
        changes=viewer.user.role in SETTERS,
    )


@router.get(f"{SETTINGS_URL}/change")
def setting_form(request: Request, viewer: Setter) -> Response:
    return show_form(request, viewer, SETTING_SPEC)


@router.post(f"{SETTINGS_URL}/change")
async def setting_change(request: Request, viewer: Setter) -> Response:
    return await submit_form(request, viewer, SETTING_SPEC)
