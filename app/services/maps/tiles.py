"""Household points as Mapbox Vector Tiles, cut by PostGIS (``ST_AsMVT``), never inlined in a page.

Geometry: the surveyed point (EPSG:4326, lon/lat) reprojected to Web Mercator; a household without
usable coordinates sits at its effective kelurahan's interior point with ``no_coords = true`` so
the page draws it as "not a surveyed location". Only target households are drawn (status
``terverifikasi``, desil <= threshold), coloured by ``status``: ``gap`` (no active enrollment),
``one`` (one program), ``overlap`` (two or more distinct programs). A program or agency filter
restricts which enrollments count and is resolved to program ids as the coverage figures do, so
an unknown program or agency is "not found" here too, not a map of gaps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.services.coverage.sql import Query, program_filter
from app.services.registry import AREA_CLAUSE, area_params
from geo.errors import InvalidInput

TILE_LAYERS = ("households", "enrolled")
MAX_ZOOM = 22
EXTENT = 4096

ACTIVE_ENROLLMENT = """
    e.tanggal_mulai <= :ref AND (e.tanggal_selesai IS NULL OR :ref <= e.tanggal_selesai)
    AND (CAST(:pids AS int[]) IS NULL OR e.program_id = ANY(CAST(:pids AS int[])))
"""
# Surveyed points found through the spatial index, plus households without coordinates found
# through their kelurahan's interior point (also index-friendly): one UNION ALL, no full scan.
TILE_SQL = f"""
WITH env AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS m,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.02), 4326) AS g
),
pts AS (
    SELECT h.id, h.kode_kelurahan, h.desil, h.geom AS g, false AS no_coords
    FROM household h, env
    WHERE h.geom && env.g AND h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
      AND {AREA_CLAUSE}
    UNION ALL
    SELECT h.id, h.kode_kelurahan, h.desil, w.label_point, true
    FROM wilayah w JOIN household h ON h.kode_kelurahan = w.kode AND h.geom IS NULL, env
    WHERE w.label_point && env.g AND h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
      AND {AREA_CLAUSE}
),
counted AS (
    SELECT pts.*, (SELECT count(DISTINCT e.program_id)
                   FROM enrollment e
                   WHERE e.household_id = pts.id AND {ACTIVE_ENROLLMENT}) AS n
    FROM pts
),
mvt AS (
    SELECT ST_AsMVTGeom(ST_Transform(c.g, 3857), env.m, {EXTENT}, 64, true) AS geom,
           c.id, c.kode_kelurahan, c.desil, c.no_coords, c.n AS programs,
           CASE WHEN c.n = 0 THEN 'gap' WHEN c.n = 1 THEN 'one' ELSE 'overlap' END AS status
    FROM counted c, env
    WHERE (:enrolled_only = false OR c.n > 0)
)
SELECT ST_AsMVT(mvt, :layer, {EXTENT}, 'geom', 'id') FROM mvt WHERE geom IS NOT NULL
"""


@dataclass(frozen=True)
class TileFilter:
    ref_date: date
    desil_max: int = 4
    program: str | None = None
    agency: str | None = None


def check_tile(z: int, x: int, y: int) -> None:
    if not 0 <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise InvalidInput(f"Petak {z}/{x}/{y} tidak ada (zoom 0-{MAX_ZOOM}, x dan y 0..2^z-1).")


def household_tile(
    conn: Connection, layer: str, z: int, x: int, y: int, flt: TileFilter,
    area_prefixes: tuple[str, ...] = (),
) -> bytes:
    """One MVT tile. ``households``: every target household with its status; ``enrolled``:
    only the households actively enrolled in ``flt.program`` (the per-program layer)."""
    if layer not in TILE_LAYERS:
        raise InvalidInput(f"Lapisan petak '{layer}' tidak dikenal; pilih "
                           f"{', '.join(TILE_LAYERS)}.")
    if layer == "enrolled" and not flt.program:
        raise InvalidInput("Lapisan 'enrolled' memerlukan parameter program.")
    check_tile(z, x, y)
    params: dict[str, Any] = {
        "z": z, "x": x, "y": y, "ref": flt.ref_date, "desil": flt.desil_max,
        "pids": program_filter(conn, Query(flt.ref_date, flt.desil_max, flt.program,
                                           flt.agency)),
        "layer": layer,
        "enrolled_only": layer == "enrolled", **area_params(area_prefixes),
    }
    tile = conn.execute(text(TILE_SQL), params).scalar_one()
    return bytes(tile or b"")
