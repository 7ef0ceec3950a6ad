"""Column profiles (saved layouts of agency files), the upload preview, the BPS crosswalk."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, File, Form, Query, UploadFile

from app.deps import ConnDep, SettingsDep
from app.principal import Principal
from app.security import PrincipalDep
from app.services.access import audit
from app.services.io import profiles
from app.services.uploads import allowed_kinds
from app.uploads import saved_upload, upload_name
from geo.errors import InvalidInput

router = APIRouter(prefix="/api/v1/profiles", tags=["profil kolom"])


@router.get("", summary="Profil kolom bawaan dan tersimpan")
def get_profiles(conn: ConnDep, principal: PrincipalDep,
                 jenis: str | None = Query(None, description="rumah_tangga, anggota, program, "
                                           "kepesertaan")) -> list[dict[str, Any]]:
    principal.require(principal.can_check, "melihat profil kolom")
    return profiles.list_profiles(conn, jenis)


@router.put("", summary="Simpan profil kolom")
def put_profile(conn: ConnDep, principal: PrincipalDep,
                definisi: dict[str, Any] = Body(..., description="Definisi profil (JSON)")
                ) -> dict[str, Any]:
    principal.require(principal.can_import, "menyimpan profil kolom")
    saved = profiles.save_profile(conn, definisi, principal.username)
    audit.record(conn, principal, "profile.save", saved.name)
    return saved.definition()


@router.delete("/{nama}", status_code=204, summary="Hapus profil kolom tersimpan")
def delete_profile(nama: str, conn: ConnDep, principal: PrincipalDep) -> None:
    principal.require(principal.can_import, "menghapus profil kolom")
    profiles.delete_profile(conn, nama)
    audit.record(conn, principal, "profile.delete", nama)


@router.post("/preview", summary="Kenali tata letak berkas dan pratinjau baris pertama")
def preview(conn: ConnDep, settings: SettingsDep, principal: PrincipalDep,
            file: UploadFile = File(...),
            jenis: str = Form(..., description="rumah_tangga, anggota, program, kepesertaan"),
            profil: str | None = Form(None), columns: str | None = Form(None),
            konstanta: str | None = Form(None), sheet: str | None = Form(None)
            ) -> dict[str, Any]:
    """The profile the import would use (named, given, or detected with its confidence) and
    the first five rows as our columns would read them (NIK/No. KK masked)."""
    _require_kind(principal, jenis)
    with saved_upload(file, settings) as path:
        if path is None:
            raise InvalidInput("Berkas wajib diunggah.")
        name = upload_name(file)
        choice = profiles.choose_profile(conn, path, jenis, sheet=sheet, name=name,
                                         profile=profil, columns=columns, constants=konstanta)
        result = profiles.preview(conn, path, jenis, choice.profile, sheet=sheet, name=name)
    return {**result, "keyakinan": choice.confidence, "terdeteksi_otomatis": choice.detected}


def _require_kind(principal: Principal, jenis: str) -> None:
    """A preview of the kinds of file this principal may upload (members go with households)."""
    allowed = {k.key for k in allowed_kinds(principal)}
    if principal.can_import:
        allowed.add("anggota")
    principal.require(jenis in allowed, f"mengunggah berkas {jenis}")


@router.post("/crosswalk", summary="Muat tabel padanan kode desa BPS -> Kemendagri (CSV)")
def post_crosswalk(conn: ConnDep, settings: SettingsDep, principal: PrincipalDep,
                   file: UploadFile = File(..., description="CSV kode_bps,kode_kemendagri")
                   ) -> dict[str, int]:
    principal.require(principal.can_admin, "memuat tabel padanan kode")
    with saved_upload(file, settings) as path:
        if path is None:
            raise InvalidInput("Berkas wajib diunggah.")
        count = profiles.load_crosswalk(conn, path, upload_name(file))
    audit.record(conn, principal, "crosswalk.load", None, {}, count)
    return {"dimuat": count}
