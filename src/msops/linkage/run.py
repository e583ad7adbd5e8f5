"""`msops link run`: resolve every nominal in the database into clusters and threads.

The same matcher as `msops link dedupe`, plus exact links on strong identifiers and on threads
an analyst confirmed; then clusters, threads matched to earlier runs (see `threads.py`), alerts,
and one COMBINATION entry in the audit trail. Everything is written in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

from sqlalchemy import Connection

from msops.domain.principal import Principal
from msops.linkage.clusters import Link
from msops.linkage.dedupe import Resolution, dedupe
from msops.linkage.matcher import DEFAULT_THRESHOLD, MatcherConfig, Progress, ScoredPair
from msops.linkage.prepare import PersonInput
from msops.linkage.threads import Candidate, Decision, match_threads
from msops.store import linkage_repo as repo
from msops.store.linkage_repo import ClusterRow, NominalRecord, PairRow, ThreadState

# Match probability at which two nominals are one person in `link run`: the matcher's own
# (one person likelier than two). On the demo history against its ground truth
# (docs/benchmarks.md): F1 0.984 at 0.5, 0.982 at 0.8, 0.977 at 0.95.
RUN_THRESHOLD = DEFAULT_THRESHOLD
STRONG_KINDS = ("phone", "email", "vehicle", "passport", "bank_account", "advert_handle")


@dataclass(frozen=True)
class RunSummary:
    run_id: int
    n_records: int
    n_model_links: int
    n_exact_links: int
    n_clusters: int
    n_threads: int
    n_new_threads: int
    n_alerts: int


def person_of(n: NominalRecord) -> PersonInput:
    def first(kind: str) -> str | None:
        return next((v for k, v in n.identifiers if k == kind), None)

    alias = (n.aliases or "").split(";")[0].strip() or None
    return PersonInput(
        record_id=str(n.nominal_id),
        source=n.organisation,
        given_name=n.given_name,
        surname=n.family_name,
        dob=n.date_of_birth.isoformat() if n.date_of_birth else None,
        # returns store a blank age as 0: an age only counts without a date of birth
        estimated_age=n.estimated_age if n.estimated_age and not n.date_of_birth else None,
        age_on=n.seen_on,
        gender=n.gender,
        nationality=n.nationality,
        phone=first("phone"),
        postcode=first("postcode"),
        alias=alias,
    )


def identifier_links(records: Sequence[NominalRecord]) -> list[Link]:
    """Records sharing a normalised strong identifier, linked as a star per value."""
    first: dict[tuple[str, str], str] = {}
    links = []
    for n in records:
        for kind, value in sorted(set(n.identifiers)):
            if kind not in STRONG_KINDS:
                continue
            rid = str(n.nominal_id)
            hub = first.setdefault((kind, value), rid)
            if hub != rid:
                links.append(Link(hub, rid, 1.0, kind))
    return links


def confirmed_links(states: Sequence[ThreadState], records: Sequence[NominalRecord]) -> list[Link]:
    """Links holding each confirmed thread together, among its members still in the returns."""
    by_key = {n.key: str(n.nominal_id) for n in records}
    links = []
    for thread in states:
        if thread.status != "confirmed":
            continue
        present = sorted(by_key[k] for k in thread.judged | thread.members if k in by_key)
        links += [Link(present[0], other, 1.0, "confirmed") for other in present[1:]]
    return links


def _clusters(records: Sequence[NominalRecord], resolution: Resolution) -> list[ClusterRow]:
    """Clusters of two or more records with the links inside them (one per pair and kind)."""
    by_id = {str(n.nominal_id): n for n in records}
    scored: dict[tuple[str, str], ScoredPair] = {
        (p.left, p.right): p for p in resolution.scored.pairs
    }
    members: dict[str, list[NominalRecord]] = {}
    for rid, cluster in resolution.clusters.items():
        members.setdefault(cluster, []).append(by_id[rid])
    pairs: dict[str, dict[tuple[int, int, str], PairRow]] = {}
    for link in resolution.links:
        left, right = sorted((int(link.left), int(link.right)))
        pair = scored.get((link.left, link.right)) if link.kind == "model" else None
        row = PairRow(
            left,
            right,
            link.kind,
            link.probability,
            pair.weight if pair else None,
            [(f, level, round(w, 2)) for f, level, w in pair.evidence] if pair else [],
        )
        pairs.setdefault(resolution.clusters[link.left], {})[(left, right, link.kind)] = row
    return [
        ClusterRow(sorted(ms, key=lambda n: n.nominal_id), list(pairs.get(cid, {}).values()))
        for cid, ms in sorted(members.items())
        if len(ms) >= 2
    ]


def _apply(
    conn: Connection, run_id: int, clusters: list[ClusterRow], decisions: Sequence[Decision]
) -> tuple[int, int]:
    """Create or continue threads and raise alerts; (new threads, alerts)."""
    new = alerts = 0
    for d in decisions:
        cluster = clusters[d.index]
        thread_id = d.thread_id
        if thread_id is None:
            thread_id = repo.new_thread(conn, run_id)
            new += 1
        orgs = cluster.organisation_ids
        repo.set_thread(
            conn,
            thread_id,
            status=d.status,
            active=True,
            last_run_id=run_id,
            n_members=len(cluster.members),
            n_organisations=len(orgs),
        )
        clusters[d.index] = replace(cluster, thread_id=thread_id)
        if d.alert:
            alerts += repo.raise_alerts(conn, thread_id, run_id, orgs, d.alert)
    return new, alerts


def run_linkage(
    conn: Connection,
    principal: Principal,
    config: MatcherConfig | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Resolve every nominal of the current returns; store the run, clusters and threads."""
    config = replace(config or MatcherConfig(threshold=RUN_THRESHOLD), evidence=True)
    say = progress or (lambda _stage: None)
    repo.require_national(principal, "run linkage")
    started = repo.utc_now()
    say("reading the nominals of current returns")
    records = repo.current_nominals(conn, principal)
    states = repo.thread_states(conn)
    extra = identifier_links(records) + confirmed_links(states, records)
    resolution = dedupe([person_of(n) for n in records], config, progress, extra)
    say("matching clusters to existing threads")
    clusters = _clusters(records, resolution)
    candidates = [
        Candidate(i, frozenset(n.key for n in c.members))
        for i, c in enumerate(clusters)
        if len(c.organisation_ids) >= 2
    ]
    decisions, dropped = match_threads(states, candidates)
    say("storing the run, clusters, threads and alerts")
    parameters = {"matcher": asdict(config), "strong_identifiers": list(STRONG_KINDS)}
    run_id = repo.start_run(conn, principal, parameters, started)
    n_new, n_alerts = _apply(conn, run_id, clusters, decisions)
    for thread_id in dropped:
        repo.set_thread(conn, thread_id, active=False)
    repo.save_clusters(conn, run_id, clusters)
    model = sum(1 for link in resolution.links if link.kind == "model")
    summary = RunSummary(
        run_id,
        len(records),
        model,
        len(resolution.links) - model,
        len(clusters),
        len(decisions),
        n_new,
        n_alerts,
    )
    repo.finish_run(
        conn, principal, run_id, {k: v for k, v in asdict(summary).items() if k != "run_id"}
    )
    return summary
