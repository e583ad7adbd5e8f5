"""NRM statistics: the real tables add up to their own totals; a corrupted one is refused whole."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from typer.testing import CliRunner

from msops.analytics.nrm import COLUMNS, NrmFileError, read_nrm_file
from msops.analytics.nrm_import import NrmMarginError, check_nrm_file, import_nrm_file
from msops.analytics.nrm_labels import age_of, exploitation_of, nationality_of
from msops.analytics.nrm_margins import check_margins
from msops.cli.nrm_cmd import app
from msops.domain.errors import AccessDenied
from msops.domain.principal import Principal, Role
from msops.store.nrm_repo import ImportOutcome, referral_counts
from msops.store.schema import audit_event
from msops.store.schema.nrm import nrm_import, nrm_referral
from tests.conftest import TEST_DATA, data_file, row_counts

NRM_DIR = TEST_DATA / "nrm"
KNOWN = [
    f"nrm_referrals_{t}_2022Q2_2023Q4_nonzero.csv" for t in ("police", "govt", "la", "ngo", "all")
]
REAL_FILES = sorted({*KNOWN, *(p.name for p in NRM_DIR.glob("nrm_referrals_*_nonzero.csv"))})
POLICE = KNOWN[0]
DIMS = ("Exploitation type", "Age at exploitation", "Gender", "Nationality")

# --- building NRM tables by hand, margins computed here independently of msops -----------------

Detail = tuple[str, str, str, str, str, int]  # responder, exploitation, age, gender, nationality
# The families of margins the police table publishes (dimensions summed over), as found in the
# Home Office release: within each responder, and for all responders together by nationality.
RESPONDER_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("Gender",),
    ("Nationality",),
    ("Age at exploitation", "Gender"),
    ("Gender", "Nationality"),
    ("Exploitation type", "Age at exploitation", "Gender"),
    ("Age at exploitation", "Gender", "Nationality"),
    ("Exploitation type", "Age at exploitation", "Gender", "Nationality"),
)
TYPE_FAMILIES: tuple[tuple[str, ...], ...] = (
    ("Exploitation type", "Age at exploitation", "Gender"),
    DIMS,
)


def nrm_rows(details: Sequence[Detail], year: int = 2022, quarter: int = 2) -> list[list[str]]:
    """Detail rows plus every margin of the police table's families, zero rows dropped."""
    out = [[str(year), str(quarter), "Police", *d[:5], str(d[5])] for d in details if d[5]]
    for level, families in (("responder", RESPONDER_FAMILIES), ("type", TYPE_FAMILIES)):
        for summed in families:
            sums: dict[tuple[str, ...], int] = defaultdict(int)
            for d in details:
                responder = "Police total" if level == "type" else d[0]
                values = [
                    "Total" if dim in summed else v for dim, v in zip(DIMS, d[1:5], strict=True)
                ]
                sums[(responder, *values)] += d[5]
            out += [
                [str(year), str(quarter), "Police", *key, str(n)] for key, n in sums.items() if n
            ]
    return out


def write_nrm(path: Path, rows: Iterable[Sequence[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


SMALL: list[Detail] = [
    ("Cleveland Police", "Labour", "Adult (18 or over)", "Male", "Romanian", 3),
    ("Cleveland Police", "Labour", "Adult (18 or over)", "Female", "Romanian", 1),
    ("Cleveland Police", "Criminal", "Child (17 or under)", "Male", "UK", 4),
    ("Cleveland Police", "Sexual & Criminal", "Child (17 or under)", "Female", "UK", 2),
    ("Durham Constabulary", "Labour", "Adult (18 or over)", "Male", "Albanian Greek", 5),
    ("Durham Constabulary", "Criminal", "Adult (18 or over)", "Male", "UK", 1),
]


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))[1:]


def covering_margins(rows: list[list[str]], detail: list[str]) -> set[tuple[str, ...]]:
    """Keys of the margin rows whose every non-Total value agrees with `detail`."""
    found = set()
    for r in rows:
        total_resp = r[3].endswith(" total")
        if not total_resp and "Total" not in r[4:8]:
            continue  # a detail row
        agrees = r[:3] == detail[:3] and (total_resp or r[3] == detail[3])
        if agrees and all(v in ("Total", d) for v, d in zip(r[4:8], detail[4:8], strict=True)):
            found.add(tuple(r[:8]))
    return found


def named_keys(err: NrmMarginError) -> set[tuple[str, ...]]:
    return {_parse_key(m.key) for m in err.mismatches}


def _parse_key(key: str) -> tuple[str, ...]:
    # "2022Q2 Police / Cleveland Police, exploitation=Labour, age=..., gender=..., nationality=..."
    head, *parts = key.split(", ")
    quarter, rest = head.split(" ", 1)
    rtype, responder = rest.split(" / ")
    year, q = quarter.split("Q")
    return (year, q, rtype, responder, *(p.split("=", 1)[1] for p in parts))


# --- the real files ---------------------------------------------------------------------------


def _independent_totals(path: Path) -> tuple[int, int]:
    """(sum of the detail rows, sum of the responder-type grand totals), read with csv only."""
    details = grand = 0
    for r in read_rows(path):
        people = int(r[8])
        if r[3].endswith(" total") and r[4:8] == ["Total"] * 4:
            grand += people
        elif not r[3].endswith(" total") and "Total" not in r[4:8]:
            details += people
    return details, grand


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_table_adds_up_to_every_total_it_publishes(name: str) -> None:
    path = data_file("nrm", name)
    checked = check_nrm_file(path)
    assert checked.ok
    assert len(checked.details) + len(checked.margins) == len(read_rows(path))
    details, grand = _independent_totals(path)
    assert checked.people == grand  # every detail row stored, none twice
    if "_all_" not in name:
        assert checked.people == details
    summed = {f.summed_over for f in checked.families}
    assert ("nationality",) in summed and ("responder", "exploitation", "age", "gender") in summed


def test_all_table_repeats_the_others_and_gives_police_by_nationality_only() -> None:
    parts = [data_file("nrm", n) for n in KNOWN]
    every = {tuple(r) for p in parts[1:4] for r in read_rows(p)}
    police_totals = {tuple(r) for r in read_rows(parts[0]) if r[3] == "Police total"}
    assert {tuple(r) for r in read_rows(parts[4])} == every | police_totals
    checked = check_nrm_file(parts[4])
    assert checked.broken_down["Police"] == ("nationality",)
    police_people = sum(r.people for r in checked.details if r.responder_type == "Police")
    assert police_people == _independent_totals(parts[0])[0]


def test_every_real_label_maps_to_the_reference_lists() -> None:
    rows = [r for n in KNOWN for r in read_rows(data_file("nrm", n))]
    labels = {r[7] for r in rows} - {"Total", "Unknown"}
    assert [x for x in labels if nationality_of(x) == "Unknown"] == []
    assert nationality_of("Albanian Greek") == "Albanian"
    assert nationality_of("Unknown UK") == "UK"
    assert nationality_of("Congolese Drc ") == "Congolese (DRC)"
    assert exploitation_of("Labour & Criminal") == "multiple"
    assert exploitation_of("Domestic") == "domestic"
    assert {exploitation_of(r[4]) for r in rows if r[4] != "Total"} == {
        "labour", "sexual", "criminal", "domestic", "multiple", "organ_harvesting", "unknown",
    }  # fmt: skip
    assert {age_of(r[5]) for r in rows if r[5] != "Total"} == {"adult", "child", "unknown"}


def test_real_tables_import_side_by_side_without_double_counting(
    engine: Engine, operator: Principal
) -> None:
    paths = [data_file("nrm", n) for n in KNOWN]
    results = [import_nrm_file(engine, operator, path) for path in paths]
    assert [r.outcome for r in results] == [ImportOutcome.ACCEPTED] * len(paths)
    quarters = [(y, q) for y in (2022, 2023) for q in (1, 2, 3, 4)]
    with engine.connect() as conn:
        per_table = {
            t: sum(c.people for c in referral_counts(conn, t, quarters))
            for t in ("police", "govt", "la", "ngo", "all")
        }
        stored = conn.execute(select(func.count()).select_from(nrm_referral)).scalar_one()
    for name, path in zip(("police", "govt", "la", "ngo", "all"), paths, strict=True):
        assert per_table[name] == _independent_totals(path)[1]
    assert per_table["all"] == sum(per_table[t] for t in ("police", "govt", "la", "ngo"))
    assert stored == sum(len(r.checked.details) for r in results)


# --- refusing a corrupted table --------------------------------------------------------------


@pytest.fixture
def police_rows() -> list[list[str]]:
    return read_rows(data_file("nrm", POLICE))


def _detail_index(rows: list[list[str]]) -> int:
    """A detail row of a responder that is not alone in its responder type's quarter."""
    return next(
        i
        for i, r in enumerate(rows)
        if not r[3].endswith(" total") and "Total" not in r[4:8] and int(r[8]) > 1
    )


def _refused(engine: Engine, who: Principal, path: Path) -> NrmMarginError:
    before = row_counts(engine)
    with pytest.raises(NrmMarginError) as caught:
        import_nrm_file(engine, who, path)
    assert row_counts(engine) == before
    return caught.value


def test_changed_detail_count_names_every_margin_it_falls_under(
    engine: Engine, operator: Principal, police_rows: list[list[str]], tmp_path: Path
) -> None:
    i = _detail_index(police_rows)
    expected = covering_margins(police_rows, police_rows[i])
    police_rows[i][8] = str(int(police_rows[i][8]) + 1)
    err = _refused(engine, operator, write_nrm(tmp_path / "changed.csv", police_rows))
    assert named_keys(err) == expected
    assert len(expected) == 9  # 7 within the responder, 2 for all police forces
    assert all(m.details_sum == m.published + 1 for m in err.mismatches)


def test_deleted_detail_row_is_refused(
    engine: Engine, operator: Principal, police_rows: list[list[str]], tmp_path: Path
) -> None:
    i = _detail_index(police_rows)
    removed = police_rows.pop(i)
    err = _refused(engine, operator, write_nrm(tmp_path / "deleted.csv", police_rows))
    assert named_keys(err) == covering_margins(police_rows, removed)
    assert all(m.published - m.details_sum == int(removed[8]) for m in err.mismatches)


def test_changed_total_is_named_with_published_and_summed_values(
    engine: Engine, operator: Principal, police_rows: list[list[str]], tmp_path: Path
) -> None:
    i = next(j for j, r in enumerate(police_rows) if r[3] == "Police total" and r[7] == "Total")
    original = int(police_rows[i][8])
    police_rows[i][8] = str(original + 7)
    err = _refused(engine, operator, write_nrm(tmp_path / "total.csv", police_rows))
    assert [(m.published, m.details_sum, m.line) for m in err.mismatches] == [
        (original + 7, original, i + 2)
    ]
    assert named_keys(err) == {tuple(police_rows[i][:8])}


def test_deleted_margin_row_reads_as_a_published_zero(tmp_path: Path) -> None:
    rows = nrm_rows(SMALL)
    target = ["2022", "2", "Police", "Durham Constabulary", "Total", "Total", "Total", "Total"]
    kept = [r for r in rows if r[:8] != target]
    assert len(kept) == len(rows) - 1
    with pytest.raises(NrmMarginError) as caught:
        check_nrm_file(write_nrm(tmp_path / "no-margin.csv", kept))
    [mismatch] = caught.value.mismatches
    assert (mismatch.published, mismatch.details_sum, mismatch.line) == (0, 6, None)


def test_hand_built_table_is_accepted_and_re_import_changes_nothing(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    path = write_nrm(tmp_path / "small.csv", nrm_rows(SMALL))
    first = import_nrm_file(engine, operator, path)
    assert first.outcome == ImportOutcome.ACCEPTED
    assert first.record.n_detail_rows == len(SMALL) and first.record.people == 16
    before = row_counts(engine)
    again = import_nrm_file(engine, operator, path)
    assert again.outcome == ImportOutcome.UNCHANGED and "unchanged" in again.summary()
    assert row_counts(engine) == before
    with engine.connect() as conn:
        events = conn.execute(select(audit_event.c.action, audit_event.c.object_type)).all()
        stored = conn.execute(
            select(nrm_import.c.file_sha256, nrm_import.c.imported_by, nrm_import.c.n_rows)
        ).one()
    assert events == [("collection", "nrm_statistics")]
    assert stored == (first.checked.file.sha256, "test-operator", len(nrm_rows(SMALL)))


def test_a_revised_table_supersedes_the_previous_import(
    engine: Engine, operator: Principal, tmp_path: Path
) -> None:
    import_nrm_file(engine, operator, write_nrm(tmp_path / "v1.csv", nrm_rows(SMALL)))
    revised = [*SMALL, ("Cleveland Police", "Labour", "Adult (18 or over)", "Male", "UK", 2)]
    import_nrm_file(engine, operator, write_nrm(tmp_path / "v2.csv", nrm_rows(revised)))
    with engine.connect() as conn:
        total = sum(c.people for c in referral_counts(conn, "police", [(2022, 2)]))
        current = conn.execute(select(nrm_import.c.source_name).where(nrm_import.c.is_current))
        assert current.scalars().all() == ["v2.csv"]
    assert total == 18


def test_malformed_rows_are_refused_with_line_and_column(tmp_path: Path) -> None:
    rows = nrm_rows(SMALL)
    rows[0][8] = "three"
    rows[1][1] = "5"
    rows.append(list(rows[2]))
    with pytest.raises(NrmFileError) as caught:
        read_nrm_file(write_nrm(tmp_path / "bad.csv", rows))
    problems = "\n".join(caught.value.problems)
    assert "line 2, column People: 'three'" in problems
    assert "line 3, column Quarter: '5'" in problems
    assert f"line {len(rows) + 1}: repeats the key of line 4" in problems


def test_only_national_users_import(engine: Engine, tmp_path: Path) -> None:
    path = write_nrm(tmp_path / "small.csv", nrm_rows(SMALL))
    spoc = Principal("spoc", Role.FORCE_USER, organisation="Cleveland")
    before = row_counts(engine)
    with pytest.raises(AccessDenied):
        import_nrm_file(engine, spoc, path)
    assert row_counts(engine) == before


# --- the command ------------------------------------------------------------------------------


def _cli(engine: Engine, monkeypatch: pytest.MonkeyPatch, *args: str) -> Any:
    monkeypatch.setenv("MSOPS_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("MSOPS_USER", "analyst.test")
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_cli_refuses_with_exit_2_and_names_the_margin(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    rows = nrm_rows(SMALL)
    i = next(j for j, r in enumerate(rows) if r[3] == "Police total" and r[7] == "Total")
    rows[i][8] = "99"
    before = row_counts(engine)
    result = _cli(engine, monkeypatch, "import", str(write_nrm(tmp_path / "x.csv", rows)))
    assert result.exit_code == 2
    text = " ".join(result.output.split())
    assert "1 published totals do not equal the sum of their detail rows" in text
    assert "2022Q2 Police / Police total, exploitation=Total, age=Total, gender=Total," in text
    assert "nationality=Total: published 99, details add up to 16" in text
    assert row_counts(engine) == before


def test_cli_accepts_then_reports_unchanged(
    engine: Engine, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = str(write_nrm(tmp_path / "small.csv", nrm_rows(SMALL)))
    first = _cli(engine, monkeypatch, "import", path, "--margins")
    assert first.exit_code == 0, first.output
    assert "accepted: `police` table 2022Q2-2022Q2" in first.output
    assert "6 detail rows stored (16 people)" in first.output
    again = _cli(engine, monkeypatch, "import", path)
    assert again.exit_code == 0 and "unchanged" in again.output
    listing = _cli(engine, monkeypatch, "list", "--format", "csv")
    [row] = list(csv.DictReader(io.StringIO(listing.output)))
    assert row["people"] == "16"


def test_margin_check_needs_no_database_and_finds_nothing_in_a_clean_small_table(
    tmp_path: Path,
) -> None:
    checked = check_margins(read_nrm_file(write_nrm(tmp_path / "s.csv", nrm_rows(SMALL))))
    assert checked.ok and checked.people == 16
    expected_families = len(RESPONDER_FAMILIES) + len(TYPE_FAMILIES)
    assert len(checked.families) == expected_families
