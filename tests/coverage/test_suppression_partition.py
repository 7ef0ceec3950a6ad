"""The hexagon labels of a whole map (``geo.coverage.publication.protect_partition``): a
partition of the scope's target households into cells, protected against the scope's totals.
An attacker who reads every label and the shown totals must pin no count of 1-4; checked with
an exact integer solver written here, independently of the product's own checks."""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from geo.coverage.measures import measures
from geo.coverage.publication import ROOT, Figures, Publication, protect_partition
from geo.coverage.suppression import NEIGHBOURHOOD

PARTS = ("gap", "one", "overlap")
FIELDS = ("targets", "gap", "one", "overlap", "covered")


def _cells(count: int, seed: int) -> dict[str, dict[str, int]]:
    rng = random.Random(seed)
    # Mostly sparse cells (0-12 households a part): many counts are 1-4.
    cells = {}
    for i in range(count):
        parts = {p: rng.choice([0, 0, 1, 2, 3, 4, 6, 9, 12]) for p in PARTS}
        cells[f"h{i:04d}"] = {**parts, "targets": sum(parts.values())}
    return cells


def _scope(cells: dict[str, dict[str, int]]) -> Publication:
    """The whole scope's tier-0 table, two large kelurahan holding the cells' totals (all shown)."""
    total = {p: sum(c[p] for c in cells.values()) for p in PARTS}
    halves = [{p: total[p] // 2 for p in PARTS}]
    halves.append({p: total[p] - halves[0][p] for p in PARTS})
    leaves = {}
    for kode, h in zip(("64.74.01.1001", "64.74.02.1001"), halves, strict=True):
        figures = {"targets": sum(h.values()), "covered": h["one"] + h["overlap"],
                   "overlap": h["overlap"], "overlap_agency": 0, "leakage": 0,
                   "leakage_households": 0, "gap": h["gap"]}
        leaves[kode] = {m: figures[m[0]] for m in measures(["PKH"], ["DINSOS"], 0)}
    return Publication(Figures(leaves, {"PKH": "DINSOS"}), 0)


def _value(cell: dict[str, int], field_name: str) -> int:
    return cell["one"] + cell["overlap"] if field_name == "covered" else cell[field_name]


def _pinned(cells: dict[str, dict[str, int]], labels: dict[str, dict[str, str | None]]
            ) -> list[tuple[str, str, int]]:
    """Hidden counts of 1-4 whose value follows from everything published (a shown count
    exactly, "<5" as 0-4, "x" as any count, the scope's totals exactly): min and max of each
    under integer constraints; the unknowns are each cell's gap, one and overlap."""
    keys = sorted(cells)
    col = {(k, p): 3 * i + j for i, k in enumerate(keys) for j, p in enumerate(PARTS)}
    size = 3 * len(keys)

    def row(k: str, field_name: str) -> np.ndarray:
        r = np.zeros(size)
        parts = {"targets": PARTS, "covered": ("one", "overlap")}.get(field_name, (field_name,))
        r[[col[(k, p)] for p in parts]] = 1
        return r

    matrix, low, high = [], [], []
    for k in keys:
        for f in FIELDS:
            label, value = labels[k][f], _value(cells[k], f)
            matrix.append(row(k, f))
            low.append(value if label is None else 0)
            high.append(value if label is None else 4 if label == "<5" else np.inf)
    for p in PARTS:
        matrix.append(sum(row(k, p) for k in keys))
        low.append(sum(c[p] for c in cells.values()))
        high.append(low[-1])
    constraint = LinearConstraint(np.array(matrix), np.array(low), np.array(high))
    bounds, integral = Bounds(np.zeros(size), np.full(size, np.inf)), np.ones(size)
    found = []
    for k in keys:
        for f in FIELDS:
            value = _value(cells[k], f)
            if labels[k][f] is None or not 1 <= value <= 4:
                continue
            lo = milp(row(k, f), constraints=constraint, integrality=integral, bounds=bounds)
            hi = milp(-row(k, f), constraints=constraint, integrality=integral, bounds=bounds)
            if hi.success and abs(lo.fun + hi.fun) < 0.5:
                found.append((k, f, value))
    return found


@pytest.mark.parametrize(("count", "seed"), [(NEIGHBOURHOOD // 3 + 1, 4), (90, 15), (200, 8)])
def test_no_small_count_of_a_hexagon_map_can_be_pinned(count, seed):
    cells = _cells(count, seed)
    scope = _scope(cells)
    assert all(scope.label((f, None), ROOT) is None
               for f in ("targets", "gap", "covered", "overlap"))  # the totals are shown
    labels = protect_partition(cells, scope)
    small = [(k, f) for k in cells for f in FIELDS if 1 <= _value(cells[k], f) <= 4]
    assert small and all(labels[k][f] in ("<5", "x") for k, f in small)
    assert _pinned(cells, labels) == []


def test_a_cell_of_eight_beside_two_small_halves_hides_its_total():
    # 8 targets = gap 4 + covered 4: with the total shown, "<5" and "<5" would both be 4.
    cells = _cells(90, 15)
    assert (cells["h0006"]["targets"], cells["h0006"]["gap"],
            cells["h0006"]["one"] + cells["h0006"]["overlap"]) == (8, 4, 4)
    labels = protect_partition(cells, _scope(cells))
    assert labels["h0006"]["targets"] == "x"


def test_complements_stay_near_the_small_counts():
    cells = _cells(200, 8)
    labels = protect_partition(cells, _scope(cells))
    small = sum(1 for k in cells for f in FIELDS if 1 <= _value(cells[k], f) <= 4)
    complements = sum(1 for k in cells for f in FIELDS
                      if labels[k][f] is not None and _value(cells[k], f) >= 5)
    # taken from the totals instead, each complement would be a far cell: about as many
    # again as the small counts, most of the map (1 M households: 3,750 of 5,230 hidden)
    assert complements < small / 2
