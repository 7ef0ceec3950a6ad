"""The overlap matrix expanded from households counted per combination of programs
(``geo.coverage.overlap``); the figures against the registry are in test_coverage_figures.py."""

from __future__ import annotations

from geo.coverage.overlap import pair_matrix


def test_each_combination_counts_once_in_every_pair_it_holds():
    combos = [((1, 2, 3), 5), ((1,), 2), ((2, 3), 1), ((4,), 7), ((1, 4), 3), ((2, 2), 4)]
    # by hand: in 1: 5+2+3; in 2: 5+1+4; in 3: 5+1; 1&2: 5; 1&3: 5; 2&3: 5+1
    assert pair_matrix([1, 2, 3], combos) == [[10, 5, 5],
                                              [5, 10, 6],
                                              [5, 6, 6]]


def test_programs_outside_the_list_are_ignored_and_no_program_gives_an_empty_matrix():
    assert pair_matrix([4], [((1, 2), 9), ((2, 4), 1)]) == [[1]]
    assert pair_matrix([], [((1, 2), 9)]) == []
    assert pair_matrix([1, 2], []) == [[0, 0], [0, 0]]
