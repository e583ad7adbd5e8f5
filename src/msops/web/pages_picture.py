"""The dashboard (the national picture of a month, for the viewer's scope) and its tables as CSV."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from markupsafe import Markup
from sqlalchemy import Connection

from msops.analytics.headline import Area
from msops.domain.errors import NotFound
from msops.domain.periods import Period
from msops.domain.principal import Role
from msops.domain.reference import REGIONS, find_organisation, organisations
from msops.domain.tabular import csv_text
from msops.store.audit import record_report_disclosure
from msops.store.linkage_repo.alerts import count_unreviewed
from msops.store.operations_repo import ReturnStatus, return_status
from msops.store.users_repo.accounts import list_users
from msops.web.gates import ADMINS, Anyone, FormCsrf, MonthQuery, OrgQuery, Purpose, Reader
from msops.web.gates import Recipient as RecipientField
from msops.web.picture import Asked, Picture, PictureCache, page_tables, picture
from msops.web.render import kept_page, main_block, page
from msops.web.security import check_csrf
from msops.web.services import FiguresCache, parse_period, scope_key
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)


def cache_of(request: Request) -> PictureCache:
    found: PictureCache = request.app.state.picture
    return found


@router.get("/")
def dashboard(
    request: Request,
    viewer: Anyone,
    period: MonthQuery = None,
    region: OrgQuery = None,
    org: OrgQuery = None,
) -> Response:
    engine = engine_of(request)
    if viewer.user.role in ADMINS:
        with engine.connect() as conn:
            n_accounts = len(list_users(conn))
        return page(request, "dashboard_admin.html", viewer, n_accounts=n_accounts)
    asked = Asked.of(viewer.principal, region, org)
    cache = cache_of(request)
    found = picture(engine, cache, viewer.principal, parse_period(period), asked)
    statuses: tuple[ReturnStatus, ...] = ()
    alerts = 0
    if viewer.user.role != Role.PCC:
        with engine.connect() as conn:
            alerts = count_unreviewed(conn, viewer.principal)
            if found is not None:
                statuses = _statuses(conn, cache, viewer, found)
    # The picture's charts and tables are most of the page: the drawing is kept with it.
    serial = found.serial if found is not None else None
    key = ("dashboard.html", serial, statuses, alerts, *scope_key(viewer.principal))
    kept: FiguresCache = request.app.state.figures
    main = kept.drawn(key, lambda: _dashboard_main(viewer, found, statuses, alerts))
    return kept_page(request, viewer, "Dashboard", main)


def _dashboard_main(
    viewer: Viewer, found: Picture | None, statuses: tuple[ReturnStatus, ...], alerts: int
) -> Markup:
    return main_block(
        "dashboard.html",
        picture=found,
        statuses=statuses,
        alerts=alerts,
        areas=_areas(viewer),
        back=_back(viewer, found) if found is not None else [],
    )


def _statuses(
    conn: Connection, cache: PictureCache, viewer: Viewer, shown: Picture
) -> tuple[ReturnStatus, ...]:
    """The returns behind the picture shown (its organisation's, its region's, or all in scope),
    kept until a return is stored."""
    area = shown.area
    key = ("statuses", *scope_key(viewer.principal), str(shown.period), area)
    return cache.get(  # type: ignore[no-any-return]
        conn, key, lambda: _in_area(return_status(conn, viewer.principal, shown.period), area)
    )


def _in_area(statuses: list[ReturnStatus], area: Area) -> tuple[ReturnStatus, ...]:
    if area.organisation:
        return tuple(s for s in statuses if s.organisation == area.organisation)
    if area.region:
        return tuple(s for s in statuses if s.region == area.region)
    return tuple(statuses)


def _back(viewer: Viewer, shown: Picture) -> list[tuple[str, str]]:
    """Links back up the drill-down from a narrowed picture: to the region, to the whole."""
    area, month = shown.area, {"period": str(shown.period)}
    national = viewer.user.role == Role.NATIONAL_ANALYST
    out = []
    if area.organisation and viewer.user.role in (Role.NATIONAL_ANALYST, Role.REGIONAL_ANALYST):
        org = find_organisation(area.organisation)
        if org is not None and org.region and national:
            out.append((f"/?{urlencode(month | {'region': org.region})}", org.region))
        elif not national:
            out.append((f"/?{urlencode(month)}", "the region"))
    if national and (area.organisation or area.region):
        out.append((f"/?{urlencode(month)}", "the whole picture"))
    return out


def _areas(viewer: Viewer) -> dict[str, list[str]]:
    """The regions and organisations a viewer may narrow the picture to."""
    role = viewer.user.role
    if role == Role.NATIONAL_ANALYST:
        return {"regions": list(REGIONS), "orgs": [o.short_name for o in organisations()]}
    if role == Role.REGIONAL_ANALYST:
        mine = [o.short_name for o in organisations() if o.region == viewer.user.region]
        return {"regions": [], "orgs": mine}
    return {"regions": [], "orgs": []}


@router.post("/picture.csv")
def picture_csv(
    request: Request,
    viewer: Reader,
    table: Annotated[str, Form(max_length=80)],
    period: Annotated[str, Form(max_length=7)],
    purpose: Purpose,
    recipient: RecipientField,
    csrf_token: FormCsrf,
    region: Annotated[str, Form(max_length=40)] = "",
    org: Annotated[str, Form(max_length=120)] = "",
) -> Response:
    """One table of the dashboard as CSV: a disclosure, recorded with purpose and recipient."""
    check_csrf(viewer.csrf_token, csrf_token)
    asked = Asked.of(viewer.principal, region or None, org or None)
    month = Period.parse(period)
    with engine_of(request).begin() as conn:
        ov, tables = page_tables(conn, cache_of(request), asked, month)
        found = next((t for t in tables if t.name == table), None)
        if found is None:
            raise NotFound("the dashboard has no such table")
        place = (ov.area.organisation or ov.area.region or "national").replace(" ", "-")
        audience = asked.rule.audience.value
        filename = f"{found.name}-{month}-{place}-{audience}.csv"
        ref = f"dashboard {found.name} {month} {ov.area.describe()}"
        record_report_disclosure(
            conn, viewer.principal, ref, audience, purpose, recipient, filename
        )
    return Response(
        csv_text(found.header, found.rows),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )
