"""Every coverage rule at its boundary, with one household per edge (domain.md).

A target with exactly two programs (of one agency, and of two agencies), an enrollment that
starts on the reference date, one that ends on it (still active), one that ended the day
before, one that starts the day after, a household with desil equal to the threshold and one
above it, an unverified one. A reviewer who changes ``n_program >= 2`` to ``> 2``, or an end
date rule from ``<=`` to ``<``, is caught here (bench/mutations.py runs such changes).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from coverage_fixture import KEY, E, H, insert_households, insert_programs, write_csv

from app.services import coverage
from app.services.coverage import import_enrollments
from app.services.coverage.steps import stale_codes

REF = date(2025, 6, 30)
KEL = "64.74.01.1001"
DAY = timedelta(days=1)


def household(i: int, desil: int = 2, status: str = "terverifikasi") -> H:
    return H(f"B{i:02d}", KEL, desil, status, 3, 400_000.0, f"6474011501{80 + i:02d}{i:04d}",
             f"64740101{i:08d}")


HOUSEHOLDS = {
    "two_programs_one_agency": household(1),
    "two_programs_two_agencies": household(2),
    "one_program": household(3),
    "ends_on_ref": household(4),
    "starts_on_ref": household(5),
    "ended_day_before": household(6),
    "starts_day_after": household(7),
    "desil_at_threshold": household(8, desil=4),
    "desil_above": household(9, desil=5),
    "unverified": household(10, status="belum"),
    "no_program": household(11),
}
ENROLLED = [
    ("two_programs_one_agency", "PKH", REF - 100 * DAY, None),
    ("two_programs_one_agency", "BPNT", REF - 50 * DAY, None),     # both DINSOS
    ("two_programs_two_agencies", "PKH", REF - 100 * DAY, None),
    ("two_programs_two_agencies", "PBI", REF - 100 * DAY, None),   # DINSOS + DINKES
    ("one_program", "PBI", REF - 10 * DAY, None),
    ("ends_on_ref", "ZAKAT", REF - 10 * DAY, REF),
    ("starts_on_ref", "ZAKAT", REF, None),
    ("ended_day_before", "PKH", REF - 10 * DAY, REF - DAY),
    ("starts_day_after", "PKH", REF + DAY, None),
    ("desil_at_threshold", "PBI", REF - 10 * DAY, None),
    ("desil_above", "PBI", REF - 10 * DAY, None),                  # leakage
    ("unverified", "PKH", REF - 10 * DAY, None),                   # leakage
    ("unverified", "PBI", REF - 10 * DAY, None),                   # leakage (2 pairs)
]


@pytest.fixture
def boundaries(conn, tmp_path):
    insert_households(conn, list(HOUSEHOLDS.values()))
    insert_programs(conn)
    rows = [E(program, id_keluarga=HOUSEHOLDS[who].id_keluarga, start=start, end=end)
            for who, program, start, end in ENROLLED]
    result = import_enrollments(conn, write_csv(tmp_path / "batas.csv", rows), key=KEY,
                                user="uji")
    assert result.rejected == 0


def test_area_figures_at_every_boundary(conn, boundaries):
    [row] = coverage.coverage_by_area(conn, level="kelurahan", parent=KEL, ref_date=REF,
                                      desil_max=4)
    # targets: 1-8 and 11 (desil 4 = threshold is in; desil 5 and "belum" are out)
    assert row["targets"] == 9
    # covered: two-program x2, one program, ends on ref, starts on ref, desil at threshold
    assert row["covered"] == 6
    assert row["overlap"] == 2            # exactly two programs counts (>= 2)
    assert row["overlap_agency"] == 1     # exactly two agencies counts (>= 2)
    assert row["gap"] == 3                # ended the day before, starts after, no program
    assert row["leakage"] == 3            # desil 5 (1 pair) + unverified (2 pairs)
    assert row["leakage_households"] == 2


def test_the_day_before_and_after_the_boundaries(conn, boundaries):
    [before] = coverage.coverage_by_area(conn, level="kelurahan", parent=KEL,
                                         ref_date=REF - DAY, desil_max=4)
    [after] = coverage.coverage_by_area(conn, level="kelurahan", parent=KEL,
                                        ref_date=REF + DAY, desil_max=4)
    # REF - 1: "ended_day_before" is active, "starts_on_ref" not yet.
    assert before["covered"] == 6
    # REF + 1: "ends_on_ref" has ended, "starts_day_after" has started.
    assert after["covered"] == 6
    assert before["covered"] - 1 == coverage.coverage_by_area(
        conn, level="kelurahan", parent=KEL, ref_date=REF - DAY, desil_max=3)[0]["covered"]


def test_per_program_and_agency_and_matrix_at_the_boundaries(conn, boundaries):
    programs = {r["kode"]: r for r in coverage.coverage_by_program(conn, ref_date=REF,
                                                                  desil_max=4)}
    assert programs["PKH"]["covered"] == 2 and programs["PKH"]["overlap"] == 2
    assert programs["ZAKAT"]["covered"] == 2  # the one ending and the one starting on REF
    agencies = {r["kode"]: r for r in coverage.coverage_by_agency(conn, ref_date=REF,
                                                                 desil_max=4)}
    assert agencies["DINSOS"]["covered"] == 2
    assert agencies["DINSOS"]["overlap_agency"] == 1
    matrix = coverage.overlap_matrix(conn, ref_date=REF, desil_max=4)
    codes = [p["kode_program"] for p in matrix["programs"]]
    pair = matrix["matrix"][codes.index("PKH")][codes.index("BPNT")]
    assert pair == 1


def test_gap_list_holds_exactly_the_households_without_an_active_program(conn, boundaries):
    listed = {g["id_keluarga"] for g in coverage.gap_list(conn, ref_date=REF, desil_max=4)}
    expected = {HOUSEHOLDS[k].id_keluarga for k in
                ("ended_day_before", "starts_day_after", "no_program")}
    assert listed == expected


def test_targets_of_a_kelurahan_changed_since_the_last_refresh_hold_the_threshold_desil(
        conn, boundaries):
    # A registry change after the last refresh marks the kelurahan stale: its targets are then
    # counted from the registry (targets_by_area.sql), not from the precomputed groups, and
    # that count must apply the same rule, desil <= threshold.
    insert_households(conn, [household(12, desil=4), household(13, desil=5),
                             household(14, desil=4, status="belum")])
    assert stale_codes(conn) == [KEL]
    every = [*HOUSEHOLDS.values(), household(12, desil=4), household(13, desil=5),
             household(14, desil=4, status="belum")]
    expected = sum(1 for h in every if h.status == "terverifikasi" and h.desil <= 4)
    assert expected == 10  # 1-8, 11 and the new desil-4 household
    [row] = coverage.coverage_by_area(conn, level="kelurahan", parent=KEL, ref_date=REF,
                                      desil_max=4)
    assert row["targets"] == expected
    assert row["gap"] == expected - row["covered"] == 4  # the new one has no program
