"""Password hashes: argon2id, and passwords that must pass `msops.domain.passwords`.

Hashing is bounded: argon2id at the library's default cost takes 64 MiB for each hash, so at
most `HASH_SLOTS` run at once in a process, a few more wait their turn, and the rest are told
the server is busy.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from msops.domain import settings
from msops.domain.errors import InvalidInput, MsopsError
from msops.domain.passwords import MIN_LENGTH, check_password

MIN_PASSWORD_LENGTH = MIN_LENGTH

HASH_SLOTS_ENV = "MSOPS_HASH_SLOTS"


def _hash_slots() -> int:
    """Hashes at once, per process (MSOPS_HASH_SLOTS). Read as the module loads: a bad value
    leaves the default here and is reported by the first command or request that reads settings."""
    try:
        return settings.current().hash_slots
    except InvalidInput:
        return int(settings.default("hash_slots"))


HASH_SLOTS = _hash_slots()
HASH_QUEUE = 16  # sign-ins that may wait for a slot; more are told the server is busy
HASH_WAIT = 5.0  # seconds one waits for a slot before being told so
BUSY_RETRY = 2  # seconds: the Retry-After of a busy answer

_hasher = PasswordHasher()


class SignInBusy(MsopsError):
    """Every password-hashing slot is taken and the queue is full or too slow: try again."""

    def __init__(self) -> None:
        super().__init__(
            f"the server is busy checking other sign-ins: try again in {BUSY_RETRY} seconds"
        )
        self.seconds = BUSY_RETRY


class HashGate:
    """At most `slots` password hashes at once; up to `queue` callers wait, each at most `wait`
    seconds, and any other caller gets SignInBusy at once (nothing is hashed for it)."""

    def __init__(self, slots: int, queue: int, wait: float) -> None:
        self._slots = threading.BoundedSemaphore(slots)
        self._lock = threading.Lock()
        self._waiting = 0
        self.queue = queue
        self.wait = wait

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            if self._waiting >= self.queue:
                raise SignInBusy()
            self._waiting += 1
        try:
            acquired = self._slots.acquire(timeout=self.wait)
        finally:
            with self._lock:
                self._waiting -= 1
        if not acquired:
            raise SignInBusy()
        try:
            yield
        finally:
            self._slots.release()


hash_gate = HashGate(HASH_SLOTS, HASH_QUEUE, HASH_WAIT)


def verify_password(stored: str, password: str) -> bool:
    """`password` against the stored hash, in a hashing slot (SignInBusy if none comes)."""
    with hash_gate.slot():
        try:
            return bool(_hasher.verify(stored, password))
        except (VerificationError, InvalidHashError):
            return False


def new_password_hash(password: str, name: str) -> str:
    """The hash of a new password for the account `name`, once the rules accept it."""
    check_password(password, name)
    with hash_gate.slot():
        return _hasher.hash(password)


# Hashed on first use, not at import: Argon2 at its production cost takes half a second, which
# every `msops` command would otherwise pay. When set (the tests set a cheap one), it is used.
_DUMMY_HASH: str | None = None


def dummy_hash() -> str:
    """The hash unknown names are verified against; two threads racing both hash, harmlessly."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash(secrets.token_hex(16))
    return _DUMMY_HASH
