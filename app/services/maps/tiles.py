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
from app.services.scope import area_patterns
from app.sql import statement
from geo.errors import InvalidInput

TILE_LAYERS = ("households", "enrolled")
MAX_ZOOM = 22

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
        "enrolled_only": layer == "enrolled", "area_patterns": area_patterns(area_prefixes),
    }
    tile = conn.execute(text(statement("maps/household_tile.sql")), params).scalar_one()
    return bytes(tile or b"")
