"""NRM referrals: decisions, crime recording against the configurable deadline, MS1, scope."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Engine

from msops.analytics.casework.nrm_referrals import compliance
from msops.domain.casework.nrm_referrals import (
    AgeGroup,
    Gender,
    Outcome,
    Stage,
    add_working_days,
)
from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal
from msops.store.casework.nrm_referrals import (
    Referral,
    add_duty_to_notify,
    add_referral,
    list_referrals,
    record_crime,
    record_decision,
    set_setting,
    settings,
)
from tests.conftest import row_counts

MONDAY = datetime(2018, 2, 5, 10, 0)


def referral(ref: str, org: str = "Cleveland", at: datetime = MONDAY, **kw: object) -> Referral:
    values: dict[str, object] = dict(
        organisation=org,
        referral_ref=ref,
        first_responder="Police",
        referred_at=at,
        age_group=AgeGroup.ADULT,
        gender=Gender.FEMALE,
        nationality="Romanian",
        exploitation="Labour exploitation",
        operation_ref=None,
    )
    values.update(kw)
    return Referral(**values)  # type: ignore[arg-type]


def test_working_days_skip_weekends() -> None:
    assert add_working_days(date(2018, 2, 5), 5) == date(2018, 2, 12)  # Monday -> Monday
    assert add_working_days(date(2018, 2, 9), 5) == date(2018, 2, 16)  # Friday -> Friday
    assert add_working_days(date(2018, 2, 9), 1, {date(2018, 2, 12)}) == date(2018, 2, 13)


def test_working_days_skip_bank_holidays_of_england_and_wales() -> None:
    thursday = date(2018, 3, 29)  # Good Friday and Easter Monday follow
    assert add_working_days(thursday, 5) == date(2018, 4, 9)
    assert add_working_days(thursday, 5, ()) == date(2018, 4, 5)
    assert add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)  # the state funeral
    assert add_working_days(date(2018, 12, 21), 3) == date(2018, 12, 28)  # Christmas, Boxing Day


def test_the_reasonable_grounds_target_allows_for_easter(
    loaded: Engine, operator: Principal
) -> None:
    easter = datetime(2018, 3, 29, 10, 0)
    with loaded.begin() as conn:
        for ref, decided in (("E1", date(2018, 4, 9)), ("E2", date(2018, 4, 10))):
            add_referral(conn, operator, referral(ref, at=easter))
            record_decision(
                conn, operator, "Cleveland", ref, Stage.REASONABLE, decided, Outcome.POSITIVE
            )
    with loaded.connect() as conn:
        rows = compliance(conn, operator, date(2018, 3, 1), date(2018, 3, 31), datetime(2018, 5, 1))
    cleveland = next(c for c in rows if c.organisation == "Cleveland")
    assert (cleveland.rg_decided, cleveland.rg_within_target) == (2, 1)  # 9 April is the 5th day


def test_bad_referral_names_the_field_and_stores_nothing(
    loaded: Engine, operator: Principal
) -> None:
    before = row_counts(loaded)
    for bad, message in (
        (referral("R1", nationality="Martian"), "nationality: 'Martian'"),
        (referral("R1", first_responder="Neighbour"), "first responder: 'Neighbour'"),
        (referral("R1", exploitation="Piracy"), "exploitation: 'Piracy'"),
        (referral("R1", operation_ref="NOPE"), "operation"),
    ):
        with pytest.raises((InvalidInput, NotFound), match=message), loaded.begin() as conn:
            add_referral(conn, operator, bad)
    assert row_counts(loaded) == before


def test_conclusive_needs_positive_reasonable_grounds(loaded: Engine, operator: Principal) -> None:
    with loaded.begin() as conn:
        add_referral(conn, operator, referral("R1", operation_ref="C1"))
    before = row_counts(loaded)
    with pytest.raises(InvalidInput, match="conclusive grounds"), loaded.begin() as conn:
        record_decision(
            conn, operator, "Cleveland", "R1", Stage.CONCLUSIVE, date(2018, 5, 1), Outcome.POSITIVE
        )
    assert row_counts(loaded) == before
    with loaded.begin() as conn:
        record_decision(
            conn, operator, "Cleveland", "R1", Stage.REASONABLE, date(2018, 2, 9), Outcome.POSITIVE
        )
        version = record_decision(
            conn, operator, "Cleveland", "R1", Stage.CONCLUSIVE, date(2018, 5, 1), Outcome.POSITIVE
        )
    assert version == 3


def test_compliance_per_force_follows_the_setting(loaded: Engine, operator: Principal) -> None:
    with loaded.begin() as conn:
        for ref, hours in (("A", 10), ("B", 30), ("C", 80)):
            add_referral(conn, operator, referral(ref))
            at = MONDAY + timedelta(hours=hours)
            record_crime(conn, operator, "Cleveland", ref, f"CR-{ref}", at)
        add_referral(conn, operator, referral("D"))  # never recorded
        add_referral(conn, operator, referral("E", org="Durham"))
        record_decision(
            conn, operator, "Cleveland", "A", Stage.REASONABLE, date(2018, 2, 12), Outcome.POSITIVE
        )  # 5th working day: on target
        record_decision(
            conn, operator, "Cleveland", "B", Stage.REASONABLE, date(2018, 2, 13), Outcome.NEGATIVE
        )  # 6th working day: late
    now = datetime(2018, 3, 1)
    with loaded.connect() as conn:
        default = {
            c.organisation: c
            for c in compliance(conn, operator, date(2018, 2, 1), date(2018, 2, 28), now)
        }
    assert settings_default(loaded)["crime_recording_hours"] == 24
    cl = default["Cleveland"]
    assert (cl.referrals, cl.crime_on_time, cl.crime_late, cl.crime_overdue) == (4, 1, 2, 1)
    assert cl.crime_on_time_pct == 25.0
    assert (cl.rg_decided, cl.rg_within_target) == (2, 1)
    assert default["All forces in scope"].referrals == 5
    with loaded.begin() as conn:
        assert set_setting(conn, operator, "crime_recording_hours", "72") == 1
    with loaded.connect() as conn:
        lenient = compliance(conn, operator, date(2018, 2, 1), date(2018, 2, 28), now)
    assert (lenient[0].crime_on_time, lenient[0].crime_late) == (2, 1)


def settings_default(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return settings(conn)


def test_setting_rejects_nonsense_and_force_users(
    loaded: Engine, operator: Principal, force_user: Principal
) -> None:
    before = row_counts(loaded)
    with pytest.raises(InvalidInput, match="crime_recording_hours: 'soon'"), loaded.begin() as c:
        set_setting(c, operator, "crime_recording_hours", "soon")
    with pytest.raises(AccessDenied), loaded.begin() as c:
        set_setting(c, force_user, "crime_recording_hours", "24")
    assert row_counts(loaded) == before


def test_scope_and_duty_to_notify(
    loaded: Engine, operator: Principal, force_user: Principal, pcc: Principal
) -> None:
    with loaded.begin() as conn:
        add_referral(conn, operator, referral("R1"))
        add_referral(conn, operator, referral("R2", org="Durham"))
        add_duty_to_notify(
            conn, force_user, "Cleveland", date(2018, 2, 6), Gender.MALE, "Vietnamese", "criminal"
        )
        assert [r["referral_ref"] for r in list_referrals(conn, force_user)] == ["R1"]
        with pytest.raises(AccessDenied):
            list_referrals(conn, pcc)
        with pytest.raises(AccessDenied):
            add_referral(conn, force_user, referral("R3", org="Durham"))
        figures = compliance(conn, pcc, date(2018, 2, 1), date(2018, 2, 28), datetime(2018, 3, 1))
    assert [f.organisation for f in figures] == ["Cleveland", "All forces in scope"]
