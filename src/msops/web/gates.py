"""Who may use a route, and the parameters and error answers every router shares, declared once.

A route names its gate as the viewer's type (`viewer: Operational`): FastAPI then checks the
session and the role before the route runs (401 or a redirect to sign in; 403 for a role that
may not). The role sets are the policy; `docs/web.md` lists which role sees which page.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Form, Header, Path, Query

from msops.domain.principal import Role
from msops.web.session import Viewer, allow

OPERATIONAL = frozenset(
    {Role.NATIONAL_ANALYST, Role.REGIONAL_ANALYST, Role.FORCE_USER, Role.PARTNER_USER}
)
SUBMITTERS = frozenset({Role.NATIONAL_ANALYST, Role.FORCE_USER, Role.PARTNER_USER})
ADMINS = frozenset({Role.ADMIN})
EVERYONE = frozenset(r for r in Role if r != Role.SYSTEM)
# aggregate figures: the operational roles and a PCC (whose figures are disclosure-controlled)
OVERSEERS = OPERATIONAL | {Role.PCC}
REPORT_READERS = OVERSEERS
AUDIT_READERS = frozenset({Role.ADMIN, Role.NATIONAL_ANALYST})
REVIEWERS = frozenset({Role.NATIONAL_ANALYST, Role.REGIONAL_ANALYST})
PLANNERS = frozenset({Role.NATIONAL_ANALYST, Role.REGIONAL_ANALYST, Role.FORCE_USER})
SETTERS = frozenset({Role.NATIONAL_ANALYST})  # national rule settings (e.g. NRM deadlines)
# MoPI review: the operational roles see what is due in their scope; an organisation's own users
# (and national analysts) decide on its operations (the store checks the organisation)
RETENTION_READERS = OPERATIONAL
RETENTION_DECIDERS = SUBMITTERS
# a data subject's rights: searched, reported and acted on across every organisation, by the
# national team that answers subject access requests
SUBJECT_OFFICERS = frozenset({Role.NATIONAL_ANALYST})

Anyone = Annotated[Viewer, Depends(allow(EVERYONE))]
Operational = Annotated[Viewer, Depends(allow(OPERATIONAL))]
Overseer = Annotated[Viewer, Depends(allow(OVERSEERS))]
Submitter = Annotated[Viewer, Depends(allow(SUBMITTERS))]
Admin = Annotated[Viewer, Depends(allow(ADMINS))]
Reader = Annotated[Viewer, Depends(allow(REPORT_READERS))]
Auditor = Annotated[Viewer, Depends(allow(AUDIT_READERS))]
Reviewer = Annotated[Viewer, Depends(allow(REVIEWERS))]
Planner = Annotated[Viewer, Depends(allow(PLANNERS))]
Setter = Annotated[Viewer, Depends(allow(SETTERS))]
RetentionReader = Annotated[Viewer, Depends(allow(RETENTION_READERS))]
RetentionDecider = Annotated[Viewer, Depends(allow(RETENTION_DECIDERS))]
SubjectOfficer = Annotated[Viewer, Depends(allow(SUBJECT_OFFICERS))]

Csrf = Annotated[str | None, Header(alias="X-CSRF-Token")]  # the API's CSRF header
FormCsrf = Annotated[str, Form()]  # a page form's csrf_token field
OrgQuery = Annotated[str | None, Query(max_length=120)]
MonthQuery = Annotated[str | None, Query(max_length=7)]
RecordId = Annotated[int, Path(ge=1, le=2**31)]
Purpose = Annotated[str, Form(max_length=500)]
Recipient = Annotated[str, Form(max_length=200)]

# The API's error answers, as the OpenAPI schema documents them, and its list bodies.
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input"},
    401: {"description": "Not signed in"},
    403: {"description": "Outside the account's scope"},
    404: {"description": "No such thing in scope"},
}
Rows = list[dict[str, Any]]


def jsonable(value: Any) -> Any:
    """Rows as JSON: dates and times as ISO 8601 text."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value
