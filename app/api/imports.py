"""Imports: upload a household registry (and members) file; read a batch and its rejected rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from app.deps import ConnDep, SettingsDep
from app.security import PrincipalDep
from app.services.access import audit
from app.services.io import batches
from app.services.io.profiles import choose_profile
from app.services.registry import import_households
from app.services.uploads import (
    require_batch_access,
    require_registry_batch,
    require_registry_role,
)
from app.uploads import saved_upload, upload_name
from geo.errors import InvalidInput
from geo.io import Rejection, RowWarning

router = APIRouter(prefix="/api/v1/imports", tags=["impor"])


class ProblemOut(BaseModel):
    nomor_baris: int = Field(description="Nomor baris di berkas (baris 1 = nama kolom)")
    kolom: str | None = Field(description="Kolom yang bermasalah")
    alasan: str = Field(description="Alasan penolakan")


class BatchOut(BaseModel):
    id: int = Field(description="Nomor batch impor")
    jenis: str = Field(description="Jenis impor: rumah_tangga, anggota, ...")
    nama_berkas: str
    sha256: str = Field(description="Sidik SHA-256 berkas yang diunggah")
    pengguna: str
    dibuat: datetime
    baris_total: int = Field(description="Jumlah baris data (tanpa baris judul dan baris kosong)")
    baris_diterima: int
    baris_ditolak: int
    ringkasan: dict[str, Any] = Field(description="Baru/diperbarui dan jumlah per tanda (flag)")
    parameter: dict[str, Any] = Field(description="Pemetaan kolom dan lembar yang dipakai")


class ImportOut(BaseModel):
    batch: BatchOut
    ditolak_pertama: list[ProblemOut] = Field(description="Masalah pada baris pertama yang ditolak")
    anggota: BatchOut | None = Field(None, description="Batch berkas anggota, bila diunggah")
    anggota_ditolak_pertama: list[ProblemOut] = []
    peringatan_pertama: list[ProblemOut] = Field(
        [], description="Baris diterima yang nilai opsionalnya salah dan dikosongkan")
    profil: str | None = Field(None, description="Profil kolom yang dipakai")
    keyakinan_profil: float | None = Field(None, description="Keyakinan deteksi profil (0-1)")


class RejectedOut(BaseModel):
    nomor_baris: int
    kolom: str | None
    alasan: str
    masalah: list[dict[str, Any]] = Field(description="Daftar {kolom, alasan}")
    data: dict[str, Any] = Field(description="Baris asli (NIK/No. KK disamarkan)")


@router.post("/households", response_model=ImportOut, summary="Impor registri rumah tangga")
def post_households(
    conn: ConnDep, settings: SettingsDep, principal: PrincipalDep,
    file: UploadFile = File(..., description="CSV (koma/titik koma, UTF-8) atau XLSX"),
    members: UploadFile | None = File(None, description="Berkas anggota rumah tangga"),
    columns: str | None = Form(None, description="Pemetaan kolom: NIK_KRT=nik_kepala,..."),
    sheet: str | None = Form(None, description="Nama lembar XLSX (bawaan: lembar pertama)"),
    profil: str | None = Form(None, description="Nama profil kolom (mis. dtks)"),
    konstanta: str | None = Form(None, description="Nilai tetap: kolom=nilai,..."),
) -> ImportOut:
    require_registry_role(principal)
    with saved_upload(file, settings) as path, saved_upload(members, settings) as members_path:
        if path is None:
            raise InvalidInput("Berkas wajib diunggah.")
        choice = choose_profile(conn, path, "rumah_tangga", sheet=sheet, name=upload_name(file),
                                profile=profil, columns=columns, constants=konstanta)
        members_choice = choose_profile(conn, members_path, "anggota",
                                        name=upload_name(members)) if members_path else None
        result = import_households(
            conn, path, key=settings.hmac_key(), user=principal.username,
            name=upload_name(file), sheet=sheet, profile=choice.profile,
            members_path=members_path, members_name=upload_name(members) if members else None,
            members_profile=members_choice.profile if members_choice else None,
            area_prefixes=principal.area_prefixes,
        )
    audit.record(conn, principal, "household.import", f"batch:{result.batch_id}",
                 {"berkas": result.file}, result.accepted)
    out = ImportOut(batch=BatchOut(**batches.get_batch(conn, result.batch_id)),
                    ditolak_pertama=_problems(result.first_rejections), anggota=None,
                    peringatan_pertama=_problems(result.first_warnings),
                    profil=choice.profile.name if choice.profile else None,
                    keyakinan_profil=choice.confidence)
    if result.members is not None:
        out.anggota = BatchOut(**batches.get_batch(conn, result.members.batch_id))
        out.anggota_ditolak_pertama = _problems(result.members.first_rejections)
    return out


@router.get("/{batch}", response_model=BatchOut, summary="Ringkasan satu batch impor")
def get_batch(batch: int, conn: ConnDep, principal: PrincipalDep) -> BatchOut:
    require_registry_role(principal)
    return BatchOut(**batches.get_batch(conn, batch))


class WarningOut(BaseModel):
    nomor_baris: int
    kolom: str | None
    alasan: str


@router.get("/{batch}/warnings", response_model=list[WarningOut],
            summary="Baris diterima dengan peringatan (nilai opsional dikosongkan)")
def get_warnings(batch: int, conn: ConnDep, principal: PrincipalDep) -> list[WarningOut]:
    principal.require(principal.can_check, "membaca peringatan impor")  # before the lookup
    require_batch_access(conn, principal, batches.get_batch(conn, batch))
    return [WarningOut(**w) for w in batches.warning_rows(conn, batch)]


@router.get("/{batch}/rejected", summary="Baris yang ditolak (json, csv, atau xlsx)",
            response_model=list[RejectedOut])
def get_rejected(
    batch: int, conn: ConnDep, principal: PrincipalDep,
    format: Literal["json", "csv", "xlsx"] = Query("json", description="json, csv, atau xlsx"),
) -> Any:
    require_registry_role(principal)  # before the lookup: no 404 tells a viewer what exists
    require_registry_batch(principal, batches.get_batch(conn, batch))
    if format == "json":
        rows = batches.rejected_rows(conn, batch)
        audit.record(conn, principal, "import.rejected.read", f"batch:{batch}", {}, len(rows))
        return [RejectedOut(**r) for r in rows]
    content = (batches.report_xlsx if format == "xlsx" else batches.report_csv)(conn, batch)
    audit.record(conn, principal, "import.rejected.export", f"batch:{batch}", {"format": format})
    media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
             if format == "xlsx" else "text/csv; charset=utf-8")
    headers = {"Content-Disposition": f'attachment; filename="ditolak-batch-{batch}.{format}"'}
    return Response(content, media_type=media, headers=headers)


def _problems(rejections: list[Rejection] | list[RowWarning]) -> list[ProblemOut]:
    return [ProblemOut(nomor_baris=r.row_number, kolom=p.kolom, alasan=p.alasan)
            for r in rejections for p in r.problems]
