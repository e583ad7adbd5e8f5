"""What a return is checked against: what the database holds of the organisation's other months.

Read before a return is validated, and again under the return's lock before it is stored (a
difference means it is validated again). Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Connection, func, select

from msops.domain.content import Earlier, FollowingReturn, PreviousReturn, PriorState
from msops.domain.periods import Period
from msops.domain.return_spec import CUMULATIVE_COLUMNS, FIXED_COLUMNS, LIVE_STATUSES
from msops.store import schema as s

_CHUNK = 500  # references per IN (...) list


def earlier(conn: Connection, org_id: int, period: Period, refs: Sequence[str]) -> Earlier:
    """Everything a return of the organisation for `period`, listing the operations `refs`, is
    checked against: their latest earlier months, the organisation's previous return and its
    next one (when a later month is held), and the references it (and, when it uses none of
    them, the organisations it does use) has used."""
    own = _refs_of(conn, org_id)
    others: dict[str, frozenset[str]] = {}
    if own and not own.intersection(refs):
        others = _others_refs(conn, org_id, refs)
    return Earlier(
        prior=prior_states(conn, org_id, period, refs),
        previous=previous_return(conn, org_id, period),
        own_refs=own,
        others_refs=others,
        following=following_return(conn, org_id, period, refs),
    )


def held_mark(conn: Connection) -> tuple[int, int]:
    """A mark of the returns held: the newest version's id and how many versions there are.
    Operations and their months are written only with a new version (which also supersedes the
    old one), and versions are never edited, so while the mark is the same, `earlier` reads the
    same: a submission need not read it again under its lock."""
    rv = s.return_version
    newest, count = conn.execute(select(func.max(rv.c.id), func.count(rv.c.id))).one()
    return int(newest or 0), int(count)


def previous_return(conn: Connection, org_id: int, period: Period) -> PreviousReturn | None:
    """The organisation's current return for the latest month before `period`, if any."""
    rv, om, op = s.return_version, s.operation_month, s.operation
    found = conn.execute(
        select(rv.c.id, rv.c.period)
        .where(rv.c.organisation_id == org_id, rv.c.period < str(period), rv.c.is_current)
        .order_by(rv.c.period.desc())
        .limit(1)
    ).first()
    if found is None:
        return None
    live = conn.execute(
        select(op.c.ref)
        .join(om, om.c.operation_id == op.c.id)
        .where(om.c.return_version_id == found.id, om.c.status.in_(LIVE_STATUSES))
    ).scalars()
    return PreviousReturn(Period.parse(found.period), frozenset(live))


def _refs_of(conn: Connection, org_id: int) -> frozenset[str]:
    op = s.operation
    return frozenset(conn.execute(select(op.c.ref).where(op.c.organisation_id == org_id)).scalars())


def _others_refs(conn: Connection, org_id: int, refs: Sequence[str]) -> dict[str, frozenset[str]]:
    """For each other organisation that has used one of `refs`: every reference it has used."""
    op, org = s.operation, s.organisation
    owners: set[int] = set()
    for start in range(0, len(refs), _CHUNK):
        owners.update(
            conn.execute(
                select(op.c.organisation_id).where(
                    op.c.ref.in_(refs[start : start + _CHUNK]), op.c.organisation_id != org_id
                )
            ).scalars()
        )
    found: dict[str, set[str]] = {}
    if owners:
        rows = conn.execute(
            select(org.c.short_name, op.c.ref)
            .join(org, org.c.id == op.c.organisation_id)
            .where(op.c.organisation_id.in_(sorted(owners)))
        )
        for row in rows:
            found.setdefault(row.short_name, set()).add(row.ref)
    return {name: frozenset(used) for name, used in found.items()}


def prior_states(
    conn: Connection, org_id: int, period: Period, refs: Sequence[str]
) -> dict[str, PriorState]:
    """For the operations `refs` of the organisation, what their latest return before `period`
    said (only those are needed: the rules compare a return's operations with their past)."""
    states: dict[str, PriorState] = {}
    names: dict[int, str] = {}
    for start in range(0, len(refs), _CHUNK):
        chunk = _prior_chunk(conn, org_id, period, refs[start : start + _CHUNK], names)
        states.update(chunk)
    return states


def _prior_chunk(
    conn: Connection, org_id: int, period: Period, refs: Sequence[str], names: dict[int, str]
) -> dict[str, PriorState]:
    om, op = s.operation_month, s.operation
    found = conn.execute(
        select(op.c.id, op.c.ref).where(op.c.organisation_id == org_id, op.c.ref.in_(refs))
    )
    ids: dict[int, str] = {row.id: row.ref for row in found}
    if not ids:
        return {}
    if not names:
        names.update({i: name for name, i in _org_ids(conn).items()})
    states = _states(conn, ids, om.c.period == str(period.previous()), names)
    missing = {i: ref for i, ref in ids.items() if ref not in states}
    if missing:  # not in last month's return: a gap, or months given out of order
        states.update(_states(conn, missing, om.c.period < str(period), names))
    return states


def _states(
    conn: Connection, ids: dict[int, str], when: ColumnElement[bool], names: dict[int, str]
) -> dict[str, PriorState]:
    """The latest current month matching `when` of each operation in `ids`, by reference;
    `names`: organisation id -> short name."""
    om = s.operation_month
    cols = [
        om.c.operation_id,
        om.c.period,
        om.c.status,
        om.c.closed_date,
        om.c.opened_date,
        om.c.primary_category,
        om.c.lead_org_id,
        *(om.c[n] for n in CUMULATIVE_COLUMNS),
    ]
    # Each operation's own months, through the (operation_id, is_current, period) index: left
    # to itself SQLite prefers the trend index and reads every earlier month of the country.
    rows = conn.execute(
        select(*cols)
        .with_hint(om, "INDEXED BY ix_operation_month_held", "sqlite")
        .where(om.c.operation_id.in_(list(ids)), om.c.is_current, when)
        .order_by(om.c.operation_id, om.c.period)
    ).all()
    states: dict[str, PriorState] = {}
    for row in rows:  # in period order, so the last one kept is the latest
        states[ids[row.operation_id]] = PriorState(
            period=Period.parse(row.period),
            status=row.status,
            closed_date=row.closed_date,
            cumulative={n: getattr(row, n) for n in CUMULATIVE_COLUMNS},
            fixed={
                "opened_date": row.opened_date,
                "lead_org": names.get(row.lead_org_id),
                "primary_category": row.primary_category,
            },
        )
    return states


def following_return(
    conn: Connection, org_id: int, period: Period, refs: Sequence[str]
) -> FollowingReturn | None:
    """The organisation's earliest current return for a month after `period`, if any: which of
    its operations the current version of `period` lists too, and what it says of the fixed
    columns of the operations `refs` (leaving out a column its row corrects)."""
    rv, om, op = s.return_version, s.operation_month, s.operation
    found = conn.execute(
        select(rv.c.id, rv.c.period)
        .where(rv.c.organisation_id == org_id, rv.c.period > str(period), rv.c.is_current)
        .order_by(rv.c.period)
        .limit(1)
    ).first()
    if found is None:
        return None
    this = select(rv.c.id).where(
        rv.c.organisation_id == org_id, rv.c.period == str(period), rv.c.is_current
    )
    this_month = select(om.c.operation_id).where(om.c.return_version_id.in_(this))
    held = conn.execute(
        select(op.c.ref)
        .join(om, om.c.operation_id == op.c.id)
        .where(om.c.return_version_id == found.id, om.c.operation_id.in_(this_month))
    ).scalars()
    names = {i: name for name, i in _org_ids(conn).items()}
    fixed: dict[str, dict[str, object]] = {}
    for start in range(0, len(refs), _CHUNK):
        rows = conn.execute(
            select(
                op.c.ref, om.c.opened_date, om.c.primary_category, om.c.lead_org_id, om.c.correction
            )
            .join(om, om.c.operation_id == op.c.id)
            .where(om.c.return_version_id == found.id, op.c.ref.in_(refs[start : start + _CHUNK]))
        )
        for row in rows:
            values = {
                "opened_date": row.opened_date,
                "lead_org": names.get(row.lead_org_id),
                "primary_category": row.primary_category,
            }
            corrected = set((row.correction or "").replace(" ", "").split(";"))
            fixed[row.ref] = {c: values[c] for c in FIXED_COLUMNS if c not in corrected}
    return FollowingReturn(Period.parse(found.period), frozenset(held), fixed)


def _org_ids(conn: Connection) -> dict[str, int]:
    org = s.organisation
    return {r.short_name: r.id for r in conn.execute(select(org.c.short_name, org.c.id))}
