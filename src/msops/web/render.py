"""Rendering pages: one Jinja2 environment over the package's templates, autoescaped."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from msops.domain.marking import OFFICIAL_SENSITIVE
from msops.domain.principal import Role
from msops.domain.reference import detail_label, label_of
from msops.web.gates import ADMINS, OPERATIONAL, RETENTION_READERS, SUBJECT_OFFICERS, SUBMITTERS
from msops.web.session import Viewer

MARKING = OFFICIAL_SENSITIVE  # every page carries it

_env = Environment(
    loader=PackageLoader("msops.web", "templates"),
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    auto_reload=False,  # templates ship in the package: no stat() of each file per request
)


def _labels(joined: Any, list_name: str) -> str:
    """Each of the values a register joins with ", " as a person reads it (AL, PL -> Albania,
    Poland); one value as `label` does."""
    if joined is None or joined == "":
        return ""
    return ", ".join(label_of(list_name, part) for part in str(joined).split(", "))


# Labels, not codes, where a person reads: {{ r.status | label("status") }}.
_env.filters["label"] = lambda code, list_name: label_of(list_name, code)
_env.filters["labels"] = _labels
_env.filters["detail_label"] = lambda value, detail: detail_label(detail, value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _figure(cell: str) -> str:
    """A released figure for reading: 1234 as 1,234; "[c]" and words unchanged."""
    return f"{int(cell):,}" if cell.isdigit() else cell


_env.filters["text"] = _text
_env.filters["figure"] = _figure


def nav(viewer: Viewer | None) -> list[tuple[str, str]]:
    if viewer is None:
        return []
    role = viewer.user.role
    links = [("/", "Dashboard")]
    if role in OPERATIONAL:
        links += [
            ("/operations", "Operations"),
            ("/threads", "Threads"),
            ("/returns/status", "Returns"),
            ("/performance", "Performance"),
        ]
    if role in SUBMITTERS:
        links.append(("/returns/upload", "Upload a return"))
    if role in OPERATIONAL:
        links.append(("/returns/export", "Export"))
    if role in OPERATIONAL or role == Role.PCC:
        links += [
            ("/map", "Map"),
            ("/casework", "Casework"),
            ("/reports", "Reports"),
            ("/profile", "Profiles"),
        ]
    if role in RETENTION_READERS:
        links.append(("/retention", "Review due"))
    if role in SUBJECT_OFFICERS:
        links.append(("/subject", "Subject rights"))
    if role in ADMINS:
        links.append(("/accounts", "Accounts"))
    if role in ADMINS or role == Role.NATIONAL_ANALYST:
        links.append(("/audit", "Audit"))
    return links


# Where a kept block's forms take the viewer's CSRF token: markup no data can produce (every
# value drawn into a page is escaped, "<" included).
_CSRF_HOLE = Markup("<csrf-token>")


def main_block(template: str, **context: Any) -> Markup:
    """`template`'s main block rendered alone, to be kept and reused by `kept_page` for every
    viewer with the same scope: it sees only `context`, nothing of the viewer (no name, no
    navigation; its forms' CSRF token is left for `kept_page` to fill in)."""
    found = _env.get_template(template)
    context = {"csrf_token": _CSRF_HOLE, "Role": Role, **context}
    return Markup("".join(found.blocks["main"](found.new_context(context))))


def kept_page(request: Request, viewer: Viewer, title: str, main: Markup) -> HTMLResponse:
    """A page around a main block kept from `main_block`: the viewer's navigation, marking
    and CSRF token are drawn anew, the block is not."""
    main = main.replace(_CSRF_HOLE, viewer.csrf_token)
    return page(request, "kept.html", viewer, title=title, main=main)


def page(
    request: Request,
    template: str,
    viewer: Viewer | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    html = _env.get_template(template).render(
        marking=MARKING,
        viewer=viewer,
        csrf_token=viewer.csrf_token if viewer else context.pop("csrf_token", ""),
        nav=nav(viewer),
        path=request.url.path,
        Role=Role,
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
