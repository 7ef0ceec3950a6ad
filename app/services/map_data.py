"""The map page's data: classified kelurahan figures, the side panel, program layers, and the
H3 hexagon aggregate shown to roles that may not see household points.

Figures come from the coverage service (issue 4's ``coverage_by_area``, ``poverty_by_area``,
``overlap_matrix``) so the map and the API never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import h3
from sqlalchemy import Connection, text

from app.services.household_queries import AREA_CLAUSE, area_params
from app.services.map_tiles import ACTIVE_ENROLLMENT
from geo.errors import InvalidInput
from geo.mapbuild import FIGURES, figure_value, legend_json, panel_summary, suppress_small
from geo.mapclasses import classify

POVERTY_FIGURES = ("p0", "p1", "p2")
SUPPRESSED_FIELDS = ("targets", "covered", "overlap", "overlap_agency", "gap", "leakage")


@dataclass(frozen=True)
class MapFilter:
    ref_date: date
    desil_max: int = 4
    program: str | None = None
    agency: str | None = None
    parent: str | None = None  # kecamatan (or kab/kota) code; None = every loaded kelurahan


def area_figures(
    conn: Connection, flt: MapFilter, *, figure: str, scheme: str, k: int, poverty_line: float,
    lang: str, area_prefixes: tuple[str, ...] = (), suppress: bool = False,
) -> dict[str, Any]:
    """Per kelurahan: the coverage and poverty figures, the class of the mapped figure, the
    legend with class counts, the panel totals/top gaps and the program overlap matrix."""
    from app.services.coverage import coverage_by_area, overlap_matrix, poverty_by_area

    if figure not in FIGURES:
        raise InvalidInput(f"Angka '{figure}' tidak dikenal; pilih: {', '.join(FIGURES)}.")
    rows = coverage_by_area(conn, level="kelurahan", parent=flt.parent, ref_date=flt.ref_date,
                            desil_max=flt.desil_max, program=flt.program, agency=flt.agency,
                            area_prefixes=area_prefixes)
    # The FGT indices cost a pass over every household's expenditure: only when mapped.
    poverty = {r["kode"]: r for r in poverty_by_area(
        conn, level="kelurahan", parent=flt.parent, line=poverty_line,
        area_prefixes=area_prefixes)} if figure in POVERTY_FIGURES else {}
    for row in rows:
        row.update({f: poverty.get(row["kode"], {}).get(f) for f in ("p0", "p1", "p2")})
        row["overlap_share"] = figure_value(row, "overlap_share")
    classes = classify({r["kode"]: figure_value(r, figure) for r in rows}, scheme, k)
    for row in rows:
        row["kelas"] = classes.class_of[row["kode"]]
        row["warna"] = classes.colors[row["kode"]]
    panel = panel_summary(rows)
    matrix = overlap_matrix(conn, ref_date=flt.ref_date, desil_max=flt.desil_max,
                            parent=flt.parent, agency=flt.agency, area_prefixes=area_prefixes)
    if suppress:
        _suppress(rows, panel, matrix)
    return {"figure": figure, "areas": {r["kode"]: r for r in rows},
            "legend": legend_json(classes, lang), **panel, "overlap_matrix": matrix}


def _suppress(rows: list[dict[str, Any]], panel: dict[str, Any], matrix: dict[str, Any]) -> None:
    for row in [*rows, panel["totals"], *panel["top_gaps"]]:
        for name in SUPPRESSED_FIELDS:
            if name in row:
                row[name] = suppress_small(row[name])
    matrix["matrix"] = [[suppress_small(v) for v in line] for line in matrix.get("matrix", [])]


def program_layers(conn: Connection, kode: str | None = None) -> list[dict[str, Any]]:
    """Each program (or the one ``kode``) with its agency and service-area outline (union of
    its kelurahan polygons, GeoJSON in EPSG:4326, ~30 m simplified; null without a declared
    service area)."""
    rows = conn.execute(text(
        """
        SELECT p.kode_program AS kode, p.nama, p.instansi,
               ST_AsGeoJSON(ST_Union(ST_SimplifyPreserveTopology(w.geom, 0.0003)), 5)::json
                   AS wilayah_layanan
        FROM program p
        LEFT JOIN wilayah w ON w.kode = ANY (p.wilayah_layanan)
        WHERE CAST(:kode AS text) IS NULL OR p.kode_program = :kode
        GROUP BY p.kode_program, p.nama, p.instansi
        ORDER BY p.kode_program
        """), {"kode": kode})
    return [dict(r._mapping) for r in rows]


HEX_SQL = f"""
SELECT ST_Y(COALESCE(h.geom, w.label_point)) AS lat, ST_X(COALESCE(h.geom, w.label_point)) AS lon,
       (SELECT count(DISTINCT e.program_id) FROM enrollment e JOIN program p ON p.id = e.program_id
        WHERE e.household_id = h.id AND {ACTIVE_ENROLLMENT}) AS n
FROM household h JOIN wilayah w ON w.kode = h.kode_kelurahan
WHERE h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil AND {AREA_CLAUSE}
  AND (CAST(:parent AS text) IS NULL OR h.kode_kelurahan LIKE :parent || '.%')
"""


def hexagon_aggregate(
    conn: Connection, flt: MapFilter, resolution: int = 8, area_prefixes: tuple[str, ...] = (),
    suppress: bool = True,
) -> dict[str, Any]:
    """Target households per H3 cell (targets, gap, one, overlap) as GeoJSON polygons; with
    ``suppress`` every count 1-4 is ``"<5"``. Resolution 8 cells are about 0.7 km²."""
    params = {"ref": flt.ref_date, "desil": flt.desil_max, "program": flt.program,
              "agency": flt.agency, "parent": flt.parent, **area_params(area_prefixes)}
    cells: dict[str, dict[str, int]] = {}
    for lat, lon, n in conn.execute(text(HEX_SQL), params):
        cell = cells.setdefault(h3.latlng_to_cell(lat, lon, resolution),
                                {"targets": 0, "gap": 0, "one": 0, "overlap": 0})
        cell["targets"] += 1
        cell["gap" if n == 0 else "one" if n == 1 else "overlap"] += 1
    features = []
    for cell_id, counts in sorted(cells.items()):
        ring = [[lng, lat] for lat, lng in h3.cell_to_boundary(cell_id)]
        props: dict[str, Any] = {"h3": cell_id, **counts}
        if suppress:
            props = {k: suppress_small(v) for k, v in props.items()}
        features.append({"type": "Feature", "properties": props,
                         "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]}})
    return {"type": "FeatureCollection", "features": features}
