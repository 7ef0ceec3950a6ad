"""What an attacker can compute from published cells and their linear relations, pure.

Two exact-enough tools for ``geo.coverage.suppression``:

- ``pinned``: interval (bounds) propagation over equalities and inequalities; returns the hidden
  cells whose interval has shrunk to one value (e.g. two cells of 1-4 summing to 8).
- ``determined``: hidden cells fixed by the equalities alone (whatever the bounds), found by
  reducing the equalities over the hidden cells to reduced row echelon form: a cell is fixed
  exactly when some reduced row holds that cell and nothing else. The arithmetic is modulo the
  prime 2**61 - 1, exact for the small integer coefficients used here (a false "fixed" would
  need the prime to divide a minor of the system).

A relation is a tuple of ``(cell, coefficient)``: ``sum(coef * value) == 0`` (equalities) or
``>= 0`` (inequalities).
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Iterable

Relation = tuple[tuple[int, int], ...]
PRIME = (1 << 61) - 1
INF = math.inf


def pinned(values: list[int], bounds: dict[int, tuple[float, float]],
           equalities: Iterable[Relation], inequalities: Iterable[Relation],
           max_steps: int = 200_000) -> set[int]:
    """Hidden cells (the keys of ``bounds``: what the attacker knows of each) whose value the
    relations force to a single integer. Shown cells are the constants ``values[cell]``."""
    lo = {c: b[0] for c, b in bounds.items()}
    hi = {c: b[1] for c, b in bounds.items()}
    relations = [(r, True) for r in equalities] + [(r, False) for r in inequalities]
    relations = [(r, eq) for r, eq in relations if any(c in lo for c, _ in r)]
    by_cell: dict[int, list[int]] = defaultdict(list)
    for i, (relation, _) in enumerate(relations):
        for cell, _ in relation:
            if cell in lo:
                by_cell[cell].append(i)
    queue = deque(range(len(relations)))
    queued = set(queue)
    steps = 0
    while queue and steps < max_steps:
        i = queue.popleft()
        queued.discard(i)
        steps += 1
        relation, equality = relations[i]
        for cell in _tighten(relation, equality, values, lo, hi):
            for j in by_cell[cell]:
                if j not in queued:
                    queue.append(j)
                    queued.add(j)
    return {c for c in lo if lo[c] >= hi[c]}


def _term(cell: int, coef: int, values: list[int], lo: dict[int, float],
          hi: dict[int, float]) -> tuple[float, float]:
    if cell not in lo:
        return (coef * values[cell],) * 2
    a, b = coef * lo[cell], coef * hi[cell]
    return (a, b) if coef > 0 else (b, a)


def _tighten(relation: Relation, equality: bool, values: list[int], lo: dict[int, float],
             hi: dict[int, float]) -> list[int]:
    """Narrow the bounds of the relation's hidden cells once; returns the cells narrowed."""
    terms = [_term(c, k, values, lo, hi) for c, k in relation]
    low_sum = sum(t[0] for t in terms if t[0] != -INF)
    high_sum = sum(t[1] for t in terms if t[1] != INF)
    low_inf = sum(1 for t in terms if t[0] == -INF)
    high_inf = sum(1 for t in terms if t[1] == INF)
    changed = []
    for (cell, coef), (tmin, tmax) in zip(relation, terms, strict=True):
        if cell not in lo:
            continue
        # Bounds of the sum of the other terms.
        if tmax == INF:
            others_max = INF if high_inf > 1 else high_sum
        else:
            others_max = INF if high_inf else high_sum - tmax
        if tmin == -INF:
            others_min = -INF if low_inf > 1 else low_sum
        else:
            others_min = -INF if low_inf else low_sum - tmin
        # coef * x == -(others)  or  coef * x >= -(others)
        low = -others_max
        high = -others_min if equality else INF
        new_lo, new_hi = (low / coef, high / coef) if coef > 0 else (high / coef, low / coef)
        new_lo = math.ceil(new_lo - 1e-9) if new_lo != -INF else -INF
        new_hi = math.floor(new_hi + 1e-9) if new_hi != INF else INF
        if new_lo > lo[cell] or new_hi < hi[cell]:
            lo[cell], hi[cell] = max(lo[cell], new_lo), min(hi[cell], new_hi)
            changed.append(cell)
    return changed


def determined(hidden: set[int], equalities: Iterable[Relation]) -> set[int]:
    """Hidden cells whose value follows from the equalities by linear combination."""
    rows = []
    for relation in equalities:
        row = {c: k % PRIME for c, k in relation if c in hidden}
        if row:
            rows.append(row)
    weight: dict[int, int] = defaultdict(int)
    for row in rows:
        for cell in row:
            weight[cell] += 1
    pivots: dict[int, dict[int, int]] = {}
    holders: dict[int, set[int]] = defaultdict(set)  # cell -> pivot rows holding it
    for row in rows:
        for cell in [c for c in row if c in pivots]:
            factor = row.get(cell, 0)
            if factor:
                _axpy(row, pivots[cell], -factor)
        if not row:
            continue
        col = min(row, key=lambda c: (weight[c], c))  # the rarest cell: least fill-in
        inverse = pow(row[col], PRIME - 2, PRIME)
        for cell in row:
            row[cell] = row[cell] * inverse % PRIME
        for other in list(holders[col]):
            prow = pivots[other]
            before = set(prow)
            _axpy(prow, row, -prow[col])
            for cell in before - set(prow):
                holders[cell].discard(other)
            for cell in set(prow) - before:
                holders[cell].add(other)
        pivots[col] = row
        for cell in row:
            if cell != col:
                holders[cell].add(col)
    return {col for col, row in pivots.items() if len(row) == 1}


def _axpy(target: dict[int, int], source: dict[int, int], factor: int) -> None:
    """``target += factor * source`` modulo the prime, dropping zeros."""
    for cell, value in source.items():
        new = (target.get(cell, 0) + factor * value) % PRIME
        if new:
            target[cell] = new
        else:
            target.pop(cell, None)
