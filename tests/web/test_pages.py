"""What a user sees: security headers, CSRF, plain errors, scope on pages, audited reads."""

from __future__ import annotations

from html import escape
from pathlib import Path
from urllib.parse import quote

from fastapi.testclient import TestClient
from sqlalchemy import select, text

from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.files import write_return
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.schema import audit_event
from msops.web.app import create_app
from tests.builders import operation, valid_return
from tests.web.conftest import PASSWORD, PERIOD, Site, csrf_of, return_file

SYSTEM = Principal("seed", Role.SYSTEM)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_every_response_carries_the_security_headers(site: Site) -> None:
    client = site.client("national")
    for url in ("/", "/sign-in", "/operations", "/static/style.css", "/api/operations", "/nope"):
        headers = client.get(url).headers
        assert "default-src 'self'" in headers["content-security-policy"]
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-content-type-options"] == "nosniff"


def test_pages_carry_the_marking_and_no_inline_script(site: Site) -> None:
    client = site.client("force")
    for url in ("/", "/operations", "/operations/Cleveland/CL-001", "/returns/upload"):
        html = client.get(url).text
        assert html.count("OFFICIAL-SENSITIVE") >= 2, url
        assert "<script" not in html and "style=" not in html, url


def test_sign_in_through_the_form_sets_a_strict_http_only_cookie(site: Site) -> None:
    client = TestClient(site.app, follow_redirects=False)
    form = client.get("/sign-in")
    assert "msops users add" not in form.text  # accounts exist: no first-run advice
    answer = client.post(
        "/sign-in",
        data={"name": "force", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
    )
    assert answer.status_code == 303
    cookie = next(c for c in answer.headers.get_list("set-cookie") if "msops_session=" in c)
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert "Cleveland" in client.get("/").text
    national = site.client("national").get("/").text  # the returns cover the whole UK
    assert "<h1>England, Wales, Scotland and Northern Ireland: 2018-01</h1>" in national
    signed_out = client.post("/sign-out", data={"csrf_token": csrf_of(client.get("/").text)})
    assert signed_out.headers["location"] == "/sign-in"
    assert client.get("/").status_code == 303


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(site: Site) -> None:
    client = site.client("admin")
    answer = client.post(
        "/accounts",
        data={
            "name": "x.user",
            "role": "admin",
            "password": "long enough pass",
            "csrf_token": "no",
        },
    )
    assert answer.status_code == 403
    assert "x.user" not in client.get("/accounts").text


def test_wrong_passwords_are_slowed_down(site: Site) -> None:
    client = TestClient(site.app, follow_redirects=False)
    for _ in range(5):
        form = client.get("/sign-in")
        wrong = {"name": "force", "password": "wrong", "csrf_token": csrf_of(form.text)}
        assert client.post("/sign-in", data=wrong).status_code == 401
    form = client.get("/sign-in")
    right = {"name": "force", "password": PASSWORD, "csrf_token": csrf_of(form.text)}
    refused = client.post("/sign-in", data=right)
    assert refused.status_code == 429
    assert "try again in" in refused.text


def test_an_unexpected_failure_shows_a_plain_page_without_a_traceback(site: Site) -> None:
    client = site.client("national")
    with site.engine.begin() as conn:
        conn.execute(text("DROP TABLE operation_nationality"))
    client = TestClient(site.app, raise_server_exceptions=False, cookies=client.cookies)
    answer = client.get("/operations/Cleveland/CL-001")
    assert answer.status_code == 500
    assert "Something went wrong" in answer.text
    assert "Traceback" not in answer.text and "operation_nationality" not in answer.text


def test_nominals_need_a_purpose_which_is_audited_and_kept_out_of_urls(site: Site) -> None:
    client = site.client("regional")
    page = client.get("/operations/Cleveland/CL-001")
    assert "Popescu" not in page.text and "Show nominals" in page.text
    shown = client.post(
        "/operations/Cleveland/CL-001/nominals",
        data={"purpose": "safeguarding review", "csrf_token": csrf_of(page.text)},
    )
    assert "Popescu" in shown.text and "+447700900123" in shown.text
    assert "Popescu" not in str(shown.url)
    with site.engine.connect() as conn:
        rows = conn.execute(
            select(audit_event.c.actor, audit_event.c.object_type, audit_event.c.purpose).where(
                audit_event.c.action == "consultation"
            )
        ).all()
    assert ("regional", "nominals", "safeguarding review") in rows
    assert ("regional", "operation", None) in rows


def test_pcc_sees_rounded_figures_and_no_operation(site: Site) -> None:
    client = site.client("pcc")
    dashboard = client.get("/").text
    assert "disclosure-controlled" in dashboard and "[c]" in dashboard
    for url in ("/operations", "/operations/Cleveland/CL-001", "/api/operations/Cleveland/CL-001"):
        assert client.get(url).status_code == 403
    answer = client.post("/api/operations/Cleveland/CL-001/nominals", json={"purpose": "x"})
    assert answer.status_code == 403 and "Popescu" not in answer.text


def test_force_user_cannot_submit_for_another_force(site: Site, tmp_path: Path) -> None:
    client = site.client("force_kent")
    answer = client.post(
        "/returns/upload",
        data={
            "org": "Cleveland",
            "period": "2018-01",
            "csrf_token": client.headers["X-CSRF-Token"],
        },
        files={"file": ("r.xlsx", return_file(tmp_path, valid_return()), XLSX)},
    )
    assert answer.status_code == 403


def test_upload_with_errors_shows_the_problems_and_stores_nothing(
    site: Site, tmp_path: Path
) -> None:
    client = site.client("force")
    rows = valid_return("CL-003")
    rows["operations"] = [operation("CL-003", status="Sleeping")]
    answer = client.post(
        "/returns/upload",
        data={
            "org": "Cleveland",
            "period": "2018-02",
            "csrf_token": client.headers["X-CSRF-Token"],
        },
        files={"file": ("feb.xlsx", return_file(tmp_path, rows, period=Period(2018, 2)), XLSX)},
    )
    assert answer.status_code == 422
    assert "Sleeping" in answer.text and "nothing was stored" in answer.text
    status = client.get("/api/returns/status", params={"period": "2018-02"}).json()
    assert [s["version"] for s in status] == [None]


def test_upload_of_a_nil_return_needs_the_nil_box_ticked(site: Site, tmp_path: Path) -> None:
    client = site.client("national")
    blank = tmp_path / "kent.xlsx"
    write_return(blank, "xlsx", {}, organisation="Kent Police", period="2018-01")
    form = {"org": "Kent", "period": "2018-01", "csrf_token": client.headers["X-CSRF-Token"]}
    files = {"file": ("kent.xlsx", blank.read_bytes(), XLSX)}
    answer = client.post("/returns/upload", data=form, files=files)
    assert answer.status_code == 422 and "empty_return" not in answer.text
    assert "not declared a nil return" in answer.text
    answer = client.post("/returns/upload", data={**form, "nil": "true"}, files=files)
    assert answer.status_code == 200 and "Accepted, version 1" in answer.text
    stored = client.post(
        "/api/returns", data={"org": "Kent", "period": "2018-01", "nil": "true"}, files=files
    )
    assert stored.json()["outcome"] == "unchanged"


ODD_REFS = ("MPS/2018/001", "OP 7 #2", "100% BLUE", "Opération Été")


def test_operations_whose_reference_has_any_character_open(site: Site) -> None:
    """A reference with a slash (the Met's, the NCA's), a space, '#', '%' or an accent opens
    from the list's link, as a page and through the API."""
    raw = RawReturn.from_rows("odd.csv", valid_return(*ODD_REFS))
    stored = submit_raw(site.engine, SYSTEM, raw, "Cleveland", PERIOD, "odd")
    assert stored.outcome == Outcome.ACCEPTED
    client = site.client("national")
    listing = client.get("/operations", params={"period": str(PERIOD), "org": "Cleveland"}).text
    for ref in ODD_REFS:
        link = f'/operations/Cleveland/{quote(ref)}"'
        assert link in listing, ref
        page = client.get(link.rstrip('"'))
        assert page.status_code == 200 and escape(ref) in page.text, ref
        answer = client.get(f"/api/operations/Cleveland/{quote(ref)}")
        assert answer.status_code == 200 and answer.json()["ref"] == ref, ref
        nominals = client.post(
            f"/api/operations/Cleveland/{quote(ref)}/nominals", json={"purpose": "test"}
        )
        assert nominals.status_code == 200 and nominals.json()["ref"] == ref, ref


def test_a_request_for_another_host_is_refused_and_never_echoed(site: Site) -> None:
    client = site.client(None)
    answer = client.get("/operations/", headers={"host": "evil.example"})
    assert answer.status_code == 400
    assert "evil.example" not in answer.headers.get("location", "")


def test_head_answers_as_get_without_a_body(site: Site) -> None:
    client = site.client("national")
    for path in ("/", "/operations", "/casework/orders", "/static/style.css"):
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code == 200, path
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]
    assert client.head("/api/headline").status_code == 200


def test_https_deployments_send_hsts(site: Site) -> None:
    secure = TestClient(create_app(site.engine, secure_cookies=True), base_url="https://testserver")
    assert "max-age=" in secure.get("/sign-in").headers["strict-transport-security"]
    plain = site.client(None).get("/sign-in")
    assert "strict-transport-security" not in plain.headers


def test_a_wrong_password_on_the_api_is_401(site: Site) -> None:
    client = TestClient(site.app)
    answer = client.post("/api/session", json={"name": "national", "password": "not it at all"})
    assert answer.status_code == 401
    assert "not it at all" not in answer.text


def test_compliance_dates_far_out_of_range_are_refused_with_a_message(site: Site) -> None:
    client = site.client("national")
    for path in ("/casework/nrm-compliance", "/api/casework/nrm-compliance"):
        answer = client.get(path, params={"from": "0001-01-01", "to": "9999-12-31"})
        assert answer.status_code == 400, path
        assert "between 1990-01-01 and 2100-12-31" in answer.text


ALIASES = ("Cleveland Police", " Cleveland", "CLEVELAND POLICE", "cleveland", "E23000013")


def test_every_spelling_of_an_organisation_is_audited_under_one_name(site: Site) -> None:
    """ "Who looked at this?" finds every consultation, whichever spelling reached the operation."""
    client = site.client("national")
    for spelling in ALIASES:
        assert client.get(f"/api/operations/{spelling}/CL-001").status_code == 200, spelling
        assert client.get(f"/operations/{spelling}/CL-001").status_code == 200, spelling
    found = client.get("/api/audit", params={"ref": "Cleveland/CL-001"}).json()
    consultations = [e for e in found if e["action"] == "consultation"]
    assert len(consultations) == 2 * len(ALIASES)
    assert {e["object_ref"] for e in consultations} == {"Cleveland/CL-001"}


def test_an_unknown_organisation_is_a_404_that_names_it(site: Site) -> None:
    answer = site.client("national").get("/api/operations/Clevelend Police/CL-001")
    assert answer.status_code == 404 and "Clevelend Police" in answer.json()["detail"]


def _submit(site: Site, org: str, lead: str, refs: tuple[str, ...], period: Period) -> None:
    rows = valid_return(*refs)
    rows["operations"] = [operation(ref, lead_org=lead) for ref in refs]
    raw = RawReturn.from_rows(f"{org}.csv", rows)
    assert submit_raw(site.engine, SYSTEM, raw, org, period, org).outcome == Outcome.ACCEPTED


def test_one_early_return_for_a_later_month_does_not_move_the_national_picture(
    site: Site,
) -> None:
    _submit(site, "Durham", "Durham Constabulary", ("DU-1",), PERIOD)
    _submit(site, "Kent", "Kent Police", ("KE-1",), PERIOD)
    # April's return still lists the operations live in Cleveland's January return
    _submit(site, "Cleveland", "Cleveland Police", ("CL-001", "CL-002", "CL-009"), Period(2018, 4))
    client = site.client("national")
    dashboard = client.get("/").text
    assert f": {PERIOD}</h1>" in dashboard
    assert (
        "Later months with partial returns" in dashboard
        and "2018-04</a> (1 organisation)" in dashboard
    )
    listing = client.get("/operations").text
    assert "DU-1" in listing and "CL-009" not in listing
    assert client.get("/api/headline").json()["period"] == str(PERIOD)


def test_the_pages_move_to_a_later_month_once_most_organisations_are_in(site: Site) -> None:
    client = site.client("national")
    assert f": {PERIOD}</h1>" in client.get("/").text  # seen once: nothing stale is kept
    later = Period(2018, 4)
    for org, lead, refs in (
        ("Cleveland", "Cleveland Police", ("CL-001", "CL-002", "CL-009")),
        ("Durham", "Durham Constabulary", ("DU-1",)),
        ("Kent", "Kent Police", ("KE-1",)),
    ):
        _submit(site, org, lead, refs, later)
    assert f": {later}</h1>" in client.get("/").text
    assert "CL-009" in client.get("/operations").text  # only in the later month


def test_a_purpose_of_control_characters_is_refused_and_nothing_recorded(site: Site) -> None:
    client = site.client("national")
    before = client.get("/api/audit", params={"action": "consultation"}).json()
    for purpose in ("\x00", "why\x07", "\x1b[31mred"):
        answer = client.post("/api/operations/Cleveland/CL-001/nominals", json={"purpose": purpose})
        assert answer.status_code == 400 and "control characters" in answer.json()["detail"]
    after = client.get("/api/audit", params={"action": "consultation"}).json()
    assert len(after) == len(before) + 1  # only the first audit search itself


def test_the_audit_search_takes_any_spelling_of_the_organisation(site: Site) -> None:
    client = site.client("national")
    assert client.get("/api/operations/cleveland/CL-001").status_code == 200
    for spelling in ("Cleveland/CL-001", "CLEVELAND POLICE/CL-001", "E23000013/CL-001"):
        found = client.get("/api/audit", params={"ref": spelling}).json()
        assert [e["object_ref"] for e in found] == ["Cleveland/CL-001"], spelling


def _access(site: Site) -> list[tuple[str, str, str]]:
    a = audit_event
    with site.engine.connect() as conn:
        rows = conn.execute(
            select(a.c.actor, a.c.object_ref, a.c.detail)
            .where(a.c.action == "access")
            .order_by(a.c.seq)
        ).all()
    return [(r.actor, r.object_ref, r.detail) for r in rows]


def test_signing_in_and_out_and_failing_are_recorded_never_the_password(site: Site) -> None:
    client = TestClient(site.app)
    wrong = client.post("/api/session", json={"name": "force", "password": "Tr0ub4dor&3-xyz"})
    assert wrong.status_code == 401
    signed = site.client("force")
    assert signed.delete("/api/session").status_code == 204
    entries = _access(site)
    assert entries[-3:] == [
        ("sign-in", "force", "failed sign-in"),
        ("force", "force", "signed in"),
        ("force", "force", "signed out"),
    ]
    with site.engine.connect() as conn:
        dumped = " ".join(str(v) for row in conn.execute(select(audit_event)) for v in row)
    assert "Tr0ub4dor" not in dumped


def test_a_refused_request_is_recorded_with_what_was_asked(site: Site) -> None:
    client = site.client("force")  # Cleveland
    assert client.get("/api/casework/nrm-settings").status_code == 200
    refused = client.get("/accounts")
    assert refused.status_code == 403
    assert _access(site)[-1] == ("force", "GET /accounts", "refused (403)")
    with site.engine.connect() as conn:
        consulted = conn.execute(
            select(audit_event.c.object_ref).where(audit_event.c.action == "consultation")
        ).all()
    assert ("GET /accounts",) not in consulted
