"""Reading the registry: filtered, paged household lists, one household with its members,
possible-duplicate groups. Area scoping (``area_prefixes``) is applied inside the SQL.

These functions return persons (names, addresses, masked NIK/KK): callers check the
principal's ``can_see_persons`` and write the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from geo.errors import NotFound

# A code prefix matches itself and everything below it: 64.74 matches 64.74.03.1002, not 64.741.
AREA_CLAUSE = """
    (cardinality(CAST(:areas AS text[])) = 0
     OR h.kode_kelurahan = ANY (CAST(:areas AS text[]))
     OR h.kode_kelurahan LIKE ANY (CAST(:area_patterns AS text[])))
"""
HOUSEHOLD_FIELDS = """
    h.id, h.id_keluarga, h.kode_kelurahan, h.kode_kelurahan_deklarasi, h.desil,
    h.jumlah_anggota, h.pengeluaran_per_kapita, h.status_verifikasi, h.tanggal_verifikasi,
    h.flags, ST_Y(h.geom) AS lat, ST_X(h.geom) AS lon, h.batch_id, h.diperbarui,
    h.nama_kepala, h.alamat, h.nik_kepala_mask, h.no_kk_mask
"""


@dataclass(frozen=True)
class HouseholdFilter:
    kode: str | None = None  # kelurahan/kecamatan/kab-kota code prefix
    desil_min: int | None = None
    desil_max: int | None = None
    status: str | None = None
    flag: str | None = None

    def params(self) -> dict[str, Any]:
        return {"kode": self.kode, "kode_pattern": f"{self.kode}.%" if self.kode else None,
                "desil_min": self.desil_min, "desil_max": self.desil_max,
                "status": self.status, "flag": self.flag}


FILTER_CLAUSE = """
    (CAST(:kode AS text) IS NULL OR h.kode_kelurahan = :kode
     OR h.kode_kelurahan LIKE :kode_pattern)
    AND (CAST(:desil_min AS integer) IS NULL OR h.desil >= :desil_min)
    AND (CAST(:desil_max AS integer) IS NULL OR h.desil <= :desil_max)
    AND (CAST(:status AS text) IS NULL OR h.status_verifikasi = :status)
    AND (CAST(:flag AS text) IS NULL OR :flag = ANY (h.flags))
"""


def area_params(area_prefixes: tuple[str, ...]) -> dict[str, Any]:
    return {"areas": list(area_prefixes), "area_patterns": [f"{p}.%" for p in area_prefixes]}


def list_households(
    conn: Connection, filters: HouseholdFilter, area_prefixes: tuple[str, ...] = (),
    limit: int = 50, offset: int = 0,
) -> tuple[int, list[dict[str, Any]]]:
    """``(total, page)`` of households matching ``filters`` within the areas, by id_keluarga."""
    params = {**filters.params(), **area_params(area_prefixes), "limit": limit,
              "offset": offset}
    where = f"WHERE {AREA_CLAUSE} AND {FILTER_CLAUSE}"
    total = conn.execute(text(f"SELECT count(*) FROM household h {where}"), params).scalar_one()
    rows = conn.execute(
        text(f"SELECT {HOUSEHOLD_FIELDS} FROM household h {where} "
             "ORDER BY h.id_keluarga LIMIT :limit OFFSET :offset"),
        params,
    )
    return int(total), [dict(r._mapping) for r in rows]


def get_household(
    conn: Connection, id_keluarga: str, area_prefixes: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One household with its members; ``NotFound`` when absent or outside the areas."""
    row = conn.execute(
        text(f"SELECT {HOUSEHOLD_FIELDS} FROM household h "
             f"WHERE h.id_keluarga = :id AND {AREA_CLAUSE}"),
        {"id": id_keluarga, **area_params(area_prefixes)},
    ).first()
    if row is None:
        raise NotFound(f"Rumah tangga '{id_keluarga}' tidak ditemukan.", {"id": id_keluarga})
    household = dict(row._mapping)
    household["anggota"] = [dict(m._mapping) for m in conn.execute(
        text("SELECT nik_mask, nama, hubungan, jenis_kelamin, tanggal_lahir, disabilitas "
             "FROM member WHERE household_id = :hid ORDER BY id"),
        {"hid": household["id"]},
    )]
    return household


DUPLICATES_SQL = f"""
    WITH groups AS (
        SELECT 'nik_kepala' AS dasar, nik_kepala_hash AS kunci FROM household
        GROUP BY nik_kepala_hash HAVING count(*) > 1
        UNION ALL
        SELECT 'no_kk', no_kk_hash FROM household GROUP BY no_kk_hash HAVING count(*) > 1
    ),
    members AS (
        SELECT g.dasar, g.kunci, h.* FROM groups g
        JOIN household h ON g.dasar = 'nik_kepala' AND h.nik_kepala_hash = g.kunci
        UNION ALL
        SELECT g.dasar, g.kunci, h.* FROM groups g
        JOIN household h ON g.dasar = 'no_kk' AND h.no_kk_hash = g.kunci
    )
    SELECT dense_rank() OVER (ORDER BY dasar, kunci) AS grup, dasar, h.id_keluarga,
           h.nama_kepala, h.kode_kelurahan, h.nik_kepala_mask, h.no_kk_mask, h.batch_id
    FROM members h
    WHERE {AREA_CLAUSE}
    ORDER BY grup, h.id_keluarga
"""


def possible_duplicates(
    conn: Connection, area_prefixes: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """Households sharing a head NIK or a No. KK digest, one row per household per group."""
    rows = conn.execute(text(DUPLICATES_SQL), area_params(area_prefixes))
    return [dict(r._mapping) for r in rows]
