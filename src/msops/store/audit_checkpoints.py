"""Signed checkpoints of the audit trail's head, written and read outside the database.

`msops audit checkpoint` writes one (the newest entry's seq, hash and MAC, signed with Ed25519);
`msops audit verify --checkpoints` reads them back, so that entries removed after a checkpoint
are caught. What each protects against is in docs/audit.md.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, select

from msops.domain.errors import MsopsError
from msops.store.audit import (
    GENESIS,
    AuditKeyError,
    read_signing_key,
    signing_key_file,
)
from msops.store.schema import audit_event

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

# cryptography is imported by the functions that sign and check checkpoints.

# Administrators keep the system; national analysts oversee the use of operational data.
from msops.store.audit_query import CannotVerify, Checkpoint

CHECKPOINT_FORMAT = "msops-audit-checkpoint/1"
CHECKPOINT_GLOB = "msops-audit-checkpoint-*.json"


def public_key_id(public_key: Ed25519PublicKey) -> str:
    from cryptography.hazmat.primitives import serialization

    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:8]


def public_key_pem(public_key: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _canonical(body: Mapping[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def make_checkpoint(conn: Connection, signer: Ed25519PrivateKey) -> dict[str, Any]:
    """The newest entry's number, hash, MAC and key id, and the time, signed with `signer`."""
    a = audit_event
    head = conn.execute(
        select(a.c.seq, a.c.hash, a.c.mac, a.c.key_id).order_by(a.c.seq.desc()).limit(1)
    ).first()
    body: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "seq": head.seq if head else 0,
        "hash": head.hash if head else GENESIS,
        "mac": head.mac if head else None,
        "key_id": head.key_id if head else None,
        "at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "signer": public_key_id(signer.public_key()),
    }
    body["signature"] = base64.b64encode(signer.sign(_canonical(body))).decode("ascii")
    return body


def write_checkpoint(conn: Connection, signer: Ed25519PrivateKey, out: Path) -> tuple[Path, Path]:
    """Write a signed checkpoint into the folder `out` (never over another), and the signer's
    public key beside it if it is not there yet. Returns (checkpoint file, public key file)."""
    body = make_checkpoint(conn, signer)
    stamp = body["at"].replace("-", "").replace(":", "").replace(".", "")
    target = out / f"msops-audit-checkpoint-{body['seq']:010d}-{stamp}.json"
    public = out / f"msops-audit-signing-{body['signer']}.pub"
    try:
        out.mkdir(parents=True, exist_ok=True)
        with target.open("x", encoding="ascii") as f:
            f.write(json.dumps(body, indent=2, sort_keys=True) + "\n")
            f.flush()
            os.fsync(f.fileno())
        if not public.exists():
            public.write_bytes(public_key_pem(signer.public_key()))
    except OSError as err:
        reason = err.strerror.lower() if err.strerror else type(err).__name__
        raise MsopsError(f"cannot write the checkpoint into {out} ({reason})") from None
    return target, public


def read_public_key(path: Path) -> Ed25519PublicKey:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CannotVerify(f"public key file {path} missing") from None
    except OSError:
        raise CannotVerify(f"public key file {path} unreadable") from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, Ed25519PublicKey):
        raise CannotVerify(f"public key file {path} does not hold an Ed25519 public key")
    return key


def checkpoint_public_key(given: Path | None = None) -> Ed25519PublicKey:
    """The key checkpoints are checked with: the file given, else the public half of the
    signing key file on this server."""
    if given is not None:
        return read_public_key(given)
    own = signing_key_file()
    if not own.exists():
        raise CannotVerify(
            f"no public key for the checkpoints: signing key file {own} missing;"
            " give --public-key (the .pub file written with the checkpoints)"
        )
    try:
        return read_signing_key(own).public_key()
    except AuditKeyError as err:
        raise CannotVerify(str(err)) from None


def read_checkpoints(folder: Path, public_key: Ed25519PublicKey) -> list[Checkpoint]:
    """Every checkpoint in `folder`, each checked against `public_key`; CannotVerify naming the
    folder or file if there are none, or one is unreadable or not signed by that key."""
    if not folder.is_dir():
        raise CannotVerify(f"checkpoint folder {folder} missing")
    try:
        files = sorted(folder.glob(CHECKPOINT_GLOB))
    except OSError:
        raise CannotVerify(f"checkpoint folder {folder} unreadable") from None
    if not files:
        raise CannotVerify(f"no checkpoints in {folder}")
    signer = public_key_id(public_key)
    return [_read_checkpoint(path, public_key, signer) for path in files]


def _read_checkpoint(path: Path, public_key: Ed25519PublicKey, signer: str) -> Checkpoint:
    from cryptography.exceptions import InvalidSignature

    try:
        body = json.loads(path.read_text(encoding="ascii"))
        signature = base64.b64decode(body.pop("signature"), validate=True)
        if body.get("format") != CHECKPOINT_FORMAT:
            raise ValueError("format")
        checkpoint = Checkpoint(
            seq=int(body["seq"]),
            hash=str(body["hash"]),
            mac=None if body["mac"] is None else str(body["mac"]),
            key_id=None if body["key_id"] is None else str(body["key_id"]),
            at=str(body["at"]),
            source=path.name,
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise CannotVerify(f"checkpoint {path} unreadable") from None
    if body.get("signer") != signer:
        raise CannotVerify(
            f"checkpoint {path} was signed by key {body.get('signer')}, not by the public key"
            f" given ({signer})"
        )
    try:
        public_key.verify(signature, _canonical(body))
    except InvalidSignature:
        raise CannotVerify(f"checkpoint {path} does not match its signature") from None
    return checkpoint


# --- search ------------------------------------------------------------------------------------
