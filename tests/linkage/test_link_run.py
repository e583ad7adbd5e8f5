"""`link run` on a real database: threads found, alerts, judgements across runs, scope, audit."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from msops.domain.errors import AccessDenied, InvalidInput, NotFound
from msops.domain.principal import Principal, Role
from msops.linkage.explain import describe_link
from msops.linkage.matcher import MatcherConfig
from msops.linkage.run import RUN_THRESHOLD, RunSummary, run_linkage
from msops.store import linkage_repo as repo
from msops.store.schema import audit_event
from msops.store.schema.linkage import link_alert, link_run
from tests.linkage.people_returns import ident, load, national_picture, org_return, person

NATIONAL = Principal("insight.lead", Role.NATIONAL_ANALYST)
LAN_ORGS = "Cleveland, Durham, Metropolitan"
ANDREI_ORGS = "GLAA, Metropolitan"


def link(engine: Engine, who: Principal) -> RunSummary:
    with engine.begin() as conn:
        return run_linkage(conn, who, MatcherConfig(seed=42, threshold=RUN_THRESHOLD))


@pytest.fixture
def linked(engine: Engine, operator: Principal) -> Engine:
    load(engine, operator, national_picture())
    link(engine, operator)
    return engine


def threads(engine: Engine, who: Principal = NATIONAL, **kw: Any) -> dict[str, dict[str, Any]]:
    """organisations -> thread row."""
    with engine.connect() as conn:
        return {r["organisations"]: r for r in repo.list_threads(conn, who, **kw)}


def alerted(engine: Engine, key: str, run_id: int | None = None) -> list[str]:
    with engine.connect() as conn:
        detail = repo.thread_detail(conn, NATIONAL, key)
    return sorted(a["organisation"] for a in detail.alerts if run_id in (None, a["run_id"]))


def audit_actions(engine: Engine) -> list[tuple[str, str, str | None]]:
    a = audit_event
    with engine.connect() as conn:
        rows = conn.execute(select(a.c.action, a.c.object_type, a.c.purpose).order_by(a.c.id))
        return [tuple(r) for r in rows if r.object_type.startswith("link")]


def test_thread_joins_the_same_person_across_three_forces_and_alerts_exactly_them(
    linked: Engine,
) -> None:
    found = threads(linked)
    assert sorted(found) == [LAN_ORGS, ANDREI_ORGS]
    lan = found[LAN_ORGS]
    assert (lan["records"], lan["operations"], lan["status"]) == (3, 3, "new")
    assert alerted(linked, lan["thread"]) == ["Cleveland", "Durham", "Metropolitan"]
    assert alerted(linked, found[ANDREI_ORGS]["thread"]) == ["GLAA", "Metropolitan"]
    with linked.connect() as conn:
        n_alerts = conn.execute(select(func.count()).select_from(link_alert)).scalar_one()
        run = conn.execute(select(link_run)).one()
        lan_detail = repo.thread_detail(conn, NATIONAL, lan["thread"], "test")
    assert n_alerts == 5
    assert run.run_by == "test-operator" and run.n_threads == 2 and run.n_records == 331
    assert run.n_clusters > run.n_threads  # a force's own repeat nominals cluster, not thread
    # the namesakes (same name, other birth dates and phones) stay out
    assert sorted(m["label"] for m in lan_detail.members) == [
        "Cleveland/C1/LAN",
        "Durham/D1/LAN",
        "Metropolitan/M1/LAN",
    ]


def test_each_link_is_explained_in_words(linked: Engine) -> None:
    with linked.connect() as conn:
        detail = repo.thread_detail(conn, NATIONAL, threads(linked)[LAN_ORGS]["thread"])
    text = {
        (x["left"], x["right"], x["kind"]): describe_link(
            x["kind"], x["probability"], x["match_weight"], x["evidence"]
        )
        for x in detail.links
    }
    swapped = text[("Cleveland/C1/LAN", "Durham/D1/LAN", "model")]
    assert swapped[0].startswith("matching model: probability ")
    assert "(match weight +" in swapped[0]
    # "Nguyen Lan" against "Nguyễn Thị Lan": the name is weighed, in words, level and all
    assert any(line.startswith("name: same names apart from particles") for line in swapped)
    assert any(line.startswith("date of birth: day and month swapped, ") for line in swapped)
    assert any(line.startswith("phone: exact match, strong evidence (+") for line in swapped)
    # the three ways of writing the phone are one number: an exact identifier link
    assert text[("Cleveland/C1/LAN", "Durham/D1/LAN", "phone")] == [
        "same phone number (exact identifier link; value not shown)"
    ]
    with linked.connect() as conn:
        andrei = repo.thread_detail(conn, NATIONAL, threads(linked)[ANDREI_ORGS]["thread"])
    assert {x["kind"] for x in andrei.links} >= {"passport"}
    assert "07700" not in str(detail.links) and "123456" not in str(andrei.links)


def test_judgements_survive_a_rerun_and_a_dismissed_thread_realerts_only_when_it_grows(
    linked: Engine, operator: Principal
) -> None:
    lan, andrei = threads(linked)[LAN_ORGS]["thread"], threads(linked)[ANDREI_ORGS]["thread"]
    durham = Principal("spoc.durham", Role.FORCE_USER, organisation="Durham")
    with linked.begin() as conn:
        repo.review_thread(conn, durham, lan, "confirmed", "same phone and date of birth")
        repo.review_thread(conn, NATIONAL, andrei, "unsure", "estimated age only")
        repo.review_thread(conn, NATIONAL, andrei, "dismissed", "different fathers' names")
    second = link(linked, operator)
    after = threads(linked, include_inactive=True)
    assert after[LAN_ORGS]["thread"] == lan and after[LAN_ORGS]["status"] == "confirmed"
    assert after[ANDREI_ORGS]["thread"] == andrei and after[ANDREI_ORGS]["status"] == "dismissed"
    assert (second.n_new_threads, second.n_alerts) == (0, 0)
    with linked.connect() as conn:
        history = repo.thread_detail(conn, NATIONAL, andrei).judgements
    assert [(j["judgement"], j["judged_by"]) for j in history] == [
        ("unsure", "insight.lead"),
        ("dismissed", "insight.lead"),
    ]
    assert history[1]["reason"] == "different fathers' names"

    # Essex now names the same man, with the same passport: the thread grows and re-alerts
    andrei_again = person("E9", "X1", "Suspect", "Andrei", "Ionescu", dob="1979-10-02",
                          gender="Male", nationality="Romanian")  # fmt: skip
    passport = ident("E9", "X1", "Passport number", "AB123456")
    load(linked, operator, {"Essex": org_return("Essex", [andrei_again], [passport])})
    third = link(linked, operator)
    grown = threads(linked)["Essex, GLAA, Metropolitan"]
    assert grown["thread"] == andrei and grown["status"] == "new"
    assert alerted(linked, andrei, third.run_id) == ["Essex", "GLAA", "Metropolitan"]
    assert third.n_alerts == 3  # the confirmed thread did not change: no alert for it


@pytest.mark.parametrize(("judgement", "stays"), [("confirmed", True), ("unsure", False)])
def test_a_confirmed_thread_holds_when_the_model_no_longer_links_it(
    linked: Engine, operator: Principal, judgement: str, stays: bool
) -> None:
    andrei = threads(linked)[ANDREI_ORGS]["thread"]
    with linked.begin() as conn:
        repo.review_thread(conn, NATIONAL, andrei, judgement, "checked with both teams")
    # GLAA resubmits its month: the man now has another name, no birth date and no passport
    glaa = national_picture()["GLAA"]
    for row in glaa["nominals"]:
        if row["nominal_ref"] == "AND":
            row.update(given_name="Dorin", family_name="Vasile", estimated_age=None)
    glaa["identifiers"] = [r for r in glaa["identifiers"] if r["nominal_ref"] != "AND"]
    load(linked, operator, {"GLAA": glaa})
    link(linked, operator)
    active = threads(linked)
    assert (ANDREI_ORGS in active) is stays
    if stays:
        assert active[ANDREI_ORGS]["thread"] == andrei
        with linked.connect() as conn:
            kinds = {x["kind"] for x in repo.thread_detail(conn, NATIONAL, andrei).links}
        assert kinds == {"confirmed"}
    else:
        kept = threads(linked, include_inactive=True)[ANDREI_ORGS]
        assert kept["thread"] == andrei and kept["active"] is False


def test_scope_a_force_sees_only_threads_touching_it(linked: Engine) -> None:
    kent = Principal("spoc.kent", Role.FORCE_USER, organisation="Kent")
    glaa = Principal("glaa.analyst", Role.PARTNER_USER, organisation="GLAA")
    london = Principal("ra.london", Role.REGIONAL_ANALYST, region="London")
    pcc = Principal("pcc", Role.PCC, organisation="Cleveland")
    lan = threads(linked)[LAN_ORGS]["thread"]
    assert threads(linked, kent) == {}
    assert threads(linked, pcc) == {}
    assert sorted(threads(linked, glaa)) == [ANDREI_ORGS]
    assert sorted(threads(linked, london)) == [LAN_ORGS, ANDREI_ORGS]
    with linked.begin() as conn:
        with pytest.raises(NotFound):
            repo.thread_detail(conn, kent, lan, "curious")
        with pytest.raises(NotFound):
            repo.review_thread(conn, kent, lan, "dismissed", "not ours")
        with pytest.raises(AccessDenied):
            repo.thread_detail(conn, pcc, lan)
        with pytest.raises(AccessDenied):
            run_linkage(conn, kent)
        with pytest.raises(AccessDenied):
            repo.current_nominals(conn, london)


def test_names_need_a_purpose_and_each_viewing_is_audited(linked: Engine) -> None:
    lan = threads(linked)[LAN_ORGS]["thread"]
    cleveland = Principal("spoc.cleveland", Role.FORCE_USER, organisation="Cleveland")
    before = audit_actions(linked)
    assert before == [("combination", "link_run", "linkage run")]
    with linked.begin() as conn:
        plain = repo.thread_detail(conn, cleveland, lan)
        assert all("given_name" not in m for m in plain.members)
        with pytest.raises(InvalidInput):
            repo.thread_detail(conn, cleveland, lan, "  ")
        with pytest.raises(InvalidInput):
            repo.review_thread(conn, cleveland, lan, "probably", "looks right")
    # the view without names is recorded; the refused ones are not
    assert audit_actions(linked) == [*before, ("consultation", "link_thread", None)]
    with linked.begin() as conn:
        named = repo.thread_detail(conn, cleveland, lan, "victim safeguarding")
        repo.review_thread(conn, cleveland, lan, "confirmed", "same phone")
    assert {m["family_name"] for m in named.members} == {"Nguyễn", "NGUYEN", "Thi Lan"}
    assert audit_actions(linked)[2:] == [
        ("consultation", "link_thread", "victim safeguarding"),
        ("alteration", "link_thread", "same phone"),
    ]


def test_a_shared_phone_does_not_join_people_whose_birth_dates_differ(
    engine: Engine, operator: Principal
) -> None:
    # Kent's Lan Nguyen (born 1985) shares Lan's phone (a household, or a handed-on phone)
    picture = national_picture()
    for row in picture["Kent"]["identifiers"]:
        if row["nominal_ref"] == "NS2":
            row["value"] = "07700 900456"
    load(engine, operator, picture)
    link(engine, operator)
    found = threads(engine)
    assert sorted(found) == [LAN_ORGS, ANDREI_ORGS]
    with engine.connect() as conn:
        lan = repo.thread_detail(conn, NATIONAL, found[LAN_ORGS]["thread"])
    assert "Kent" not in {m["label"].split("/")[0] for m in lan.members}


def test_a_database_of_a_few_nominals_is_linked_by_the_reference_model(
    engine: Engine, operator: Principal
) -> None:
    """The planted people alone (a pilot's first returns): too few nominals to learn from, so
    the reference model weighs them, and the same threads are found."""
    load(engine, operator, national_picture(with_background=False))
    summary = link(engine, operator)
    assert summary.n_records < 100
    assert sorted(threads(engine)) == [LAN_ORGS, ANDREI_ORGS]
    # the evidence is explained field by field, as on a large database
    with engine.connect() as conn:
        detail = repo.thread_detail(conn, NATIONAL, threads(engine)[LAN_ORGS]["thread"])
    model = [x for x in detail.links if x["kind"] == "model"]
    assert model
    for x in model:
        lines = describe_link(x["kind"], x["probability"], x["match_weight"], x["evidence"])
        assert any(line.startswith("name: ") for line in lines)
