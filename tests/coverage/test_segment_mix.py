"""Per-program and per-agency cells summed from the segment mix (``geo.coverage.mix``), at the
boundary of every rule: one program (no overlap), exactly two programs of one agency (overlap,
no agency overlap), two agencies, non-target households (leakage only), a household counted
once per agency however many of its programs it holds. The figures against the registry are in
test_coverage_figures.py and test_rule_boundaries.py."""

from __future__ import annotations

from geo.coverage.mix import KeyRow, MixRow, agency_cells, program_cells

MIX = [
    MixRow((1,), ("DINSOS",), "K1", True, 3),                 # one program
    MixRow((1, 2), ("DINSOS",), "K1", True, 2),               # two programs, one agency
    MixRow((1, 3), ("BAZNAS", "DINSOS"), "K2", True, 4),      # two programs, two agencies
    MixRow((2,), ("DINSOS",), "K2", False, 5),                # not a target: leakage
    MixRow((1, 2, 3), ("BAZNAS", "DINSOS"), "K2", False, 1),  # leakage in three programs
]


def test_program_cells_count_overlap_from_exactly_two_programs_and_leakage_apart():
    cells = program_cells(MIX)
    assert cells[1] == {
        "K1": {"covered": 5, "overlap": 2, "overlap_agency": 0, "leakage": 0},
        "K2": {"covered": 4, "overlap": 4, "overlap_agency": 4, "leakage": 1}}
    assert cells[2] == {
        "K1": {"covered": 2, "overlap": 2, "overlap_agency": 0, "leakage": 0},
        "K2": {"covered": 0, "overlap": 0, "overlap_agency": 0, "leakage": 6}}
    assert cells[3] == {"K2": {"covered": 4, "overlap": 4, "overlap_agency": 4, "leakage": 1}}
    assert set(cells) == {1, 2, 3}


def test_agency_cells_count_each_household_once_per_agency():
    # DINSOS holds programs 1 and 2: the two-program households count once, not twice.
    assert agency_cells(MIX) == {
        "DINSOS": {"covered": 9, "overlap": 6, "overlap_agency": 4, "leakage_households": 6},
        "BAZNAS": {"covered": 4, "overlap": 4, "overlap_agency": 4, "leakage_households": 1}}


# MIX as the per-key steps give it (counted by hand): per key, kelurahan and target or not,
# the households and of them those in 2+ programs and of 2+ agencies.
KEYS = [
    KeyRow(1, None, "K1", True, 5, 2, 0), KeyRow(1, None, "K2", True, 4, 4, 4),
    KeyRow(1, None, "K2", False, 1, 1, 1), KeyRow(2, None, "K1", True, 2, 2, 0),
    KeyRow(2, None, "K2", False, 6, 1, 1), KeyRow(3, None, "K2", True, 4, 4, 4),
    KeyRow(3, None, "K2", False, 1, 1, 1),
    KeyRow(None, "DINSOS", "K1", True, 5, 2, 0), KeyRow(None, "DINSOS", "K2", True, 4, 4, 4),
    KeyRow(None, "DINSOS", "K2", False, 6, 1, 1), KeyRow(None, "BAZNAS", "K2", True, 4, 4, 4),
    KeyRow(None, "BAZNAS", "K2", False, 1, 1, 1),
]


def test_the_key_rows_give_the_cells_of_the_mix():
    assert program_cells([], KEYS) == program_cells(MIX)
    assert agency_cells([], KEYS) == agency_cells(MIX)


def test_segments_of_one_kelurahan_and_keys_of_the_other_add_up():
    k1, k2 = [r for r in MIX if r.kode == "K1"], [k for k in KEYS if k.kode == "K2"]
    assert program_cells(k1, k2) == program_cells(MIX)
    assert agency_cells(k1, k2) == agency_cells(MIX)
    # Leaving either part out changes the figures: both are read.
    assert program_cells(k1) != program_cells(MIX)
    assert agency_cells([], k2) != agency_cells(MIX)
