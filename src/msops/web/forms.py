"""Server-rendered casework forms: a form is data (its fields, input model and register call).

`form_routes` gives a form its two routes (GET shows it, POST stores it) behind one role gate.

`show_form` renders it (prefilled from the query string, e.g. a link "record a check for this
operation"); `submit_form` checks the CSRF token, builds the input model from the posted
fields, calls the register in one transaction and redirects to a page that shows the entry.
Bad input re-renders the form with the values entered and the register's message (422; 404
when a named operation, order or referral is not found in scope, as the API answers); the
transaction is rolled back, so nothing is stored or audited. Refusals of scope stay 403.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from msops.domain.errors import AccessDenied, MsopsError, NotFound
from msops.domain.principal import Principal, Role
from msops.web.render import page
from msops.web.security import check_csrf
from msops.web.session import Viewer, allow, engine_of

Choices = tuple[tuple[str, str], ...]  # (value sent, label shown)
Apply = Callable[[Any, Principal, Any], int]  # (connection, principal, input model) -> result


@dataclass(frozen=True)
class Input:
    """One field. kind: text, date, datetime, textarea, lines (one entry per line), select,
    multi (several choices), checkbox."""

    name: str
    label: str
    kind: str = "text"
    choices: Choices = ()
    hint: str = ""
    max_length: int = 200


@dataclass(frozen=True)
class FormSpec:
    title: str
    action: str
    fields: tuple[Input, ...]
    model: type[BaseModel]
    apply: Apply
    done: Callable[[BaseModel, int], str]  # where to go once stored: a page showing the entry
    note: str = ""
    submit: str = "Save"
    back: tuple[tuple[str, str], ...] = (("/casework", "Casework"),)
    # from the posted values (text per field) to the model's input; default: field by field
    to_input: Callable[[dict[str, str]], dict[str, Any]] | None = None
    defaults: dict[str, str] = field(default_factory=dict)


def choices(values: tuple[str, ...] | list[str]) -> Choices:
    return tuple((v, v) for v in values)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def posted_values(spec: FormSpec, form: FormData) -> dict[str, str]:
    """The entered values as text, per field (lists one per line), to re-render or to parse."""
    values: dict[str, str] = {}
    for f in spec.fields:
        if f.kind in ("lines", "multi"):
            values[f.name] = "\n".join(_text(v) for v in form.getlist(f.name))
        else:
            values[f.name] = _text(form.get(f.name, ""))
    return values


def default_input(spec: FormSpec, values: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in spec.fields:
        value = values.get(f.name, "")
        out[f.name] = value.strip() != "" if f.kind == "checkbox" else value
    return out


def describe(err: ValidationError) -> str:
    """Which fields were wrong and why, without echoing any value (it may be personal data)."""
    parts = []
    for e in err.errors(include_input=False, include_url=False):
        where = ".".join(str(p) for p in e.get("loc", ())) or "form"
        parts.append(f"{where}: {e.get('msg', 'invalid')}")
    return "; ".join(parts)


def render_form(
    request: Request,
    viewer: Viewer,
    spec: FormSpec,
    values: dict[str, str],
    message: str | None = None,
    status: int = 200,
) -> Response:
    return page(
        request, "casework_form.html", viewer, status, spec=spec, values=values, message=message
    )


def show_form(request: Request, viewer: Viewer, spec: FormSpec) -> Response:
    """The empty form, prefilled from the spec's defaults and from the query string."""
    values = dict(spec.defaults)
    for f in spec.fields:
        given = request.query_params.get(f.name)
        if given is not None:
            values[f.name] = given[: f.max_length]
    return render_form(request, viewer, spec, values)


def _store(engine: Engine, principal: Principal, spec: FormSpec, body: BaseModel) -> int:
    with engine.begin() as conn:
        return spec.apply(conn, principal, body)


async def submit_form(request: Request, viewer: Viewer, spec: FormSpec) -> Response:
    form = await request.form()
    check_csrf(viewer.csrf_token, _text(form.get("csrf_token")))
    values = posted_values(spec, form)
    raw = spec.to_input(values) if spec.to_input else default_input(spec, values)
    try:
        body = spec.model.model_validate(raw)
        result = await run_in_threadpool(_store, engine_of(request), viewer.principal, spec, body)
    except ValidationError as err:
        return render_form(request, viewer, spec, values, describe(err), 422)
    except AccessDenied:
        raise
    except NotFound as err:  # as the API answers: an operation, order or referral not in scope
        return render_form(request, viewer, spec, values, str(err), 404)
    except MsopsError as err:  # bad input: say so on the form
        return render_form(request, viewer, spec, values, str(err), 422)
    return RedirectResponse(spec.done(body, result), status_code=303)


SpecFor = Callable[[Viewer], FormSpec]


def form_routes(router: APIRouter, path: str, roles: frozenset[Role], spec_for: SpecFor) -> None:
    """Add a form's page at `path`: GET shows it, POST stores it, both for `roles` only.

    This module does not use postponed annotations, so that the gate below is a real type
    FastAPI reads from the closures' signatures."""
    gate = Annotated[Viewer, Depends(allow(roles))]

    def show(request: Request, viewer: gate) -> Response:
        return show_form(request, viewer, spec_for(viewer))

    async def store(request: Request, viewer: gate) -> Response:
        return await submit_form(request, viewer, spec_for(viewer))

    name = path.strip("/").replace("/", "_").replace("-", "_")
    router.add_api_route(path, show, methods=["GET"], name=f"{name}_form")
    router.add_api_route(path, store, methods=["POST"], name=f"{name}_store")
