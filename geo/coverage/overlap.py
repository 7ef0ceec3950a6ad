"""The program overlap matrix from households counted per combination of programs, pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import combinations_with_replacement


def pair_matrix(ids: Sequence[int], combos: Iterable[tuple[Sequence[int], int]]
                ) -> list[list[int]]:
    """``matrix[i][j]``: the households whose combination holds both ``ids[i]`` and ``ids[j]``
    (the diagonal: those holding ``ids[i]``), from ``(programs, households)`` pairs. Programs
    outside ``ids`` (another agency's, under an agency filter) are ignored; a combination may
    list a program twice and counts it once."""
    index = {pid: i for i, pid in enumerate(ids)}
    matrix = [[0] * len(ids) for _ in ids]
    for programs, n in combos:
        held = sorted({index[p] for p in programs if p in index})
        for i, j in combinations_with_replacement(held, 2):
            matrix[i][j] += n
            if i != j:
                matrix[j][i] += n
    return matrix
