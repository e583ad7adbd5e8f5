"""The s.62 audit trail: append-only, numbered, hash-chained and keyed.

Entries are written in the same transaction as the act they record, so an act and its record
stand or fall together. Appends to one database happen one at a time (`record` takes the
database's append lock before it reads the newest entry), so each entry gets the next number,
`seq` 1, 2, 3 … with no gaps, and the hash of exactly one predecessor.

Each entry carries an HMAC-SHA256 of its number and hash under a secret key held in a file
outside the database (`MSOPS_AUDIT_KEY_FILE`), so that a person who can write the tables but
cannot read the key cannot forge, edit, insert or reorder an entry without it showing. The key is
created on first use. See docs/audit.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, false, insert, select, text, update

from msops.domain import settings
from msops.domain.errors import InvalidInput, MsopsError
from msops.domain.principal import Principal
from msops.store.engine import default_database_path
from msops.store.schema import audit_event

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

# cryptography is imported where checkpoints are signed, not by every command that records.

GENESIS = "0" * 64

ENV_KEY_FILE = "MSOPS_AUDIT_KEY_FILE"
ENV_SIGNING_KEY_FILE = "MSOPS_AUDIT_SIGNING_KEY_FILE"
KEY_BYTES = 32
MAC_CONTEXT = "msops-audit-mac/1"


class AuditKeyError(MsopsError):
    """An audit key file is missing, unreadable or not a key (the message names the file)."""


class Action(StrEnum):
    """The kinds of processing that DPA 2018 s.62 requires to be logged, and ACCESS: signing in
    and out, failed and refused attempts (who tried to come in, or to reach what they may not)."""

    COLLECTION = "collection"
    ALTERATION = "alteration"
    CONSULTATION = "consultation"
    DISCLOSURE = "disclosure"
    COMBINATION = "combination"
    ERASURE = "erasure"
    ACCESS = "access"


@dataclass(frozen=True)
class AuditEntry:
    action: Action
    object_type: str
    object_ref: str
    purpose: str | None = None
    recipient: str | None = None
    detail: str | None = None


# The fields an entry's hash covers, besides its time and the previous entry's hash.
HASHED_FIELDS = (
    "actor",
    "role",
    "action",
    "object_type",
    "object_ref",
    "purpose",
    "recipient",
    "detail",
)


def entry_hash(prev_hash: str, fields: dict[str, str | None]) -> str:
    body = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def row_hash(prev_hash: str, values: Mapping[str, Any]) -> str:
    """The hash of an entry with these values (`at` a naive UTC datetime), chained to prev."""
    fields: dict[str, str | None] = {name: values[name] for name in HASHED_FIELDS}
    fields["at"] = values["at"].isoformat(timespec="microseconds")
    return entry_hash(prev_hash, fields)


# --- the MAC key -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuditKey:
    """An HMAC-SHA256 key for the trail; `key_id` (stored with each entry) names it."""

    key_id: str
    secret: bytes = field(repr=False)

    def mac(self, seq: int, hash_: str) -> str:
        """The MAC of entry `seq` with this hash (which covers its fields and predecessor)."""
        message = f"{MAC_CONTEXT}\n{seq}\n{hash_}".encode("ascii")
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()


def key_id_of(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()[:8]


def key_file() -> Path:
    """The current MAC key file: MSOPS_AUDIT_KEY_FILE, else audit-hmac.key beside the embedded
    database in the user's data directory."""
    configured = settings.current().audit_key_file
    if configured:
        return Path(configured).expanduser()
    return default_database_path().parent / "audit-hmac.key"


def retired_keys_dir(path: Path) -> Path:
    """Where keys replaced by `retire_key` are kept, read-only: `<key file>.retired/`."""
    return path.with_name(path.name + ".retired")


def read_key(path: Path) -> AuditKey:
    """The key in `path` (64 hex digits); AuditKeyError naming the file if that cannot be."""
    try:
        text_ = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise AuditKeyError(f"key file {path} missing") from None
    except (OSError, UnicodeDecodeError) as err:
        raise AuditKeyError(f"key file {path} unreadable ({_reason(err)})") from None
    try:
        secret = bytes.fromhex(text_)
    except ValueError:
        secret = b""
    if len(secret) != KEY_BYTES:
        raise AuditKeyError(f"key file {path} does not hold an msops audit key")
    return AuditKey(key_id_of(secret), secret)


def current_key(path: Path | None = None) -> AuditKey:
    """The key new entries are made with, created on first use (random, mode 0600). Read again
    whenever the file changes (a rotation replaces it), else reused: one stat() an append."""
    path = path or key_file()
    try:
        found = path.stat()
    except (FileNotFoundError, NotADirectoryError):  # created now (or by another process)
        secret = secrets.token_bytes(KEY_BYTES)
        _create_private_file(path, (secret.hex() + "\n").encode("ascii"))
        found = path.stat()
    except OSError as err:
        raise AuditKeyError(f"key file {path} unreadable ({_reason(err)})") from None
    seen = (found.st_dev, found.st_ino, found.st_mtime_ns, found.st_size)
    kept = _read_keys.get(path)
    if kept is not None and kept[0] == seen:
        return kept[1]
    key = read_key(path)
    _read_keys[path] = (seen, key)
    return key


_read_keys: dict[Path, tuple[tuple[int, int, int, int], AuditKey]] = {}


def keyring(path: Path | None = None) -> dict[str, AuditKey]:
    """Every key entries may have been made with, by key id: the current key (which must exist:
    verification never creates one) and the retired keys beside it."""
    path = path or key_file()
    current = read_key(path)
    keys = {current.key_id: current}
    retired = retired_keys_dir(path)
    if retired.is_dir():
        for old in sorted(retired.glob("*.key")):
            key = read_key(old)
            keys[key.key_id] = key
    return keys


def retire_key(path: Path | None = None) -> str:
    """Move the current key into the retired folder (read-only) and return its id; the next
    entry is made with a new key, created then. Entries made with the retired key still verify."""
    path = path or key_file()
    key = read_key(path)
    retired = retired_keys_dir(path)
    try:
        retired.mkdir(mode=0o700, parents=True, exist_ok=True)
        target = retired / f"{key.key_id}.key"
        os.replace(path, target)
        target.chmod(0o400)
    except OSError as err:
        raise AuditKeyError(f"key file {path} cannot be retired ({_reason(err)})") from None
    return key.key_id


# --- the checkpoint signing key ----------------------------------------------------------------


def signing_key_file() -> Path:
    """The Ed25519 key that signs checkpoints: MSOPS_AUDIT_SIGNING_KEY_FILE, else
    audit-signing.key beside the embedded database in the user's data directory."""
    configured = settings.current().audit_signing_key_file
    if configured:
        return Path(configured).expanduser()
    return default_database_path().parent / "audit-signing.key"


def read_signing_key(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise AuditKeyError(f"signing key file {path} missing") from None
    except OSError as err:
        raise AuditKeyError(f"signing key file {path} unreadable ({_reason(err)})") from None
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyError(f"signing key file {path} does not hold an Ed25519 private key")
    return key


def signing_key(path: Path | None = None) -> Ed25519PrivateKey:
    """The checkpoint signing key, created on first use (mode 0600)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    path = path or signing_key_file()
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _create_private_file(path, pem)
    return read_signing_key(path)


def _create_private_file(path: Path, content: bytes) -> None:
    """Write `path` with mode 0600 unless it exists, never leaving a partial file behind: the
    content goes to a temporary file first, then is linked into place (which fails if another
    process got there first, whose file then stands)."""
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, content)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    except OSError as err:
        raise AuditKeyError(f"key file {path} cannot be created ({_reason(err)})") from None


def _reason(err: Exception) -> str:
    if isinstance(err, OSError) and err.strerror:
        return err.strerror.lower()
    return type(err).__name__


# --- appending ---------------------------------------------------------------------------------


# Built once, so that each append reuses their compiled form.
_PG_LOCK = text("SELECT pg_advisory_xact_lock(62)")
_SQLITE_LOCK = update(audit_event).where(false()).values(seq=audit_event.c.seq)
_HEAD = select(audit_event.c.seq, audit_event.c.hash).order_by(audit_event.c.seq.desc()).limit(1)
_INSERT = insert(audit_event)


def take_append_lock(conn: Connection) -> None:
    """Hold the database's one audit append lock until the caller's transaction ends.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: its write lock, taken by a write
    that changes nothing; this waits (the engine's busy timeout) while another connection
    writes, and once held, reads see the newest committed entry and no one else can append.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(_PG_LOCK)
    elif conn.dialect.name == "sqlite":
        conn.execute(_SQLITE_LOCK)


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _plain(value: str | None, field: str) -> None:
    """A purpose or recipient is a line of text a person wrote: control characters (a lone NUL
    passed as a purpose) are refused, so that the trail says why in words."""
    if value and (_CONTROL.search(value) or not value.strip()):
        raise InvalidInput(f"{field}: write it in words, without control characters")


def record(conn: Connection, principal: Principal, entry: AuditEntry) -> None:
    """Append one entry to the trail, inside the caller's transaction."""
    _plain(entry.purpose, "purpose")
    _plain(entry.recipient, "recipient")
    take_append_lock(conn)
    key = current_key()  # read under the lock, so that a retired key is never used again
    last = conn.execute(_HEAD).first()
    seq, prev_hash = (last.seq + 1, last.hash) if last else (1, GENESIS)
    values: dict[str, Any] = {
        "at": datetime.now(UTC).replace(tzinfo=None),  # stored as naive UTC on every backend
        "actor": principal.name,
        "role": principal.role.value,
        "action": entry.action.value,
        "object_type": entry.object_type,
        "object_ref": entry.object_ref,
        "purpose": entry.purpose,
        "recipient": entry.recipient,
        "detail": entry.detail,
    }
    values["prev_hash"] = prev_hash
    values["hash"] = row_hash(prev_hash, values)
    values["seq"] = seq
    values["key_id"] = key.key_id
    values["mac"] = key.mac(seq, values["hash"])
    conn.execute(_INSERT, values)


def rotate_key(conn: Connection, principal: Principal, path: Path | None = None) -> str:
    """Retire the current key and make the next entry, recording the rotation, with a new one;
    returns the retired key's id. Under the append lock, so that no entry made with the old key
    follows one made with the new (verification holds the trail to that)."""
    take_append_lock(conn)
    old = retire_key(path)
    entry = AuditEntry(Action.ALTERATION, "audit_key", old, detail="key retired")
    record(conn, principal, entry)
    return old


def record_report_disclosure(
    conn: Connection,
    principal: Principal,
    ref: str,
    audience: str,
    purpose: str,
    recipient: str,
    filename: str,
) -> None:
    """A report downloaded from the web application, recorded as a disclosure (s.62)."""
    if not purpose.strip() or not recipient.strip():
        raise InvalidInput("say why the report is produced and who will receive it")
    entry = AuditEntry(
        Action.DISCLOSURE,
        "report",
        ref,
        purpose=purpose.strip(),
        recipient=recipient.strip(),
        detail=f"audience {audience}; file {filename}",
    )
    record(conn, principal, entry)
