"""Reading operations across returns: lists with filters, and one operation month by month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from msops.domain.errors import AccessDenied, NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import canonical_organisation
from msops.domain.return_spec import VICTIM_COUNT_COLUMNS
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.operation_filter import OperationFilter as OperationFilter  # re-exported
from msops.store.operation_filter import conditions
from msops.store.scope import organisation_id, require_read, visible_organisations
from msops.store.subject_repo import restricted_clause

Row = dict[str, Any]


@dataclass
class OperationHistory:
    organisation: str
    ref: str
    months: list[Row] = field(default_factory=list)
    details: list[Row] = field(default_factory=list)
    nationalities: list[Row] = field(default_factory=list)
    nominals: list[Row] | None = None  # None: not requested or not allowed


@dataclass(frozen=True)
class MonthCoverage:
    """How many organisations have a current return for a month."""

    period: Period
    organisations: int


def month_coverage(conn: Connection) -> tuple[list[MonthCoverage], int]:
    """Per month with any current return, oldest first, how many organisations are in; and how
    many organisations have ever sent a return."""
    rv = s.return_version
    rows = conn.execute(
        select(rv.c.period, func.count(func.distinct(rv.c.organisation_id)))
        .where(rv.c.is_current)
        .group_by(rv.c.period)
        .order_by(rv.c.period)
    ).all()
    senders = conn.execute(select(func.count(func.distinct(rv.c.organisation_id)))).scalar_one()
    return [MonthCoverage(Period.parse(p), int(n)) for p, n in rows], int(senders)


def latest_period(conn: Connection) -> Period | None:
    """The month the national picture stands at: the latest in which at least half of the
    organisations that send returns have one in. A later month that a few early submitters
    have started is partial (`partial_periods`) and is not the default anywhere."""
    return settled_period(*month_coverage(conn))


def settled_period(months: Sequence[MonthCoverage], senders: int) -> Period | None:
    """`latest_period` from a `month_coverage` already read."""
    settled = [m.period for m in months if 2 * m.organisations >= senders]
    return settled[-1] if settled else None


def partial_periods(conn: Connection) -> list[MonthCoverage]:
    """Months after `latest_period` for which some organisations have already sent a return."""
    return partial_months(*month_coverage(conn))


def partial_months(months: Sequence[MonthCoverage], senders: int) -> list[MonthCoverage]:
    """`partial_periods` from a `month_coverage` already read."""
    latest = settled_period(months, senders)
    return [m for m in months if latest is None or m.period > latest]


def _victims() -> ColumnElement[int]:
    om = s.operation_month
    total: ColumnElement[int] = om.c[VICTIM_COUNT_COLUMNS[0]]
    for name in VICTIM_COUNT_COLUMNS[1:]:
        total = total + om.c[name]
    return total


# Built once: an alias copies every column of the table, a cost paid per request otherwise.
_LEAD = s.organisation.alias("lead")
_LIST_COLUMNS = (
    s.organisation.c.short_name.label("organisation"),
    s.organisation.c.region,
    s.operation.c.ref,
    s.operation_month.c.operation_name.label("name"),
    _LEAD.c.short_name.label("lead_org"),
    s.operation_month.c.status,
    s.operation_month.c.opened_date,
    s.operation_month.c.closed_date,
    s.operation_month.c.primary_category,
    s.operation_month.c.primary_type,
    _victims().label("victims"),
    s.operation_month.c.suspects,
    s.operation_month.c.arrests,
    s.operation_month.c.charges,
)


def _list_query(
    principal: Principal,
    flt: OperationFilter,
    period: Period,
    search: str | None,
    columns: tuple[Any, ...] = _LIST_COLUMNS,
) -> Select[Any]:
    om, op, org = s.operation_month, s.operation, s.organisation
    query = (
        select(*columns)
        .select_from(om)
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .where(om.c.is_current, om.c.period == str(period), visible_organisations(principal, org))
    )
    if columns is _LIST_COLUMNS:
        query = query.join(_LEAD, _LEAD.c.id == om.c.lead_org_id)
    query = query.where(*conditions(flt))
    needle = (search or "").strip()
    if needle:
        # Case-insensitive substring of the reference or the name (ASCII case only on SQLite).
        query = query.where(
            op.c.ref.icontains(needle, autoescape=True)
            | om.c.operation_name.icontains(needle, autoescape=True)
        )
    return query


def _check_may_list(principal: Principal) -> None:
    if not principal.may_see_personal_data and principal.role.value == "admin":
        raise AccessDenied("administrators have no access to operational data")


def list_operations(
    conn: Connection,
    principal: Principal,
    flt: OperationFilter,
    *,
    search: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Row]:
    """Operations in a month's current returns, within the principal's scope.

    `search` keeps those whose reference or name contains it (case-insensitive); `limit` and
    `offset` page through the list in its order (organisation, then reference).
    """
    _check_may_list(principal)
    period = flt.period or latest_period(conn)
    if period is None:
        return []
    org, op, om = s.organisation, s.operation, s.operation_month
    order = (org.c.short_name, op.c.ref)
    query = _list_query(principal, flt, period, search).order_by(*order)
    if limit is not None or offset:
        # The page's rows are chosen through the covering index first (ids only), then only
        # those rows are read whole: a later page no longer reads every row before it.
        page = _list_query(principal, flt, period, search, columns=(om.c.id,))
        ids = conn.execute(page.order_by(*order).limit(limit).offset(offset)).scalars().all()
        query = query.where(om.c.id.in_(ids))
    result = conn.execute(query)
    names, label = ("period", *result.keys()), str(period)
    return [dict(zip(names, (label, *row), strict=True)) for row in result]


def count_operations(
    conn: Connection, principal: Principal, flt: OperationFilter, *, search: str | None = None
) -> int:
    """How many operations `list_operations` would return without a limit."""
    _check_may_list(principal)
    period = flt.period or latest_period(conn)
    if period is None:
        return 0
    # Every current operation-month has its lead organisation (a NOT NULL foreign key), so the
    # count needs neither that join nor the listed columns.
    query = _list_query(principal, flt, period, search, columns=(func.count(),))
    return int(conn.execute(query).scalar_one())


def operation_history(
    conn: Connection,
    principal: Principal,
    org_name: str,
    ref: str,
    nominals_purpose: str | None = None,
) -> OperationHistory:
    """One operation, month by month from its current returns; nominals only with a purpose."""
    org_name = canonical_organisation(org_name).short_name  # one name however it was spelt
    org_id = organisation_id(conn, org_name)
    require_read(conn, principal, org_id)
    op = s.operation
    op_row = conn.execute(
        select(op.c.id).where(op.c.organisation_id == org_id, op.c.ref == ref)
    ).first()
    if op_row is None:
        raise NotFound(f"{org_name} has no operation with reference {ref!r}")
    history = OperationHistory(organisation=org_name, ref=ref)
    om = s.operation_month
    months = (
        conn.execute(
            select(om).where(om.c.operation_id == op_row.id, om.c.is_current).order_by(om.c.period)
        )
        .mappings()
        .all()
    )
    history.months = [dict(m) for m in months]
    if not months:
        return history
    latest_id = months[-1]["id"]
    history.details = _rows(conn, s.operation_detail, latest_id, ("detail", "value"))
    history.nationalities = _rows(
        conn, s.operation_nationality, latest_id, ("grp", "nationality", "count")
    )
    if nominals_purpose is not None:
        history.nominals = _nominals(
            conn, principal, latest_id, f"{org_name}/{ref}", nominals_purpose
        )
    return history


def _rows(conn: Connection, table: Any, month_id: int, cols: Sequence[str]) -> list[Row]:
    rows = (
        conn.execute(
            select(*(table.c[c] for c in cols))
            .where(table.c.operation_month_id == month_id)
            .order_by(table.c.id)
        )
        .mappings()
        .all()
    )
    return [dict(r) for r in rows]


def _nominals(
    conn: Connection, principal: Principal, month_id: int, ref: str, purpose: str
) -> list[Row]:
    if not principal.may_see_personal_data:
        raise AccessDenied(f"{principal.describe()} may not see personal data")
    if not purpose.strip():
        raise AccessDenied("say why you need to see the nominals: give a purpose")
    nm, idf, om, op = s.nominal, s.identifier, s.operation_month, s.operation
    # A nominal whose processing is restricted (msops subject restrict) is shown only to the
    # organisation that holds it.
    holder = principal.organisation == ref.partition("/")[0]
    query = (
        select(nm)
        .join(om, om.c.id == nm.c.operation_month_id)
        .join(op, op.c.id == om.c.operation_id)
        .where(nm.c.operation_month_id == month_id)
        .order_by(nm.c.id)
    )
    if not holder:
        query = query.where(~restricted_clause(op, nm))
    people = [dict(r) for r in conn.execute(query).mappings()]
    by_id = {p["id"]: p for p in people}
    for p in people:
        p["identifiers"] = []
    if by_id:
        for r in conn.execute(
            select(idf).where(idf.c.nominal_id.in_(list(by_id))).order_by(idf.c.id)
        ):
            by_id[r.nominal_id]["identifiers"].append({"kind": r.kind, "value": r.value_norm})
    record(
        conn,
        principal,
        AuditEntry(
            Action.CONSULTATION,
            "nominals",
            ref,
            purpose=purpose,
            detail=f"{len(people)} nominals viewed",
        ),
    )
    return people


@dataclass(frozen=True)
class ReturnStatus:
    organisation: str
    name: str
    kind: str
    region: str | None
    version: int | None
    submitted_at: Any
    submitted_by: str | None
    n_operations: int | None


def return_status(conn: Connection, principal: Principal, period: Period) -> list[ReturnStatus]:
    """Every organisation in scope, with its current return for the month or none."""
    org, rv = s.organisation, s.return_version
    rows = conn.execute(
        select(org, rv.c.version, rv.c.submitted_at, rv.c.submitted_by, rv.c.n_operations)
        .outerjoin(
            rv,
            (rv.c.organisation_id == org.c.id) & (rv.c.period == str(period)) & rv.c.is_current,
        )
        .where(visible_organisations(principal, org))
        .order_by(org.c.kind, org.c.name)
    ).all()
    return [
        ReturnStatus(
            r.short_name,
            r.name,
            r.kind,
            r.region,
            r.version,
            r.submitted_at,
            r.submitted_by,
            r.n_operations,
        )
        for r in rows
    ]


def consult_operation(
    conn: Connection,
    principal: Principal,
    org_name: str,
    ref: str,
    nominals_purpose: str | None = None,
) -> OperationHistory:
    """One operation month by month, its view recorded as a consultation (s.62)."""
    if not principal.may_see_personal_data and not principal.sees_everything:
        # PCC and admin: operation detail (free text, dates, nationalities) is not aggregate.
        raise AccessDenied(f"{principal.describe()} may not see an operation's detail")
    history = operation_history(conn, principal, org_name, ref, nominals_purpose)
    record(
        conn,
        principal,
        AuditEntry(
            Action.CONSULTATION,
            "operation",
            f"{history.organisation}/{ref}",
            detail=f"{len(history.months)} months viewed",
        ),
    )
    return history
