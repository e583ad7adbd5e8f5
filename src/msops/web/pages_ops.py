"""The dashboard, the operations list and an operation's page (nominals only with a purpose)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from msops.domain.principal import Role
from msops.domain.reference import REGIONS, exploitation_categories, organisations
from msops.domain.return_spec import VICTIM_COUNT_COLUMNS
from msops.store.linkage_repo.alerts import count_unreviewed, operation_threads
from msops.store.operations_repo import (
    OperationFilter,
    OperationHistory,
    consult_operation,
    return_status,
)
from msops.store.users_repo import list_users
from msops.web.gates import ADMINS, Anyone, Operational
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.services import (
    dashboard_figures,
    operations_page,
    parse_period,
)
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)


@router.get("/")
def dashboard(
    request: Request,
    viewer: Anyone,
    period: str | None = None,
) -> Response:
    engine = engine_of(request)
    if viewer.user.role in ADMINS:
        with engine.connect() as conn:
            n_accounts = len(list_users(conn))
        return page(request, "dashboard_admin.html", viewer, n_accounts=n_accounts)
    figures = dashboard_figures(
        engine, viewer.principal, parse_period(period), request.app.state.figures
    )
    statuses: list[Any] = []
    alerts = 0
    if viewer.user.role != Role.PCC:
        with engine.connect() as conn:
            alerts = count_unreviewed(conn, viewer.principal)
            if figures.period is not None:
                statuses = return_status(conn, viewer.principal, figures.period)
    return page(
        request, "dashboard.html", viewer, figures=figures, statuses=statuses, alerts=alerts
    )


@router.get("/operations")
def operations(
    request: Request,
    viewer: Operational,
    period: str | None = None,
    org: str | None = None,
    region: str | None = None,
    status: str | None = None,
    exploitation: str | None = None,
    q: str | None = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> Response:
    flt = OperationFilter.from_text(period, org, region, status, exploitation)
    found = operations_page(
        engine_of(request), viewer.principal, flt, q, page_number, request.app.state.figures
    )
    form = {
        "period": period or "",
        "org": org or "",
        "region": region or "",
        "status": status or "",
        "exploitation": exploitation or "",
        "q": q or "",
    }
    return page(
        request,
        "operations.html",
        viewer,
        rows=found.rows,
        total=found.total,
        page_number=found.number,
        pages=found.pages,
        form=form,
        regions=REGIONS,
        organisations=organisations(),
        categories=exploitation_categories(),
    )


def _victims(month: dict[str, Any]) -> int:
    return sum(int(month[c] or 0) for c in VICTIM_COUNT_COLUMNS)


def _operation_page(
    request: Request, viewer: Viewer, history: OperationHistory, threads: list[Any]
) -> Response:
    for month in history.months:
        month["victims"] = _victims(month)
    return page(
        request,
        "operation.html",
        viewer,
        history=history,
        may_see_nominals=viewer.principal.may_see_personal_data,
        threads=threads,
    )


@router.get("/operations/{org}/{ref:path}")
def operation(request: Request, viewer: Operational, org: str, ref: str) -> Response:
    with engine_of(request).begin() as conn:
        # The consultation last: its entry holds the one audit append lock until the commit.
        threads = operation_threads(conn, viewer.principal, org, ref)
        history = consult_operation(conn, viewer.principal, org, ref)
    return _operation_page(request, viewer, history, threads)


@router.post("/operations/{org}/{ref:path}/nominals")
def operation_nominals(
    request: Request,
    viewer: Operational,
    org: str,
    ref: str,
    purpose: Annotated[str, Form(max_length=500)],
    csrf_token: Annotated[str, Form()],
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    with engine_of(request).begin() as conn:
        threads = operation_threads(conn, viewer.principal, org, ref)
        history = consult_operation(conn, viewer.principal, org, ref, nominals_purpose=purpose)
    return _operation_page(request, viewer, history, threads)
