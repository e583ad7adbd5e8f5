"""The JSON API for the casework downloads and settings: the orders library and the lessons
summary as files (disclosures with purpose and recipient), the Europol annual counts, the
peer-review criteria and the NRM rule settings. Same functions as the pages (casework_more).

Included before the registers' routers: "/peer-reviews/criteria" would otherwise be taken for
a review id."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from msops.analytics.casework.europol import annual
from msops.store.casework.nrm_referrals import setting_history
from msops.web import casework_more as cm
from msops.web.api_casework import ERRORS, jsonable
from msops.web.api_casework_forms import Changed
from msops.web.pages_casework_more import SETTERS, SettingIn, attachment, setting_from
from msops.web.security import check_csrf
from msops.web.session import OPERATIONAL, Viewer, allow, engine_of

router = APIRouter(prefix="/api/casework", tags=["casework"])
Operational = Annotated[Viewer, Depends(allow(OPERATIONAL))]
Setter = Annotated[Viewer, Depends(allow(SETTERS))]
Csrf = Annotated[str | None, Header(alias="X-CSRF-Token")]
FILE = {**ERRORS, 200: {"description": "The file"}}


class LibraryIn(BaseModel):
    purpose: str = Field("", max_length=500, description="Why (recorded in the audit trail)")
    recipient: str = Field("", max_length=200, description="Who will receive it")
    format: cm.LibraryFormat = "csv"


class LessonsSummaryIn(BaseModel):
    quarter: str = Field("", max_length=7, description="YYYY-Qn")
    purpose: str = Field("", max_length=500, description="Why (recorded in the audit trail)")
    recipient: str = Field("", max_length=200, description="Who will receive it")
    format: cm.LessonsFormat = "html"


@router.post("/orders/library", responses=FILE)
def api_library(
    request: Request, viewer: Operational, body: LibraryIn, csrf: Csrf = None
) -> Response:
    """The anonymised reference library of the orders in scope (CSV or JSON); a disclosure."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        found = cm.library_file(conn, viewer.principal, body.format, body.purpose, body.recipient)
    return attachment(found)


@router.post("/lessons/summary", responses=FILE)
def api_lessons_summary(
    request: Request, viewer: Operational, body: LessonsSummaryIn, csrf: Csrf = None
) -> Response:
    """The quarter's lessons summary (HTML or Markdown, OFFICIAL-SENSITIVE); a disclosure."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        found = cm.lessons_file(
            conn, viewer.principal, body.quarter, body.format, body.purpose, body.recipient
        )
    return attachment(found)


@router.get("/europol/annual", response_model=list[dict[str, Any]], responses=ERRORS)
def api_europol_annual(
    request: Request,
    viewer: Operational,
    year: Annotated[int | None, Query(ge=1900, le=2999)] = None,
) -> Any:
    """The year's Europol checks, operational meetings and JITs per organisation in scope and
    in total (default: the year of the latest returns)."""
    with engine_of(request).connect() as conn:
        return annual(conn, viewer.principal, year or cm.default_year(conn))


@router.get("/peer-reviews/criteria", response_model=dict[str, Any], responses=ERRORS)
def api_review_criteria(viewer: Operational) -> Any:
    """The peer-review criteria and rating scale in force, with their version."""
    return cm.criteria_in_force()


@router.get("/nrm-settings", response_model=dict[str, Any], responses=ERRORS)
def api_settings(request: Request, viewer: Operational) -> Any:
    """The NRM rule settings in force (with their defaults) and every change, newest first."""
    with engine_of(request).connect() as conn:
        return jsonable({"settings": cm.settings_in_force(conn), "history": setting_history(conn)})


@router.post("/nrm-settings", response_model=Changed, responses=ERRORS)
def api_change_setting(request: Request, viewer: Setter, body: SettingIn, csrf: Csrf = None) -> Any:
    """Change one NRM rule setting (national analysts); returns its new version."""
    check_csrf(viewer.csrf_token, csrf)
    with engine_of(request).begin() as conn:
        return Changed(version=setting_from(conn, viewer.principal, body))
