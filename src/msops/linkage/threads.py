"""Threads across runs: which of this run's clusters continue which existing thread.

A thread is keyed by an opaque id and lives across runs; clusters do not (each run makes new
ones). The rule, in order:
1. Only clusters joining operations of two or more organisations can be threads.
2. Each such cluster continues the existing thread it shares the most members with (a member is
   a nominal of one operation, `operation:nominal_ref`, the same whatever month it was read
   from); ties go to an active thread, then to the oldest. Each thread continues into at most
   one cluster; a cluster sharing no member with any thread starts a new one.
3. A confirmed thread is re-formed by the run itself: its confirmed members are linked together
   before clustering, so the model cannot split it; a confirmed thread the run does not find
   (its records left the returns) stays active with its last membership.
4. A dismissed thread stays dismissed and silent unless it gains members its dismissal was not
   about; then it returns to `new` and alerts again.
5. Any other thread the run does not find becomes inactive (kept, with its history).
Alerts: one per organisation of the cluster, when a thread is new or gains members.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from msops.store.linkage_repo import ThreadState


@dataclass(frozen=True)
class Candidate:
    """A cluster of this run joining two or more organisations."""

    index: int
    members: frozenset[str]


@dataclass(frozen=True)
class Decision:
    index: int  # of the candidate cluster
    thread_id: int | None  # None: a new thread
    status: str
    alert: str | None  # why the organisations are alerted, or None for no alert


def _pairings(
    previous: Sequence[ThreadState], candidates: Sequence[Candidate]
) -> dict[int, ThreadState]:
    by_member: dict[str, list[ThreadState]] = {}
    for thread in previous:
        for key in thread.members:
            by_member.setdefault(key, []).append(thread)
    scored: list[tuple[int, bool, int, int]] = []  # overlap, inactive, thread id, candidate
    for cand in candidates:
        overlap: dict[int, int] = {}
        threads: dict[int, ThreadState] = {}
        for key in cand.members:
            for thread in by_member.get(key, ()):
                overlap[thread.id] = overlap.get(thread.id, 0) + 1
                threads[thread.id] = thread
        scored += [(-n, not threads[t].active, t, cand.index) for t, n in overlap.items()]
    by_id = {t.id: t for t in previous}
    taken_threads: set[int] = set()
    out: dict[int, ThreadState] = {}
    for _, _, thread_id, index in sorted(scored):
        if thread_id in taken_threads or index in out:
            continue
        taken_threads.add(thread_id)
        out[index] = by_id[thread_id]
    return out


def _continue(thread: ThreadState, cand: Candidate) -> Decision:
    grown = bool(cand.members - thread.members)
    if thread.status == "dismissed":
        if cand.members - thread.judged:
            return Decision(cand.index, thread.id, "new", "dismissed thread has new members")
        return Decision(cand.index, thread.id, "dismissed", None)
    return Decision(
        cand.index, thread.id, thread.status, "thread has new members" if grown else None
    )


def match_threads(
    previous: Sequence[ThreadState], candidates: Sequence[Candidate]
) -> tuple[list[Decision], list[int]]:
    """A decision per candidate cluster, and the ids of threads that become inactive."""
    pairing = _pairings(previous, candidates)
    decisions = [
        _continue(pairing[c.index], c)
        if c.index in pairing
        else Decision(c.index, None, "new", "new thread")
        for c in candidates
    ]
    continued = {t.id for t in pairing.values()}
    dropped = [
        t.id for t in previous if t.id not in continued and t.active and t.status != "confirmed"
    ]
    return decisions, dropped
