"""Reading the s.62 audit trail: verify it, checkpoint it, and answer "who looked at this?".

Verification walks the entries in order of `seq`, streaming, and checks each one four ways: its
number follows the one before (a gap is a removal, a repeat an insertion); its fields still hash
to its stored hash; it names the previous entry's hash; and its MAC, made with a key the database
does not hold, matches. A signed checkpoint kept outside the database then pins the entry it
names, so that removing the newest entries, or rewriting the trail with a stolen or swapped key,
shows too. See docs/audit.md.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, RowMapping, func, select

from msops.domain.errors import AccessDenied, MsopsError
from msops.domain.principal import Principal, Role
from msops.domain.reference import find_organisation
from msops.store.audit import (
    GENESIS,
    Action,
    AuditEntry,
    AuditKey,
    AuditKeyError,
    key_file,
    keyring,
    record,
    retired_keys_dir,
    row_hash,
)
from msops.store.schema import audit_event

if TYPE_CHECKING:
    pass

# cryptography is imported by the functions that sign and check checkpoints.

# Administrators keep the system; national analysts oversee the use of operational data.
AUDIT_READERS = (Role.SYSTEM, Role.ADMIN, Role.NATIONAL_ANALYST)

MAX_LISTED = 1000  # problems kept in detail; the rest are counted
STREAM_ROWS = 2000


class CannotVerify(MsopsError):
    """Verification could not run: a key, a checkpoint or the public key is missing or
    unreadable (the message names it). Not the same as "intact"."""


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int | None  # the row's id; None when the entry is gone (removed newest entries)
    kind: str  # changed, removed, inserted
    message: str
    seq: int = 0  # the first entry affected, by number


@dataclass
class Verification:
    """What `verify_trail` found."""

    entries: int = 0
    head_seq: int = 0
    head_hash: str = GENESIS
    legacy: int = 0  # unkeyed entries made before keys: checked by their plain hash only
    legacy_last_seq: int = 0
    keyed: int = 0  # entries whose MAC was checked (0 when no keys were given)
    key_ids: list[str] = field(default_factory=list)  # in the order the trail used them
    macs_checked: bool = True
    checkpoints: int = 0
    newest_checkpoint: Checkpoint | None = None
    problems: list[ChainProblem] = field(default_factory=list)  # the first MAX_LISTED
    n_problems: int = 0
    # Set when an entry's key is not available: the trail cannot be said to be intact.
    unverifiable: str | None = None

    @property
    def intact(self) -> bool:
        return self.n_problems == 0 and self.unverifiable is None

    @property
    def first_affected(self) -> int | None:
        return self.problems[0].seq if self.problems else None

    def add(self, problem: ChainProblem) -> None:
        self.n_problems += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(problem)


@dataclass(frozen=True)
class Checkpoint:
    """A signed record, kept outside the database, of the newest entry at some moment."""

    seq: int
    hash: str
    mac: str | None
    key_id: str | None
    at: str
    source: str  # the file it was read from


def recomputed_hash(row: Any) -> str:
    """The hash `msops.store.audit.record` would have written for this row's fields."""
    return row_hash(row["prev_hash"], row)


def verify_chain(conn: Connection) -> list[ChainProblem]:
    """Every entry that was changed, removed, inserted or moved, checked with the configured
    keys (MSOPS_AUDIT_KEY_FILE and its retired keys). Removing the newest entries shows only
    against a checkpoint: see `verify_trail`."""
    found = verify_trail(conn, load_keys())
    if found.unverifiable and not found.problems:
        raise CannotVerify(found.unverifiable)
    return found.problems


def load_keys(path: Path | None = None) -> dict[str, AuditKey]:
    """The keyring for verification; CannotVerify naming the file if the key is missing."""
    try:
        return keyring(path)
    except AuditKeyError as err:
        raise CannotVerify(str(err)) from None


def verify_trail(
    conn: Connection,
    keys: Mapping[str, AuditKey] | None,
    checkpoints: Iterable[Checkpoint] = (),
    key_path: Path | None = None,
) -> Verification:
    """Check the whole trail, streaming it in order of `seq`.

    `keys` None checks plain hashes only (weaker: anyone who can write the tables can recompute
    them). `key_path` only names the key file in messages.
    """
    result = Verification(macs_checked=keys is not None)
    pinned: dict[int, list[Checkpoint]] = {}
    for cp in checkpoints:
        pinned.setdefault(cp.seq, []).append(cp)
        result.checkpoints += 1
        newest = result.newest_checkpoint
        if newest is None or (cp.seq, cp.at) > (newest.seq, newest.at):
            result.newest_checkpoint = cp
    prev_seq, prev_hash = 0, GENESIS
    keyed_from: int | None = None  # seq of the first keyed entry
    retired: set[str] = set()  # keys the trail has moved on from
    stream = conn.execute(
        select(audit_event).order_by(audit_event.c.seq),
        execution_options={"stream_results": True, "yield_per": STREAM_ROWS},
    )
    for row in stream.mappings():
        seq: int = row["seq"]
        result.entries += 1
        problem = _link_problem(row, prev_seq, prev_hash)
        if keys is not None:
            mac_problem, unknown = _mac_problem(row, keys, keyed_from, retired, result)
            problem = problem or mac_problem
            if unknown and result.unverifiable is None:
                result.unverifiable = _missing_key_message(seq, unknown, key_path)
        if row["key_id"] is not None and keyed_from is None:
            keyed_from = seq
        if row["key_id"] is None and row["mac"] is None and keyed_from is None:
            result.legacy += 1
            result.legacy_last_seq = seq
        for cp in pinned.get(seq, ()):
            if problem is None and (row["hash"], row["mac"], row["key_id"]) != (
                cp.hash,
                cp.mac,
                cp.key_id,
            ):
                problem = ChainProblem(
                    row["id"],
                    "changed",
                    f"entry {seq} is not the entry checkpoint {cp.source} records: the trail"
                    f" up to it was rewritten",
                    seq,
                )
        if problem is not None:
            result.add(problem)
        prev_seq, prev_hash = max(seq, prev_seq), row["hash"]
    result.head_seq, result.head_hash = prev_seq, prev_hash
    beyond = [cp for s, cps in pinned.items() if s > prev_seq for cp in cps]
    if beyond:
        cp = min(beyond, key=lambda c: (c.seq, c.at))
        result.add(
            ChainProblem(
                None,
                "removed",
                f"entries after {prev_seq} were removed: checkpoint {cp.source} records"
                f" {cp.seq} entries",
                prev_seq + 1,
            )
        )
    return result


def _link_problem(row: RowMapping, prev_seq: int, prev_hash: str) -> ChainProblem | None:
    seq, entry_id = row["seq"], row["id"]
    if seq > prev_seq + 1:
        if prev_seq == 0:
            return ChainProblem(
                entry_id, "removed", f"entries before {seq} (the first) were removed", seq
            )
        return ChainProblem(
            entry_id, "removed", f"entries between {prev_seq} and {seq} were removed", seq
        )
    if seq <= prev_seq:
        return ChainProblem(
            entry_id,
            "inserted",
            f"entry {seq} repeats an earlier number: entries were inserted",
            seq,
        )
    if recomputed_hash(row) != row["hash"]:
        return ChainProblem(
            entry_id, "changed", f"entry {seq} was changed after it was written", seq
        )
    if row["prev_hash"] != prev_hash:
        return ChainProblem(
            entry_id,
            "inserted",
            f"entry {seq} does not follow entry {prev_seq}: entries were inserted or replaced",
            seq,
        )
    return None


def _mac_problem(
    row: RowMapping,
    keys: Mapping[str, AuditKey],
    keyed_from: int | None,
    retired: set[str],
    result: Verification,
) -> tuple[ChainProblem | None, str | None]:
    """(problem with the entry's MAC, or None; the id of its key if that key is missing)."""
    seq, entry_id, key_id, mac = row["seq"], row["id"], row["key_id"], row["mac"]
    if key_id is None and mac is None:
        if keyed_from is None:
            return None, None  # unkeyed legacy: made before keys
        return (
            ChainProblem(
                entry_id,
                "changed",
                f"entry {seq} has no MAC although keyed entries precede it (from {keyed_from}):"
                " it was forged or its MAC removed",
                seq,
            ),
            None,
        )
    if key_id is None or mac is None:
        return ChainProblem(entry_id, "changed", f"entry {seq} has a damaged MAC", seq), None
    key = keys.get(key_id)
    if key is None:
        return None, key_id
    if not hmac.compare_digest(key.mac(seq, row["hash"]), mac):
        return (
            ChainProblem(
                entry_id,
                "changed",
                f"entry {seq} was changed, moved or forged: its MAC does not match",
                seq,
            ),
            None,
        )
    result.keyed += 1
    if not result.key_ids or result.key_ids[-1] != key_id:
        if key_id in retired:
            return (
                ChainProblem(
                    entry_id,
                    "changed",
                    f"entry {seq} was made with key {key_id} after that key was replaced:"
                    " it was forged with an old key",
                    seq,
                ),
                None,
            )
        if result.key_ids:
            retired.add(result.key_ids[-1])
        result.key_ids.append(key_id)
    return None, None


def _missing_key_message(seq: int, key_id: str, key_path: Path | None) -> str:
    path = key_path or key_file()
    return (
        f"entry {seq} was made with audit key {key_id}, which is neither in key file {path}"
        f" nor in {retired_keys_dir(path)}"
    )


def chain_head(conn: Connection) -> tuple[int, str]:
    """(number of entries, hash of the newest)."""
    count = conn.execute(select(func.count()).select_from(audit_event)).scalar_one()
    last = conn.execute(
        select(audit_event.c.hash).order_by(audit_event.c.seq.desc()).limit(1)
    ).scalar_one_or_none()
    return int(count), last or GENESIS


# --- checkpoints -------------------------------------------------------------------------------


def canonical_ref(object_ref: str) -> str:
    """An object as the trail names it: the organisation part (before the first "/") in its one
    short name, so that "Cleveland Police/OP-1" finds what was recorded as "Cleveland/OP-1"."""
    head, slash, rest = object_ref.partition("/")
    found = find_organisation(head)
    return f"{found.short_name}{slash}{rest}" if found else object_ref


def search_audit(
    conn: Connection,
    principal: Principal,
    user: str | None = None,
    since: datetime | None = None,
    action: str | None = None,
    object_ref: str | None = None,
    limit: int = 1000,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """ "Who looked at what?": entries, newest first, by actor, time (naive UTC), action and
    object (prefix match), for an administrator or a national analyst. The search is itself
    recorded as a consultation of the audit trail. `offset` skips that many of the newest."""
    if principal.role not in AUDIT_READERS:
        raise AccessDenied(f"{principal.describe()} may not search the audit trail")
    a = audit_event
    query = select(a).order_by(a.c.seq.desc()).limit(limit).offset(offset)
    if user:
        query = query.where(a.c.actor == user)
    if since:
        query = query.where(a.c.at >= since)
    if action:
        query = query.where(a.c.action == action)
    if object_ref:
        ref = canonical_ref(object_ref)
        query = query.where(a.c.object_ref.startswith(ref, autoescape=True))
    rows = [dict(r) for r in conn.execute(query).mappings()]
    asked = ", ".join(
        f"{k}={v}"
        for k, v in (("user", user), ("since", since), ("action", action), ("ref", object_ref))
        if v
    )
    listed = f"{len(rows)} entries listed" + (f" after the newest {offset}" if offset else "")
    entry = AuditEntry(Action.CONSULTATION, "audit_trail", asked or "all", detail=listed)
    record(conn, principal, entry)
    return rows
