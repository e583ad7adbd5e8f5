"""The `msops` command."""

from __future__ import annotations

from typing import Annotated

import typer

from msops.cli import (
    audit_cmd,
    config_cmd,
    db_cmd,
    demo_cmd,
    estimate_cmd,
    link_cmd,
    nrm_cmd,
    ops_cmd,
    profile_cmd,
    report_cmd,
    retention_cmd,
    returns_cmd,
    serve_cmd,
    subject_cmd,
    users_cmd,
)
from msops.cli.casework import (
    action_plan,
    debriefs,
    europol,
    nrm_referrals,
    orders,
    peer_reviews,
)
from msops.cli.output import OutputFormat, emit
from msops.domain.reference import organisations

app = typer.Typer(
    help="msops: the national database of modern slavery operations. OFFICIAL-SENSITIVE.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db_cmd.app, name="db")
app.add_typer(returns_cmd.app, name="returns")
app.add_typer(ops_cmd.app, name="ops")
app.add_typer(estimate_cmd.app, name="estimate")
app.add_typer(link_cmd.app, name="link")
app.add_typer(nrm_cmd.app, name="nrm")
report_cmd.app.command("nrm-profile")(nrm_cmd.profile_cmd)
report_cmd.app.command("lessons")(debriefs.lessons)
report_cmd.app.command("position")(action_plan.position)
report_cmd.app.command("profile")(profile_cmd.profile_cmd)
report_cmd.app.command("themes")(profile_cmd.themes_cmd)
app.add_typer(report_cmd.app, name="report")
# The casework registers: one line each.
app.add_typer(orders.orders, name="orders")
app.add_typer(nrm_referrals.nrm_referrals, name="nrm-referrals")
app.add_typer(europol.europol, name="europol")
app.add_typer(debriefs.debrief, name="debrief")
app.add_typer(peer_reviews.peer_review, name="peer-review")
app.add_typer(action_plan.action_plan, name="action-plan")
app.command("demo")(demo_cmd.demo_cmd)
app.command("serve")(serve_cmd.serve_cmd)
app.add_typer(users_cmd.app, name="users")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(retention_cmd.app, name="retention")
app.add_typer(subject_cmd.app, name="subject")
app.add_typer(config_cmd.app, name="config")


@app.command("orgs")
def orgs_cmd(
    fmt: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List the organisations that submit returns (reference data)."""
    rows = [o.__dict__ for o in organisations()]
    emit(rows, ["short_name", "name", "kind", "region"], fmt, title="Organisations")
