"""A thread for the route table: Ion Popescu (N1) of Cleveland's CL-001 and of Durham's DU-001,
joined by the same phone, written through the store functions a link run uses."""

from __future__ import annotations

from sqlalchemy import Engine

from msops.domain.principal import Principal, Role
from msops.store import linkage_repo as repo
from tests.builders import load_operations
from tests.web.conftest import PERIOD

THREAD = "t00000000000000a1"


def add_thread(engine: Engine) -> str:
    operator = Principal("seed", Role.SYSTEM)
    load_operations(engine, operator, "Durham", "Durham Constabulary", ["DU-001"], PERIOD)
    with engine.begin() as conn:
        records = repo.current_nominals(conn, operator)
        pair = [
            r for r in records if r.nominal_ref == "N1" and r.operation_ref in ("CL-001", "DU-001")
        ]
        run_id = repo.start_run(conn, operator, {"seed": "route table"}, repo.utc_now())
        thread_id = repo.new_thread(conn, run_id)
        repo.set_thread(conn, thread_id, key=THREAD, n_members=2, n_organisations=2)
        link = repo.PairRow(pair[0].nominal_id, pair[1].nominal_id, "phone", 1.0, None, [])
        repo.save_clusters(conn, run_id, [repo.ClusterRow(pair, [link], thread_id)])
        repo.raise_alerts(conn, thread_id, run_id, {r.organisation_id for r in pair}, "new thread")
        repo.finish_run(conn, operator, run_id, {"n_threads": 1})
    return THREAD
