"""Agencies and programs: read by everyone signed in, written by admins; program file upload."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field

from app.deps import ConnDep, SettingsDep
from app.security import PrincipalDep
from app.services.access import audit
from app.services.coverage import programs
from app.services.io.profiles import choose_profile
from app.uploads import saved_upload, upload_name
from geo.coverage import UNITS, ProgramRow, service_area
from geo.errors import InvalidInput

router = APIRouter(prefix="/api/v1", tags=["program"])


class AgencyIn(BaseModel):
    nama: str = Field(min_length=1)
    jenis: str | None = None


class ProgramIn(BaseModel):
    nama: str = Field(min_length=1)
    instansi: str = Field(min_length=1, description="Kode instansi (dibuat bila belum ada)")
    nama_instansi: str | None = None
    jenis: str | None = None
    tahun: int | None = Field(None, ge=2000, le=2100)
    anggaran: Decimal | None = Field(None, ge=0)
    desil_maks: int | None = Field(None, ge=1, le=10)
    unit_cakupan: str = Field("household", description="household, person, atau house")
    wilayah_layanan: list[str] = Field(default_factory=list, description="Kode kelurahan")


@router.get("/agencies", summary="Daftar instansi")
def get_agencies(conn: ConnDep, principal: PrincipalDep) -> list[dict[str, Any]]:
    return programs.list_agencies(conn)


@router.put("/agencies/{kode}", summary="Buat atau ubah instansi")
def put_agency(kode: str, body: AgencyIn, conn: ConnDep, principal: PrincipalDep) -> dict:
    principal.require(principal.can_admin, "mengelola instansi")
    programs.upsert_agency(conn, kode, body.nama, body.jenis)
    audit.record(conn, principal, "agency.write", kode)
    return {"kode": kode, "nama": body.nama, "jenis": body.jenis}


@router.delete("/agencies/{kode}", status_code=204, summary="Hapus instansi tanpa program")
def delete_agency(kode: str, conn: ConnDep, principal: PrincipalDep) -> None:
    principal.require(principal.can_admin, "mengelola instansi")
    programs.delete_agency(conn, kode)
    audit.record(conn, principal, "agency.delete", kode)


@router.get("/programs", summary="Daftar program")
def get_programs(conn: ConnDep, principal: PrincipalDep,
                 agency: str | None = None) -> list[dict[str, Any]]:
    return programs.list_programs(conn, agency)


@router.get("/programs/{kode}", summary="Satu program")
def get_program(kode: str, conn: ConnDep, principal: PrincipalDep) -> dict[str, Any]:
    return programs.get_program(conn, kode)


@router.put("/programs/{kode}", summary="Buat atau ubah program")
def put_program(kode: str, body: ProgramIn, conn: ConnDep,
                principal: PrincipalDep) -> dict[str, Any]:
    principal.require(principal.can_admin, "mengelola program")
    unit = UNITS.get(body.unit_cakupan.lower())
    area, problem = service_area(" ".join(body.wilayah_layanan))
    if unit is None or problem:
        raise InvalidInput(problem or f"unit_cakupan '{body.unit_cakupan}' tidak dikenal.")
    programs.save_program(conn, ProgramRow(
        kode, body.nama, body.instansi, body.nama_instansi or body.instansi, None, body.jenis,
        body.tahun, body.anggaran, body.desil_maks, unit, area))
    audit.record(conn, principal, "program.write", kode)
    return programs.get_program(conn, kode)


@router.delete("/programs/{kode}", status_code=204, summary="Hapus program dan kepesertaannya")
def delete_program(kode: str, conn: ConnDep, principal: PrincipalDep) -> None:
    principal.require(principal.can_admin, "mengelola program")
    programs.delete_program(conn, kode)
    audit.record(conn, principal, "program.delete", kode)


@router.post("/programs/import", summary="Impor berkas program (CSV/XLSX)")
def import_programs(conn: ConnDep, settings: SettingsDep, principal: PrincipalDep,
                    file: UploadFile = File(...), sheet: str | None = Form(None),
                    profil: str | None = Form(None, description="Nama profil kolom"),
                    columns: str | None = Form(None, description="Pemetaan kolom atau JSON"),
                    konstanta: str | None = Form(None, description="kolom=nilai,...")
                    ) -> dict[str, Any]:
    principal.require(principal.can_admin, "mengimpor program")
    with saved_upload(file, settings) as path:
        if path is None:
            raise InvalidInput("Berkas wajib diunggah.")
        choice = choose_profile(conn, path, "program", sheet=sheet, name=upload_name(file),
                                profile=profil, columns=columns, constants=konstanta)
        result = programs.import_programs(conn, path, user=principal.username,
                                          name=upload_name(file), sheet=sheet,
                                          profile=choice.profile)
    audit.record(conn, principal, "program.import", f"batch:{result['batch_id']}",
                 {"berkas": result["file"]}, result["accepted"])
    first = result.pop("first_rejections")
    warned = result.pop("first_warnings")
    return {**result, "profil": choice.profile.name if choice.profile else None,
            "keyakinan_profil": choice.confidence,
            "ditolak_pertama": [{"nomor_baris": r.row_number, "alasan": r.message}
                                for r in first],
            "peringatan_pertama": [{"nomor_baris": w.row_number, "alasan": w.message}
                                   for w in warned]}
