"""Per-program and per-agency cells summed from the segment mix (``geo.coverage.mix``), at the
boundary of every rule: one program (no overlap), exactly two programs of one agency (overlap,
no agency overlap), two agencies, non-target households (leakage only), a household counted
once per agency however many of its programs it holds. The figures against the registry are in
test_coverage_figures.py and test_rule_boundaries.py."""

from __future__ import annotations

from geo.coverage.mix import MixRow, agency_cells, program_cells, target_combinations

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


def test_only_target_households_enter_the_overlap_combinations():
    assert sorted(target_combinations(MIX)) == [((1,), 3), ((1, 2), 2), ((1, 3), 4)]
    assert target_combinations([]) == []
