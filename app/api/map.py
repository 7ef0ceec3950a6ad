"""The kelurahan map page (/map), its data endpoints and the household vector tiles.

The page is a shell: every layer is fetched from the URLs below. Household points (tiles) only
for roles that may see persons, from zoom 14 (area aggregates below it, on the same URL); the
others get the H3 hexagon aggregate and the area-aggregate tiles, small counts suppressed. The
image and PDF report of the map are in ``app.api.map_report``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from sqlalchemy import Connection

from app.clock import today
from app.deps import ConnDep, SettingsDep
from app.principal import Principal
from app.security import DbWorkDep, PrincipalDep, api_key_prefix
from app.services.access import audit
from app.services.maps import (
    Classing,
    MapFilter,
    TileFilter,
    area_detail,
    area_figures,
    area_tables,
    area_tile,
    check_tile,
    draws_points,
    hexagon_aggregate,
    household_tile,
    program_layers,
)
from app.services.scope import scope_areas

router = APIRouter(tags=["peta"])
Figure = Literal["coverage_rate", "gap", "targets", "overlap_share", "leakage", "p0", "p1", "p2"]
Scheme = Literal["quantiles", "natural_breaks", "equal_interval", "pretty"]
Ramp = Literal["YlOrRd", "YlGnBu", "Blues", "viridis", "cividis"]
Level = Literal["kelurahan", "kecamatan", "kabkota"]
Lang = Literal["id", "en"]


async def map_filter(  # a coroutine: no thread hop for parsing (app/deps.py)
    settings: SettingsDep,
    ref_date: date | None = Query(None, description="Tanggal acuan (bawaan: hari ini)"),
    desil_max: int | None = Query(None, ge=1, le=10, description="Ambang desil sasaran"),
    program: str | None = Query(None, description="Kode program"),
    agency: str | None = Query(None, description="Kode instansi"),
    kecamatan: str | None = Query(None, description="Kode kecamatan (atau kab/kota)"),
) -> MapFilter:
    return MapFilter(ref_date=ref_date or today(),
                     desil_max=desil_max or settings.default_desil_max,
                     program=program or None, agency=agency or None, parent=kecamatan or None)


def map_classing(
    figure: Figure = "coverage_rate", scheme: Scheme = "quantiles",
    k: int = Query(5, ge=3, le=7, description="Jumlah kelas"),
    ramp: Ramp = "YlOrRd", lang: Lang = "id",
) -> Classing:
    return Classing(figure=figure, scheme=scheme, k=k, ramp=ramp, lang=lang)


FilterDep = Annotated[MapFilter, Depends(map_filter)]
ClassingDep = Annotated[Classing, Depends(map_classing)]


@router.get("/api/v1/map/figures", summary="Angka wilayah terklasifikasi untuk peta")
def get_figures(
    conn: ConnDep, settings: SettingsDep, principal: PrincipalDep, flt: FilterDep,
    classing: ClassingDep, level: Level = "kelurahan",
) -> dict[str, Any]:
    return area_figures(conn, flt, classing, principal=principal,
                        poverty_line=settings.poverty_line, level=level)


@router.get("/api/v1/map/areas/{kode}", summary="Semua angka satu wilayah (panel peta)")
def get_area(
    conn: ConnDep, settings: SettingsDep, principal: PrincipalDep, flt: FilterDep,
    kode: Annotated[str, Path(max_length=13, description="Kode wilayah, mis. 64.74.03.1002")],
) -> dict[str, Any]:
    detail = area_detail(conn, kode, flt, principal=principal,
                         poverty_line=settings.poverty_line)
    if detail["gap_households"] is not None:  # a person query, even an empty one
        audit.record(conn, principal, "map.gap_households", kode,
                     {"tanggal_acuan": flt.ref_date.isoformat(), "desil_maks": flt.desil_max,
                      "jumlah": len(detail["gap_households"])})
    return detail


@router.get("/api/v1/map/programs", summary="Program dengan garis wilayah layanannya")
def get_program_layers(
    conn: ConnDep, principal: PrincipalDep,
    kode: str | None = Query(None, description="Satu program saja (garisnya dimuat saat "
                                               "lapisannya dinyalakan)"),
) -> list[dict[str, Any]]:
    return program_layers(conn, kode)


@router.get("/api/v1/map/hexagons", summary="Agregat heksagon H3 rumah tangga sasaran")
def get_hexagons(
    conn: ConnDep, principal: PrincipalDep, flt: FilterDep, classing: ClassingDep,
    resolution: int = Query(8, ge=6, le=9),
) -> dict[str, Any]:
    return hexagon_aggregate(conn, flt, resolution, principal=principal, classing=classing)


@router.get("/tiles/areas/{z}/{x}/{y}.pbf",
            summary="Petak vektor (MVT) agregat wilayah: satu titik per wilayah dengan angkanya")
async def get_area_tile(
    db: DbWorkDep, flt: FilterDep,
    z: Annotated[int, Path(ge=0, le=22)], x: Annotated[int, Path(ge=0)],
    y: Annotated[int, Path(ge=0)],
) -> Response:
    """For every role: the area table's figures at the areas' label points (kab/kota, then
    kecamatan, then kelurahan as the zoom grows), small counts suppressed as in the table."""
    tile_filter = _tile_filter(flt)
    return await db.run(lambda conn, principal: _area_tile(
        conn, principal, "households", z, x, y, tile_filter))


@router.get("/tiles/{layer}/{z}/{x}/{y}.pbf", summary="Petak vektor (MVT) rumah tangga sasaran")
async def get_tile(
    request: Request, db: DbWorkDep, flt: FilterDep,
    layer: Literal["households", "enrolled"],
    z: Annotated[int, Path(ge=0, le=22)], x: Annotated[int, Path(ge=0)],
    y: Annotated[int, Path(ge=0)],
) -> Response:
    """Household points from zoom 14; below it the same URL answers with area aggregates
    (``cluster = true``), so a map switches from one to the other without a second layer.
    Async with its database work in one thread hop (``DbWork``): a map view asks for dozens."""
    tile_filter = _tile_filter(flt)
    key = api_key_prefix(request)

    def tile(conn: Connection, principal: Principal) -> Response:
        principal.require(principal.can_see_persons, "melihat titik rumah tangga")
        if not draws_points(z, principal.can_see_persons):
            return _area_tile(conn, principal, layer, z, x, y, tile_filter)
        if key is not None:
            # The page's tiles are covered by its audited /map load; a machine client reading
            # tiles directly leaves one row per key, layer and minute (the first tile, and the
            # areas it could see), so harvesting the points shows in the log without burying
            # it.
            audit.record_tile_read(conn, principal, key, layer, f"{layer}/{z}/{x}/{y}", {
                "tanggal_acuan": flt.ref_date.isoformat(), "desil_maks": flt.desil_max,
                "program": flt.program, "instansi": flt.agency, "kecamatan": flt.parent,
                "wilayah": _seen_areas(principal, flt.parent)})
        points = household_tile(conn, layer, z, x, y, tile_filter, principal.area_prefixes)
        return _mvt(points, "no-store")  # household points: person data, never kept in a cache

    return await db.run(tile)


def _seen_areas(principal: Principal, parent: str | None) -> list[str] | str:
    """The areas whose households a tile can hold for ``principal`` under ``parent``."""
    areas = scope_areas(principal.area_prefixes, parent)
    return "semua" if areas is None else areas


def _tile_filter(flt: MapFilter) -> TileFilter:
    return TileFilter(flt.ref_date, flt.desil_max, flt.program, flt.agency, flt.parent)


def _area_tile(conn: Connection, principal: Principal, layer: str, z: int, x: int, y: int,
               flt: TileFilter) -> Response:
    check_tile(layer, z, x, y, flt)
    rows = [row for table in area_tables(conn, z, x, y, flt, principal) for row in table]
    return _mvt(area_tile(conn, layer, z, x, y, rows), "private, max-age=60")


def _mvt(tile: bytes, cache: str) -> Response:
    return Response(tile, media_type="application/vnd.mapbox-vector-tile",
                    headers={"cache-control": cache})
