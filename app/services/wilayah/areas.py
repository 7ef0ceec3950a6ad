"""Loading boundaries into PostGIS and listing areas."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shapely
from sqlalchemy import Connection, text

from app.services.registry import regeocode_after_boundary_load
from app.services.scope import area_scope, below_pattern
from app.sql import statement

if TYPE_CHECKING:
    from geo.wilayah import BoundaryReport

# The label point is the centre of the largest inscribed circle, as far from every edge as the
# area allows: the label sits clear of borders and a tap on it lands in its own area even on
# the outline Leaflet simplifies at low zoom (migration 0012 says why ST_PointOnSurface failed).
UPSERT_SQL = text(
    """
    INSERT INTO wilayah (kode, nama, level, parent_kode, geom, label_point, luas_km2, diperbarui)
    SELECT f.kode, f.nama, f.level, f.parent_kode, g.geom,
           (ST_MaximumInscribedCircle(g.geom)).center, ST_Area(g.geom::geography) / 1e6, now()
    FROM (SELECT :kode AS kode, :nama AS nama, :level AS level, :parent_kode AS parent_kode,
                 :wkb AS wkb) AS f
    CROSS JOIN LATERAL (SELECT ST_Multi(ST_GeomFromWKB(f.wkb, 4326)) AS geom) AS g
    ON CONFLICT (kode) DO UPDATE SET
        nama = EXCLUDED.nama, level = EXCLUDED.level, parent_kode = EXCLUDED.parent_kode,
        geom = EXCLUDED.geom, label_point = EXCLUDED.label_point,
        luas_km2 = EXCLUDED.luas_km2, diperbarui = EXCLUDED.diperbarui
    """
)


@dataclass
class LoadResult:
    file: str
    loaded: int
    levels: dict[str, int]
    messages: list[str]


# Hooks run after boundaries change, inside the same transaction (e.g. re-geocoding households).
AFTER_BOUNDARY_LOAD: list[Any] = [regeocode_after_boundary_load]


def load_boundaries(
    conn: Connection,
    path: str | Path,
    level: str | None = None,
    code_field: str | None = None,
    name_field: str | None = None,
) -> LoadResult:
    """Validate a boundary file and upsert all its features in the caller's transaction."""
    # Reading boundary files needs geopandas (~0.6 s to import): only here, so that what merely
    # lists or names areas (every coverage command, the coverage check) starts without it.
    from geo.wilayah import read_boundaries

    report: BoundaryReport = read_boundaries(path, level, code_field, name_field)
    rows = [
        {
            "kode": f.kode,
            "nama": f.nama,
            "level": f.level,
            "parent_kode": f.parent_kode,
            "wkb": shapely.to_wkb(f.geometry),
        }
        for f in report.features
    ]
    conn.execute(UPSERT_SQL, rows)
    messages = report.messages()
    for hook in AFTER_BOUNDARY_LOAD:
        note = hook(conn, [f.kode for f in report.features])
        if note:
            messages.append(note)
    levels: dict[str, int] = {}
    for f in report.features:
        levels[f.level] = levels.get(f.level, 0) + 1
    return LoadResult(report.file, len(rows), levels, messages)


def list_wilayah(
    conn: Connection, level: str | None = None, parent: str | None = None,
    area_prefixes: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Areas ordered by code; ``parent`` is a code prefix (``64.74`` gives all below it).

    ``jumlah_rumah_tangga``: accepted households whose effective kelurahan lies in the area,
    counting only households within ``area_prefixes`` (empty = everywhere)."""
    rows = conn.execute(text(statement("wilayah/areas_with_households.sql")), {
        "level": level, "parent_below": below_pattern(parent), **area_scope(area_prefixes)})
    return [dict(r._mapping) for r in rows]


def area_names(conn: Connection, codes: list[str] | tuple[str, ...]) -> dict[str, str]:
    """``{kode: nama}`` for the loaded areas among ``codes`` (a missing code is left out)."""
    rows = conn.execute(text("SELECT kode, nama FROM wilayah WHERE kode = ANY(:codes)"),
                        {"codes": list(codes)})
    return {r.kode: r.nama for r in rows}


def scope_name(conn: Connection, prefixes: tuple[str, ...]) -> str:
    """The area a principal may see as people name it (``Kota Bontang``), or ``Semua wilayah``
    when their scope is unbounded: the map's title and the picture's subtitle say this, never
    "Semua wilayah" to an analyst bound to one city."""
    if not prefixes:
        return "Semua wilayah"
    names = area_names(conn, prefixes)
    return ", ".join(names.get(code, code) for code in prefixes)


def wilayah_geojson(
    conn: Connection, level: str | None = None, parent: str | None = None,
    simplify: float = 0.0,
) -> dict[str, Any]:
    """A FeatureCollection of areas (EPSG:4326, lon/lat); ``simplify`` in degrees. Each
    feature carries its label point (``label_lat``, ``label_lon``: inside the area)."""
    parsed: dict[str, Any] = json.loads(wilayah_geojson_text(conn, level, parent, simplify))
    return parsed


_GEOJSON_CACHE: OrderedDict[tuple[Any, ...], str] = OrderedDict()
_GEOJSON_LOCK = threading.Lock()  # requests run in a thread pool
GEOJSON_CACHE_SIZE = 32


def wilayah_geojson_text(
    conn: Connection, level: str | None = None, parent: str | None = None,
    simplify: float = 0.0,
) -> str:
    """``wilayah_geojson`` as JSON text, kept in memory per version of the ``wilayah`` table:
    simplifying and serialising 190 kelurahan costs about a second and boundaries change only
    when loaded again (any write gives the table a new version: row count and newest xmin)."""
    version = tuple(conn.execute(text(
        "SELECT count(*), coalesce(max(xmin::text::bigint), 0) FROM wilayah")).one())
    key = (str(conn.engine.url), version, level, parent, simplify)
    with _GEOJSON_LOCK:
        cached = _GEOJSON_CACHE.get(key)
        if cached is not None:
            _GEOJSON_CACHE.move_to_end(key)
            return cached
    row = conn.execute(
        text(
            """
            SELECT json_build_object(
                'type', 'FeatureCollection',
                'features', COALESCE(json_agg(json_build_object(
                    'type', 'Feature', 'id', kode,
                    'geometry', ST_AsGeoJSON(
                        CASE WHEN :tol > 0 THEN ST_SimplifyPreserveTopology(geom, :tol)
                             ELSE geom END, 6)::json,
                    'properties', json_build_object(
                        'kode', kode, 'nama', nama, 'level', level,
                        'parent_kode', parent_kode, 'luas_km2', luas_km2,
                        'label_lat', round(ST_Y(label_point)::numeric, 6),
                        'label_lon', round(ST_X(label_point)::numeric, 6))
                ) ORDER BY kode), '[]'::json))::text
            FROM wilayah
            WHERE (CAST(:level AS text) IS NULL OR level = :level)
              AND (CAST(:parent_below AS text) IS NULL OR kode LIKE :parent_below)
            """
        ),
        {"level": level, "parent_below": below_pattern(parent), "tol": simplify},
    ).scalar_one()
    with _GEOJSON_LOCK:
        _GEOJSON_CACHE[key] = str(row)
        while len(_GEOJSON_CACHE) > GEOJSON_CACHE_SIZE:
            _GEOJSON_CACHE.popitem(last=False)
    return str(row)
