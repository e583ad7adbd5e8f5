"""Casework entry forms in the browser, and the same acts through the JSON API.

Every form: a good entry is stored and shown on the page the form leads to; bad input is shown
on the form with the register's message and the values entered, and changes nothing; a role
that may not write is refused (403) and changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from msops.domain.casework.nrm_referrals import AgeGroup, Gender
from msops.domain.principal import Principal, Role
from msops.store.casework.nrm_referrals import Referral, add_referral
from tests.conftest import row_counts
from tests.web.conftest import Site, csrf_of

SYSTEM = Principal("seed", Role.SYSTEM)
RATINGS = {
    "victim_safeguarding": "good",
    "investigation_planning": "requires_improvement",
    "intelligence_partnership": "good",
    "ancillary_orders": "good",
    "nrm_duty_to_notify": "good",
    "disruption_prosecution": "not_applicable",
}


def seed_referral(engine: Engine) -> None:
    referral = Referral(
        "Cleveland",
        "R-7",
        "Police",
        datetime(2018, 1, 10, 10),
        AgeGroup.ADULT,
        Gender.FEMALE,
        "Romanian",
        "labour",
    )
    with engine.begin() as conn:
        add_referral(conn, SYSTEM, referral)


@dataclass(frozen=True)
class Case:
    name: str
    url: str
    good: dict[str, str]
    shows: str  # text the page after a good entry shows
    bad: dict[str, str]
    message: str  # the start of the register's message for the bad entry
    refused: str  # an account whose role may not write
    api: str = ""  # the API endpoint taking the same body
    who: str = "force"
    setup: Callable[[Engine], None] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


ORDER = {
    "org": "Cleveland",
    "operation": "CL-002",
    "nominal": "N1",
    "order_type": "STPO",
    "court": "Teesside Crown Court (2)",
    "made": "2018-01-25",
    "expires": "2023-01-25",
    "prohibitions": "No contact with the victims\nNot to run an employment agency",
    "travel_countries": "Romania",
    "travel_ban_ends": "2021-01-25",
}
REVIEW = {
    "org": "Cleveland",
    "operation": "CL-001",
    "date": "2018-02-01",
    "reviewers": "DI A. Peer (Durham)\nDS B. Peer",
    **{f"rating.{k}": v for k, v in RATINGS.items()},
    "findings.investigation_planning": "No written plan until month three",
}
CASES = [
    Case(
        "order",
        "/casework/orders/new",
        ORDER,
        "Not to run an employment agency",
        {**ORDER, "expires": "2020-01-25"},
        "expiry: 2020-01-25 is earlier than 2023-01-25",
        "regional",
        "/api/casework/orders",
    ),
    Case(
        "variation",
        "/casework/orders/1/vary",
        {"kind": "renewal", "date": "2019-01-20", "court": "Teesside", "summary": "Renewed"},
        "Renewed",
        {"kind": "variation", "date": "2019-01-20", "court": "Teesside", "summary": "x"}
        | {"travel_countries": "Atlantis"},
        "travel countries: 'Atlantis' is not a country code",
        "regional",
        "/api/casework/orders/1/variations",
    ),
    Case(
        "breach",
        "/casework/orders/1/breach",
        {"date": "2018-05-01", "summary": "Contacted a victim", "outcome": "charged"},
        "Contacted a victim",
        {"date": "2018-05-01", "summary": "x", "outcome_date": "2018-04-01"},
        "outcome date: 2018-04-01 is before the breach (2018-05-01)",
        "pcc",
        "/api/casework/orders/1/breaches",
    ),
    Case(
        "referral",
        "/casework/nrm-referrals/new",
        {"org": "Cleveland", "ref": "R-9", "first_responder": "Police"}
        | {"referred": "2018-01-10T10:00", "age_group": "child", "gender": "male"}
        | {"nationality": "Albanian", "exploitation": "criminal", "operation": "CL-001"},
        "R-9",
        {"org": "Cleveland", "ref": "R-9", "first_responder": "Police"}
        | {"referred": "2018-01-10T10:00", "age_group": "child", "gender": "male"}
        | {"nationality": "Martian", "exploitation": "criminal"},
        "nationality: 'Martian' is not a nationality in the NRM's list",
        "regional",
        "/api/casework/nrm-referrals",
    ),
    Case(
        "decision",
        "/casework/nrm-referrals/decision",
        {"org": "Cleveland", "ref": "R-7", "stage": "rg", "date": "2018-01-12"}
        | {"outcome": "positive"},
        "2018-01-12",
        {"org": "Cleveland", "ref": "R-7", "stage": "cg", "date": "2018-03-12"}
        | {"outcome": "positive"},
        "conclusive grounds: a conclusive decision follows a positive reasonable grounds",
        "regional",
        "/api/casework/nrm-referrals/decisions",
        setup=seed_referral,
    ),
    Case(
        "crime",
        "/casework/nrm-referrals/crime",
        {"org": "Cleveland", "ref": "R-7", "crime_ref": "CR/77/18"}
        | {"recorded": "2018-01-11T09:00"},
        "CR/77/18",
        {"org": "Cleveland", "ref": "R-7", "crime_ref": "CR/77/18", "recorded": "yesterday"},
        "recorded: 'yesterday' is not a date or time",
        "partner",
        "/api/casework/nrm-referrals/crime-records",
        setup=seed_referral,
    ),
    Case(
        "notify",
        "/casework/duty-to-notify/new",
        {"org": "Cleveland", "submitted": "2018-01-12", "gender": "male"}
        | {"nationality": "Vietnamese", "exploitation": "criminal"},
        "Vietnamese",
        {"org": "Cleveland", "submitted": "2018-01-12", "gender": "x"}
        | {"nationality": "Vietnamese", "exploitation": "criminal"},
        "gender: 'x' is not one of: female, male, other, unknown",
        "admin",
        "/api/casework/duty-to-notify",
    ),
    Case(
        "europol",
        "/casework/europol/record",
        {"org": "Cleveland", "kind": "check", "date": "2018-01-15", "operation": "CL-002"}
        | {"outcome": "trace"},
        "CL-002",
        {"org": "Cleveland", "kind": "check", "date": "2018-01-15", "operation": "CL-002"},
        "outcome: a check needs its outcome",
        "force_kent",
        "/api/casework/europol/events",
    ),
    Case(
        "debrief",
        "/casework/debriefs/new",
        {"org": "Cleveland", "operation": "CL-001", "method": "structured"}
        | {"date": "2018-02-05", "findings": "Early partner contact paid off"},
        "Early partner contact paid off",
        {"org": "Cleveland", "operation": "ZZ-9", "method": "structured"}
        | {"date": "2018-02-05", "findings": "x"},
        "operation: Cleveland has no operation with reference 'ZZ-9'",
        "regional",
        "/api/casework/debrief-records",
    ),
    Case(
        "lesson",
        "/casework/lessons/new",
        {"org": "Cleveland", "title": "Call the GLAA early", "text": "Partners first"}
        | {"themes": "partnership", "tags": "GLAA", "date": "2018-02-06"},
        "Call the GLAA early",
        {"org": "Cleveland", "title": "t", "text": "x", "themes": "astrology"}
        | {"date": "2018-02-06"},
        "theme: 'astrology' is not one of",
        "pcc",
        "/api/casework/lessons",
    ),
    Case(
        "review",
        "/casework/peer-reviews/new",
        REVIEW,
        "No written plan until month three",
        {**REVIEW, "rating.investigation_planning": "inadequate"}
        | {"findings.investigation_planning": ""},
        "findings: investigation_planning rated inadequate needs findings",
        "force",
        "/api/casework/peer-reviews",
        who="national",
    ),
    Case(
        "assessment",
        "/casework/action-plan/assess",
        {"org": "Cleveland", "item": "AP03", "rag": "amber", "date": "2018-02-01"}
        | {"assessor": "ACC J. Lead", "evidence": "Training at 60 per cent"},
        "Training at 60 per cent",
        {"org": "Cleveland", "item": "AP03", "rag": "purple", "date": "2018-02-01"}
        | {"assessor": "ACC J. Lead", "evidence": "x"},
        "rag: 'purple' is not one of red, amber, green",
        "partner",
        "/api/casework/action-plan/assessments",
    ),
]
IDS = [c.name for c in CASES]


def _post(site: Site, account: str, url: str, fields: dict[str, str]) -> Any:
    client = site.client(account)
    token = client.headers["X-CSRF-Token"]
    return client, client.post(url, data={**fields, "csrf_token": token})


def _api_body(case: Case, fields: dict[str, str]) -> dict[str, Any]:
    """The form's fields as the API takes them (a review's ratings as two mappings)."""
    body: dict[str, Any] = {k: v for k, v in fields.items() if "." not in k}
    if case.name == "review":
        body["ratings"] = {k[7:]: v for k, v in fields.items() if k.startswith("rating.")}
        body["findings"] = {k[9:]: v for k, v in fields.items() if k.startswith("findings.")}
    return body


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_good_entry_is_stored_and_shown(site: Site, case: Case) -> None:
    if case.setup:
        case.setup(site.engine)
    client, answer = _post(site, case.who, case.url, case.good)
    assert answer.status_code == 303, answer.text[:500]
    shown = client.get(answer.headers["location"])
    assert shown.status_code == 200
    assert case.shows in shown.text


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_bad_input_is_shown_on_the_form_and_changes_nothing(site: Site, case: Case) -> None:
    if case.setup:
        case.setup(site.engine)
    client = site.client(case.who)
    form = client.get(case.url)
    assert form.status_code == 200
    before = row_counts(site.engine)
    answer = client.post(case.url, data={**case.bad, "csrf_token": csrf_of(form.text)})
    assert answer.status_code == (404 if case.name == "debrief" else 422)  # no such operation
    assert "Not saved: " + case.message in answer.text.replace("&#39;", "'")
    entered = next(
        k for k in ("made", "date", "referred", "submitted", "recorded") if k in case.bad
    )
    assert f'value="{case.bad[entered]}"' in answer.text  # the form keeps what was entered
    assert row_counts(site.engine) == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_a_role_that_may_not_write_is_refused(site: Site, case: Case) -> None:
    if case.setup:
        case.setup(site.engine)
    client = site.client(case.refused)
    before = row_counts(site.engine)
    answer = client.post(case.url, data={**case.good, "csrf_token": client.headers["X-CSRF-Token"]})
    assert answer.status_code == 403
    assert row_counts(site.engine) == before


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_the_api_takes_the_same_input_and_gives_the_same_message(site: Site, case: Case) -> None:
    if case.setup:
        case.setup(site.engine)
    client = site.client(case.who)
    before = row_counts(site.engine)
    refused = client.post(case.api, json=_api_body(case, case.bad))
    assert refused.status_code == (404 if case.name == "debrief" else 400)  # no such operation
    assert refused.json()["detail"].startswith(case.message)
    assert row_counts(site.engine) == before
    stored = client.post(case.api, json=_api_body(case, case.good))
    assert stored.status_code in (200, 201), stored.text
    assert row_counts(site.engine) != before
    assert site.client(case.refused).post(case.api, json=case.good).status_code == 403


def test_a_form_without_its_token_is_refused(site: Site) -> None:
    client = site.client("force")
    before = row_counts(site.engine)
    answer = client.post("/casework/orders/new", data=ORDER)
    assert answer.status_code == 403
    assert row_counts(site.engine) == before


def test_an_order_outside_ones_scope_is_not_found_on_the_form(site: Site) -> None:
    client = site.client("force_kent")
    before = row_counts(site.engine)
    answer = client.post(
        "/casework/orders/1/breach",
        data={**CASES[2].good, "csrf_token": client.headers["X-CSRF-Token"]},
    )
    assert answer.status_code == 404
    assert "order: no order 1 in your scope" in answer.text
    assert row_counts(site.engine) == before


def test_the_form_is_prefilled_from_a_link(site: Site) -> None:
    page = site.client("force").get("/casework/europol/record?operation=CL-001&kind=jit").text
    assert 'name="operation" value="CL-001"' in page
    assert '<option value="jit" selected>' in page
    prompts = site.client("force").get("/casework/europol?org=Cleveland").text
    assert "/casework/europol/record?org=Cleveland&amp;operation=CL-001" in prompts
