"""Geocoding in PostGIS: the kelurahan index for imports, and set-based re-geocoding.

Imports geocode in Python (``geo.registry.geocode``: bounding-box filter + prepared
``intersects_xy`` per chunk, the fastest by measurement). When boundaries change,
``regeocode_households`` applies the same rules to every household in ONE ``UPDATE ... FROM`` with
``ST_Intersects`` over the GiST index, so a reload never leaves a household in a kelurahan that no
longer contains it.
"""

from __future__ import annotations

import shapely
from sqlalchemy import Connection, text

from app.db.citus import is_citus
from app.services.registry import relocate
from app.sql import statement
from geo import codes
from geo.registry import KelurahanIndex

KELURAHAN_SQL = text(
    "SELECT kode, ST_AsBinary(geom) AS wkb FROM wilayah WHERE level = 'kelurahan' ORDER BY kode"
)

# Rules 3-6 of domain.md over the stored (already swap-corrected) points. The flags that come
# from the input itself (coords_swapped, coords_invalid) and non-geocoding flags are kept;
# no_coords, outside_area and kelurahan_mismatch are recomputed, in geo.registry.geocode.FLAG_ORDER.
# Each step carries kode_kabkota beside the id: on Citus each worker resolves its own shards.
RESOLVED = """
    WITH hits AS (
        SELECT h.kode_kabkota, h.id, array_agg(w.kode ORDER BY w.kode) AS kodes
        FROM household h
        JOIN wilayah w ON w.level = 'kelurahan' AND ST_Intersects(w.geom, h.geom)
        WHERE h.geom IS NOT NULL
        GROUP BY h.kode_kabkota, h.id
    ),
    resolved AS (
        SELECT h.kode_kabkota, h.id, h.flags,
               CASE WHEN hits.kodes IS NULL THEN h.kode_kelurahan_deklarasi
                    WHEN h.kode_kelurahan_deklarasi = ANY (hits.kodes)
                        THEN h.kode_kelurahan_deklarasi
                    ELSE hits.kodes[1] END AS kode,
               h.geom IS NULL AS no_coords,
               h.geom IS NOT NULL AND hits.kodes IS NULL AS outside,
               hits.kodes IS NOT NULL
                   AND NOT h.kode_kelurahan_deklarasi = ANY (hits.kodes) AS mismatch
        FROM household h LEFT JOIN hits ON hits.kode_kabkota = h.kode_kabkota AND hits.id = h.id
    ),
    flagged AS (
        SELECT kode_kabkota, id, kode,
               array_remove(ARRAY[
                   CASE WHEN 'coords_swapped' = ANY (flags) THEN 'coords_swapped' END,
                   CASE WHEN 'coords_invalid' = ANY (flags) THEN 'coords_invalid' END,
                   CASE WHEN no_coords THEN 'no_coords' END,
                   CASE WHEN outside THEN 'outside_area' END,
                   CASE WHEN mismatch THEN 'kelurahan_mismatch' END
               ]::text[], NULL)
               || ARRAY(SELECT f FROM unnest(flags) WITH ORDINALITY AS u(f, n)
                        WHERE f <> ALL (ARRAY['coords_swapped', 'coords_invalid', 'no_coords',
                                              'outside_area', 'kelurahan_mismatch'])
                        ORDER BY n) AS flags
        FROM resolved
    )
"""
REGEOCODE_SQL = text(RESOLVED + """
    UPDATE household h
    SET kode_kelurahan = f.kode, flags = f.flags, diperbarui = now()
    FROM flagged f
    WHERE f.kode_kabkota = h.kode_kabkota AND f.id = h.id
      AND (h.kode_kelurahan, h.flags) IS DISTINCT FROM (f.kode, f.flags)
""")
# Citus: households whose kelurahan now lies in another kab/kota, moved there first.
MOVES_SQL = RESOLVED + (
    "SELECT id, kode_kabkota, kode FROM flagged WHERE left(kode, 5) <> kode_kabkota")


def kelurahan_index(conn: Connection) -> KelurahanIndex:
    """The loaded kelurahan polygons as an in-memory, prepared index (EPSG:4326, lon/lat)."""
    rows = conn.execute(KELURAHAN_SQL).all()
    return KelurahanIndex(
        [r.kode for r in rows], list(shapely.from_wkb([bytes(r.wkb) for r in rows]))
    )


def regeocode_households(conn: Connection) -> int:
    """Re-apply the geocoding rules to all households set-based; returns rows changed. On
    Citus a household that lands in another kab/kota is first moved there (``relocate``)."""
    if not is_citus(conn):
        changed = int(conn.execute(REGEOCODE_SQL).rowcount or 0)
    else:
        moved: set[int] = set()
        if relocate.stage_moves(conn, MOVES_SQL):
            moved = set(conn.execute(text(f"SELECT id FROM {relocate.MOVES}")).scalars())
            relocate.relocate(conn)
        updated = conn.execute(text(REGEOCODE_SQL.text + " RETURNING h.id")).scalars()
        changed = len(moved | set(updated))
    if changed:  # households changed kelurahan: their stored FGT sums lag
        conn.execute(text(statement("registry/poverty_mark_all.sql")))
    return changed


def regeocode_after_boundary_load(conn: Connection, loaded_codes: list[str]) -> str | None:
    """``AFTER_BOUNDARY_LOAD`` hook: re-geocode when kelurahan boundaries were (re)loaded."""
    if not any(codes.level_of(code) == "kelurahan" for code in loaded_codes):
        return None
    changed = regeocode_households(conn)
    return f"{changed} rumah tangga digeokode ulang." if changed else None
