"""Coverage figures: by area, program and agency, the overlap matrix, gap and leakage lists,
the agency check, and exports. Area scoping is applied inside the SQL (principal's prefixes);
every aggregate goes through ``app.services.coverage.publication`` (protected for roles that
may not see persons); person lists are audited."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.api.coverage_params import ParamsDep
from app.deps import ConnDep, SettingsDep
from app.security import DbWorkDep, PrincipalDep
from app.services import coverage
from app.services.access import audit
from app.services.coverage import MAX_NUMBERS, export_coverage
from geo.errors import InvalidInput

router = APIRouter(prefix="/api/v1/coverage", tags=["cakupan"])
Level = Literal["kelurahan", "kecamatan", "kabkota"]


# The figure endpoints are coroutines with their database work in one thread hop (``DbWork``):
# the map and the tables ask for them at every filter change.
@router.get("", summary="Cakupan per wilayah (kelurahan, kecamatan, kab/kota)")
async def by_area(db: DbWorkDep, p: ParamsDep,
                  level: Level = Query("kelurahan",
                                       description="kelurahan, kecamatan, atau kabkota")
                  ) -> list[dict[str, Any]]:
    return await db.run(lambda conn, principal: p.publication(conn, principal).areas(
        level, p.parent, program=p.program, agency=p.agency))


@router.get("/total", summary="Jumlah untuk satu wilayah induk (atau seluruh wilayah)")
async def total(db: DbWorkDep, p: ParamsDep) -> dict[str, Any]:
    return await db.run(lambda conn, principal: p.publication(conn, principal).total(p.parent))


@router.get("/programs", summary="Cakupan per program")
async def by_program(db: DbWorkDep, p: ParamsDep) -> list[dict[str, Any]]:
    return await db.run(lambda conn, principal: p.publication(conn, principal).programs(
        p.parent, program=p.program, agency=p.agency))


@router.get("/agencies", summary="Cakupan per instansi")
async def by_agency(db: DbWorkDep, p: ParamsDep) -> list[dict[str, Any]]:
    return await db.run(lambda conn, principal: p.publication(conn, principal).agencies(
        p.parent, agency=p.agency))


@router.get("/overlap", summary="Matriks tumpang tindih program x program")
async def overlap(db: DbWorkDep, p: ParamsDep) -> dict[str, Any]:
    return await db.run(lambda conn, principal: p.publication(conn, principal).overlap(
        p.parent, agency=p.agency))


def _person_list(kind: str, conn: ConnDep, principal: PrincipalDep, p: ParamsDep,
                 limit: int, offset: int) -> list[dict[str, Any]]:
    principal.require(principal.can_see_persons, "melihat daftar rumah tangga")
    lister = coverage.gap_list if kind == "gap" else coverage.leakage_list
    rows = lister(conn, ref_date=p.ref_date, desil_max=p.desil_max, parent=p.parent,
                  program=p.program, agency=p.agency, area_prefixes=principal.area_prefixes,
                  limit=limit, offset=offset)
    audit.record(conn, principal, f"coverage.{kind}_list", p.parent, p.as_filter(), len(rows))
    return rows


@router.get("/gaps", summary="Daftar kesenjangan: sasaran tanpa program aktif, termiskin dulu")
def gaps(conn: ConnDep, principal: PrincipalDep, p: ParamsDep,
         limit: int = Query(1000, ge=1, le=100_000), offset: int = Query(0, ge=0)
         ) -> list[dict[str, Any]]:
    return _person_list("gap", conn, principal, p, limit, offset)


@router.get("/leakage", summary="Daftar kebocoran: bukan sasaran tetapi menerima program")
def leakage(conn: ConnDep, principal: PrincipalDep, p: ParamsDep,
            limit: int = Query(1000, ge=1, le=100_000), offset: int = Query(0, ge=0)
            ) -> list[dict[str, Any]]:
    return _person_list("leakage", conn, principal, p, limit, offset)


class CheckIn(BaseModel):
    nik: list[str] = Field(default_factory=list, description="Daftar NIK")
    no_kk: list[str] = Field(default_factory=list, description="Daftar No. KK")
    ref_date: date | None = Field(None, description="Tanggal acuan YYYY-MM-DD")
    desil_max: int | None = Field(None, ge=1, le=10,
                                  description="Bawaan: SASARAN_DEFAULT_DESIL_MAX (4)")


@router.post("/check", summary="Cek sebelum mendaftarkan: sudah tercakup program lain?")
def check(body: CheckIn, conn: ConnDep, settings: SettingsDep,
          principal: PrincipalDep) -> dict[str, Any]:
    principal.require(principal.can_check, "memakai pemeriksaan cakupan")
    total = len(body.nik) + len(body.no_kk)
    if total > MAX_NUMBERS:
        raise InvalidInput(
            f"Paling banyak 10.000 nomor per pemeriksaan; dikirim {total}. Pecah daftarnya.",
            {"maksimum": MAX_NUMBERS, "jumlah": total})
    desil_max = body.desil_max or settings.default_desil_max
    common: dict[str, Any] = {"ref_date": body.ref_date, "desil_max": desil_max,
                              "area_prefixes": principal.area_prefixes}
    nik = coverage.check_identities(conn, settings.hmac_key(), body.nik, kind="nik", **common)
    kk = coverage.check_identities(conn, settings.hmac_key(), body.no_kk, kind="no_kk", **common)
    audit.record(conn, principal, "coverage.check", None,
                 {"nik": len(body.nik), "no_kk": len(body.no_kk), "desil_maks": desil_max},
                 total)
    return {"nik": nik, "no_kk": kk}


MEDIA = {"csv": "text/csv; charset=utf-8", "geojson": "application/geo+json",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@router.get("/export", summary="Ekspor cakupan (csv, xlsx, geojson)")
def export(conn: ConnDep, principal: PrincipalDep, p: ParamsDep,
           format: Literal["csv", "xlsx", "geojson"] = Query("xlsx"),
           level: Level | None = Query(None, description="Satu level; bawaan xlsx: semua")
           ) -> Response:
    content = export_coverage(p.publication(conn, principal), format=format, level=level,
                              parent=p.parent, program=p.program, agency=p.agency)
    audit.record(conn, principal, "coverage.export", p.parent, {**p.as_filter(), "format": format})
    name = f"cakupan-{level or 'semua'}.{format}"
    return Response(content, media_type=MEDIA[format],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
