"""Priority score, greedy cluster growth and plan projection (pure logic)."""

from __future__ import annotations

import json
import math
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from shapely.geometry import shape

from geo.errors import InvalidInput
from geo.rollout import (
    DEFAULT_WEIGHTS,
    AreaFigures,
    grow_cluster,
    households_cap,
    rank_areas,
    resolve_weights,
)
from geo.rollout.projection import Baseline, Wave, project, reached
from geo.wilayah import adjacency, is_contiguous

AREAS = [
    AreaFigures("A", "Alfa", targets=100, covered=40, gap=60, gap_desil1=20,
                coverage_rate=0.4, p0=0.30, p1=0.08),
    AreaFigures("B", "Beta", targets=50, covered=45, gap=5, gap_desil1=1,
                coverage_rate=0.9, p0=0.10, p1=0.02),
    AreaFigures("C", "Gama", targets=80, covered=50, gap=30, gap_desil1=12,
                coverage_rate=0.625, p0=None, p1=None),
]


def test_default_weights_sum_to_one():
    assert math.isclose(sum(DEFAULT_WEIGHTS.values()), 1.0)


def test_components_are_min_max_normalised_and_contributions_add_up_to_the_score():
    ranked = {p.figures.kode: p for p in rank_areas(AREAS)}
    gama = {c.name: c for c in ranked["C"].components}
    # gap 30 among 5..60; coverage 0.625 among 0.4..0.9 (reversed); p0/p1 unknown -> 0.
    assert gama["gap"].normalised == pytest.approx((30 - 5) / (60 - 5))
    assert gama["coverage_rate"].normalised == pytest.approx((0.9 - 0.625) / (0.9 - 0.4))
    assert gama["p0"].normalised == 0 and gama["p0"].raw is None
    expected = 100 * (
        0.30 * (25 / 55) + 0.25 * (11 / 19) + 0.15 * (0.275 / 0.5) + 0.05 * (30 / 50)
    )
    assert ranked["C"].score == pytest.approx(expected)
    assert sum(c.contribution for c in ranked["C"].components) == pytest.approx(expected)


def test_area_with_most_need_ranks_first_and_best_served_last():
    ranked = rank_areas(AREAS)
    assert [p.figures.kode for p in ranked] == ["A", "C", "B"]
    assert [p.rank for p in ranked] == [1, 2, 3]
    assert ranked[0].score == pytest.approx(100.0)  # the maximum of every component
    assert ranked[-1].score == pytest.approx(0.0)


def test_weights_change_the_ranking():
    only_size = dict.fromkeys(DEFAULT_WEIGHTS, 0.0) | {"targets": 1.0}
    ranked = rank_areas(AREAS[1:], only_size)
    assert [p.figures.kode for p in ranked] == ["C", "B"]


def test_ties_are_broken_by_gap_then_code():
    same = [
        AreaFigures("X2", "x", 10, 5, 5, 0, 0.5),
        AreaFigures("X1", "x", 10, 5, 5, 0, 0.5),
    ]
    assert [p.figures.kode for p in rank_areas(same)] == ["X1", "X2"]


@pytest.mark.parametrize(
    "weights", [{"popularity": 1.0}, {"gap": -1.0}, dict.fromkeys(DEFAULT_WEIGHTS, 0.0)]
)
def test_bad_weights_are_refused_with_a_reason(weights):
    with pytest.raises(InvalidInput):
        resolve_weights(weights)


# A small synthetic map:  A - B - C - D, and A - E (E is a dead end).
GRAPH = {"A": {"B", "E"}, "B": {"A", "C"}, "C": {"B", "D"}, "D": {"C"}, "E": {"A"}}
SCORES = {"A": 90.0, "B": 50.0, "C": 70.0, "D": 10.0, "E": 60.0}
HOUSEHOLDS = {"A": 10, "B": 20, "C": 30, "D": 40, "E": 5}


def test_cluster_grows_to_the_best_neighbour_of_the_whole_cluster():
    cluster = grow_cluster("A", SCORES, HOUSEHOLDS, GRAPH, cap=1000)
    # From A: E (60) beats B (50); then B is the only frontier; then C; then D.
    assert cluster.areas == ["A", "E", "B", "C", "D"]
    assert cluster.households == 105
    assert cluster.stopped_by == "tidak_ada_tetangga"


def test_cluster_stops_when_the_next_best_neighbour_would_pass_the_cap():
    cluster = grow_cluster("A", SCORES, HOUSEHOLDS, GRAPH, cap=64)
    # A+E+B = 35 fits; next is C (30): 65 > 64, so growth stops without skipping to D.
    assert cluster.areas == ["A", "E", "B"]
    assert cluster.households == 35
    assert cluster.stopped_by == "batas"


def test_single_area_pilot_and_seed_above_the_cap():
    assert grow_cluster("C", SCORES, HOUSEHOLDS, GRAPH, max_areas=1).areas == ["C"]
    over = grow_cluster("D", SCORES, HOUSEHOLDS, GRAPH, cap=25)
    assert over.areas == ["D"] and over.seed_exceeds_cap and over.stopped_by == "batas"


def test_cluster_needs_a_known_seed_and_a_limit():
    with pytest.raises(InvalidInput):
        grow_cluster("Z", SCORES, HOUSEHOLDS, GRAPH, cap=10)
    with pytest.raises(InvalidInput):
        grow_cluster("A", SCORES, HOUSEHOLDS, GRAPH)


def test_budget_becomes_a_household_cap_rounded_down():
    assert households_cap(None, Decimal("1000000"), Decimal("300000")) == 3
    assert households_cap(2, Decimal("1000000"), Decimal("300000")) == 2
    assert households_cap(None, None, None) is None
    with pytest.raises(InvalidInput):
        households_cap(None, Decimal("1000"), Decimal("0"))


def test_cluster_on_real_bontang_is_contiguous_and_within_the_cap(wilayah_dir: Path):
    collection = json.loads((wilayah_dir / "bontang_kelurahan.geojson").read_text("utf-8"))
    graph = adjacency({f["properties"]["kode"]: shape(f["geometry"])
                       for f in collection["features"]})
    codes = sorted(graph)
    scores = {k: float(i) for i, k in enumerate(codes)}  # higher code = higher score
    households = dict.fromkeys(codes, 100)
    cluster = grow_cluster("64.74.03.1002", scores, households, graph, cap=350)
    # Gunung Telihan's neighbours by score: Kanaan (03.1003) > Belimbing (03.1001) > Gunung
    # Elai (01.1005). Kanaan adds Satimpo (02.1004) to the frontier, still below Belimbing;
    # then Satimpo is the best neighbour and 400 households would pass the cap.
    assert cluster.areas == ["64.74.03.1002", "64.74.03.1003", "64.74.03.1001"]
    assert cluster.households == 300 and cluster.stopped_by == "batas"
    assert is_contiguous(cluster.areas, graph)


BASE = {"K1": Baseline(100, 30), "K2": Baseline(57, 57), "K3": Baseline(0, 0),
        "K4": Baseline(41, 10), "K5": Baseline(200, 20)}
WAVES = [
    Wave(2, 2024, Decimal("1250000.50"), Decimal("0.29"), ("K4", "K5")),
    Wave(1, 2023, Decimal("1500000"), Decimal("1"), ("K1",), pilot=True),
    Wave(3, 2025, Decimal("1000000"), Decimal("0.333"), ("K2", "K3")),
]


def independent_projection():
    """The same plan computed by hand with Fractions, wave by wave."""
    rows, cum_t, cum_c, cum_r, cum_b = [], 0, 0, 0, Fraction(0)
    for wave in sorted(WAVES, key=lambda w: w.order):
        share, cost = Fraction(str(wave.share)), Fraction(str(wave.cost_per_household))
        t = sum(BASE[k].targets for k in wave.areas)
        c = sum(BASE[k].covered for k in wave.areas)
        r = sum(math.floor((BASE[k].targets - BASE[k].covered) * share) for k in wave.areas)
        cum_t, cum_c, cum_r, cum_b = cum_t + t, cum_c + c, cum_r + r, cum_b + r * cost
        rows.append((t, c, r, r * cost, cum_t, cum_c, cum_r, cum_b))
    return rows


def test_projection_matches_an_independent_computation():
    result = project(WAVES, BASE)
    assert [w.wave.order for w in result.waves] == [1, 2, 3]
    for got, (t, c, r, b, ct, cc, cr, cb) in zip(result.waves, independent_projection(),
                                                  strict=True):
        assert (got.wave_totals.targets, got.wave_totals.covered_before) == (t, c)
        assert got.wave_totals.reached == r
        assert Fraction(got.wave_totals.budget) == b
        assert (got.cumulative.targets, got.cumulative.covered_before) == (ct, cc)
        assert got.cumulative.reached == cr and Fraction(got.cumulative.budget) == cb
        assert got.wave_totals.rate_after == pytest.approx((c + r) / t)
        assert got.cumulative.rate_before == pytest.approx(cc / ct)


def test_households_reached_are_rounded_down_per_area_exactly():
    assert reached(100, Decimal("0.29")) == 29  # float 0.29 * 100 would floor to 28
    assert reached(31, Decimal("0.29")) == 8  # 8.99 -> 8
    wave2 = project(WAVES, BASE).waves[1]
    assert wave2.areas == {"K4": 8, "K5": 52}  # floor(31*.29)=8, floor(180*.29)=52


def test_scope_covers_every_area_and_empty_areas_have_no_rate():
    result = project(WAVES, BASE)
    assert result.scope.targets == 398 and result.scope.covered_before == 117
    assert result.scope.reached == 70 + 60 + 0
    wave3 = result.waves[2]
    assert wave3.areas == {"K2": 0, "K3": 0}
    assert project([Wave(1, 2023, Decimal(1), Decimal(1), ("K3",))], BASE).waves[
        0].wave_totals.rate_before is None


@pytest.mark.parametrize(
    "waves",
    [
        [Wave(1, 2023, Decimal(1), Decimal(1), ("K1",)), Wave(2, 2024, Decimal(1), Decimal(1),
                                                          ("K1",))],
        [Wave(1, 2023, Decimal(1), Decimal("1.5"), ("K1",))],
        [Wave(1, 2023, Decimal(-1), Decimal(1), ("K1",))],
        [Wave(1, 2023, Decimal(1), Decimal(1), ())],
        [Wave(1, 2023, Decimal(1), Decimal(1), ("K1",)), Wave(1, 2024, Decimal(1), Decimal(1),
                                                          ("K2",))],
    ],
)
def test_ambiguous_plans_are_refused(waves):
    with pytest.raises(InvalidInput):
        project(waves, BASE)
