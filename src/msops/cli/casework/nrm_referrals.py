"""`msops nrm-referrals`: NRM referrals, decisions, crime records, duty to notify, compliance."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer

from msops.analytics.casework.nrm_referrals import compliance, rows
from msops.cli.casework.common import FmtOpt, OrgOpt
from msops.cli.context import console, current_principal, friendly, open_database
from msops.cli.output import OutputFormat, emit
from msops.domain.casework.nrm_referrals import AgeGroup, Gender, Outcome, Stage, clean_enum
from msops.domain.errors import InvalidInput
from msops.domain.typed_text import parse_datetime, require_date
from msops.store.casework.nrm_referrals import (
    Referral,
    add_duty_to_notify,
    add_referral,
    list_notifications,
    list_referrals,
    record_crime,
    record_decision,
    set_setting,
    settings,
)

nrm_referrals = typer.Typer(
    help="NRM referrals tied to crime recording, and duty-to-notify (MS1) submissions.",
    no_args_is_help=True,
)
setting_app = typer.Typer(
    help="Rule settings (crime-recording deadline, RG target).", no_args_is_help=True
)
nrm_referrals.add_typer(setting_app, name="setting")

RefArg = Annotated[str, typer.Argument(help="Your reference for the referral (no names).")]


def _required_datetime(text: str, field: str) -> datetime:
    found = parse_datetime(text, field)
    if found is None:
        raise InvalidInput(f"{field}: a date or time is required")
    return found


@nrm_referrals.command("add")
@friendly
def add_cmd(
    ref: RefArg,
    org: OrgOpt,
    first_responder: Annotated[str, typer.Option("--first-responder")],
    referred: Annotated[str, typer.Option("--referred", help="YYYY-MM-DD[THH:MM], UTC.")],
    age_group: Annotated[str, typer.Option("--age-group", help="adult, child or unknown.")],
    gender: Annotated[str, typer.Option("--gender", help="female, male, other or unknown.")],
    nationality: Annotated[str, typer.Option("--nationality", help="NRM statistics label.")],
    exploitation: Annotated[str, typer.Option("--exploitation", help="Category or unknown.")],
    operation: Annotated[str | None, typer.Option("--operation")] = None,
) -> None:
    """Record an NRM referral made by your force."""
    referral = Referral(
        organisation=org,
        referral_ref=ref,
        first_responder=first_responder,
        referred_at=_required_datetime(referred, "referred"),
        age_group=clean_enum(AgeGroup, age_group, "age group"),
        gender=clean_enum(Gender, gender, "gender"),
        nationality=nationality,
        exploitation=exploitation,
        operation_ref=operation,
    )
    with open_database().begin() as conn:
        add_referral(conn, current_principal(), referral)
    console.print(f"referral {ref} recorded, version 1")


@nrm_referrals.command("decide")
@friendly
def decide_cmd(
    ref: RefArg,
    org: OrgOpt,
    stage: Annotated[str, typer.Option("--stage", help="rg (reasonable) or cg (conclusive).")],
    on: Annotated[str, typer.Option("--date")],
    outcome: Annotated[str, typer.Option("--outcome", help="positive or negative.")],
) -> None:
    """Record a reasonable or conclusive grounds decision."""
    with open_database().begin() as conn:
        version = record_decision(
            conn,
            current_principal(),
            org,
            ref,
            clean_enum(Stage, stage, "stage"),
            require_date(on, "date"),
            clean_enum(Outcome, outcome, "outcome"),
        )
    console.print(f"referral {ref}: {stage} decision recorded, version {version}")


@nrm_referrals.command("crime")
@friendly
def crime_cmd(
    ref: RefArg,
    org: OrgOpt,
    crime_ref: Annotated[str, typer.Option("--crime-ref")],
    recorded: Annotated[str, typer.Option("--recorded", help="YYYY-MM-DD[THH:MM], UTC.")],
) -> None:
    """Record the crime the referral was recorded as, and when."""
    with open_database().begin() as conn:
        version = record_crime(
            conn,
            current_principal(),
            org,
            ref,
            crime_ref,
            _required_datetime(recorded, "recorded"),
        )
    console.print(f"referral {ref}: crime record stored, version {version}")


@nrm_referrals.command("notify")
@friendly
def notify_cmd(
    org: OrgOpt,
    submitted: Annotated[str, typer.Option("--submitted")],
    gender: Annotated[str, typer.Option("--gender")],
    nationality: Annotated[str, typer.Option("--nationality")],
    exploitation: Annotated[str, typer.Option("--exploitation")],
    operation: Annotated[str | None, typer.Option("--operation")] = None,
) -> None:
    """Record a duty-to-notify (MS1) submission: an adult who did not consent, no identity."""
    with open_database().begin() as conn:
        notify_id = add_duty_to_notify(
            conn,
            current_principal(),
            org,
            require_date(submitted, "submitted"),
            clean_enum(Gender, gender, "gender"),
            nationality,
            exploitation,
            operation,
        )
    console.print(f"duty-to-notify submission {notify_id} recorded")


@nrm_referrals.command("list")
@friendly
def list_cmd(
    org: Annotated[str | None, typer.Option("--org")] = None, fmt: FmtOpt = OutputFormat.table
) -> None:
    """List referrals in your scope."""
    with open_database().begin() as conn:
        found = list_referrals(conn, current_principal(), org)
    emit(
        found,
        [
            "organisation",
            "referral_ref",
            "operation_ref",
            "first_responder",
            "referred_at",
            "age_group",
            "gender",
            "nationality",
            "exploitation",
            "rg_decided_on",
            "rg_outcome",
            "cg_decided_on",
            "cg_outcome",
            "crime_ref",
            "crime_recorded_at",
            "version",
        ],
        fmt,
        title="NRM referrals",
    )


@nrm_referrals.command("notifications")
@friendly
def notifications_cmd(fmt: FmtOpt = OutputFormat.table) -> None:
    """List duty-to-notify submissions in your scope."""
    with open_database().begin() as conn:
        found = list_notifications(conn, current_principal())
    emit(
        found,
        ["organisation", "submitted_on", "operation_ref", "gender", "nationality", "exploitation"],
        fmt,
        title="Duty to notify (MS1)",
    )


@nrm_referrals.command("compliance")
@friendly
def compliance_cmd(
    start: Annotated[str, typer.Option("--from", help="First referral date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Option("--to", help="Last referral date, YYYY-MM-DD.")],
    now: Annotated[str | None, typer.Option("--now", help="Judge as at (default: now).")] = None,
    fmt: FmtOpt = OutputFormat.table,
) -> None:
    """Per force: crime recorded within the counting-rule deadline; RG decisions on target."""
    as_at = parse_datetime(now, "now") or datetime.now(UTC).replace(tzinfo=None)
    with open_database().connect() as conn:
        figures = compliance(
            conn, current_principal(), require_date(start, "from"), require_date(end, "to"), as_at
        )
    rule = figures[-1].rule
    emit(
        rows(figures),
        list(figures[-1].as_row()),
        fmt,
        title=f"Crime recorded within {rule['crime_recording_hours']} hours; RG within"
        f" {rule['rg_target_working_days']} working days",
    )


@setting_app.command("show")
@friendly
def setting_show_cmd() -> None:
    """Show the rule settings in force."""
    with open_database().connect() as conn:
        values = settings(conn)
    emit(
        [{"name": k, "value": v} for k, v in values.items()],
        ["name", "value"],
        OutputFormat.table,
        title="Rule settings",
    )


@setting_app.command("set")
@friendly
def setting_set_cmd(
    name: Annotated[str, typer.Argument()], value: Annotated[str, typer.Argument()]
) -> None:
    """Change a rule setting (national roles; recorded with history)."""
    with open_database().begin() as conn:
        version = set_setting(conn, current_principal(), name, value)
    console.print(f"{name} = {value} (version {version})")
