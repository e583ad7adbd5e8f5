"""Sign-in throttling under concurrency: attempts arriving together are each counted, nothing
past the allowance is hashed, the client key is the socket peer unless that is a trusted proxy,
and a client's count is not cleared by signing in to some other account."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from msops.domain.errors import InvalidInput
from msops.store.schema.web import sign_in_throttle
from msops.store.users_repo import hashing
from msops.store.users_repo.hashing import HashGate, SignInBusy
from msops.store.users_repo.sign_in import SignInRefused, sign_in
from msops.store.users_repo.throttle import FREE_FAILURES, SignInThrottled
from msops.web.app import create_app
from msops.web.clients import forwarded_client, parse_proxies
from tests.web.conftest import PASSWORD, Site

WRONG = "not the password at all"


class CountingHasher(PasswordHasher):
    """The production hasher, counting the passwords it checks."""

    def __init__(self) -> None:
        super().__init__()
        self.verified = 0
        self._lock = threading.Lock()

    def verify(self, hash: str | bytes, password: str | bytes) -> bool:
        with self._lock:
            self.verified += 1
        return super().verify(hash, password)


@pytest.fixture
def hasher(monkeypatch: pytest.MonkeyPatch) -> CountingHasher:
    counting = CountingHasher()
    monkeypatch.setattr(hashing, "_hasher", counting)
    return counting


def throttle(engine: Engine, key: str) -> tuple[int, bool] | None:
    """(failures, locked) of a throttle key, or None when it has no row."""
    with engine.connect() as conn:
        row = conn.execute(select(sign_in_throttle).where(sign_in_throttle.c.key == key)).first()
    return None if row is None else (row.failures, row.locked_until is not None)


def together(n: int, attempt: Callable[[int], int]) -> Counter[int]:
    """Run `attempt(i)` for i in 0..n-1 in n threads released at the same moment (bounded:
    each waits at most 60 s for the others); the count of each answer."""
    ready = threading.Barrier(n, timeout=60)

    def run(i: int) -> int:
        ready.wait()
        return attempt(i)

    with ThreadPoolExecutor(max_workers=n) as pool:
        return Counter(pool.map(run, range(n)))


def api_sign_in(client: TestClient, name: str, password: str) -> int:
    answer = client.post("/api/session", json={"name": name, "password": password})
    return answer.status_code


def test_wrong_passwords_at_once_lock_the_account_and_nothing_past_the_allowance_is_hashed(
    site: Site, hasher: CountingHasher
) -> None:
    n = 24
    answers = together(n, lambda _i: api_sign_in(TestClient(site.app), "force", WRONG))
    assert answers == {401: FREE_FAILURES, 429: n - FREE_FAILURES}
    assert hasher.verified == FREE_FAILURES
    assert throttle(site.engine, "user:force") == (FREE_FAILURES, True)
    assert throttle(site.engine, "client:testclient") == (FREE_FAILURES, False)
    # even the right password now waits, and is not hashed either
    assert api_sign_in(TestClient(site.app), "force", PASSWORD) == 429
    assert hasher.verified == FREE_FAILURES


def test_every_failure_at_once_is_counted(site: Site, hasher: CountingHasher) -> None:
    n = 12  # one guess at each of n accounts from one client, under the client's allowance
    answers = together(n, lambda i: api_sign_in(TestClient(site.app), f"guess{i}", WRONG))
    hashed = hasher.verified
    assert answers[401] == hashed and answers[401] + answers[503] == n
    assert hashed >= n // 2  # a busy answer is possible on a loaded machine, not the rule
    assert throttle(site.engine, "client:testclient") == (hashed, False)


def test_a_locked_account_is_refused_without_hashing_in_the_store(
    engine: Engine, hasher: CountingHasher
) -> None:
    for _ in range(FREE_FAILURES):
        with pytest.raises(SignInRefused):
            sign_in(engine, "nobody.here", WRONG, client="192.0.2.1")
    assert hasher.verified == FREE_FAILURES
    with pytest.raises(SignInThrottled):
        sign_in(engine, "nobody.here", WRONG, client="192.0.2.2")
    assert hasher.verified == FREE_FAILURES
    assert throttle(engine, "user:nobody.here") == (FREE_FAILURES, True)
    assert throttle(engine, "client:192.0.2.2") is None  # a refused attempt counts nothing


def test_signing_in_to_ones_own_account_leaves_the_clients_count(site: Site) -> None:
    client = TestClient(site.app)
    for _ in range(3):
        assert api_sign_in(client, "national", WRONG) == 401
    assert api_sign_in(client, "force", WRONG) == 401
    assert throttle(site.engine, "client:testclient") == (4, False)
    assert api_sign_in(client, "force", PASSWORD) == 200  # the attacker's own account
    assert throttle(site.engine, "client:testclient") == (4, False)
    assert throttle(site.engine, "user:force") is None  # that account's own count is cleared
    assert throttle(site.engine, "user:national") == (3, False)


def test_a_busy_server_says_so_and_counts_nothing(
    site: Site, hasher: CountingHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hashing, "hash_gate", HashGate(slots=1, queue=0, wait=0.0))
    answer = TestClient(site.app).post("/api/session", json={"name": "force", "password": WRONG})
    assert answer.status_code == 503 and "busy" in answer.json()["detail"]
    assert answer.headers["retry-after"] == "2"
    assert hasher.verified == 0
    assert throttle(site.engine, "user:force") is None
    assert throttle(site.engine, "client:testclient") is None


def test_the_hash_gate_queues_a_few_and_turns_the_rest_away() -> None:
    gate = HashGate(slots=1, queue=1, wait=0.2)
    entered = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with gate.slot():
            entered.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert entered.wait(10)
        with pytest.raises(SignInBusy), gate.slot():  # waits 0.2 s for the slot, in vain
            pass
    finally:
        release.set()
        holder.join(10)
    with gate.slot():  # free again
        pass


def test_the_client_is_the_peer_unless_the_peer_is_a_trusted_proxy() -> None:
    proxies = parse_proxies("10.0.0.1, 10.9.0.0/16")
    spoofed = ["203.0.113.9"]
    assert forwarded_client("198.51.100.4", spoofed, ()) == "198.51.100.4"
    assert forwarded_client("127.0.0.1", spoofed, ()) == "127.0.0.1"  # loopback is no proxy
    assert forwarded_client("198.51.100.4", spoofed, proxies) == "198.51.100.4"
    # behind the proxy: the right-most address it did not add itself
    chain = ["203.0.113.9, 198.51.100.7", "10.9.3.3"]
    assert forwarded_client("10.0.0.1", chain, proxies) == "198.51.100.7"
    assert forwarded_client("10.0.0.1", [], proxies) == "10.0.0.1"
    assert forwarded_client("10.0.0.1", ["10.9.0.8"], proxies) == "10.9.0.8"
    with pytest.raises(InvalidInput, match=r"MSOPS_TRUSTED_PROXIES: 'proxy\.local'"):
        parse_proxies("10.0.0.1,proxy.local")


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(site: Site) -> None:
    spoof = {"X-Forwarded-For": "203.0.113.50"}
    direct = TestClient(site.app, client=("198.51.100.4", 40000), headers=spoof)
    assert api_sign_in(direct, "force", WRONG) == 401
    assert throttle(site.engine, "client:198.51.100.4") == (1, False)
    assert throttle(site.engine, "client:203.0.113.50") is None

    behind = create_app(site.engine, proxies=parse_proxies("10.0.0.1"))
    via_proxy = TestClient(behind, client=("10.0.0.1", 40000), headers=spoof)
    assert api_sign_in(via_proxy, "force", WRONG) == 401
    assert throttle(site.engine, "client:203.0.113.50") == (1, False)
    assert throttle(site.engine, "client:10.0.0.1") is None
