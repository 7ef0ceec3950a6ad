"""Priority score of areas and the greedy growth of a contiguous pilot cluster.

The score is a transparent weighted sum, so the ranking can be explained in a meeting:

* each component is min-max normalised over the areas being ranked, to 0..1 (1 = most in need):
  ``n = (x - min) / (max - min)``; for the coverage rate the scale is reversed
  (``n = (max - x) / (max - min)``: lower coverage = higher priority); when every area has the
  same value, or the value is unknown (no targets, no expenditure data), ``n = 0``;
* ``score = 100 * sum(w_k * n_k) / sum(w_k)``, so it lies in 0..100 and the contributions
  ``100 * w_k * n_k / sum(w_k)`` add up to the score exactly.

Ties in score are broken by the larger gap, then by the lower code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from geo.errors import InvalidInput

COMPONENTS = ("gap", "gap_desil1", "coverage_rate", "p0", "p1", "targets")
# Defaults: uncovered households first (gap and extreme-poor gap carry 55%), then how poorly the
# area is served and how deep its poverty is; size alone weighs little.
DEFAULT_WEIGHTS: dict[str, float] = {
    "gap": 0.30,
    "gap_desil1": 0.25,
    "coverage_rate": 0.15,
    "p0": 0.15,
    "p1": 0.10,
    "targets": 0.05,
}
REVERSED = frozenset({"coverage_rate"})
# How a planner names each component (pages, exports): what makes an area score high.
COMPONENT_LABELS = {
    "gap": "Kesenjangan",
    "gap_desil1": "Kesenjangan desil 1",
    "coverage_rate": "Cakupan rendah",
    "p0": "P0 (penduduk miskin)",
    "p1": "P1 (kedalaman)",
    "targets": "Jumlah sasaran",
}


@dataclass(frozen=True)
class AreaFigures:
    """The raw figures of one area at the reference date (counts are households)."""

    kode: str
    nama: str
    targets: int
    covered: int
    gap: int
    gap_desil1: int
    coverage_rate: float | None
    p0: float | None = None
    p1: float | None = None


@dataclass(frozen=True)
class Component:
    name: str
    raw: float | None
    normalised: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Priority:
    rank: int
    score: float
    figures: AreaFigures
    components: list[Component]


def resolve_weights(weights: Mapping[str, float] | None = None) -> dict[str, float]:
    """Defaults overridden by the given weights; unknown names, negatives, all-zero refused."""
    resolved = dict(DEFAULT_WEIGHTS)
    for name, value in (weights or {}).items():
        if name not in DEFAULT_WEIGHTS:
            raise InvalidInput(
                f"Komponen bobot tidak dikenal: {name} (pilihan: {', '.join(COMPONENTS)}).",
                {"bobot": name},
            )
        if value < 0:
            raise InvalidInput(f"Bobot {name} tidak boleh negatif.", {"bobot": name})
        resolved[name] = float(value)
    if sum(resolved.values()) <= 0:
        raise InvalidInput("Setidaknya satu bobot harus lebih dari nol.", {"bobot": resolved})
    return resolved


def parse_weights(raw: str | None) -> dict[str, float] | None:
    """Weights from ``gap=0.4,p0=0.2`` or a JSON object; None when empty."""
    if not raw or not raw.strip():
        return None
    try:
        if raw.lstrip().startswith("{"):
            return {str(k): float(v) for k, v in json.loads(raw).items()}
        pairs = (part.split("=", 1) for part in raw.split(",") if part.strip())
        return {k.strip(): float(v) for k, v in pairs}
    except (ValueError, AttributeError) as exc:
        raise InvalidInput(
            "Format bobot tidak sah; contoh: gap=0.4,p0=0.2", {"bobot": raw}
        ) from exc


def _raw(figures: AreaFigures, name: str) -> float | None:
    value = getattr(figures, name)
    return None if value is None else float(value)


def _normalise(value: float | None, low: float, high: float, reverse: bool) -> float:
    if value is None or high == low:
        return 0.0
    return (high - value) / (high - low) if reverse else (value - low) / (high - low)


def rank_areas(
    areas: Sequence[AreaFigures], weights: Mapping[str, float] | None = None
) -> list[Priority]:
    """Score and rank the areas (rank 1 = highest priority), every component explained."""
    resolved = resolve_weights(weights)
    total_weight = sum(resolved.values())
    bounds = {}
    for name in COMPONENTS:
        known = [v for v in (_raw(a, name) for a in areas) if v is not None]
        bounds[name] = (min(known), max(known)) if known else (0.0, 0.0)
    scored = []
    for area in areas:
        components = []
        for name in COMPONENTS:
            raw = _raw(area, name)
            norm = _normalise(raw, *bounds[name], reverse=name in REVERSED)
            share = resolved[name] / total_weight
            components.append(Component(name, raw, norm, resolved[name], 100.0 * share * norm))
        scored.append((sum(c.contribution for c in components), area, components))
    scored.sort(key=lambda item: (-item[0], -item[1].gap, item[1].kode))
    return [
        Priority(rank=i, score=score, figures=area, components=components)
        for i, (score, area, components) in enumerate(scored, start=1)
    ]


def households_cap(
    max_households: int | None, budget: Decimal | None, cost_per_household: Decimal | None
) -> int | None:
    """The household limit from a cap and/or a budget: ``floor(budget / cost)``, the smaller."""
    limits = []
    if max_households is not None:
        if max_households < 0:
            raise InvalidInput("Batas rumah tangga tidak boleh negatif.")
        limits.append(max_households)
    if budget is not None:
        if cost_per_household is None or cost_per_household <= 0:
            raise InvalidInput("Anggaran memerlukan biaya per rumah tangga lebih dari nol.")
        limits.append(int((Decimal(budget) / Decimal(cost_per_household)).to_integral_value(
            rounding=ROUND_FLOOR)))
    return min(limits) if limits else None


@dataclass
class Cluster:
    """Areas in the order they were added, the households they count, and why growth stopped:
    ``batas`` (next area would pass the cap), ``jumlah_wilayah`` (area limit reached),
    ``tidak_ada_tetangga`` (no unchosen neighbour left)."""

    areas: list[str] = field(default_factory=list)
    households: int = 0
    stopped_by: str = ""
    seed_exceeds_cap: bool = False


def grow_cluster(
    seed: str,
    scores: Mapping[str, float],
    households: Mapping[str, int],
    graph: Mapping[str, set[str]],
    *,
    cap: int | None = None,
    max_areas: int | None = None,
) -> Cluster:
    """Grow a contiguous cluster greedily from ``seed``.

    Next = the highest-scoring neighbour of the cluster not yet in it (ties: lower code). It is
    added only if the cluster's households stay within ``cap``; otherwise growth stops (it does
    not skip to a smaller neighbour, so the cluster always follows the priority order). The
    seed is always taken, even alone above the cap (then ``seed_exceeds_cap``)."""
    if seed not in graph:
        raise InvalidInput(f"Wilayah awal {seed} tidak ditemukan di antara wilayah yang dinilai.",
                           {"seed": seed})
    if cap is None and max_areas is None:
        raise InvalidInput("Tentukan batas rumah tangga, anggaran, atau jumlah wilayah maksimum.")
    cluster = Cluster(areas=[seed], households=households.get(seed, 0))
    cluster.seed_exceeds_cap = cap is not None and cluster.households > cap
    while True:
        if max_areas is not None and len(cluster.areas) >= max_areas:
            cluster.stopped_by = "jumlah_wilayah"
            return cluster
        chosen = set(cluster.areas)
        frontier = {n for a in cluster.areas for n in graph.get(a, set())} - chosen
        frontier &= set(scores)
        if not frontier:
            cluster.stopped_by = "tidak_ada_tetangga"
            return cluster
        best = min(frontier, key=lambda k: (-scores[k], k))
        extra = households.get(best, 0)
        if cluster.seed_exceeds_cap or (cap is not None and cluster.households + extra > cap):
            cluster.stopped_by = "batas"
            return cluster
        cluster.areas.append(best)
        cluster.households += extra
