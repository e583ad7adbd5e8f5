"""The dashboard's and the operations list's drawing is kept and reused between viewers of the
same scope: each still gets their own name and CSRF token, and a stored return shows at once."""

from __future__ import annotations

import re

from msops.domain.principal import Principal, Role
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from msops.store.users_repo.accounts import add_user
from tests.builders import valid_return
from tests.web.conftest import PASSWORD, PERIOD, Site

SEED = Principal("seed", Role.SYSTEM)


def tokens_in(html: str) -> set[str]:
    return set(re.findall(r'name="csrf_token" value="([^"]*)"', html))


def test_two_analysts_share_a_drawing_but_not_a_token(site: Site) -> None:
    with site.engine.begin() as conn:
        add_user(conn, SEED, "national2", Role.NATIONAL_ANALYST, PASSWORD)
    first, second = site.client("national"), site.client("national2")
    pages = [c.get("/").text for c in (first, second)]
    tokens = [c.headers["X-CSRF-Token"] for c in (first, second)]
    assert tokens[0] != tokens[1]
    for html, token in zip(pages, tokens, strict=True):
        assert "Download CSV" in html
        assert tokens_in(html) == {token}  # the sign-out form and every download form
    assert "national2 · national analyst" in pages[1]
    # The second analyst's download, with the token their page gave them, is accepted.
    form = {
        "table": "exploitation_type_by_category",
        "period": str(PERIOD),
        "purpose": "tasking meeting",
        "recipient": "national tasking group",
        "csrf_token": tokens[1],
    }
    assert second.post("/picture.csv", data=form).status_code == 200


def test_a_stored_return_shows_at_once_on_the_dashboard_and_the_list(site: Site) -> None:
    client = site.client("national")

    def returns_table() -> str:
        return client.get("/").text.split(f"<h2>Returns for {PERIOD}</h2>", 1)[1]

    assert "Kent Police" not in returns_table()
    assert "KE-9" not in client.get("/operations").text
    rows = valid_return("KE-9")
    rows["operations"][0]["lead_org"] = "Kent Police"
    raw = RawReturn.from_rows("kent.csv", rows)
    assert submit_raw(site.engine, SEED, raw, "Kent", PERIOD, "k").outcome == Outcome.ACCEPTED
    assert "Kent Police" in returns_table()
    assert "KE-9" in client.get("/operations").text
