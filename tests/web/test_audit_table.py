"""docs/audit.md says which entries each route and command records: held to the application.

A route or command with no row fails; so does a request that records a kind of entry its row
does not name, or that records nothing where its row names one.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import select
from starlette.routing import Route

from msops.cli.main import app as cli_app
from msops.store.schema import audit_event
from tests.web.conftest import Site
from tests.web.test_access import TABLE, _api_routes

DOC = Path(__file__).resolve().parents[2] / "docs" / "audit.md"
ROW = re.compile(r"^\| (GET|POST|DELETE|PUT|PATCH) \| `([^`]+)` \| ([^|]+) \|$")
COMMAND = re.compile(r"^\| `(msops[^`]*)` \| ([^|]+) \|$")
KINDS = {"collection", "alteration", "consultation", "disclosure", "combination", "erasure"}


def kinds(cell: str) -> tuple[set[str], bool]:
    """The kinds a row names, and whether it names them only for some requests ("when", "with")."""
    named = set(re.findall(r"[a-z]+", cell.split("(")[0])) & (KINDS | {"access"})
    return named, "(" in cell


def documented_routes() -> dict[tuple[str, str], str]:
    rows = [ROW.match(line) for line in DOC.read_text(encoding="utf-8").splitlines()]
    return {(m[2], m[1]): m[3].strip() for m in rows if m}


def documented_commands() -> dict[str, str]:
    rows = [COMMAND.match(line) for line in DOC.read_text(encoding="utf-8").splitlines()]
    return {m[1]: m[2].strip() for m in rows if m}


def test_every_route_has_a_row(site: Site) -> None:
    routes = {(r.path, m) for r in _api_routes(site.app.routes) for m in r.methods}
    plain = [r for r in site.app.routes if type(r) is Route]  # /openapi.json
    routes |= {(r.path, m) for r in plain for m in r.methods or () if m != "HEAD"}
    assert set(documented_routes()) == routes


def test_every_command_has_a_row() -> None:
    from typer.main import get_command

    def walk(command: object, prefix: str) -> list[str]:
        subs = getattr(command, "commands", None)
        if not subs:
            return [prefix]
        return [name for n, c in sorted(subs.items()) for name in walk(c, f"{prefix} {n}")]

    assert set(documented_commands()) == set(walk(get_command(cli_app), "msops"))


def test_each_route_records_what_its_row_says(site: Site, tmp_path: Path) -> None:
    rows = documented_routes()
    clients = {}
    for path, method, call, allowed, _ok in TABLE:
        who = sorted(allowed)[0]
        if who not in clients:  # one sign-in each: a route here changes a password
            clients[who] = site.client(who)
        with site.engine.connect() as conn:
            last = conn.execute(select(audit_event.c.seq).order_by(audit_event.c.seq.desc()))
            before = last.scalars().first() or 0
        answer = call(clients[who], tmp_path)
        with site.engine.connect() as conn:
            recorded = set(
                conn.execute(
                    select(audit_event.c.action).where(
                        audit_event.c.seq > before, audit_event.c.action != "access"
                    )
                ).scalars()
            )
        named, sometimes = kinds(rows[(path, method)])
        assert recorded <= named, (method, path, recorded)
        if answer.status_code < 400 and not sometimes:
            assert recorded == named, (method, path, recorded)
