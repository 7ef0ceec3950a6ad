"""Enrollment upload (CSV/XLSX) and the unmatched/ambiguous rows an agency must correct."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, File, Form, Query, UploadFile
from fastapi.responses import Response

from app.deps import ConnDep, SettingsDep
from app.security import PrincipalDep
from app.services.access import audit
from app.services.coverage.enrollments import import_enrollments, unmatched_rows
from app.services.io import batches
from app.services.io.profiles import choose_profile
from app.services.uploads import require_enrollment_batch, require_enrollment_upload
from app.uploads import saved_upload, upload_name
from geo.errors import InvalidInput, PermissionDenied

router = APIRouter(prefix="/api/v1/enrollments", tags=["kepesertaan"])


@router.post("/import", summary="Impor kepesertaan program (CSV/XLSX)")
def post_enrollments(
    conn: ConnDep, settings: SettingsDep, principal: PrincipalDep,
    file: UploadFile = File(..., description="CSV (UTF-8) atau XLSX"),
    program: str | None = Form(None, description="Kode program untuk baris tanpa kode_program"),
    columns: str | None = Form(None, description="Pemetaan kolom: NIK_PENERIMA=nik,... atau JSON"),
    sheet: str | None = Form(None),
    profil: str | None = Form(None, description="Nama profil kolom (mis. bnba)"),
    konstanta: str | None = Form(None, description="Nilai tetap: tanggal_mulai=2026-01-01"),
) -> dict[str, Any]:
    require_enrollment_upload(conn, principal, program)
    with saved_upload(file, settings) as path:
        if path is None:
            raise InvalidInput("Berkas wajib diunggah.")
        choice = choose_profile(conn, path, "kepesertaan", sheet=sheet, name=upload_name(file),
                                profile=profil, columns=columns, constants=konstanta)
        result = import_enrollments(conn, path, key=settings.hmac_key(), user=principal.username,
                                    program=program, name=upload_name(file), sheet=sheet,
                                    only_program=not principal.can_import,
                                    profile=choice.profile,
                                    area_prefixes=principal.area_prefixes)
    audit.record(conn, principal, "enrollment.import", f"batch:{result.batch_id}",
                 {"berkas": result.file, "program": program}, result.accepted)
    return {
        "batch": batches.get_batch(conn, result.batch_id), "status": result.status,
        "sudah_ada": result.unchanged,
        "profil": choice.profile.name if choice.profile else None,
        "keyakinan_profil": choice.confidence, "peringatan": result.warned,
        "saran_kecocokan": result.suggested,
        "ditolak_pertama": [{"nomor_baris": r.row_number, "kolom": p.kolom, "alasan": p.alasan}
                            for r in result.first_rejections for p in r.problems],
    }


@router.get("/unmatched", summary="Baris tak cocok dan ambigu, untuk diperbaiki instansi")
def get_unmatched(conn: ConnDep, principal: PrincipalDep,
                  program: str | None = Query(None), agency: str | None = Query(None),
                  batch: int | None = Query(None)) -> list[dict[str, Any]]:
    if not principal.can_see_persons:
        agency = principal.agency_kode
        if not principal.sees_agency(agency):
            raise PermissionDenied("Peran Anda tidak boleh melihat baris kepesertaan.")
    rows = unmatched_rows(conn, program=program, agency=agency, batch_id=batch,
                          area_prefixes=principal.area_prefixes)
    audit.record(conn, principal, "enrollment.unmatched", agency or program,
                 {"program": program, "instansi": agency, "batch": batch}, len(rows))
    return rows


@router.get("/batches/{batch}/rejected", summary="Baris kepesertaan yang ditolak (csv/xlsx/json)")
def get_rejected(batch: int, conn: ConnDep, principal: PrincipalDep,
                 format: Literal["json", "csv", "xlsx"] = Query("csv")) -> Any:
    """The agency that uploaded a program's list may read its rejected rows (NIK/No. KK are
    masked in them), as admins may for any batch and area-bound analysts for their own."""
    require_enrollment_batch(conn, principal, batches.get_batch(conn, batch))
    audit.record(conn, principal, "enrollment.rejected.read", f"batch:{batch}",
                 {"format": format})
    if format == "json":
        return batches.rejected_rows(conn, batch)
    content = (batches.report_xlsx if format == "xlsx" else batches.report_csv)(conn, batch)
    media = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
             if format == "xlsx" else "text/csv; charset=utf-8")
    return Response(content, media_type=media, headers={
        "Content-Disposition": f'attachment; filename="kepesertaan-ditolak-{batch}.{format}"'})
