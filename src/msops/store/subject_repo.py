"""What msops holds on one data subject, where it came from and to whom it went; and the
rectification of a nominal (DPA 2018 Part 3, ss.45-46).

The store reads and writes; deciding which nominals are the subject (names compared the way the
linkage compares them) is `msops.linkage.subjects`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, exists, func, or_, select, tuple_

from msops.store import schema as s
from msops.store.audit import Action
from msops.store.schema.casework import casework_order
from msops.store.schema.linkage import (
    link_cluster,
    link_member,
    link_run,
    link_thread,
)
from msops.store.schema.subject import nominal_restriction

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
    superseded_at: datetime | None = None  # when the next version of its return was stored

    def held_at(self, when: datetime) -> bool:
        """Whether this version was the one stored and current at `when` (UTC): a disclosure
        then covered it, and not the versions before or after it."""
        if when < utc_naive(self.submitted_at):
            return False
        return self.superseded_at is None or when < utc_naive(self.superseded_at)

    @property
    def operation(self) -> str:
        return f"{self.organisation}/{self.operation_ref}"

    @property
    def nominal(self) -> str:
        return f"{self.operation}/{self.nominal_ref}"


def utc_naive(when: datetime) -> datetime:
    """A time as the audit trail holds it: UTC without a zone (PostgreSQL returns the return
    versions' times with one, SQLite without)."""
    return when if when.tzinfo is None else when.astimezone(UTC).replace(tzinfo=None)


NameTriple = tuple[str | None, str | None, str | None]  # given name, family name, aliases


def name_triples(conn: Connection) -> list[NameTriple]:
    """Every distinct (given name, family name, aliases) stored: a person's name repeats in
    every month and version of their operation's return, so these are far fewer than the rows."""
    nm = s.nominal
    query = select(nm.c.given_name, nm.c.family_name, nm.c.aliases).distinct()
    return [(g, f, a) for g, f, a in conn.execute(query)]


def _people_query() -> Any:
    nm, om = s.nominal, s.operation_month
    return select(
        nm.c.id,
        nm.c.given_name,
        nm.c.family_name,
        nm.c.aliases,
        nm.c.date_of_birth,
        nm.c.estimated_age,
        om.c.period,
    ).join(om, om.c.id == nm.c.operation_month_id)


def people(
    conn: Connection, names: Collection[NameTriple] | None = None
) -> Iterator[NominalPerson]:
    """Every nominal in every stored return version (current and superseded), streamed; with
    `names`, only those holding one of these name triples (selected by family name)."""
    if names is None:
        # yield_per on the statement, not the connection: that would stream every later statement
        with conn.execute(_people_query().execution_options(yield_per=5000)) as result:
            for row in result:
                yield NominalPerson(*row)
        return
    wanted = set(names)
    family = s.nominal.c.family_name
    families = sorted({f for _, f, _ in wanted if f is not None})
    conditions = [family.in_(chunk) for chunk in _chunks(families)]
    if any(f is None for _, f, _ in wanted):
        conditions.append(family.is_(None))
    for condition in conditions:
        for row in conn.execute(_people_query().where(condition)):
            if (row.given_name, row.family_name, row.aliases) in wanted:
                yield NominalPerson(*row)


def nominals_with_identifier(conn: Connection, kind: str, value_norm: str) -> set[int]:
    idf = s.identifier
    query = select(idf.c.nominal_id).where(idf.c.kind == kind, idf.c.value_norm == value_norm)
    return set(conn.execute(query).scalars())


def _chunks(values: Sequence[Any], size: int = 500) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _superseded_at(rv: Any) -> Any:
    """The time the next version of the same return was stored (NULL for the current one)."""
    later = s.return_version.alias("later")
    return (
        select(func.min(later.c.submitted_at))
        .where(
            later.c.organisation_id == rv.c.organisation_id,
            later.c.period == rv.c.period,
            later.c.version > rv.c.version,
        )
        .scalar_subquery()
    )


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
                _superseded_at(rv).label("superseded_at"),
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
                superseded_at=row["superseded_at"],
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
    `thread_exports` every export of golden threads (`msops link export`), oldest first.

    The database selects the disclosures of the refs' organisations (one condition per
    organisation, however many records were found: SQLite refuses a condition a thousand deep)
    and the exact refs are matched here."""
    a = s.audit_event
    wanted = set(refs)
    if not wanted:
        return []
    organisations = sorted({ref.split("/", 1)[0] for ref in wanted})
    covers = [a.c.object_ref.startswith(org + "/", autoescape=True) for org in organisations]
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
    found = []
    for row in conn.execute(query).mappings():
        if (thread_exports and row["object_type"] == THREAD_EXPORT) or _within(
            row["object_ref"], wanted
        ):
            found.append(dict(row))
    return found


def _within(object_ref: str, refs: set[str]) -> bool:
    """Whether `object_ref` is one of `refs` or lies within one (a path below it)."""
    parts = object_ref.split("/")
    return any("/".join(parts[:n]) in refs for n in range(1, len(parts) + 1))


# --- rectification -----------------------------------------------------------------------------


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
