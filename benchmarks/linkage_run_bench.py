"""`msops link run` on the synthetic demo history, scored against the generator's ground truth.

    cd benchmarks && ../.venv/bin/python linkage_run_bench.py --db /tmp/linkrun.sqlite3 \
        --thresholds 0.5 0.8 0.95

Loads the default 15-month history (December 2016 to February 2018, seed 2018) into a fresh
SQLite file, then runs linkage once per threshold (each run is a new run over the same
nominals) and prints pairwise precision, recall and F1 of its clusters, the number of threads
and the run time (read, train, predict, cluster, store).
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from _common import BENCH, fresh_sqlite, load
from sqlalchemy import select

from msops.linkage.evaluation import pairwise_score
from msops.linkage.matcher import MatcherConfig
from msops.linkage.run import run_linkage
from msops.store import linkage_repo as repo
from msops.store.schema.linkage import link_cluster, link_member
from msops.synthetic import generate_history, ground_truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", type=Path, default=Path("/tmp/msops-linkrun.sqlite3"))
    parser.add_argument("--thresholds", type=float, nargs="+", default=[0.5, 0.8])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    engine = fresh_sqlite(args.db)
    started = time.perf_counter()
    load(engine, generate_history())
    print(f"history loaded in {time.perf_counter() - started:.1f} s")
    truth_by_key = ground_truth()
    for threshold in args.thresholds:
        started = time.perf_counter()
        with engine.begin() as conn:
            summary = run_linkage(conn, BENCH, MatcherConfig(seed=args.seed, threshold=threshold))
        elapsed = time.perf_counter() - started
        with engine.connect() as conn:
            records = repo.current_nominals(conn, BENCH)
            clusters = {
                str(n): str(c)
                for n, c in conn.execute(
                    select(link_member.c.nominal_id, link_member.c.cluster_id)
                    .join(link_cluster, link_cluster.c.id == link_member.c.cluster_id)
                    .where(link_cluster.c.run_id == summary.run_id)
                )
            }
        truth = {
            str(n.nominal_id): truth_by_key[(n.organisation, n.operation_ref, n.nominal_ref)]
            for n in records
        }
        score = pairwise_score(truth, {r: clusters.get(r, f"alone-{r}") for r in truth})
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"| {threshold} | {len(records):,} | {summary.n_threads} | {score.precision:.3f}"
            f" | {score.recall:.3f} | {score.f1:.3f} | {elapsed:.1f} s | {peak:.0f} MB |"
        )


if __name__ == "__main__":
    main()
