"""An exact audit of the whole-scope figures: can a hidden one be computed from the shown ones
through the household types behind them?

Relations between figures (``geo.coverage.measures``) catch every linear equality, but the
household counts behind the figures are also non-negative: with three programs, "overlap minus
overlap by agency" is the number of households in exactly the two programs of one agency, and a
pair count hidden as ``<5`` can be pinned by it. For the whole-scope table (the only one that
carries per-program, per-agency and pair figures) this audit solves that directly: unknowns are
the numbers of households of each type, every shown figure is an equality, a ``<5`` 0-4 and an
``x`` at least 5; a hidden figure that no solution of the linear relaxation (HiGHS) moves by
1 from its true value is exposed. The linear relaxation is cheaper than integer programs and can
only widen the range, so it may miss an integer-only pin; the attacker test
(``tests/coverage/test_suppression_attack.py``) solves the integer problem.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import highspy
import numpy as np

SHOWN, WITHHELD = 0, 3  # as in geo.coverage.suppression


def exposed(rows: Mapping[int, Sequence[int]], values: Sequence[int], status: Sequence[int],
            limit: int = 50) -> list[int]:
    """Hidden cells among ``rows`` (cell -> coefficients over household types) whose value
    the others force; at most ``limit`` (the caller mends them and asks again).

    One HiGHS model is built and re-solved with each hidden cell as the objective (warm
    starts: a fraction of a millisecond each). The true value is feasible, so a cell is free
    as soon as one direction moves it by at least 1."""
    cells = sorted(rows)
    hidden = [c for c in cells if status[c] != SHOWN]
    if not hidden:
        return []
    matrix = np.array([rows[c] for c in cells], dtype=float)
    highs = _model(matrix, [_low(values[c], status[c]) for c in cells],
                   [_high(values[c], status[c]) for c in cells])
    position = {c: i for i, c in enumerate(cells)}
    everything = np.arange(matrix.shape[1], dtype=np.int32)
    found = []
    for cell in hidden:
        objective = matrix[position[cell]]
        highs.changeColsCost(len(everything), everything, objective)
        if not _moves(highs, values[cell]):
            found.append(cell)
            if len(found) >= limit:
                break
    return found


def _model(matrix: np.ndarray, low: list[float], high: list[float]) -> highspy.Highs:
    highs = highspy.Highs()
    highs.silent()
    n_rows, n_cols = matrix.shape
    highs.addVars(n_cols, np.zeros(n_cols), np.full(n_cols, highspy.kHighsInf))
    for i in range(n_rows):
        nz = np.nonzero(matrix[i])[0].astype(np.int32)
        lo = -highspy.kHighsInf if low[i] == -np.inf else low[i]
        hi = highspy.kHighsInf if high[i] == np.inf else high[i]
        highs.addRow(lo, hi, len(nz), nz, matrix[i][nz])
    return highs


def _moves(highs: highspy.Highs, value: int) -> bool:
    """Whether the objective (one cell) can be at least 1 above or below its true value."""
    for sense, beyond in ((highspy.ObjSense.kMaximize, lambda v: v >= value + 1 - 1e-7),
                          (highspy.ObjSense.kMinimize, lambda v: v <= value - 1 + 1e-7)):
        highs.changeObjectiveSense(sense)
        highs.run()
        status = highs.getModelStatus()
        if status == highspy.HighsModelStatus.kUnbounded:
            return True
        optimal = status == highspy.HighsModelStatus.kOptimal
        if optimal and beyond(highs.getInfo().objective_function_value):
            return True
    return False


def _low(value: int, status: int) -> float:
    if status == SHOWN:
        return float(value)
    return 5.0 if value >= 5 and status != WITHHELD else 0.0


def _high(value: int, status: int) -> float:
    if status == SHOWN:
        return float(value)
    return np.inf if value >= 5 or status == WITHHELD else 4.0
