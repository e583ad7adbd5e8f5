"""A data subject's rights over what is held (DPA 2018 Part 3, ss.46-47): rectification with
its history, restriction, and erasure; each recorded in the audit trail. Finding what is held
is `subject_repo`'s."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, func, select, update

from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.domain.reference import canonical_organisation
from msops.store import schema as s
from msops.store.audit import Action, AuditEntry, record
from msops.store.schema.linkage import (
    link_cluster,
    link_member,
    link_pair,
    link_thread,
)
from msops.store.schema.subject import nominal_rectification, nominal_restriction
from msops.store.subject_repo import RECTIFIABLE

MAX_AGE = 120  # the oldest estimated age a rectification takes

# The fields of a nominal that a data subject may have corrected, and how a value is read.


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
        raise InvalidInput(f"the field to rectify must be one of: {', '.join(RECTIFIABLE)}")
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
        if not value.isdigit() or int(value) > MAX_AGE:
            raise InvalidInput(f"estimated_age is a whole number of years, 0 to {MAX_AGE}")
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
        raise InvalidInput("say why the record is rectified: give a reason")
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
        raise InvalidInput("say why: give a reason")
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
        raise InvalidInput("say why the record is erased: give a reason")
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
