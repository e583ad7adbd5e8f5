"""Victims in police operations against NRM referrals, on a small database built by hand.

Every test statistic is recomputed here from the counts with the textbook formulas (expected
counts, Pearson chi-square, Cramér's V, adjusted residuals) and closed-form p-values, not with
scipy.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from msops.analytics.nrm_import import import_nrm_file
from msops.analytics.nrm_profile import NrmProfile, nrm_profile, quarters_of
from msops.analytics.nrm_stats import OTHER, compare_counts, merge_small
from msops.cli.nrm_cmd import app
from msops.domain.errors import NotFound
from msops.domain.periods import Period
from msops.domain.principal import Principal, Role
from msops.returns.raw import RawReturn
from msops.returns.submit import Outcome, submit_raw
from tests.analytics.test_nrm import Detail, nrm_rows, write_nrm
from tests.builders import operation

MAY, JUNE = Period(2022, 5), Period(2022, 6)

NRM_DETAILS: list[Detail] = [
    ("Cleveland Police", "Criminal", "Child (17 or under)", "Male", "UK", 40),
    ("Cleveland Police", "Labour & Criminal", "Child (17 or under)", "Female", "UK", 10),
    ("Durham Constabulary", "Labour & Criminal", "Adult (18 or over)", "Male", "Albanian", 20),
    ("Durham Constabulary", "Labour", "Adult (18 or over)", "Male", "Albanian Greek", 5),
    ("Durham Constabulary", "Labour", "Adult (18 or over)", "Male", "Romanian", 15),
    ("Cleveland Police", "Criminal", "Adult (18 or over)", "Female", "UK", 10),
    (
        "Cleveland Police",
        "Not specified or unknown",
        "Not specified or unknown",
        "Male",
        "Unknown",
        7,
    ),
]


def _op(ref: str, lead: str, category: str, **victims: int) -> dict[str, Any]:
    counts = {"victims_adult_female": 0, "victims_adult_male": 0, **victims}
    return operation(
        ref, lead_org=lead, primary_category=category, primary_type=None, suspects=0, **counts
    )


def _return(ops: list[dict[str, Any]], nats: list[tuple[str, str, int]], details: list[Any]) -> Any:
    rows = {
        "operations": ops,
        "details": details,
        "nationalities": [
            {"operation_ref": r, "group": "Potential victims", "nationality": n, "count": c}
            for r, n, c in nats
        ],
    }
    return rows


def _submit(engine: Engine, who: Principal, org: str, period: Period, rows: Any) -> None:
    raw = RawReturn.from_rows(f"{org}-{period}.csv", rows)
    result = submit_raw(engine, who, raw, org, period, "sha")
    assert result.outcome == Outcome.ACCEPTED, result.issues


@pytest.fixture
def database(engine: Engine, operator: Principal, tmp_path: Path) -> Engine:
    """Police side: Romanian 30, UK 35, Albanian 20; adults 60, children 25;
    labour 40, criminal 25, multiple 20 (each operation as in its latest month)."""
    labour, criminal, sexual = "Labour exploitation", "Criminal exploitation", "Sexual exploitation"
    may = _return(
        [
            _op("C1", "Cleveland Police", labour, victims_adult_male=20, victims_adult_female=10),
            _op("C2", "Cleveland Police", criminal, victims_child_male=25),
        ],
        [("C1", "Romanian", 20), ("C1", "UK", 10), ("C2", "UK", 25)],
        [],
    )  # fmt: skip
    june = _return(
        [
            _op("C1", "Cleveland Police", labour, victims_adult_male=30, victims_adult_female=10),
            _op("C2", "Cleveland Police", criminal, victims_child_male=25),
        ],
        [("C1", "Romanian", 30), ("C1", "UK", 10), ("C2", "UK", 25)],
        [],
    )  # fmt: skip
    _submit(engine, operator, "Cleveland", MAY, may)
    _submit(engine, operator, "Cleveland", JUNE, june)
    durham = _return(
        [_op("D1", "Durham Constabulary", sexual, victims_adult_female=20)],
        [("D1", "Albanian", 20)],
        [{"operation_ref": "D1", "detail": "Other exploitation type", "value": "Forced begging"}],
    )
    _submit(engine, operator, "Durham", JUNE, durham)
    glaa = _return([_op("G1", "GLAA", labour, victims_adult_male=50)], [("G1", "Polish", 50)], [])
    _submit(engine, operator, "GLAA", JUNE, glaa)  # partner-led: not a police operation
    path = write_nrm(tmp_path / "nrm_police.csv", nrm_rows(NRM_DETAILS))
    import_nrm_file(engine, operator, path)
    return engine


def _profile(engine: Engine, who: Principal) -> NrmProfile:
    with engine.connect() as conn:
        return nrm_profile(conn, who, MAY, JUNE)


def _by_hand(police: list[int], nrm: list[int]) -> dict[str, Any]:
    """Chi-square test of homogeneity of a 2 x k table, computed from the definitions."""
    k = len(police)
    n_p, n_n = sum(police), sum(nrm)
    n = n_p + n_n
    cols = [police[j] + nrm[j] for j in range(k)]
    e_p = [n_p * c / n for c in cols]
    e_n = [n_n * c / n for c in cols]
    chi2 = sum(
        (police[j] - e_p[j]) ** 2 / e_p[j] + (nrm[j] - e_n[j]) ** 2 / e_n[j] for j in range(k)
    )
    resid = [
        (nrm[j] - e_n[j]) / math.sqrt(e_n[j] * (1 - n_n / n) * (1 - cols[j] / n)) for j in range(k)
    ]
    df = k - 1
    p = math.erfc(math.sqrt(chi2 / 2)) if df == 1 else math.exp(-chi2 / 2)  # df 1 or 2 only
    p_cat = [min(1.0, k * math.erfc(abs(r) / math.sqrt(2))) for r in resid]
    return {
        "chi2": chi2,
        "df": df,
        "p": p,
        "v": math.sqrt(chi2 / n),
        "resid": resid,
        "p_cat": p_cat,
    }


CASES = {
    # dimension: categories in result order, police counts, NRM counts
    "nationality": (["UK", "Albanian", "Romanian"], [35, 20, 30], [60, 25, 15]),
    "age": (["adult", "child"], [60, 25], [50, 50]),
    "exploitation": (["criminal", "labour", "multiple"], [25, 40, 20], [50, 20, 30]),
}


@pytest.mark.parametrize("dimension", list(CASES))
def test_statistics_match_a_computation_by_hand(
    database: Engine, operator: Principal, dimension: str
) -> None:
    profile = _profile(database, operator)
    assert profile.n_operations == 3 and profile.quarters == ("2022Q2",)
    result = next(d for d in profile.dimensions if d.dimension == dimension)
    names, police, nrm = CASES[dimension]
    got = {c.category: c for c in result.categories}
    assert sorted(got) == sorted(names)
    assert [got[c].police for c in names] == police
    assert [got[c].nrm for c in names] == nrm
    hand = _by_hand(police, nrm)
    assert result.chi2 == pytest.approx(hand["chi2"], rel=1e-9)
    assert result.df == hand["df"]
    assert result.p_value == pytest.approx(hand["p"], rel=1e-6)
    assert result.cramers_v == pytest.approx(hand["v"], rel=1e-9)
    for j, c in enumerate(names):
        assert got[c].adjusted_residual == pytest.approx(hand["resid"][j], rel=1e-9)
        assert got[c].p_value == pytest.approx(hand["p_cat"][j], rel=1e-6)
        assert got[c].significant == (hand["p_cat"][j] < 0.05)


def test_significant_differences_are_stated_in_words(database: Engine, operator: Principal) -> None:
    nationality = _profile(database, operator).dimensions[0]
    hand = _by_hand([35, 20, 30], [60, 25, 15])
    uk = (
        "UK nationals are a larger share of NRM referrals than of victims in police operations"
        f" (60.0% against 41.2%; adjusted residual {hand['resid'][0]:.1f},"
        f" p = {hand['p_cat'][0]:.3f})."
    )
    assert hand["p_cat"][0] < 0.05 and hand["p_cat"][2] < 0.05 and hand["p_cat"][1] > 0.05
    assert uk in nationality.sentences
    assert any(
        s.startswith("Romanian nationals are a smaller share") for s in nationality.sentences
    )
    assert not any(s.startswith("Albanian") for s in nationality.sentences)
    assert nationality.sentences[0].startswith(
        "By nationality, the profile of NRM referrals differs"
    )


def test_unknowns_are_left_out_and_said_so(database: Engine, operator: Principal) -> None:
    for dim in _profile(database, operator).dimensions:
        assert dim.n_nrm == 100
        assert "0 victims in police operations, 7 NRM referrals" in " ".join(dim.notes)


def test_scope_limits_the_police_side(database: Engine) -> None:
    spoc = Principal("spoc", Role.FORCE_USER, organisation="Cleveland")
    profile = _profile(database, spoc)
    assert profile.n_operations == 2
    assert profile.police.nationality == {"UK": 35, "Romanian": 30}


def test_without_an_imported_table_the_profile_says_what_to_do(
    engine: Engine, operator: Principal
) -> None:
    with engine.connect() as conn, pytest.raises(NotFound, match="msops nrm import"):
        nrm_profile(conn, operator, MAY, JUNE)


def test_small_categories_are_merged_into_other() -> None:
    # expected counts: C 3.5 and D 2.5 in each row (< 5); merged, 6 in each row
    police = {"A": 50, "B": 40, "C": 4, "D": 2}
    nrm = {"A": 30, "B": 60, "C": 3, "D": 3}
    assert merge_small(police, nrm) == {
        "B": (40, 60, ()),
        "A": (50, 30, ()),
        OTHER: (6, 6, ("C", "D")),
    }
    result = compare_counts("x", police, nrm)
    hand = _by_hand([40, 50, 6], [60, 30, 6])
    assert result.chi2 == pytest.approx(hand["chi2"])
    assert [c.category for c in result.categories] == ["B", "A", OTHER]


def test_other_too_small_takes_the_smallest_category_with_it() -> None:
    # C + D: expected 3.5 per row, still < 5, so A (the smallest kept) joins them
    merged = merge_small({"A": 50, "B": 40, "C": 2, "D": 1}, {"A": 30, "B": 60, "C": 1, "D": 3})
    assert merged == {"B": (40, 60, ()), OTHER: (53, 34, ("A", "C", "D"))}


def test_quarters_cover_every_month_of_the_range() -> None:
    assert quarters_of(Period(2022, 5), Period(2023, 1)) == [
        (2022, 2),
        (2022, 3),
        (2022, 4),
        (2023, 1),
    ]


def test_cli_prints_the_comparison_and_writes_csv_and_html(
    database: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("MSOPS_DATABASE_URL", database.url.render_as_string(hide_password=False))
    runner = CliRunner()
    out = tmp_path / "profile.csv"
    args = ["profile", "--from", "2022-05", "--to", "2022-06", "--out", str(out)]
    result = runner.invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "UK nationals are a larger share of NRM referrals" in " ".join(result.output.split())
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    uk = next(r for r in rows if r["dimension"] == "nationality" and r["category"] == "UK")
    assert (uk["police_victims"], uk["nrm_referrals"], uk["significant"]) == ("35", "60", "yes")
    html = tmp_path / "profile.html"
    args[-1] = str(html)
    assert runner.invoke(app, args, catch_exceptions=False).exit_code == 0
    page = html.read_text(encoding="utf-8")
    assert "OFFICIAL-SENSITIVE" in page and "UK nationals are a larger share" in page
    assert "http" not in page and "<script" not in page
