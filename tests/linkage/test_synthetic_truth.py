"""`link run` on two months of the synthetic national history, scored against its ground truth.

The generator knows who is who (`msops.synthetic.ground_truth`): people shared between
organisations are written the way each organisation writes them (accents dropped, names
swapped, typos, aliases, day and month swapped, an estimated age only).
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Engine, select

from msops.domain.periods import Period
from msops.domain.principal import Principal
from msops.linkage.evaluation import pairwise_score
from msops.linkage.matcher import MatcherConfig
from msops.linkage.run import RUN_THRESHOLD, run_linkage
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store import linkage_repo as repo
from msops.store.schema.linkage import link_alert, link_cluster, link_member
from msops.synthetic import generate_history, ground_truth

FIRST, LAST = Period(2016, 12), Period(2017, 1)


def test_threads_on_the_synthetic_history_match_its_ground_truth(
    engine: Engine, operator: Principal
) -> None:
    for item in generate_history(2018, FIRST, LAST):
        raw = RawReturn.from_rows("synthetic.csv", item.parts)
        result = submit_raw(engine, operator, raw, item.organisation, item.period, "synthetic")
        assert result.outcome == Outcome.ACCEPTED
    with engine.begin() as conn:
        summary = run_linkage(conn, operator, MatcherConfig(seed=3, threshold=RUN_THRESHOLD))
        records = repo.current_nominals(conn, operator)
        clusters = dict(
            conn.execute(select(link_member.c.nominal_id, link_member.c.cluster_id)).all()
        )
        thread_orgs: dict[int, set[int]] = defaultdict(set)
        for thread_id, org_id in conn.execute(
            select(link_cluster.c.thread_id, link_member.c.organisation_id)
            .join(link_member, link_member.c.cluster_id == link_cluster.c.id)
            .where(link_cluster.c.thread_id.is_not(None))
        ):
            thread_orgs[thread_id].add(org_id)
        alerts: dict[int, set[int]] = defaultdict(set)
        for thread_id, org_id in conn.execute(
            select(link_alert.c.thread_id, link_alert.c.organisation_id)
        ):
            alerts[thread_id].add(org_id)

    truth_by_key = ground_truth(2018, FIRST, LAST)
    truth = {
        str(n.nominal_id): truth_by_key[(n.organisation, n.operation_ref, n.nominal_ref)]
        for n in records
    }
    predicted = {rid: str(clusters.get(int(rid), f"alone-{rid}")) for rid in truth}
    score = pairwise_score(truth, predicted)
    assert score.true_pairs >= 40  # the history does share people between organisations
    assert score.precision >= 0.9 and score.recall >= 0.8, score
    # every thread alerts exactly the organisations whose operations it joins
    assert summary.n_threads == len(thread_orgs) >= 30
    assert alerts == thread_orgs
