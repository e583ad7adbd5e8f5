"""What msops holds on one data subject, where it came from and to whom it went; and the
rectification of a nominal (DPA 2018 Part 3, ss.45-46).

The store reads and writes; deciding which nominals are the subject (names compared the way the
linkage compares them) is `msops.linkage.subjects`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, func, or_, select, tuple_, update

from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import canonical_organisation
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.casework import casework_order
from msops.store.schema.linkage import (
    link_cluster,
    link_member,
    link_pair,
    link_run,
    link_thread,
)
from msops.store.schema.subject import nominal_rectification, nominal_restriction

# The fields of a nominal that a data subject may have corrected, and how a value is read.
RECTIFIABLE = (
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "estimated_age",
    "gender",
    "nationality",
)
_MAX_AGE = 120
# The audit trail's object type of an export of every thread with its people.
THREAD_EXPORT = "link_threads"


@dataclass(frozen=True)
class NominalPerson:
    """What the search compares of one stored nominal (one row of one return version)."""

    nominal_id: int
    given_name: str | None
    family_name: str | None
    aliases: str | None
    date_of_birth: date | None
    estimated_age: int | None
    period: str


@dataclass
class HeldRecord:
    """One nominal as one return version holds it, with its provenance."""

    nominal_id: int
    organisation: str
    operation_ref: str
    nominal_ref: str
    period: str
    version: int
    current: bool
    submitted_at: datetime
    submitted_by: str
    source_name: str
    fields: dict[str, Any]
    identifiers: list[tuple[str, str]] = field(default_factory=list)
    threads: list[str] = field(default_factory=list)
    threads_since: datetime | None = None  # the start of the first run that threaded it
    matched_by: str = ""
    restricted: bool = False  # processing restricted (s.47(2))

    @property
    def operation(self) -> str:
        return f"{self.organisation}/{self.operation_ref}"

    @property
    def nominal(self) -> str:
        return f"{self.operation}/{self.nominal_ref}"


def people(conn: Connection) -> Iterator[NominalPerson]:
    """Every nominal in every stored return version (current and superseded), streamed."""
    nm, om = s.nominal, s.operation_month
    query = select(
        nm.c.id,
        nm.c.given_name,
        nm.c.family_name,
        nm.c.aliases,
        nm.c.date_of_birth,
        nm.c.estimated_age,
        om.c.period,
    ).join(om, om.c.id == nm.c.operation_month_id)
    # yield_per on the statement, not the connection: that would stream every later statement
    with conn.execute(query.execution_options(yield_per=5000)) as result:
        for row in result:
            yield NominalPerson(*row)


def nominals_with_identifier(conn: Connection, kind: str, value_norm: str) -> set[int]:
    idf = s.identifier
    query = select(idf.c.nominal_id).where(idf.c.kind == kind, idf.c.value_norm == value_norm)
    return set(conn.execute(query).scalars())


def _chunks(values: Sequence[int], size: int = 500) -> Iterator[Sequence[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def held_records(conn: Connection, matched: dict[int, str]) -> list[HeldRecord]:
    """The nominals `matched` (id -> how it matched), with their return's provenance,
    identifiers and golden threads; ordered by organisation, operation, nominal and version."""
    nm, om, rv, op, org = (
        s.nominal,
        s.operation_month,
        s.return_version,
        s.operation,
        s.organisation,
    )
    records: dict[int, HeldRecord] = {}
    ids = sorted(matched)
    for chunk in _chunks(ids):
        query = (
            select(
                nm,
                org.c.short_name,
                op.c.ref,
                om.c.period,
                rv.c.version,
                rv.c.is_current,
                rv.c.submitted_at,
                rv.c.submitted_by,
                rv.c.source_name,
                restricted_clause(op, nm).label("restricted"),
            )
            .join(om, om.c.id == nm.c.operation_month_id)
            .join(rv, rv.c.id == om.c.return_version_id)
            .join(op, op.c.id == om.c.operation_id)
            .join(org, org.c.id == op.c.organisation_id)
            .where(nm.c.id.in_(chunk))
        )
        for row in conn.execute(query).mappings():
            fields = {name: row[name] for name in ("role", *RECTIFIABLE)}
            records[row["id"]] = HeldRecord(
                row["id"],
                row["short_name"],
                row["ref"],
                row["nominal_ref"],
                row["period"],
                row["version"],
                bool(row["is_current"]),
                row["submitted_at"],
                row["submitted_by"],
                row["source_name"],
                fields,
                matched_by=matched[row["id"]],
                restricted=bool(row["restricted"]),
            )
        idf = s.identifier
        for r in conn.execute(
            select(idf.c.nominal_id, idf.c.kind, idf.c.value_norm)
            .where(idf.c.nominal_id.in_(chunk))
            .order_by(idf.c.id)
        ):
            records[r.nominal_id].identifiers.append((r.kind, r.value_norm))
        for m in conn.execute(
            select(link_member.c.nominal_id, link_thread.c.key, func.min(link_run.c.started_at))
            .join(link_cluster, link_cluster.c.id == link_member.c.cluster_id)
            .join(link_thread, link_thread.c.id == link_cluster.c.thread_id)
            .join(link_run, link_run.c.id == link_cluster.c.run_id)
            .where(link_member.c.nominal_id.in_(chunk))
            .group_by(link_member.c.nominal_id, link_thread.c.key)
            .order_by(link_thread.c.key)
        ):
            held = records[m.nominal_id]
            held.threads.append(m.key)
            since = m[2]
            held.threads_since = (
                since if held.threads_since is None else min(since, held.threads_since)
            )
    return sorted(
        records.values(),
        key=lambda h: (h.organisation, h.operation_ref, h.nominal_ref, h.period, h.version),
    )


def orders_for(conn: Connection, records: Iterable[HeldRecord]) -> list[dict[str, Any]]:
    """Casework orders whose subject is one of these nominals (organisation, operation and
    nominal references)."""
    org = s.organisation
    wanted = {(r.organisation, r.operation_ref, r.nominal_ref) for r in records}
    if not wanted:
        return []
    o = casework_order
    query = (
        select(
            org.c.short_name.label("organisation"),
            o.c.id,
            o.c.operation_ref,
            o.c.nominal_ref,
            o.c.order_type,
            o.c.court,
            o.c.made_on,
            o.c.expires_on,
            o.c.status,
        )
        .join(org, org.c.id == o.c.organisation_id)
        .where(tuple_(org.c.short_name, o.c.operation_ref, o.c.nominal_ref).in_(sorted(wanted)))
        .order_by(org.c.short_name, o.c.operation_ref, o.c.nominal_ref, o.c.id)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def disclosures_for(
    conn: Connection, refs: Iterable[str], thread_exports: bool = False
) -> list[dict[str, Any]]:
    """Disclosures in the audit trail whose object is one of `refs` ("Cleveland/OP-1" or a
    return, "Cleveland/2018-03") or lies within one ("Cleveland/OP-1/N1"), and with
    `thread_exports` every export of golden threads (`msops link export`), oldest first."""
    a = s.audit_event
    refs = sorted(set(refs))
    if not refs:
        return []
    covers = [a.c.object_ref == ref for ref in refs] + [
        a.c.object_ref.startswith(ref + "/", autoescape=True) for ref in refs
    ]
    if thread_exports:
        covers.append(a.c.object_type == THREAD_EXPORT)
    query = (
        select(
            a.c.seq,
            a.c.at,
            a.c.actor,
            a.c.object_type,
            a.c.object_ref,
            a.c.purpose,
            a.c.recipient,
            a.c.detail,
        )
        .where(a.c.action == Action.DISCLOSURE.value, or_(*covers))
        .order_by(a.c.seq)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


# --- rectification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NominalRef:
    organisation: str
    operation_ref: str
    nominal_ref: str

    @classmethod
    def parse(cls, text: str) -> NominalRef:
        """ORG/OPERATION/NOMINAL; the organisation in any of its names."""
        parts = text.split("/")
        if len(parts) < 3 or not all(p.strip() for p in parts):
            raise InvalidInput("a nominal is written ORGANISATION/OPERATION/NOMINAL")
        org = canonical_organisation(parts[0].strip()).short_name
        return cls(org, "/".join(parts[1:-1]).strip(), parts[-1].strip())

    def __str__(self) -> str:
        return f"{self.organisation}/{self.operation_ref}/{self.nominal_ref}"


def field_value(name: str, text: str) -> object:
    """A rectified value as the column stores it; "" clears the field. Messages never repeat
    the value."""
    if name not in RECTIFIABLE:
        raise InvalidInput(f"--field must be one of: {', '.join(RECTIFIABLE)}")
    value = text.strip()
    if not value:
        return None
    if name == "date_of_birth":
        try:
            born = date.fromisoformat(value)
        except ValueError:
            raise InvalidInput("date_of_birth is written YYYY-MM-DD") from None
        if born > date.today():
            raise InvalidInput("date_of_birth is after today")
        return born
    if name == "estimated_age":
        if not value.isdigit() or int(value) > _MAX_AGE:
            raise InvalidInput(f"estimated_age is a whole number of years, 0 to {_MAX_AGE}")
        return int(value)
    column = s.nominal.c[name]
    length = getattr(column.type, "length", None)
    if length is not None and len(value) > length:
        raise InvalidInput(f"{name} is longer than {length} characters")
    return value


@dataclass(frozen=True)
class Rectified:
    nominal: NominalRef
    field: str
    period: str
    version: int
    changed: bool


def _stored(value: object) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def rectify(
    conn: Connection,
    principal: Principal,
    ref: NominalRef,
    name: str,
    text: str,
    reason: str,
    period: Period | None = None,
) -> Rectified:
    """Correct one field of a nominal in the current return of its latest month (or of
    `period`), keeping the value it replaces in `nominal_rectification`; recorded as an
    ALTERATION with the reason. Inside the caller's transaction."""
    if not principal.may_see_personal_data:
        raise AccessDenied(f"{principal.describe()} may not change personal data")
    if not reason.strip():
        raise InvalidInput("say why the record is rectified (--reason)")
    value = field_value(name, text)
    nm, om, op, org, rv = (
        s.nominal,
        s.operation_month,
        s.operation,
        s.organisation,
        s.return_version,
    )
    query = (
        select(nm.c.id, nm.c[name].label("old"), om.c.period, rv.c.version)
        .join(om, om.c.id == nm.c.operation_month_id)
        .join(rv, rv.c.id == om.c.return_version_id)
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .where(
            org.c.short_name == ref.organisation,
            op.c.ref == ref.operation_ref,
            nm.c.nominal_ref == ref.nominal_ref,
            om.c.is_current,
        )
        .order_by(om.c.period.desc())
    )
    if period is not None:
        query = query.where(om.c.period == str(period))
    row = conn.execute(query).first()
    if row is None:
        where = f" in {period}" if period else ""
        raise NotFound(f"no current return holds nominal {ref}{where}")
    changed = _stored(row.old) != _stored(value)
    if changed:
        conn.execute(
            nominal_rectification.insert().values(
                nominal_id=row.id,
                field=name,
                old_value=_stored(row.old),
                reason=reason.strip(),
                rectified_by=principal.name,
                rectified_at=datetime.now(UTC).replace(tzinfo=None),
            )
        )
        conn.execute(update(nm).where(nm.c.id == row.id).values({name: value}))
        record(
            conn,
            principal,
            AuditEntry(
                Action.ALTERATION,
                "nominal",
                str(ref),
                purpose=reason.strip(),
                detail=f"{name} rectified in the {row.period} return (version {row.version})",
            ),
        )
    return Rectified(ref, name, row.period, row.version, changed)


def rectification_history(conn: Connection, nominal_ids: Sequence[int]) -> list[dict[str, Any]]:
    """The values rectifications replaced, for these nominals, oldest first."""
    h = nominal_rectification
    if not nominal_ids:
        return []
    query = select(h).where(h.c.nominal_id.in_(list(nominal_ids))).order_by(h.c.id)
    return [dict(r) for r in conn.execute(query).mappings()]


# --- restriction -------------------------------------------------------------------------------


def restricted_clause(operation_table: Any, nominal_table: Any) -> ColumnElement[bool]:
    """True for a nominal (of an operation) whose processing is restricted; to be negated in
    the queries of the nominals view and the linkage's input."""
    r = nominal_restriction
    return exists().where(
        r.c.organisation_id == operation_table.c.organisation_id,
        r.c.operation_ref == operation_table.c.ref,
        r.c.nominal_ref == nominal_table.c.nominal_ref,
        r.c.lifted_at.is_(None),
    )


def _organisation_id(conn: Connection, short_name: str) -> int:
    org = s.organisation
    found = conn.execute(select(org.c.id).where(org.c.short_name == short_name)).scalar()
    if found is None:
        raise NotFound(f"no organisation is called {short_name!r}")
    return int(found)


def _versions(conn: Connection, ref: NominalRef) -> list[int]:
    """The ids of the nominal's rows in every stored version of every month."""
    nm, om, op, org = s.nominal, s.operation_month, s.operation, s.organisation
    query = (
        select(nm.c.id)
        .join(om, om.c.id == nm.c.operation_month_id)
        .join(op, op.c.id == om.c.operation_id)
        .join(org, org.c.id == op.c.organisation_id)
        .where(
            org.c.short_name == ref.organisation,
            op.c.ref == ref.operation_ref,
            nm.c.nominal_ref == ref.nominal_ref,
        )
        .order_by(nm.c.id)
    )
    ids = list(conn.execute(query).scalars())
    if not ids:
        raise NotFound(f"no return holds nominal {ref}")
    return ids


def _active_restriction(conn: Connection, org_id: int, ref: NominalRef) -> int | None:
    r = nominal_restriction
    found = conn.execute(
        select(r.c.id).where(
            r.c.organisation_id == org_id,
            r.c.operation_ref == ref.operation_ref,
            r.c.nominal_ref == ref.nominal_ref,
            r.c.lifted_at.is_(None),
        )
    ).scalar()
    return None if found is None else int(found)


def restrict(
    conn: Connection, principal: Principal, ref: NominalRef, reason: str, lift: bool = False
) -> bool:
    """Restrict the processing of a nominal (or, with `lift`, end its restriction); recorded as
    an ALTERATION with the reason. False when there was nothing to do."""
    if not principal.sees_everything:
        raise AccessDenied(f"{principal.describe()} may not restrict processing")
    if not reason.strip():
        raise InvalidInput("say why (--reason)")
    _versions(conn, ref)  # the nominal exists
    org_id = _organisation_id(conn, ref.organisation)
    active = _active_restriction(conn, org_id, ref)
    now = datetime.now(UTC).replace(tzinfo=None)
    r = nominal_restriction
    if lift:
        if active is None:
            return False
        conn.execute(
            update(r).where(r.c.id == active).values(lifted_by=principal.name, lifted_at=now)
        )
    else:
        if active is not None:
            return False
        conn.execute(
            r.insert().values(
                organisation_id=org_id,
                operation_ref=ref.operation_ref,
                nominal_ref=ref.nominal_ref,
                reason=reason.strip(),
                restricted_by=principal.name,
                restricted_at=now,
            )
        )
    what = "restriction of processing lifted" if lift else "processing restricted"
    record(
        conn,
        principal,
        AuditEntry(Action.ALTERATION, "nominal", str(ref), purpose=reason.strip(), detail=what),
    )
    return True


# --- erasure -----------------------------------------------------------------------------------


def _recount(conn: Connection, cluster: int) -> None:
    """A cluster's members and organisations counted again after members were removed; and its
    thread's, when the cluster is the thread as its latest run found it."""
    m = link_member
    members, organisations = conn.execute(
        select(func.count(), func.count(func.distinct(m.c.organisation_id))).where(
            m.c.cluster_id == cluster
        )
    ).one()
    counts = {"n_members": members, "n_organisations": organisations}
    conn.execute(update(link_cluster).where(link_cluster.c.id == cluster).values(counts))
    found = conn.execute(
        select(link_cluster.c.thread_id, link_cluster.c.run_id).where(link_cluster.c.id == cluster)
    ).one()
    if found.thread_id is not None:
        t = link_thread
        conn.execute(
            update(t)
            .where(t.c.id == found.thread_id, t.c.last_run_id == found.run_id)
            .values(counts)
        )


@dataclass(frozen=True)
class Erased:
    versions: int
    identifiers: int
    memberships: int


def erase(conn: Connection, principal: Principal, ref: NominalRef, reason: str) -> Erased:
    """Erase a nominal's personal data in every stored version (s.47(1)): names, aliases, date of
    birth and estimated age blanked, identifiers, thread memberships and links, and the values
    rectifications replaced deleted. The row stays, with its role, gender and nationality, so
    that every return's counts are unchanged. Recorded as an ERASURE with the reason."""
    if not principal.sees_everything:
        raise AccessDenied(f"{principal.describe()} may not erase personal data")
    if not reason.strip():
        raise InvalidInput("say why the record is erased (--reason)")
    ids = _versions(conn, ref)
    nm, idf = s.nominal, s.identifier
    identifiers = conn.execute(idf.delete().where(idf.c.nominal_id.in_(ids))).rowcount
    clusters = set(
        conn.execute(
            select(link_member.c.cluster_id).where(link_member.c.nominal_id.in_(ids))
        ).scalars()
    )
    memberships = conn.execute(
        link_member.delete().where(link_member.c.nominal_id.in_(ids))
    ).rowcount
    conn.execute(
        link_pair.delete().where(
            link_pair.c.left_nominal_id.in_(ids) | link_pair.c.right_nominal_id.in_(ids)
        )
    )
    for cluster in clusters:
        _recount(conn, cluster)
    conn.execute(nominal_rectification.delete().where(nominal_rectification.c.nominal_id.in_(ids)))
    conn.execute(
        update(nm)
        .where(nm.c.id.in_(ids))
        .values(
            given_name=None, family_name=None, aliases=None, date_of_birth=None, estimated_age=None
        )
    )
    done = Erased(len(ids), identifiers, memberships)
    record(
        conn,
        principal,
        AuditEntry(
            Action.ERASURE,
            "nominal",
            str(ref),
            purpose=reason.strip(),
            detail=(
                f"{done.versions} versions blanked; {done.identifiers} identifiers and"
                f" {done.memberships} thread memberships deleted"
            ),
        ),
    )
    return done
