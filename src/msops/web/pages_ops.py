"""The operations list and an operation's page (nominals only with a purpose)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from msops.analytics.overview_breakdowns import OUTCOME_LABELS
from msops.domain.reference import REGIONS, exploitation_categories, organisations, typology
from msops.domain.return_spec import VICTIM_COUNT_COLUMNS
from msops.store.linkage_repo.alerts import operation_threads
from msops.store.operations_repo import (
    OperationFilter,
    OperationHistory,
    consult_operation,
)
from msops.web.gates import Operational
from msops.web.render import kept_page, main_block, page
from msops.web.security import check_csrf
from msops.web.services import FiguresCache, OperationsPage, operations_page
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)


Text = Annotated[str | None, Query(max_length=120)]


@router.get("/operations")
def operations(
    request: Request,
    viewer: Operational,
    period: Text = None,
    org: Text = None,
    region: Text = None,
    status: Text = None,
    exploitation: Text = None,
    lead: Text = None,
    nationality: Text = None,
    people: Text = None,
    outcome: Text = None,
    europol: Text = None,
    q: Text = None,
    page_number: Annotated[int, Query(alias="page", ge=1, le=1_000_000)] = 1,
) -> Response:
    drill = {"lead": lead, "nationality": nationality, "people": people}
    drill |= {"outcome": outcome, "europol": europol}
    flt = OperationFilter.from_text(period, org, region, status, exploitation, **drill)
    cache: FiguresCache = request.app.state.figures
    found = operations_page(engine_of(request), viewer.principal, flt, q, page_number, cache)
    form = {
        "period": period or "",
        "org": org or "",
        "region": region or "",
        "status": status or "",
        "exploitation": exploitation or "",
        "q": q or "",
    } | {k: v or "" for k, v in drill.items()}
    # Drawing a page of 100 rows costs more than finding it: the drawing is kept with the rows.
    key = ("operations.html", found.key, tuple(form.items()))
    main = cache.drawn(key, lambda: _operations_main(found, form))
    return kept_page(request, viewer, "Operations", main)


def _operations_main(found: OperationsPage, form: dict[str, str]) -> Markup:
    return main_block(
        "operations.html",
        rows=found.rows,
        total=found.total,
        page_number=found.number,
        pages=found.pages,
        form=form,
        regions=REGIONS,
        organisations=organisations(),
        categories=exploitation_categories(),
        types=typology(),
        outcomes=OUTCOME_LABELS,
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
