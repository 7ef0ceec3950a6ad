"""Households of the registry: filtered, paged list and one household with its members.

Both return persons (names, addresses, masked NIK/KK): only roles that may see persons get an
answer (403 otherwise), always scoped to the principal's areas in the SQL, and audited."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from app.deps import ConnDep
from app.security import PersonAccessDep
from app.services.registry import HouseholdFilter, get_household, list_households
from geo.errors import InvalidInput
from geo.registry import FLAG_ORDER, STATUSES

router = APIRouter(prefix="/api/v1/households", tags=["rumah tangga"])
FLAGS = (*FLAG_ORDER, "possible_duplicate")


class HouseholdOut(BaseModel):
    id_keluarga: str = Field(description="ID keluarga dari registri sumber")
    kode_kelurahan: str = Field(description="Kelurahan efektif (hasil geokode, lihat flags)")
    kode_kelurahan_deklarasi: str = Field(description="Kelurahan yang dinyatakan di berkas")
    desil: int = Field(description="Desil kesejahteraan 1-10 (1 = termiskin)")
    jumlah_anggota: int
    pengeluaran_per_kapita: Decimal | None = Field(description="Rupiah per kapita per bulan")
    status_verifikasi: str = Field(description="terverifikasi, belum, atau ditolak")
    tanggal_verifikasi: date | None
    flags: list[str] = Field(description="Tanda: " + ", ".join(FLAGS))
    lat: float | None = Field(description="Lintang WGS84 (setelah koreksi), kosong bila tidak ada")
    lon: float | None = Field(description="Bujur WGS84 (setelah koreksi), kosong bila tidak ada")
    batch_id: int | None = Field(description="Batch impor terakhir yang memuat rumah tangga ini")
    diperbarui: datetime
    nama_kepala: str = Field(description="Nama kepala keluarga (data pribadi)")
    alamat: str | None = Field(description="Alamat (data pribadi)")
    nik_kepala_mask: str = Field(description="NIK kepala disamarkan, mis. 647403********0001")
    no_kk_mask: str = Field(description="No. KK disamarkan")


class MemberOut(BaseModel):
    nik_mask: str = Field(description="NIK disamarkan")
    nama: str
    hubungan: str | None = Field(description="Hubungan dengan kepala keluarga")
    jenis_kelamin: str | None = Field(description="L atau P")
    tanggal_lahir: date | None
    disabilitas: bool | None


class HouseholdDetailOut(HouseholdOut):
    anggota: list[MemberOut] = Field(description="Anggota rumah tangga dari berkas anggota")


class HouseholdPage(BaseModel):
    total: int = Field(description="Jumlah rumah tangga yang cocok dengan filter")
    limit: int
    offset: int
    items: list[HouseholdOut]


@router.get("", response_model=HouseholdPage, summary="Daftar rumah tangga (berhalaman)")
def get_households(
    conn: ConnDep, access: PersonAccessDep,
    kode: str | None = Query(None, description="Awalan kode wilayah: kab/kota, kecamatan, atau "
                             "kelurahan, mis. 64.74.03"),
    desil_min: int | None = Query(None, ge=1, le=10, description="Desil terendah"),
    desil_max: int | None = Query(None, ge=1, le=10, description="Desil tertinggi"),
    status: Literal[STATUSES] | None = Query(None, description="Status verifikasi"),  # type: ignore[valid-type]
    flag: Literal[FLAGS] | None = Query(None, description="Hanya yang bertanda ini"),  # type: ignore[valid-type]
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0),
) -> HouseholdPage:
    if desil_min is not None and desil_max is not None and desil_min > desil_max:
        raise InvalidInput("desil_min tidak boleh lebih besar dari desil_max.")
    filters = HouseholdFilter(kode, desil_min, desil_max, status, flag)
    total, rows = list_households(conn, filters, access.principal.area_prefixes, limit, offset)
    access.logged("household.list", len(rows), None, filters.params())
    return HouseholdPage(total=total, limit=limit, offset=offset,
                         items=[HouseholdOut(**r) for r in rows])


@router.get("/{id_keluarga}", response_model=HouseholdDetailOut,
            summary="Satu rumah tangga dengan anggotanya")
def get_one_household(id_keluarga: str, conn: ConnDep,
                      access: PersonAccessDep) -> HouseholdDetailOut:
    household = get_household(conn, id_keluarga, access.principal.area_prefixes)
    access.logged("household.read", 1 + len(household["anggota"]), id_keluarga, {})
    return HouseholdDetailOut(**household)

