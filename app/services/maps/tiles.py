"""Household points and area aggregates as Mapbox Vector Tiles, cut by PostGIS (``ST_AsMVT``).

Points (zoom >= ``POINT_MIN_ZOOM``, roles that may see persons): the surveyed point (EPSG:4326,
lon/lat) reprojected to Web Mercator; a household without usable coordinates sits at its
effective kelurahan's interior point with ``no_coords = true`` so the page draws it as "not a
surveyed location". Only target households are drawn (status ``terverifikasi``, desil <=
threshold), coloured by ``status``: ``gap`` (no active program), ``one`` (one program),
``overlap`` (two or more distinct programs), read from the household's coverage segment on the
date. A program or agency filter restricts which programs count and is resolved to program ids
as the coverage figures do, so an unknown program or agency is "not found" here too.

Aggregates (below ``POINT_MIN_ZOOM``, and at every zoom for roles that may not see persons):
one point per area at its interior label point with the area's coverage figures (targets,
covered, gap, overlap) from ``coverage_by_area``, the same rows as the area table: kab/kota up
to zoom 7, kecamatan up to 10, kelurahan/desa beyond. A city-wide view at 10 million
households is then a few hundred features instead of millions of points (the size rule: no
tile above ~500 KB or ``MAX_POINTS`` features), and the aggregates publish nothing the area
table does not, so its small-count suppression holds for them unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, text

from app.db.citus import is_citus
from app.principal import Principal
from app.services.coverage.sql import Query, program_filter
from app.services.maps.inflight import SingleFlight
from app.services.scope import area_scope, within
from app.sql import statement
from geo.errors import InvalidInput

TILE_LAYERS = ("households", "enrolled")
MAX_ZOOM = 22
POINT_MIN_ZOOM = 14
MAX_POINTS = 50_000  # the size rule's feature limit; bench/bench_tiles.py checks the densest tile
CLUSTER_LEVELS = ((7, "kabkota"), (10, "kecamatan"), (MAX_ZOOM, "kelurahan"))
CLUSTER_COUNTS = ("targets", "covered", "gap", "overlap")
MAX_TILE_PARENTS = 4  # beyond this many kab/kota in one tile, one pass over all is cheaper


@dataclass(frozen=True)
class TileFilter:
    ref_date: date
    desil_max: int = 4
    program: str | None = None
    agency: str | None = None
    # Only the areas under this code (a kecamatan, or a kab/kota), inside the caller's scope:
    # it narrows what the caller may see, never widens it (``area_scope``).
    parent: str | None = None


def check_tile(layer: str, z: int, x: int, y: int, flt: TileFilter) -> None:
    if layer not in TILE_LAYERS:
        raise InvalidInput(f"Lapisan petak '{layer}' tidak dikenal; pilih "
                           f"{', '.join(TILE_LAYERS)}.")
    if layer == "enrolled" and not flt.program:
        raise InvalidInput("Lapisan 'enrolled' memerlukan parameter program.")
    if not 0 <= z <= MAX_ZOOM or not (0 <= x < 2**z and 0 <= y < 2**z):
        raise InvalidInput(f"Petak {z}/{x}/{y} tidak ada (zoom 0-{MAX_ZOOM}, x dan y 0..2^z-1).")


def draws_points(z: int, can_see_persons: bool) -> bool:
    return can_see_persons and z >= POINT_MIN_ZOOM


def household_tile(
    conn: Connection, layer: str, z: int, x: int, y: int, flt: TileFilter,
    area_prefixes: tuple[str, ...] = (),
) -> bytes:
    """One MVT tile of points. ``households``: every target household with its status;
    ``enrolled``: only the households actively enrolled in ``flt.program`` (a program's layer).
    Only households whose kelurahan lies under ``flt.parent`` (None: anywhere) AND within
    ``area_prefixes`` (empty: everywhere)."""
    check_tile(layer, z, x, y, flt)
    params: dict[str, Any] = {
        "z": z, "x": x, "y": y, "ref": flt.ref_date, "desil": flt.desil_max,
        "pids": program_filter(conn, Query(flt.ref_date, flt.desil_max, flt.program,
                                           flt.agency)),
        "layer": layer,
        "enrolled_only": layer == "enrolled", **area_scope(area_prefixes, flt.parent),
    }
    if is_citus(conn):
        no_parallel_tile_plans(conn)
    tile = conn.execute(text(statement("maps/household_tile.sql")), params).scalar_one()
    return bytes(tile or b"")


def no_parallel_tile_plans(conn: Connection) -> None:
    """On Citus the tile's bounding box names no kab/kota, so every shard runs it, and each
    shard's plan started parallel workers even with no point in the tile: on the sample city on
    a local 3-node cluster a z14 tile took 364-440 ms, without parallel plans 105-122 ms (same
    bytes). The workers take the setting for this transaction only (propagated SET LOCAL)."""
    conn.execute(text("SET LOCAL citus.propagate_set_commands = 'local'"))
    conn.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))


# Tiles of one view asked together share each area table (``app.services.maps.inflight``).
_AREA_TABLES = SingleFlight()


def cluster_level(z: int) -> str:
    return next(level for top, level in CLUSTER_LEVELS if z <= top)


def area_tables(conn: Connection, z: int, x: int, y: int, flt: TileFilter,
                principal: Principal) -> list[list[dict[str, Any]]]:
    """The area tables drawn in tile ``z/x/y``: the coverage rows of that zoom's level, one
    table per kab/kota whose areas have their label point in the tile (a city tile costs that
    city's groups, not the whole data set's), or one for everything. Each is exactly the area
    table ``/api/v1/coverage?level=...&parent=<kab/kota>`` publishes to ``principal``
    (``app.services.coverage.publication``: suppressed as that table is), keeping only the
    areas under ``flt.parent`` when given: a subset of what the table publishes, so its
    suppression pattern is the same."""
    from app.services.coverage import publication

    level = cluster_level(z)
    parents: list[str | None] = list(conn.execute(
        text(statement("maps/area_tile_parents.sql")), {"z": z, "x": x, "y": y}).scalars())
    if level == "kabkota" or len(parents) > MAX_TILE_PARENTS:
        parents = [None]
    pub = publication(conn, principal, ref_date=flt.ref_date, desil_max=flt.desil_max)

    def table(parent: str | None) -> list[dict[str, Any]]:
        rows = _AREA_TABLES.run(
            (principal, level, parent, flt.ref_date, flt.desil_max, flt.program, flt.agency),
            lambda: pub.areas(level, parent, program=flt.program, agency=flt.agency))
        return [dict(r) for r in rows]  # each caller its own rows: they may be shared

    tables = [table(parent) for parent in parents]
    if flt.parent:
        tables = [[r for r in rows if within(r["kode"], flt.parent)] for rows in tables]
    return tables


def area_tile(conn: Connection, layer: str, z: int, x: int, y: int,
              rows: list[dict[str, Any]]) -> bytes:
    """One MVT tile of the areas of ``rows`` whose label point lies in it."""
    columns: dict[str, Any] = {"kode": [r["kode"] for r in rows]}
    for key in CLUSTER_COUNTS:
        columns[key] = [str(r[key]) for r in rows]
    tile = conn.execute(text(statement("maps/area_tile.sql")),
                        {"z": z, "x": x, "y": y, "layer": layer, **columns}).scalar_one()
    return bytes(tile or b"")
