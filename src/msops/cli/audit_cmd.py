"""`msops audit`: check the s.62 audit trail for tampering, checkpoint it, and search it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from msops.cli.context import console, current_principal, errors, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.errors import InvalidInput, MsopsError
from msops.store.audit import (
    HASHED_FIELDS,
    Action,
    key_file,
    rotate_key,
    signing_key,
)
from msops.store.audit_checkpoints import (
    checkpoint_public_key,
    public_key_id,
    read_checkpoints,
    write_checkpoint,
)
from msops.store.audit_query import Verification, load_keys, search_audit, verify_trail

app = typer.Typer(help="The audit trail (DPA 2018 s.62).", no_args_is_help=True)

COLUMNS = ["seq", "at", *HASHED_FIELDS]
SHOWN_PROBLEMS = 50

# Exit statuses of `msops audit verify`.
INTACT, TAMPERED, CANNOT_VERIFY = 0, 1, 2


@app.command("verify")
@friendly
def verify_cmd(
    checkpoints: Annotated[
        Path | None,
        typer.Option("--checkpoints", help="Folder of signed checkpoints (`audit checkpoint`)."),
    ] = None,
    key: Annotated[
        Path | None,
        typer.Option("--key", help="The MAC key file (default: MSOPS_AUDIT_KEY_FILE)."),
    ] = None,
    no_key: Annotated[
        bool,
        typer.Option("--no-key", help="Check plain hashes only (weaker: no MAC is checked)."),
    ] = False,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="The checkpoints' public key (.pub); default: that of the signing key file.",
        ),
    ] = None,
) -> None:
    """Check every entry in order: exit 0 intact, 1 tampered (naming the first entry affected),
    2 cannot verify (a key or the checkpoints missing or unreadable)."""
    try:
        result = _verify(checkpoints, key, no_key, public_key)
    except (MsopsError, SQLAlchemyError) as err:
        reason = f"the database cannot be read ({type(err).__name__})"
        errors.print(f"cannot verify: {err if isinstance(err, MsopsError) else reason}")
        raise typer.Exit(CANNOT_VERIFY) from None
    _warn_if_shared(None if no_key else key or key_file())
    for p in result.problems[:SHOWN_PROBLEMS]:
        errors.print(f"[red]{p.kind}:[/red] {p.message}")
    if result.n_problems > SHOWN_PROBLEMS:
        errors.print(f"… and {result.n_problems - SHOWN_PROBLEMS} more")
    if result.n_problems:
        errors.print(
            f"the audit trail has been tampered with: {result.n_problems} problems;"
            f" first entry affected: {result.first_affected}"
        )
        if result.unverifiable:
            errors.print(f"also cannot verify: {result.unverifiable}")
        raise typer.Exit(TAMPERED)
    if result.unverifiable:
        errors.print(f"cannot verify: {result.unverifiable}")
        raise typer.Exit(CANNOT_VERIFY)
    console.print(
        f"audit trail intact: {result.entries} entries, newest {result.head_seq}"
        f" with hash {result.head_hash}"
    )
    for line in _coverage(result):
        console.print(line)


def _warn_if_shared(path: Path | None) -> None:
    """The MAC key must be readable by the service account alone."""
    try:
        mode = path.stat().st_mode if path is not None else 0
    except OSError:
        return
    if mode & 0o077:
        errors.print(f"warning: key file {path} can be read by other accounts: make it mode 600")


def _verify(
    checkpoints: Path | None, key: Path | None, no_key: bool, public_key: Path | None
) -> Verification:
    if key is not None and no_key:
        raise InvalidInput("give --key or --no-key, not both")
    keys = None if no_key else load_keys(key)
    pinned = []
    if checkpoints is not None:
        pinned = read_checkpoints(checkpoints, checkpoint_public_key(public_key))
    engine = open_database()
    with engine.connect() as conn:
        return verify_trail(conn, keys, pinned, key_path=key)


def _coverage(result: Verification) -> list[str]:
    """What the verification covered, and what it could not."""
    lines = []
    if result.legacy:
        covered = (
            f"held by the MAC of entry {result.legacy_last_seq + 1}, whose hash covers theirs"
            if result.macs_checked and result.keyed
            else "checked by their plain hash only"
        )
        lines.append(
            f"{result.legacy} unkeyed legacy entries (1 to {result.legacy_last_seq}), made"
            f" before keys: {covered}"
        )
    if result.macs_checked:
        if result.keyed:
            lines.append(
                f"{result.keyed} entries keyed, MACs checked (keys {', '.join(result.key_ids)})"
            )
    else:
        lines.append(
            f"MACs not checked (--no-key): {result.entries - result.legacy} keyed entries checked"
            " by plain hash only, which anyone who can write the database can recompute"
        )
    newest = result.newest_checkpoint
    if newest is None:
        lines.append(
            "no checkpoints given: removal of the newest entries shows only against a signed"
            " checkpoint (--checkpoints DIR)"
        )
    else:
        lines.append(
            f"{result.checkpoints} checkpoints agree; newest at entry {newest.seq} ({newest.at})"
        )
    return lines


@app.command("checkpoint")
@friendly
def checkpoint_cmd(
    out: Annotated[
        Path, typer.Option("--out", help="Folder outside the database (SIEM, write-once store).")
    ],
    signing_key_path: Annotated[
        Path | None,
        typer.Option(
            "--signing-key", help="Ed25519 key file (default: MSOPS_AUDIT_SIGNING_KEY_FILE)."
        ),
    ] = None,
) -> None:
    """Write a signed record of the newest entry (number, hash, MAC, key, time) into OUT."""
    signer = signing_key(signing_key_path)
    engine = open_database()
    with engine.connect() as conn:
        written, public = write_checkpoint(conn, signer, out)
    console.print(f"checkpoint written: {written}")
    console.print(f"public key {public_key_id(signer.public_key())}: {public}")


@app.command("rotate-key")
@friendly
def rotate_key_cmd() -> None:
    """Retire the MAC key (kept read-only beside it, so older entries still verify) and start a
    new one from the next entry; the rotation is itself recorded."""
    engine = open_database()
    with engine.begin() as conn:
        old = rotate_key(conn, current_principal())
    console.print(f"key {old} retired; new entries are made with a new key in {key_file()}")


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), datetime.min.time())
        return datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--since {value!r} is not a date (YYYY-MM-DD) or date-time") from None


@app.command("search")
@friendly
def search_cmd(
    user: Annotated[str | None, typer.Option("--user", help="Who acted.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD (UTC).")] = None,
    action: Annotated[
        str | None, typer.Option("--action", help=", ".join(a.value for a in Action))
    ] = None,
    ref: Annotated[
        str | None, typer.Option("--ref", help="Object, e.g. Cleveland/OP-1 (prefix).")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """Who did what, when and why: newest first."""
    if action and action not in {a.value for a in Action}:
        raise InvalidInput(f"--action must be one of: {', '.join(a.value for a in Action)}")
    engine = open_database()
    with engine.begin() as conn:  # the search is itself recorded
        rows = search_audit(conn, current_principal(), user, _since(since), action, ref)
    emit(rows, COLUMNS, fmt, title="Audit trail")
