"""A stored plan's projection (planned vs actual per wave) and its map layer.

Planned figures come from ``geo.rollout.projection`` over the baseline at the plan's reference
date; actual figures are the coverage of each wave's areas at a later date (default today),
once real enrollments arrive.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.clock import today
from app.principal import Principal
from app.services.coverage import coverage_by_area
from app.services.rollout.plans import get_plan, plan_waves
from app.services.rollout.priorities import area_figures
from app.services.rollout.protected import RolloutView
from app.services.rollout.scope import Scope
from geo.rollout.projection import Baseline, Projection, Totals, project, rate

# Waves coloured in order, darkest first (ColorBrewer Blues, colour-blind safe); pilot outlined.
WAVE_COLOURS = ("#08306b", "#2171b5", "#4292c6", "#6baed6", "#9ecae1", "#c6dbef")
PILOT_OUTLINE = "#d7301f"


def plan_scope(plan: dict[str, Any], principal: Principal, default_line: float) -> Scope:
    line = plan["garis_kemiskinan"]
    return Scope(
        parent=plan["wilayah_induk"],
        ref_date=plan["tanggal_acuan"] or today(),
        desil_max=plan["desil_maks"],
        poverty_line=float(line) if line is not None else default_line,
        area_prefixes=principal.area_prefixes,
    )


def _totals(t: Totals) -> dict[str, Any]:
    return {
        "sasaran": t.targets, "tercakup_sebelum": t.covered_before,
        "kesenjangan_sebelum": t.gap_before, "dijangkau": t.reached,
        "tercakup_sesudah": t.covered_after, "cakupan_sebelum": t.rate_before,
        "cakupan_sesudah": t.rate_after, "anggaran": t.budget,
    }


def _actual(conn: Connection, scope: Scope, actual_date: date) -> dict[str, dict[str, Any]]:
    rows = coverage_by_area(conn, level="kelurahan", parent=scope.parent, ref_date=actual_date,
                            desil_max=scope.desil_max, area_prefixes=scope.area_prefixes)
    return {r["kode"]: r for r in rows}


def plan_projection(
    conn: Connection, plan_id: int, principal: Principal, default_line: float,
    actual_date: date | None = None,
) -> dict[str, Any]:
    plan = get_plan(conn, plan_id, principal)
    scope = plan_scope(plan, principal, default_line)
    figures = {f.kode: f for f in area_figures(conn, scope, ranking=False)}
    result: Projection = project(
        plan_waves(plan), {k: Baseline(f.targets, f.covered) for k, f in figures.items()}
    )
    on = actual_date or today()
    actual = _actual(conn, scope, on)
    view = RolloutView(conn, principal, scope.ref_date, scope.desil_max)
    seen = view.at(on)
    waves, before = [], []
    for wp in result.waves:
        areas = list(wp.wave.areas)
        before += areas
        targets = sum(int(actual.get(k, {}).get("targets") or 0) for k in areas)
        covered = sum(int(actual.get(k, {}).get("covered") or 0) for k in areas)
        planned = wp.wave_totals.rate_after
        actual_rate = rate(covered, targets)
        waves.append({
            "urutan": wp.wave.order, "tahun": wp.wave.year, "percontohan": wp.wave.pilot,
            "biaya_per_rumah_tangga": wp.wave.cost_per_household,
            "porsi_kesenjangan": wp.wave.share,
            "gelombang": view.sum_row(areas, _totals(wp.wave_totals)),
            "kumulatif": view.sum_row(before, _totals(wp.cumulative)),
            "aktual": seen.sum_row(areas, {
                "sasaran": targets, "tercakup": covered, "cakupan": actual_rate,
                "selisih_cakupan": None if planned is None or actual_rate is None
                else actual_rate - planned,
            }),
            "wilayah": [view.area_row(k, {
                "kode": k, "nama": figures[k].nama if k in figures else None,
                "sasaran": figures[k].targets if k in figures else 0,
                "kesenjangan": figures[k].gap if k in figures else 0,
                "dijangkau": wp.areas[k],
            }) for k in areas],
        })
    return {
        "rencana": {"id": plan["id"], "nama": plan["nama"], "tanggal_acuan": scope.ref_date,
                    "desil_maks": scope.desil_max, "wilayah_induk": scope.parent},
        "tanggal_aktual": on,
        "gelombang": waves,
        "seluruh_wilayah": view.sum_row(figures, _totals(result.scope)),
    }


def plan_geojson(
    conn: Connection, plan_id: int, principal: Principal, simplify: float = 0.0
) -> dict[str, Any]:
    """The plan's areas as a FeatureCollection (EPSG:4326, lon/lat) with style properties:
    ``warna`` by wave order, ``garis``/``tebal_garis`` marking the pilot."""
    plan = get_plan(conn, plan_id, principal)
    rows = conn.execute(
        text("SELECT w.urutan, w.tahun, w.percontohan, wl.kode, wl.nama, ST_AsGeoJSON("
             "CASE WHEN :tol > 0 THEN ST_SimplifyPreserveTopology(wl.geom, :tol) "
             "ELSE wl.geom END, 6) AS geometry FROM rollout_wave w "
             "CROSS JOIN LATERAL unnest(w.wilayah) AS a(kode) "
             "JOIN wilayah wl ON wl.kode = a.kode WHERE w.plan_id = :id "
             "ORDER BY w.urutan, wl.kode"),
        {"id": plan_id, "tol": simplify},
    )
    orders = [w["urutan"] for w in plan["gelombang"]]
    features = []
    for r in rows:
        position = orders.index(r.urutan)
        features.append({
            "type": "Feature", "id": r.kode, "geometry": json.loads(r.geometry),
            "properties": {
                "kode": r.kode, "nama": r.nama, "urutan": r.urutan, "tahun": r.tahun,
                "percontohan": r.percontohan,
                "warna": WAVE_COLOURS[min(position, len(WAVE_COLOURS) - 1)],
                "garis": PILOT_OUTLINE if r.percontohan else "#333333",
                "tebal_garis": 4 if r.percontohan else 1,
            },
        })
    return {"type": "FeatureCollection", "name": plan["nama"], "features": features}
