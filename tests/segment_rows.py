"""Households made in SQL for the statistics tests, each with one open enrollment in one
program: exactly one coverage segment per household, so the expected row counts are known
without reading the rebuild."""

from __future__ import annotations

from sqlalchemy import Connection, text

HOUSEHOLDS = """
    INSERT INTO household (id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash,
                           nik_kepala_mask, nama_kepala, kode_kelurahan_deklarasi,
                           kode_kelurahan, jumlah_anggota, desil, status_verifikasi,
                           kode_kabkota)
    SELECT 'ST-' || :kel || '-' || i, sha256(('kk' || :kel || i)::bytea), '6474**********',
           sha256(('nik' || :kel || i)::bytea), '6474**********', 'Kepala ' || i, :kel, :kel,
           1 + i % 6, 1 + i % 10, 'terverifikasi', left(:kel, 5)
    FROM generate_series(1, :n) AS i
"""
ENROLLMENTS = """
    INSERT INTO enrollment (kode_kabkota, program_id, household_id, kunci, kunci_tampil,
                            tanggal_mulai, status)
    SELECT h.kode_kabkota, :pid, h.id, 'id_keluarga', h.id_keluarga, DATE '2024-01-01',
           'matched'
    FROM household h WHERE h.id_keluarga LIKE 'ST-%'
"""


def enrolled_households(conn: Connection, per_kelurahan: dict[str, int]) -> list[int]:
    """``per_kelurahan[code]`` households in each kelurahan, enrolled from 2024-01-01 with no
    end; returns their ids in insertion order."""
    conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('ST', 'Statistik') "
                      "ON CONFLICT DO NOTHING"))
    pid = conn.execute(text("INSERT INTO program (kode_program, nama, instansi) "
                            "VALUES ('ST-PROG', 'Program uji', 'ST') RETURNING id")).scalar_one()
    for kel, n in per_kelurahan.items():
        conn.execute(text(HOUSEHOLDS), {"kel": kel, "n": n})
    conn.execute(text(ENROLLMENTS), {"pid": pid})
    return list(conn.execute(text(
        "SELECT id FROM household WHERE id_keluarga LIKE 'ST-%' ORDER BY id")).scalars())
