"""Fixture rows shared by the rollout API and CLI tests: households of five Bontang kelurahan
(inserted directly into the registry table) and a two-wave plan."""

from __future__ import annotations

import hashlib
from datetime import date

from sqlalchemy import text

GUNUNG_TELIHAN, BELIMBING, KANAAN = "64.74.03.1002", "64.74.03.1001", "64.74.03.1003"
GUNUNG_ELAI, SATIMPO = "64.74.01.1005", "64.74.02.1004"
REF = date(2024, 1, 1)
LINE = 500_000

# (kelurahan, desil, status, size, expenditure per capita or None), one row per household.
HOUSEHOLDS = (
    [(GUNUNG_TELIHAN, d, "terverifikasi", 4, 300_000) for d in (1, 1, 1, 2, 2, 3, 4, 4)]
    + [(GUNUNG_TELIHAN, 2, "belum", 3, 350_000), (GUNUNG_TELIHAN, 7, "terverifikasi", 2, None)]
    + [(KANAAN, d, "terverifikasi", 3, 450_000) for d in (1, 3, 3, 4, 4, 4)]
    + [(BELIMBING, d, "terverifikasi", 5, 600_000) for d in (2, 4, 4)]
    + [(BELIMBING, 1, "ditolak", 5, 200_000)]
    + [(GUNUNG_ELAI, d, "terverifikasi", 2, 480_000) for d in (1, 4, 6, 8)]
    + [(SATIMPO, d, "terverifikasi", 6, 250_000) for d in (1, 1, 2, 2, 3, 3, 4, 4, 4, 4)]
)


def insert_households(conn) -> dict[str, list[int]]:
    """Insert the fixture rows; returns household ids per kelurahan in row order."""
    ids: dict[str, list[int]] = {}
    for n, (kode, desil, status, size, spend) in enumerate(HOUSEHOLDS):
        digest = hashlib.sha256(f"hh-{n}".encode()).digest()
        new_id = conn.execute(
            text("INSERT INTO household (id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash, "
                 "nik_kepala_mask, nama_kepala, kode_kelurahan_deklarasi, kode_kelurahan, "
                 "jumlah_anggota, desil, pengeluaran_per_kapita, status_verifikasi, "
                 "kode_kabkota) VALUES (:idk, :h, '647403******0001', :h, '647403******0001', "
                 ":nama, :kode, :kode, :size, :desil, :spend, :status, :kab) RETURNING id"),
            {"idk": f"HH{n:03d}", "h": digest, "nama": f"Kepala {n}", "kode": kode,
             "kab": kode[:5],
             "size": size, "desil": desil, "spend": spend, "status": status},
        ).scalar_one()
        ids.setdefault(kode, []).append(new_id)
    return ids



def plan_body(name: str = "Bontang terpadu") -> dict:
    return {
        "nama": name, "wilayah_induk": "64.74", "tanggal_acuan": REF.isoformat(),
        "desil_maks": 4, "bobot": {"gap": 0.5},
        "gelombang": [
            {"urutan": 1, "tahun": 2022, "biaya_per_rumah_tangga": "2500000",
             "porsi_kesenjangan": "1", "wilayah": [GUNUNG_TELIHAN], "percontohan": True},
            {"urutan": 2, "tahun": 2023, "biaya_per_rumah_tangga": "2000000.50",
             "porsi_kesenjangan": "0.6", "wilayah": [BELIMBING, KANAAN, GUNUNG_ELAI]},
        ],
    }
