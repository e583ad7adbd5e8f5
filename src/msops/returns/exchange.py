"""Templates, prefilled templates and exports: stored returns written in the template's form."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from sqlalchemy import Engine

from msops.domain.content import ReturnContent, Row
from msops.domain.errors import NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import code_lists, find_organisation
from msops.domain.return_spec import DETAIL_CODES, LIVE_STATUSES, PARTS
from msops.returns.files import Format as Format  # re-exported for the web layer
from msops.returns.files import write_return
from msops.store.audit import Action, AuditEntry, record
from msops.store.returns_read import current_version_id, load_content

Cell = str | int | date | None


@cache
def _labels(list_name: str) -> dict[str, str]:
    return {c.code: c.label for c in code_lists()[list_name]}


def _label(list_name: str | None, code: object) -> Cell:
    if code is None or list_name is None:
        return code  # type: ignore[return-value]
    return _labels(list_name).get(str(code), str(code))


def display_rows(content: ReturnContent) -> dict[str, list[dict[str, Cell]]]:
    """The content as a person would type it: labels instead of codes, the columns of the spec."""
    out: dict[str, list[dict[str, Cell]]] = {}
    for part in PARTS:
        rows: list[dict[str, Cell]] = []
        for row in content.part(part.name):
            shown = {c.name: _label(c.codes, row.get(c.name)) for c in part.columns}
            if part.name == "details":
                shown["value"] = _label(DETAIL_CODES.get(str(row["detail"])), row["value"])
            rows.append(shown)
        out[part.name] = rows
    return out


def write_template(
    engine: Engine | None,
    principal: Principal,
    path: Path,
    fmt: Format,
    org_name: str | None,
    period: Period | None,
    prefill: bool,
) -> int:
    """A blank template, or with `prefill` the operations still live last month; returns rows."""
    org = find_organisation(org_name) if org_name else None
    if org_name and org is None:
        raise NotFound(f"no organisation is called {org_name!r}; `msops orgs` lists them")
    content = ReturnContent()
    if prefill:
        if org is None or period is None or engine is None:
            raise NotFound("--prefill needs --org and --period")
        content = _rolled_forward(engine, principal, org.short_name, period)
    write_return(
        path,
        fmt,
        display_rows(content),
        organisation=org.name if org else "",
        period=str(period) if period else "",
    )
    return len(content.operations)


def _rolled_forward(
    engine: Engine, principal: Principal, short_name: str, period: Period
) -> ReturnContent:
    previous = period.previous()
    with engine.begin() as conn:
        version_id = current_version_id(conn, principal, short_name, previous)
        if version_id is None:
            return ReturnContent()
        content = load_content(conn, version_id, with_nominals=principal.may_see_personal_data)
        record(
            conn,
            principal,
            AuditEntry(
                Action.DISCLOSURE,
                "return",
                f"{short_name}/{previous}",
                purpose="prefill the next monthly return",
                recipient=principal.name,
                detail=f"template prefill for {period}",
            ),
        )
    return roll_forward(content)


def roll_forward(content: ReturnContent) -> ReturnContent:
    """Last month's operations that are still live, ready to be updated for the new month."""
    live = {r["operation_ref"] for r in content.operations if r["status"] in LIVE_STATUSES}

    def keep(rows: list[Row]) -> list[Row]:
        return [dict(r) for r in rows if r["operation_ref"] in live]

    rolled = ReturnContent(
        operations=keep(content.operations),
        details=keep(content.details),
        nationalities=keep(content.nationalities),
        nominals=keep(content.nominals),
        identifiers=keep(content.identifiers),
    )
    for row in rolled.operations:
        row["status"] = "live"
        row["correction"] = None  # a correction is made once, in the month it is made
    return rolled


def export_return(
    engine: Engine,
    principal: Principal,
    path: Path,
    fmt: Format,
    org_name: str,
    period: Period,
    purpose: str | None = None,
    recipient: str | None = None,
) -> int:
    """Write the current version of a stored return in the template's form; returns rows.

    The export is a disclosure: audited with its purpose and recipient (default: the person
    exporting)."""
    org = find_organisation(org_name)
    if org is None:
        raise NotFound(f"no organisation is called {org_name!r}; `msops orgs` lists them")
    with engine.begin() as conn:
        version_id = current_version_id(conn, principal, org.short_name, period)
        if version_id is None:
            raise NotFound(f"{org.name} has no return for {period}")
        content = load_content(conn, version_id, with_nominals=principal.may_see_personal_data)
        record(
            conn,
            principal,
            AuditEntry(
                Action.DISCLOSURE,
                "return",
                f"{org.short_name}/{period}",
                purpose=purpose,
                recipient=recipient or principal.name,
                detail=f"export as {fmt} ({len(content.nominals)} nominals)",
            ),
        )
        # Written inside the transaction: a failed write leaves no record of a disclosure.
        write_return(
            path,
            fmt,
            display_rows(content),
            organisation=org.name,
            period=str(period),
            nil=not content.operations,  # a stored return without operations is a nil return
        )
    return len(content.operations)
