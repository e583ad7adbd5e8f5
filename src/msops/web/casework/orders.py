"""Slavery and trafficking prevention and risk orders in the browser and the API: the list,
one order, orders ending soon, adding, varying, breaches, and the anonymised reference library
(a download recorded as a disclosure). Scope and audit are the register's own (store). What
the pages and API accept (input models and forms) is in `forms/orders.py`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from msops.analytics.casework.orders import LIBRARY_COLUMNS, LIBRARY_MARKING, library
from msops.domain.principal import Principal
from msops.reports.rows import RowsFormat, rows_bytes
from msops.store.casework.orders import (
    expiring_orders,
    list_orders,
    order_detail,
)
from msops.web.casework.common import (
    FILE,
    Changed,
    Column,
    Created,
    DownloadPage,
    api_store,
    attachment,
    created,
    deliver,
    download_form,
    org_filter,
    purpose_and_recipient,
    table_page,
    writes,
)
from msops.web.casework.forms.orders import (
    BreachIn,
    OrderIn,
    VariationIn,
    add_order_from,
    breach_from,
    breach_spec,
    order_spec,
    vary_order_from,
    vary_spec,
)
from msops.web.forms import form_routes, show_form, submit_form
from msops.web.gates import (
    ERRORS,
    SUBMITTERS,
    Csrf,
    FormCsrf,
    Operational,
    OrgQuery,
    Purpose,
    Recipient,
    RecordId,
    Rows,
    Submitter,
    jsonable,
)
from msops.web.render import page
from msops.web.reports import Download
from msops.web.security import check_csrf
from msops.web.services import organisation_name
from msops.web.session import engine_of

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/casework", tags=["casework"])
routers = (pages, api)


ORDER_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("operation_ref", "Operation"),
    ("nominal_ref", "Subject"),
    ("order_type", "Type"),
    ("court", "Court"),
    ("made_on", "Made"),
    ("expires", "Expires"),
    ("travel_countries", "Travel ban"),
    ("status", "Status"),
    ("version", "Version"),
    ("breaches", "Breaches"),
]
ORDER_CODED = {"status": "order_status", "travel_countries": "country"}


EXPIRING_COLUMNS: list[Column] = [
    ("organisation", "Organisation"),
    ("operation_ref", "Operation"),
    ("nominal_ref", "Subject"),
    ("order_type", "Type"),
    ("ending", "Ending"),
    ("ends_on", "Ends on"),
    ("days_left", "Days left"),
]


LIBRARY_MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def library_file(
    conn: Connection, principal: Principal, fmt: RowsFormat, purpose: str, recipient: str
) -> Download:
    """The anonymised orders library as a file; the register records the export as a
    disclosure with its purpose and recipient."""
    purpose, recipient = purpose_and_recipient(purpose, recipient)
    rows = library(conn, principal, purpose, recipient)
    data = rows_bytes(rows, LIBRARY_COLUMNS, LIBRARY_MARKING, fmt)  # as `msops orders library`
    return Download(data, f"orders-library.{fmt}", LIBRARY_MEDIA[fmt])


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


@pages.get("/casework/orders")
def orders_page(request: Request, viewer: Operational, org: OrgQuery = None) -> Response:
    with engine_of(request).begin() as conn:
        rows = list_orders(conn, viewer.principal, organisation_name(org))
    return table_page(
        request,
        viewer,
        title="Prevention and risk orders",
        columns=ORDER_COLUMNS,
        coded=ORDER_CODED,
        rows=rows,
        form=org_filter(viewer, "/casework/orders", organisation_name(org)),
        link=("id", "/casework/orders/"),
        note="Slavery and trafficking prevention (STPO) and risk (STRO) orders in your scope.",
        actions=[("/casework/orders/new", "Add an order")] if writes(viewer) else [],
    )


# Declared before /casework/orders/{order_id}, which would otherwise take "new" for an id.
form_routes(pages, "/casework/orders/new", SUBMITTERS, order_spec)


@pages.get("/casework/orders/expiring")
def expiring_page(
    request: Request,
    viewer: Operational,
    within: Annotated[int, Query(ge=0, le=3650)] = 90,
) -> Response:
    today = datetime.now(UTC).date()
    with engine_of(request).begin() as conn:
        rows = expiring_orders(conn, viewer.principal, today, within)
    return table_page(
        request,
        viewer,
        title=f"Orders or travel bans ending within {within} days of {today}",
        columns=EXPIRING_COLUMNS,
        rows=rows,
        link=("id", "/casework/orders/"),
        form={"action": "/casework/orders/expiring", "fields": [("within", "Days", within)]},
    )


@pages.get("/casework/orders/library")
def library_form(request: Request, viewer: Operational) -> Response:
    values = {"purpose": "reference library of orders", "format": "csv"}
    return download_form(request, viewer, LIBRARY_PAGE, values)


@pages.post("/casework/orders/library")
def library_download(
    request: Request,
    viewer: Operational,
    csrf_token: FormCsrf,
    purpose: Purpose = "",
    recipient: Recipient = "",
    fmt: Annotated[RowsFormat, Form(alias="format")] = "csv",
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    values = {"purpose": purpose, "recipient": recipient, "format": fmt}

    def make(conn: Connection, who: Principal) -> Download:
        return library_file(conn, who, fmt, purpose, recipient)

    return deliver(request, viewer, LIBRARY_PAGE, values, make)


@pages.get("/casework/orders/{order_id}")
def order_page(
    request: Request, viewer: Operational, order_id: Annotated[int, Path(ge=1, le=2**31)]
) -> Response:
    with engine_of(request).begin() as conn:
        detail = order_detail(conn, viewer.principal, order_id)
    columns = [c for c in ORDER_COLUMNS if c[0] in detail]
    return page(
        request,
        "order.html",
        viewer,
        order=detail,
        columns=columns,
        coded=ORDER_CODED,
        writes=writes(viewer),
    )


@pages.get("/casework/orders/{order_id}/vary")
def vary_form(request: Request, viewer: Submitter, order_id: RecordId) -> Response:
    return show_form(request, viewer, vary_spec(order_id))


@pages.post("/casework/orders/{order_id}/vary")
async def vary(request: Request, viewer: Submitter, order_id: RecordId) -> Response:
    return await submit_form(request, viewer, vary_spec(order_id))


@pages.get("/casework/orders/{order_id}/breach")
def breach_form(request: Request, viewer: Submitter, order_id: RecordId) -> Response:
    return show_form(request, viewer, breach_spec(order_id))


@pages.post("/casework/orders/{order_id}/breach")
async def breach(request: Request, viewer: Submitter, order_id: RecordId) -> Response:
    return await submit_form(request, viewer, breach_spec(order_id))


@api.get("/orders", response_model=Rows, responses=ERRORS)
def api_orders(request: Request, viewer: Operational, org: OrgQuery = None) -> Any:
    """Prevention and risk orders in scope with their current terms (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(list_orders(conn, viewer.principal, organisation_name(org)))


@api.get("/orders/expiring", response_model=Rows, responses=ERRORS)
def api_expiring(
    request: Request, viewer: Operational, within: Annotated[int, Query(ge=0, le=3650)] = 90
) -> Any:
    """Orders in force whose term or travel ban ends within `within` days of today (audited)."""
    today = datetime.now(UTC).date()
    with engine_of(request).begin() as conn:
        return jsonable(expiring_orders(conn, viewer.principal, today, within))


class LibraryIn(BaseModel):
    purpose: str = Field("", max_length=500, description="Why (recorded in the audit trail)")
    recipient: str = Field("", max_length=200, description="Who will receive it")
    format: RowsFormat = "csv"


@api.post("/orders/library", responses=FILE)
def api_library(
    request: Request, viewer: Operational, body: LibraryIn, csrf: Csrf = None
) -> Response:
    """The anonymised reference library of the orders in scope (CSV or JSON); a disclosure."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        found = library_file(conn, viewer.principal, body.format, body.purpose, body.recipient)
    return attachment(found)


@api.get("/orders/{order_id}", response_model=dict[str, Any], responses=ERRORS)
def api_order(
    request: Request, viewer: Operational, order_id: Annotated[int, Path(ge=1, le=2**31)]
) -> Any:
    """One order with its variations, breaches and versions (audited)."""
    with engine_of(request).begin() as conn:
        return jsonable(order_detail(conn, viewer.principal, order_id))


@api.post("/orders", response_model=Created, status_code=201, responses=ERRORS)
def api_add_order(request: Request, viewer: Submitter, body: OrderIn, csrf: Csrf = None) -> Any:
    """Add a prevention (STPO) or risk (STRO) order; the Act's minimums are enforced."""
    return created(request, viewer, csrf, add_order_from, body)


@api.post("/orders/{order_id}/variations", response_model=Changed, responses=ERRORS)
def api_vary_order(
    request: Request, viewer: Submitter, order_id: RecordId, body: VariationIn, csrf: Csrf = None
) -> Any:
    """Record a variation, renewal or discharge; returns the order's new version."""

    def apply(conn: Any, who: Principal, b: VariationIn) -> int:
        return vary_order_from(conn, who, order_id, b)

    return Changed(version=api_store(request, viewer, csrf, apply, body))


@api.post("/orders/{order_id}/breaches", response_model=Changed, responses=ERRORS)
def api_breach(
    request: Request, viewer: Submitter, order_id: RecordId, body: BreachIn, csrf: Csrf = None
) -> Any:
    """Record a breach of an order and its outcome; returns the order's new version."""

    def apply(conn: Any, who: Principal, b: BreachIn) -> int:
        return breach_from(conn, who, order_id, b)

    return Changed(version=api_store(request, viewer, csrf, apply, body))
