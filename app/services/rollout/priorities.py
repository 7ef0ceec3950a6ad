"""Priorities and pilot choice, over the coverage and poverty figures of issue 4's service.

Figures per kelurahan/desa: targets, covered and gap at the reference date for the desil
threshold; gap among desil 1 = the gap with threshold 1; P0/P1 at the poverty line. Every query
is scoped to the principal's area prefixes inside the SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import shapely
from sqlalchemy import Connection, text

from app.principal import Principal
from app.services.coverage import coverage_by_area, poverty_by_area
from app.services.rollout.protected import RolloutView
from app.services.rollout.reach import programs_operating, reach_households
from app.services.rollout.scope import Scope
from app.services.scope import area_scope, below_pattern
from app.sql import statement
from geo.errors import InvalidInput
from geo.rollout import AreaFigures, Priority, grow_cluster, households_cap, rank_areas
from geo.wilayah import adjacency


def scoped_areas(conn: Connection, scope: Scope) -> list[dict[str, Any]]:
    """The kelurahan/desa in scope with their names, ordered by code."""
    return [dict(r._mapping) for r in conn.execute(
        text(statement("rollout/kelurahan_in_scope.sql")), _scope_params(scope))]


def _by_code(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["kode"]: r for r in rows}


def area_figures(conn: Connection, scope: Scope, ranking: bool = True) -> list[AreaFigures]:
    """Raw figures of every area in scope; an area without households has zero counts.
    ``ranking=False`` leaves out what only the ranking needs (gap among desil 1, P0/P1: a
    second coverage pass and a pass over every household's expenditure)."""
    common: dict[str, Any] = {
        "level": "kelurahan", "parent": scope.parent, "area_prefixes": scope.area_prefixes,
    }
    coverage = _by_code(coverage_by_area(
        conn, ref_date=scope.ref_date, desil_max=scope.desil_max, **common))
    extreme = _by_code(coverage_by_area(
        conn, ref_date=scope.ref_date, desil_max=1, **common)) if ranking else {}
    poverty = _by_code(poverty_by_area(
        conn, line=scope.poverty_line, **common)) if ranking else {}
    figures = []
    for area in scoped_areas(conn, scope):
        cov = coverage.get(area["kode"], {})
        pov = poverty.get(area["kode"], {})
        targets, covered = int(cov.get("targets") or 0), int(cov.get("covered") or 0)
        figures.append(AreaFigures(
            kode=area["kode"], nama=area["nama"], targets=targets, covered=covered,
            gap=targets - covered,
            gap_desil1=int(extreme.get(area["kode"], {}).get("gap") or 0),
            coverage_rate=covered / targets if targets else None,
            p0=_optional_float(pov.get("p0")), p1=_optional_float(pov.get("p1")),
        ))
    return figures


def _optional_float(value: Any) -> float | None:
    return None if value is None else float(value)


def priorities(
    conn: Connection, scope: Scope, weights: dict[str, float] | None = None
) -> list[Priority]:
    return rank_areas(area_figures(conn, scope), weights)


def neighbour_graph(conn: Connection, scope: Scope) -> dict[str, set[str]]:
    """Adjacency (geo.wilayah.adjacency rule) of the areas in scope, from their stored polygons."""
    rows = conn.execute(text(statement("rollout/kelurahan_polygons_in_scope.sql")),
                        _scope_params(scope))
    return adjacency({r.kode: shapely.from_wkb(bytes(r.wkb)) for r in rows})


def _scope_params(scope: Scope) -> dict[str, Any]:
    return {"parent_below": below_pattern(scope.parent), **area_scope(scope.area_prefixes)}


@dataclass(frozen=True)
class PilotRequest:
    seed: str | None = None
    max_households: int | None = None
    budget: Decimal | None = None
    cost_per_household: Decimal | None = None
    max_areas: int | None = None
    weights: dict[str, float] | None = None


def choose_pilot(
    conn: Connection, scope: Scope, request: PilotRequest, principal: Principal,
    view: RolloutView,
) -> dict[str, Any]:
    """Seed (given, or the top-ranked area with a gap) grown into a contiguous cluster; the
    cluster's figures, the programs already active there, and the gap households it reaches.
    The cluster's totals and cost are protected by ``view`` (shown when every area's are)."""
    ranked = priorities(conn, scope, request.weights)
    if not ranked:
        raise InvalidInput("Tidak ada kelurahan/desa dalam cakupan ini.")
    by_code = {p.figures.kode: p for p in ranked}
    seed = request.seed or next((p.figures.kode for p in ranked if p.figures.gap > 0),
                                ranked[0].figures.kode)
    if seed not in by_code:
        raise InvalidInput(f"Wilayah awal {seed} tidak ada dalam cakupan.", {"seed": seed})
    cap = households_cap(request.max_households, request.budget, request.cost_per_household)
    cluster = grow_cluster(
        seed, {k: p.score for k, p in by_code.items()},
        {k: p.figures.gap for k, p in by_code.items()}, neighbour_graph(conn, scope),
        cap=cap, max_areas=request.max_areas,
    )
    chosen = [by_code[k] for k in cluster.areas]
    cost = request.cost_per_household
    totals = view.sum_row(cluster.areas, {
        "sasaran": sum(p.figures.targets for p in chosen),
        "tercakup": sum(p.figures.covered for p in chosen),
        "kesenjangan": cluster.households,
        "kesenjangan_desil1": sum(p.figures.gap_desil1 for p in chosen),
        "biaya": None if cost is None else Decimal(cluster.households) * Decimal(cost),
    })
    return {
        "seed": seed,
        "wilayah": chosen,
        "batas_rumah_tangga": cap,
        "berhenti_karena": cluster.stopped_by,
        "awal_melebihi_batas": cluster.seed_exceeds_cap,
        **totals,
        "program": None if view.protected else programs_operating(conn, cluster.areas, scope),
        "rumah_tangga": reach_households(conn, cluster.areas, scope, principal,
                                         {k: by_code[k].figures.gap for k in cluster.areas},
                                         view),
    }
