"""PostgreSQL's own client programs (pg_dump, pg_restore, psql): found, checked, and run.

A program older than the server is refused. The password reaches it through the environment
(PGPASSWORD), never the command line, and only the program's own error line is shown.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from glob import glob
from pathlib import Path

from sqlalchemy import URL, Engine, make_url, text

from msops.domain import settings
from msops.domain.errors import MsopsError
from msops.store.engine import describe_url

PG_BINDIR_ENV = "MSOPS_PG_BINDIR"  # where pg_dump and pg_restore are, when not found by themselves


@dataclass(frozen=True)
class PgTool:
    path: str
    major: int


def _tool_major(path: str) -> int | None:
    try:
        answer = subprocess.run(
            [path, "--version"], capture_output=True, text=True, check=False, timeout=30
        )
    except OSError:
        return None
    found = re.search(r"\(PostgreSQL\)\s+(\d+)", answer.stdout)
    return int(found.group(1)) if found else None


def pg_tool(name: str, server_major: int) -> PgTool:
    """The newest `name` (pg_dump, pg_restore, psql) on this machine, refused when it is older
    than the server: MSOPS_PG_BINDIR if set, else Debian's and RHEL's folders and the PATH."""
    bindir = settings.current().pg_bindir
    if bindir:
        candidates = [str(Path(bindir) / name)]
    else:
        candidates = [
            *glob(f"/usr/lib/postgresql/*/bin/{name}"),
            *glob(f"/usr/pgsql-*/bin/{name}"),
        ]
        on_path = shutil.which(name)
        if on_path:
            candidates.append(on_path)
    found = [
        PgTool(path, major)
        for path in candidates
        if os.access(path, os.X_OK) and (major := _tool_major(path)) is not None
    ]
    if not found:
        raise MsopsError(
            f"{name} was not found: install PostgreSQL {server_major}'s client programs"
            f" (Debian: postgresql-client-{server_major}) or set {PG_BINDIR_ENV}"
        )
    newest = max(found, key=lambda tool: tool.major)
    if newest.major < server_major:
        raise MsopsError(
            f"{name} is PostgreSQL {newest.major}'s, older than the server"
            f" (PostgreSQL {server_major}): install the client programs of {server_major}"
            f" or later (Debian: postgresql-client-{server_major}) or set {PG_BINDIR_ENV}"
        )
    return newest


def server_major(engine: Engine) -> int:
    with engine.connect() as conn:
        number = int(conn.execute(text("SHOW server_version_num")).scalar_one())
    return number // 10000


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The connection string for libpq without the password, and the environment that carries
    the password (PGPASSWORD) to the child process."""
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password is not None:
        env["PGPASSWORD"] = str(parsed.password)
    # (URL.set cannot remove a password: None there means "leave it as it is")
    conninfo = URL.create(
        "postgresql",
        username=parsed.username,
        host=parsed.host,
        port=parsed.port,
        database=parsed.database,
        query=parsed.query,
    )
    return conninfo.render_as_string(hide_password=False), env


def run_pg(tool: PgTool, args: list[str], url: str, what: str) -> str:
    conninfo, env = _libpq(url)
    argv = [tool.path, *(conninfo if a == "{dbname}" else a for a in args)]
    answer = subprocess.run(argv, env=env, capture_output=True, text=True, check=False)
    if answer.returncode != 0:
        reason = tool_error(answer.stderr, what, url)
        raise MsopsError(f"{what} failed for {describe_url(url)}: {reason}")
    return answer.stdout


def tool_error(stderr: str, tool: str, url: str) -> str:
    """The tool's own last error line. Not the DETAIL, CONTEXT or "Command was" lines that may
    follow it: those can quote the values of a row."""
    own = [line.strip() for line in stderr.splitlines() if line.startswith(f"{tool}:")]
    line = own[-1].removeprefix(f"{tool}:").strip().removeprefix("error:").strip() if own else ""
    line = line or "see the PostgreSQL server's log"
    password = make_url(url).password
    return line.replace(str(password), "***") if password else line
