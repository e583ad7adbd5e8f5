"""The thematic profile page: a theme's operations against the national baseline.

`GET /profile` shows the form and, when filters (or a saved theme) are given, the profile itself
(a consultation); `POST /profile/download` writes it as HTML, PDF or a ZIP of its tables (a
disclosure, with purpose and recipient). The filters are categories, never a person: they may
sit in the query string.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from msops.analytics.headline import Area
from msops.analytics.tables import Audience
from msops.domain.errors import InvalidInput
from msops.domain.principal import Role
from msops.domain.profile import Filters, Group
from msops.domain.reference import REGIONS, code_lists, nationalities, organisations, typology
from msops.store.profile_repo import SavedTheme, find_theme, list_themes, save_theme
from msops.web.gates import Operational, Purpose, Reader, Recipient
from msops.web.profile import ProfileAsk, ProfileFormat, download_profile, show_profile
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.session import Viewer, engine_of

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Query(max_length=120)]
Month = Annotated[str, Query(max_length=7)]
FIELDS = ("nationality", "group", "exploitation", "sector", "location", "region", "org")


def _choices(viewer: Viewer) -> dict[str, object]:
    role = viewer.user.role
    if role == Role.NATIONAL_ANALYST:
        orgs = [o.short_name for o in organisations()]
    elif role == Role.REGIONAL_ANALYST:
        orgs = [o.short_name for o in organisations() if o.region == viewer.user.region]
    else:
        orgs = []
    return {
        "nationalities": [n.label for n in nationalities()],
        "categories": code_lists()["exploitation_category"],
        "types": typology(),
        "sectors": code_lists()["sector"],
        "groups": [g.value for g in Group],
        "regions": REGIONS if role == Role.NATIONAL_ANALYST else [],
        "organisations": orgs,
    }


def _saved(request: Request, viewer: Viewer) -> list[SavedTheme]:
    if viewer.user.role == Role.PCC:
        return []
    with engine_of(request).connect() as conn:
        return list_themes(conn, viewer.principal)


@router.get("/profile")
def profile_page(
    request: Request,
    viewer: Reader,
    nationality: Text = "",
    group: Text = Group.EITHER.value,
    children: Text = "",
    exploitation: Text = "",
    sector: Text = "",
    location: Text = "",
    region: Text = "",
    org: Text = "",
    first: Annotated[str, Query(alias="from", max_length=7)] = "",
    last: Annotated[str, Query(alias="to", max_length=7)] = "",
    theme: Text = "",
) -> Response:
    form = {
        "nationality": nationality,
        "group": group,
        "children": children,
        "exploitation": exploitation,
        "sector": sector,
        "location": location,
        "region": region,
        "org": org,
        "from": first,
        "to": last,
    }
    saved, doc, error = _saved(request, viewer), None, ""
    try:
        if theme:
            with engine_of(request).connect() as conn:
                saved_theme = find_theme(conn, viewer.principal, theme)
            form |= _as_form(saved_theme.definition)
        filters = Filters.of(form)
        if filters.given or theme:
            ask = ProfileAsk(filters, form["from"] or None, form["to"] or None)
            doc = show_profile(engine_of(request), viewer.principal, ask)
    except InvalidInput as err:
        error = str(err)
    return page(
        request,
        "profile.html",
        viewer,
        status_code=400 if error else 200,
        form={k: ("" if v is None else str(v)) for k, v in form.items()},
        children_checked=Filters.of(form).children,
        doc=doc,
        body=doc.body() if doc else "",
        error=error,
        saved=saved,
        pcc=viewer.user.role == Role.PCC,
        **_choices(viewer),
    )


def _as_form(definition: dict[str, str | bool | None]) -> dict[str, str]:
    """A saved theme's filters as the form's fields."""
    return {
        k: ("on" if v is True else "" if v in (None, False) else str(v))
        for k, v in definition.items()
        if k in (*FIELDS, "children")
    }


def _posted(
    nationality: Annotated[str, Form(max_length=120)] = "",
    group: Annotated[str, Form(max_length=10)] = Group.EITHER.value,
    children: Annotated[str, Form(max_length=5)] = "",
    exploitation: Annotated[str, Form(max_length=120)] = "",
    sector: Annotated[str, Form(max_length=120)] = "",
    location: Annotated[str, Form(max_length=10)] = "",
    region: Annotated[str, Form(max_length=40)] = "",
    org: Annotated[str, Form(max_length=120)] = "",
) -> Filters:
    """The filters a profile's forms post (the page's hidden fields)."""
    words = {"nationality": nationality, "group": group, "children": children}
    words |= {"exploitation": exploitation, "sector": sector, "location": location}
    return Filters.of(words | {"region": region, "org": org})


Posted = Annotated[Filters, Depends(_posted)]


@router.post("/profile/save")
def profile_save(
    request: Request,
    viewer: Operational,
    name: Annotated[str, Form(max_length=80)],
    csrf_token: Annotated[str, Form()],
    filters: Posted,
) -> Response:
    """Keep the profile's filters under a name the viewer's organisation, region or national
    team shares (as `msops report profile --save`); then show it by that name."""
    check_csrf(viewer.csrf_token, csrf_token)
    if not filters.given:
        raise InvalidInput("choose at least one filter before saving a theme")
    filters.theme(), Area.of(filters.region, filters.org)  # checked before it is kept
    with engine_of(request).begin() as conn:
        save_theme(conn, viewer.principal, name, filters.as_dict())
    return RedirectResponse(f"/profile?{urlencode({'theme': ' '.join(name.split())})}", 303)


@router.post("/profile/download")
def profile_download(
    request: Request,
    viewer: Reader,
    purpose: Purpose,
    recipient: Recipient,
    csrf_token: Annotated[str, Form()],
    filters: Posted,
    fmt: Annotated[ProfileFormat, Form(alias="format")] = ProfileFormat.PDF,
    audience: Annotated[Audience, Form()] = Audience.PUBLIC,
    first: Annotated[str, Form(alias="from", max_length=7)] = "",
    last: Annotated[str, Form(alias="to", max_length=7)] = "",
) -> Response:
    check_csrf(viewer.csrf_token, csrf_token)
    if not filters.given:
        raise InvalidInput("choose at least one filter for the profile")
    ask = ProfileAsk(filters, first or None, last or None)
    found = download_profile(
        engine_of(request), viewer.principal, ask, fmt, audience, purpose, recipient
    )
    return Response(
        found.data,
        media_type=found.media_type,
        headers={"content-disposition": f'attachment; filename="{found.filename}"'},
    )
