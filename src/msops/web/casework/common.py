"""What the casework registers' pages and API share: the casework index, the table page,
the form fields every register uses, the API's error answers and created/changed bodies, and
the download form whose file is a disclosure (purpose and recipient in the audit trail)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, BeforeValidator, Field
from sqlalchemy import Connection

from msops.domain.casework.debriefs import Method
from msops.domain.casework.europol import CheckOutcome, EventKind
from msops.domain.casework.orders import (
    BreachOutcome,
    VariationKind,
)
from msops.domain.errors import AccessDenied, InvalidInput, MsopsError, NotFound
from msops.domain.principal import Principal
from msops.domain.reference import code_lists, organisations
from msops.store.casework.common import require_text
from msops.web.forms import Choices, Input, choices
from msops.web.gates import ERRORS, SUBMITTERS, Overseer
from msops.web.pages_returns import submit_choices
from msops.web.paging import window
from msops.web.render import page
from msops.web.reports import Download
from msops.web.security import check_csrf
from msops.web.session import Viewer, engine_of

pages = APIRouter(include_in_schema=False)
routers = (pages,)


Column = tuple[str, str]  # (key in the row, heading)


def table_page(request: Request, viewer: Viewer, **context: Any) -> Response:
    context.setdefault("note", "")
    context.setdefault("form", None)
    context.setdefault("actions", [])
    context.setdefault("coded", {})  # column -> the code list its values are labelled from
    context["rows"], context["paging"] = window(request, context.get("rows", []))
    return page(request, "casework_table.html", viewer, **context)


def writes(viewer: Viewer) -> bool:
    return viewer.user.role in SUBMITTERS


@pages.get("/casework")
def casework_index(request: Request, viewer: Overseer) -> Response:
    return page(request, "casework.html", viewer)


EARLIEST, LATEST = date(1990, 1, 1), date(2100, 12, 31)  # dates a register can be asked about


def parse_day(text: str | None, field: str) -> date | None:
    """A date given in a query (YYYY-MM-DD), between 1990 and 2100, else InvalidInput naming
    the field: a date far outside that range only overflows the arithmetic done with it."""
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field}: give a date as YYYY-MM-DD") from None
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"{field}: give a date between {EARLIEST} and {LATEST}")
    return day


def _lines(value: Any) -> Any:
    """A list of strings from a list or from text with one entry per line (a textarea)."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        return value
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            out += [line.strip() for line in item.splitlines() if line.strip()]
        else:
            out.append(item)
    return out


Org = Annotated[str, Field(max_length=120, description="Organisation (full or short name)")]


Ref = Annotated[str, Field(max_length=80)]


Day = Annotated[str, Field(max_length=10, description="YYYY-MM-DD")]


Moment = Annotated[str, Field(max_length=19, description="YYYY-MM-DD or YYYY-MM-DDTHH:MM, UTC")]


Code = Annotated[str, Field(max_length=40)]


Text = Annotated[str, Field(max_length=200)]


Prose = Annotated[str, Field(max_length=20000)]


Lines = Annotated[
    list[Annotated[str, Field(max_length=500)]],
    BeforeValidator(_lines),
    Field(max_length=50, description="A list, or text with one entry per line"),
]


NO_NAMES = "Never enter a name here: the register holds references only."


def enum_choices(
    kind: type[VariationKind | BreachOutcome | EventKind | CheckOutcome | Method],
) -> Choices:
    return tuple((m.value, m.value.replace("_", " ")) for m in kind)


def org_input(viewer: Viewer) -> Input:
    return Input("org", "Organisation", "select", choices(submit_choices(viewer)))


def org_filter(viewer: Viewer, action: str, chosen: str | None) -> dict[str, Any] | None:
    """A register's filter by organisation: the organisations in the person's scope (None for
    someone who sees one organisation only, whose register is already just theirs)."""
    if viewer.user.organisation:
        return None
    region = viewer.user.region
    orgs = [o.short_name for o in organisations() if region is None or o.region == region]
    return {"action": action, "fields": [], "orgs": orgs, "org": chosen or "", "any": True}


def org_defaults(viewer: Viewer) -> dict[str, str]:
    return {"org": viewer.user.organisation} if viewer.user.organisation else {}


def nationality_input() -> Input:
    labels = tuple(c.label for c in code_lists()["nationality"])
    return Input("nationality", "Nationality (NRM statistics' label)", "select", choices(labels))


def exploitation_input() -> Input:
    categories = tuple((c.code, c.label) for c in code_lists()["exploitation_category"])
    return Input("exploitation", "Exploitation", "select", (*categories, ("unknown", "Unknown")))


def go_to(url: str) -> Callable[[BaseModel, int], str]:
    return lambda _body, _result: url


M = TypeVar("M", bound=BaseModel)


class Created(BaseModel):
    id: int


class Changed(BaseModel):
    version: int


def api_store(
    request: Request,
    viewer: Viewer,
    csrf: str | None,
    apply: Callable[[Any, Principal, M], int],
    body: M,
) -> int:
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        return apply(conn, viewer.principal, body)


def created(request: Request, viewer: Viewer, csrf: str | None, apply: Any, body: Any) -> Any:
    return Created(id=api_store(request, viewer, csrf, apply, body))


FILE = {**ERRORS, 200: {"description": "The file"}}


def purpose_and_recipient(purpose: str, recipient: str) -> tuple[str, str]:
    return require_text(purpose, "purpose", 500), require_text(recipient, "recipient", 200)


@dataclass(frozen=True)
class DownloadPage:
    title: str
    action: str
    note: str
    formats: tuple[tuple[str, str], ...]
    fields: tuple[tuple[str, str, int], ...] = ()  # (name, label, maxlength) besides purpose
    back: tuple[tuple[str, str], ...] = (("/casework", "Casework"),)


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


def today_year_month() -> tuple[int, int]:
    today = datetime.now(UTC).date()
    return today.year, today.month
