"""Thematic profiles: figures counted by hand on a small picture, and on the demo history
against an independent count over the stored returns, with the tests' statistics from scipy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest
from scipy.stats import chi2_contingency
from sqlalchemy import Connection, Engine, text

from msops.analytics.headline import Area
from msops.analytics.profile import Profile, profile
from msops.domain.errors import AccessDenied, InvalidInput
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role, system_principal
from msops.domain.profile import Group, Window, theme_of, window_of
from msops.reports.profile_routes import route_diagram
from msops.store.engine import make_engine
from msops.store.migrate import upgrade
from tests.analytics.test_overview import FEB, JAN, build_february
from tests.builders import submit_history

SMALL = Window(JAN, FEB)
DEMO = Window(Period(2017, 12), Period(2018, 2))


def share(p: Profile, dimension: str, label: str) -> tuple[int, int]:
    [dim] = [d for d in p.operation_dimensions if d.name == dimension]
    [found] = [s for s in dim.shares if s.label == label]
    return found.theme, found.national


def test_car_washes_on_a_small_picture_counted_by_hand(engine: Engine, operator: Principal) -> None:
    build_february(engine, operator)
    with engine.connect() as conn:
        washes = profile(conn, operator, theme_of(sector="Car washes"), SMALL)
    # C1 (January and February), C2 (closed in February) of Cleveland; M1 of the Met
    assert (washes.n_operations, washes.n_national) == (3, 7)
    assert [(str(m.period), m.theme, m.national) for m in washes.months] == [
        ("2018-01", 1, 1),
        ("2018-02", 3, 7),
    ]
    assert washes.organisations == {"Cleveland": 2, "Metropolitan": 1}
    assert share(washes, "Sector", "Car washes") == (3, 3)
    assert share(washes, "Recruitment method", "False job offer") == (1, 1)
    arrests = next(o for o in washes.outcomes if o.label == "Arrests")
    assert (arrests.theme, arrests.national) == (4, 8)
    assert (washes.europol.theme_due, washes.europol.theme_checked) == (3, 1)
    assert washes.n_victims == 9 and washes.n_children == 0
    # a month earlier (December to January) C1's return named no sector: all three joined
    c = washes.changes
    assert (str(c.previous.first), c.n_then, c.n_now, c.joined, c.left) == ("2017-12", 0, 3, 3, 0)
    assert "3 operations meet the theme, against 0 over 2017-12 to 2018-01" in c.sentences()[0]


def test_a_force_sees_its_own_operations_against_the_national_baseline(
    engine: Engine, operator: Principal
) -> None:
    build_february(engine, operator)
    cleveland = Principal("spoc", Role.FORCE_USER, organisation="Cleveland")
    with engine.connect() as conn:
        own = profile(conn, cleveland, theme_of(sector="Car washes"), SMALL)
        assert (own.n_operations, own.n_national) == (2, 7)
        assert own.area.describe() == "Cleveland"
        with pytest.raises(AccessDenied):
            profile(conn, cleveland, theme_of(), SMALL, Area(organisation="Durham"))
        pcc = Principal("pcc", Role.PCC, organisation="Cleveland")
        assert profile(conn, pcc, theme_of(), SMALL).n_operations == 0
        children = profile(conn, operator, theme_of(children=True), SMALL)
    assert children.n_operations == 1 and children.n_children == 2  # C3


@pytest.mark.parametrize(
    ("words", "message"),
    [
        ({"nationality": "Romanain"}, "did you mean 'Romanian'"),
        ({"sector": "car wash station"}, "--sector"),
        ({"exploitation": "Piracy"}, "--exploitation"),
        ({"location": "12AB"}, "not a postcode area or district"),
    ],
)
def test_a_mistyped_filter_is_refused_naming_it(words: dict[str, str], message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        theme_of(**words)  # type: ignore[arg-type]


def test_the_window_defaults_to_the_twelve_months_up_to_the_latest_held() -> None:
    assert window_of(None, None, FEB) == Window(Period(2017, 3), FEB)
    assert window_of("2018-01", None, FEB) == Window(JAN, FEB)
    with pytest.raises(InvalidInput, match="after --to"):
        window_of("2018-03", "2018-02", FEB)


# --- the demo history (three months, every organisation), on SQLite --------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    path: Path = tmp_path_factory.mktemp("profile") / "demo.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    submit_history(engine, system_principal("test-operator"), DEMO.first, DEMO.last)
    yield engine
    engine.dispose()


def latest_months(conn: Connection) -> dict[int, dict[str, object]]:
    """Each operation's latest current month in the window, read with plain SQL."""
    rows = conn.execute(
        text(
            "SELECT id, operation_id, period, primary_category, victims_child_female,"
            " victims_child_male, victims_child_unknown FROM operation_month"
            " WHERE is_current AND period BETWEEN :a AND :b"
        ),
        {"a": str(DEMO.first), "b": str(DEMO.last)},
    ).mappings()
    latest: dict[int, dict[str, object]] = {}
    for r in rows:
        held = latest.get(r["operation_id"])
        if held is None or str(r["period"]) > str(held["period"]):
            latest[r["operation_id"]] = dict(r)
    return latest


def by_month(conn: Connection, sql: str) -> dict[int, list[tuple[str, ...]]]:
    found: dict[int, list[tuple[str, ...]]] = defaultdict(list)
    for month_id, *values in conn.execute(text(sql)):
        found[month_id].append(tuple(str(v) for v in values))
    return found


def test_romanian_sexual_exploitation_against_an_independent_count(demo: Engine) -> None:
    operator = system_principal("analyst")
    theme = theme_of(nationality="Romanian", exploitation="Sexual exploitation")
    with demo.connect() as conn:
        found = profile(conn, operator, theme, DEMO)
        latest = latest_months(conn)
        nats = by_month(
            conn, "SELECT operation_month_id, grp, nationality, count FROM operation_nationality"
        )
        details = by_month(conn, "SELECT operation_month_id, detail, value FROM operation_detail")
    chosen = [
        m
        for m in latest.values()
        if m["primary_category"] == "sexual"
        and any(n == "Romanian" and int(c) > 0 for _, n, c in nats[int(str(m["id"]))])
    ]
    assert found.n_national == len(latest)
    assert found.n_operations == len(chosen) > 20

    # the sector share, and its 2 x 2 test against the other operations, by scipy
    def sex_industry(months: list[dict[str, object]]) -> int:
        return sum(("sector", "sex_industry") in details[int(str(m["id"]))] for m in months)

    ids = {int(str(m["id"])) for m in chosen}
    rest = [m for m in latest.values() if int(str(m["id"])) not in ids]
    a, c = sex_industry(chosen), sex_industry(rest)
    assert share(found, "Sector", "Sex industry") == (a, a + c)
    chi2, _, _, _ = chi2_contingency([[a, len(chosen) - a], [c, len(rest) - c]], correction=False)
    [dim] = [d for d in found.operation_dimensions if d.name == "Sector"]
    [sector] = [s for s in dim.shares if s.label == "Sex industry"]
    assert sector.chi2 == pytest.approx(chi2)
    assert sector.phi == pytest.approx((chi2 / len(latest)) ** 0.5)
    # Romanian victims in these operations, and the nationality test on the profile's table
    romanian = sum(
        int(n)
        for m in chosen
        for g, nat, n in nats[int(str(m["id"]))]
        if (g, nat) == ("victim", "Romanian")
    )
    [victims] = [r for r in found.people if r.dimension == "victim nationality"]
    [cat] = [c for c in victims.categories if c.label == "Romanian"]
    assert cat.nrm == romanian
    table = [[c.police for c in victims.categories], [c.nrm for c in victims.categories]]
    assert victims.chi2 == pytest.approx(chi2_contingency(table, correction=False)[0])
    assert any("Sex industry" in f for f in found.findings)


def test_children_and_suspects_only_against_an_independent_count(demo: Engine) -> None:
    operator = system_principal("analyst")
    with demo.connect() as conn:
        children = profile(conn, operator, theme_of(children=True), DEMO)
        suspects = profile(
            conn, operator, theme_of(nationality="Albanian", group=Group.SUSPECT), DEMO
        )
        latest = latest_months(conn)
        nats = by_month(
            conn, "SELECT operation_month_id, grp, nationality, count FROM operation_nationality"
        )
    child_cols = ("victims_child_female", "victims_child_male", "victims_child_unknown")
    expected = [m for m in latest.values() if sum(int(str(m[c])) for c in child_cols) > 0]
    assert children.n_operations == len(expected) > 0
    assert children.n_children == sum(int(str(m[c])) for m in expected for c in child_cols)
    albanian = [
        m
        for m in latest.values()
        if any(
            (g, n) == ("suspect", "Albanian") and int(c) > 0 for g, n, c in nats[int(str(m["id"]))]
        )
    ]
    assert suspects.n_operations == len(albanian) > 0


@pytest.mark.parametrize("words", [{"children": True}, {"sector": "Car washes"}])
def test_each_operation_follows_one_route_and_the_flows_add_up(
    demo: Engine, words: dict[str, object]
) -> None:
    operator = system_principal("analyst")
    with demo.connect() as conn:
        found = profile(conn, operator, theme_of(**words), DEMO)  # type: ignore[arg-type]
        everyone = profile(conn, operator, theme_of(), DEMO).routes.nodes("origin")
        latest = latest_months(conn)
        nats = by_month(
            conn, "SELECT operation_month_id, grp, nationality, count FROM operation_nationality"
        )
    r = found.routes
    assert r.total == found.n_operations > 0
    for first, second in (("origin", "transit"), ("transit", "region")):
        assert sum(r.flows(first, second).values()) == found.n_operations
    [regions] = [d for d in found.operation_dimensions if d.name == "Region"]
    assert r.nodes("region") == {s.label: s.theme for s in regions.shares if s.theme}
    # the origins, counted over the stored nationalities of every operation of the country
    country = {"Romanian": "Romania", "Albanian": "Albania", "Vietnamese": "Vietnam"}
    national: dict[str, int] = defaultdict(int)
    for m in latest.values():
        victims = sorted(
            ((n, -int(c)) for g, n, c in nats[int(str(m["id"]))] if g == "victim" and int(c)),
            key=lambda t: (t[1], t[0]),
        )
        if victims:
            national[victims[0][0]] += 1
    for nationality, name in country.items():
        if name in everyone:
            assert everyone[name] == national[nationality]
    svg = route_diagram(r, "routes")
    assert svg.count("operation") >= len(r.flows("origin", "transit"))
