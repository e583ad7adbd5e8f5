"""What the debriefs register accepts, in the browser and the API: a debrief and a lesson. Each
has its input model, its cleaning into the store's call, and its form."""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy import Connection

from msops.domain.casework.debriefs import THEMES, Method
from msops.domain.casework.nrm_referrals import clean_enum
from msops.domain.errors import InvalidInput
from msops.domain.principal import Principal
from msops.domain.typed_text import require_date
from msops.store.casework.debriefs import add_debrief, add_lesson
from msops.web.casework.common import (
    NO_NAMES,
    Code,
    Day,
    Lines,
    Org,
    Prose,
    Ref,
    Text,
    enum_choices,
    go_to,
    org_defaults,
    org_input,
)
from msops.web.forms import FormSpec, Input, choices
from msops.web.session import Viewer

LESSONS = ("/casework/lessons", "Lessons")


class DebriefIn(BaseModel):
    org: Org = ""
    operation: Ref = ""
    method: Code = Field("", description=", ".join(m.value for m in Method))
    date: Day = ""
    findings: Prose = ""


def debrief_from(conn: Connection, principal: Principal, body: DebriefIn) -> int:
    return add_debrief(
        conn,
        principal,
        body.org,
        body.operation.strip(),
        clean_enum(Method, body.method, "method"),
        require_date(body.date, "date"),
        body.findings,
    )


class LessonIn(BaseModel):
    org: Org = ""
    title: Text = ""
    text: Prose = ""
    themes: Lines = []
    tags: Lines = []
    date: Day = ""
    debrief: Code = Field("", description="The number of the debrief it came from, if any")


def _debrief_id(text: str) -> int | None:
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise InvalidInput(f"debrief: {text[:20]!r} is not a debrief number")
    return int(text)


def lesson_from(conn: Connection, principal: Principal, body: LessonIn) -> int:
    return add_lesson(
        conn,
        principal,
        body.org,
        require_date(body.date, "date"),
        body.title,
        body.text,
        tuple(body.themes),
        tuple(body.tags),
        _debrief_id(body.debrief),
    )


def debrief_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Record a debrief",
        action="/casework/debriefs/new",
        fields=(
            org_input(viewer),
            Input("operation", "Operation reference", max_length=80),
            Input("method", "Method", "select", enum_choices(Method)),
            Input("date", "Debriefed on", "date", max_length=10),
            Input("findings", "Findings", "textarea", hint=NO_NAMES, max_length=20000),
        ),
        model=DebriefIn,
        apply=debrief_from,
        done=go_to("/casework/debriefs/records"),
        submit="Record the debrief",
        back=(("/casework", "Casework"), ("/casework/debriefs/records", "Debriefs")),
        defaults=org_defaults(viewer),
    )


def lesson_spec(viewer: Viewer) -> FormSpec:
    return FormSpec(
        title="Add a lesson",
        action="/casework/lessons/new",
        fields=(
            org_input(viewer),
            Input("title", "Title"),
            Input("text", "The lesson", "textarea", hint=NO_NAMES, max_length=20000),
            Input("themes", "Themes (choose one or more)", "multi", choices(THEMES)),
            Input("tags", "Tags, one per line", "lines", max_length=2000),
            Input("date", "Recorded on", "date", max_length=10),
            Input("debrief", "From debrief number (optional)", max_length=12),
        ),
        model=LessonIn,
        apply=lesson_from,
        done=lambda _body, lesson_id: f"/casework/lessons#lesson-{lesson_id}",
        submit="Add the lesson",
        back=(("/casework", "Casework"), LESSONS),
        defaults=org_defaults(viewer),
    )
