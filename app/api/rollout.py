"""Pilot-area selection and rollout planning: priorities, pilot, plans, projection, exports."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from app.clock import today
from app.deps import ConnDep, SettingsDep
from app.principal import Principal
from app.security import PrincipalDep
from app.services.rollout import (
    PilotRequest,
    PlanInput,
    RolloutView,
    Scope,
    WaveInput,
    choose_pilot,
    create_plan,
    delete_plan,
    export_plan_xlsx,
    get_plan,
    list_plans,
    plan_geojson,
    plan_projection,
    priorities,
    priority_out,
    update_plan,
)
from app.settings import Settings
from geo.rollout import parse_weights

router = APIRouter(prefix="/api/v1/rollout", tags=["rollout"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class WaveIn(BaseModel):
    urutan: int = Field(ge=1, description="Urutan gelombang, 1 = pertama")
    tahun: int = Field(ge=2000, le=2100)
    biaya_per_rumah_tangga: Decimal = Field(ge=0, description="Rupiah per rumah tangga")
    porsi_kesenjangan: Decimal = Field(ge=0, le=1, description="Porsi kesenjangan yang ditutup")
    wilayah: list[str] = Field(min_length=1, description="Kode kelurahan/desa")
    percontohan: bool = False


class PlanIn(BaseModel):
    nama: str = Field(min_length=1, max_length=200)
    deskripsi: str | None = None
    wilayah_induk: str | None = Field(None, description="Awalan kode cakupan, mis. 64.74")
    tanggal_acuan: date | None = Field(None, description="Tanggal acuan; kosong = hari ini")
    desil_maks: int = Field(4, ge=1, le=10)
    garis_kemiskinan: Decimal | None = Field(None, gt=0, description="Rupiah/kapita/bulan")
    bobot: dict[str, float] = Field(default_factory=dict, description="Bobot komponen skor")
    gelombang: list[WaveIn] = Field(default_factory=list)

    def to_input(self) -> PlanInput:
        data = self.model_dump(exclude={"gelombang"})
        return PlanInput(**data, gelombang=[WaveInput(**w.model_dump()) for w in self.gelombang])


class PilotIn(BaseModel):
    wilayah_induk: str | None = None
    tanggal_acuan: date | None = None
    desil_maks: int | None = Field(None, ge=1, le=10)
    garis_kemiskinan: float | None = Field(None, gt=0)
    bobot: dict[str, float] | None = None
    seed: str | None = Field(None, description="Kode wilayah awal; kosong = prioritas teratas")
    batas_rumah_tangga: int | None = Field(None, ge=0)
    anggaran: Decimal | None = Field(None, ge=0)
    biaya_per_rumah_tangga: Decimal | None = Field(None, gt=0)
    jumlah_wilayah_maks: int | None = Field(None, ge=1, description="1 = satu kelurahan saja")


def _scope(settings: Settings, principal: Principal, parent: str | None, ref_date: date | None,
           desil_max: int | None, line: float | None) -> Scope:
    return Scope(
        parent=parent, ref_date=ref_date or today(),
        desil_max=desil_max or settings.default_desil_max,
        poverty_line=line or settings.poverty_line, area_prefixes=principal.area_prefixes,
    )


@router.get("/priorities", summary="Peringkat prioritas kelurahan/desa, dengan komponennya")
def get_priorities(
    conn: ConnDep, settings: SettingsDep, principal: PrincipalDep,
    level: str = Query("kelurahan", pattern="^kelurahan$", description="Saat ini: kelurahan"),
    parent: str | None = Query(None, description="Awalan kode induk, mis. 64.74"),
    ref_date: date | None = None,
    desil_max: int | None = Query(None, ge=1, le=10),
    line: float | None = Query(None, gt=0, description="Garis kemiskinan (Rp/kapita/bulan)"),
    weights: str | None = Query(None, description="mis. gap=0.4,p0=0.2 (sisanya bawaan)"),
) -> list[dict[str, Any]]:
    scope = _scope(settings, principal, parent, ref_date, desil_max, line)
    view = RolloutView(conn, principal, scope.ref_date, scope.desil_max)
    return [priority_out(p, principal, view, scope.poverty_line)
            for p in priorities(conn, scope, parse_weights(weights))]


@router.post("/pilot", summary="Pilih wilayah percontohan (satu wilayah atau klaster)")
def post_pilot(
    body: PilotIn, conn: ConnDep, settings: SettingsDep, principal: PrincipalDep
) -> dict[str, Any]:
    scope = _scope(settings, principal, body.wilayah_induk, body.tanggal_acuan,
                   body.desil_maks, body.garis_kemiskinan)
    request = PilotRequest(
        seed=body.seed, max_households=body.batas_rumah_tangga, budget=body.anggaran,
        cost_per_household=body.biaya_per_rumah_tangga, max_areas=body.jumlah_wilayah_maks,
        weights=body.bobot,
    )
    view = RolloutView(conn, principal, scope.ref_date, scope.desil_max)
    result = choose_pilot(conn, scope, request, principal, view)
    result["wilayah"] = [priority_out(p, principal, view, scope.poverty_line)
                         for p in result["wilayah"]]
    return result


@router.get("/plans", summary="Daftar rencana perluasan")
def get_plans(conn: ConnDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    return list_plans(conn, principal)


@router.post("/plans", status_code=201, summary="Buat rencana perluasan")
def post_plan(body: PlanIn, conn: ConnDep, principal: PrincipalDep) -> dict[str, Any]:
    return create_plan(conn, body.to_input(), principal)


@router.get("/plans/{plan_id}", summary="Rencana dengan gelombangnya")
def get_one_plan(plan_id: int, conn: ConnDep, principal: PrincipalDep) -> dict[str, Any]:
    return get_plan(conn, plan_id, principal)


@router.put("/plans/{plan_id}", summary="Ganti isi rencana dan semua gelombangnya")
def put_plan(
    plan_id: int, body: PlanIn, conn: ConnDep, principal: PrincipalDep
) -> dict[str, Any]:
    return update_plan(conn, plan_id, body.to_input(), principal)


@router.delete("/plans/{plan_id}", status_code=204, summary="Hapus rencana")
def remove_plan(plan_id: int, conn: ConnDep, principal: PrincipalDep) -> Response:
    delete_plan(conn, plan_id, principal)
    return Response(status_code=204)


@router.get("/plans/{plan_id}/projection", summary="Proyeksi per gelombang, rencana vs aktual")
def get_projection(
    plan_id: int, conn: ConnDep, settings: SettingsDep, principal: PrincipalDep,
    actual_date: date | None = Query(None, description="Tanggal aktual; kosong = hari ini"),
) -> dict[str, Any]:
    return plan_projection(conn, plan_id, principal, settings.poverty_line, actual_date)


@router.get("/plans/{plan_id}/export.xlsx", summary="Ekspor rencana ke XLSX")
def get_export(
    plan_id: int, conn: ConnDep, settings: SettingsDep, principal: PrincipalDep,
    actual_date: date | None = None,
) -> Response:
    content = export_plan_xlsx(conn, plan_id, principal, settings.poverty_line, actual_date)
    headers = {"Content-Disposition": f'attachment; filename="rencana-{plan_id}.xlsx"'}
    return Response(content, media_type=XLSX, headers=headers)


@router.get("/plans/{plan_id}/geojson", summary="Lapisan peta rencana (gelombang berwarna)")
def get_geojson(
    plan_id: int, conn: ConnDep, principal: PrincipalDep,
    simplify: float = Query(0.0, ge=0, le=0.01, description="Toleransi (derajat)"),
) -> dict[str, Any]:
    return plan_geojson(conn, plan_id, principal, simplify)
