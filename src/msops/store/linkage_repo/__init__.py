"""Linkage in the database: the nominals a run reads, what it writes, and threads read back.

Scope is enforced here: a link run combines every organisation's nominals, so only a national
role (or the system principal) may start one; threads are shown to the organisations they
touch (national roles see all, regional analysts their region's, PCC and administrators none).
"""

from msops.store.linkage_repo.runs import (
    JUDGEMENTS,
    STATUSES,
    ClusterRow,
    NominalRecord,
    PairRow,
    ThreadState,
    current_nominals,
    finish_run,
    member_key,
    new_thread,
    raise_alerts,
    require_national,
    save_clusters,
    set_thread,
    start_run,
    thread_states,
    utc_now,
)
from msops.store.linkage_repo.threads import (
    ThreadDetail,
    export_threads,
    list_threads,
    review_thread,
    thread_detail,
    threaded_operations,
)

__all__ = [
    "JUDGEMENTS",
    "STATUSES",
    "ClusterRow",
    "NominalRecord",
    "PairRow",
    "ThreadDetail",
    "ThreadState",
    "current_nominals",
    "export_threads",
    "finish_run",
    "list_threads",
    "member_key",
    "new_thread",
    "raise_alerts",
    "require_national",
    "review_thread",
    "save_clusters",
    "set_thread",
    "start_run",
    "thread_detail",
    "thread_states",
    "threaded_operations",
    "utc_now",
]
