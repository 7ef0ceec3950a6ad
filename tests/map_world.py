"""A small map world for the tile and browser tests: Bontang boundaries, households around one
kelurahan's interior point, two agencies, three programs and enrollments with known dates.

Every expected status is computed from these plain rows by ``expected_status``, never read back
from the program.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import Connection, text

from app.services.wilayah import load_boundaries

REF = date(2026, 6, 30)
KELURAHAN = "64.74.03.1002"  # Gunung Telihan
OTHER_KELURAHAN = "64.74.01.1001"
Z = 15


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def tile_center(x: int, y: int, z: int) -> tuple[float, float]:
    n = 2**z
    lon = (x + 0.5) / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / n))))
    return lon, lat


@dataclass
class Hh:
    key: str
    desil: int = 2
    status: str = "terverifikasi"
    offset: tuple[float, float] | None = (0.0, 0.0)  # from the tile centre; None = no coords
    kelurahan: str = KELURAHAN
    # (program, start, end or None)
    enrolled: list[tuple[str, date, date | None]] = field(default_factory=list)
    far: bool = False  # placed in another tile


HOUSEHOLDS = [
    Hh("gap"),
    Hh("one", offset=(0.001, 0.0), enrolled=[("PKH", date(2026, 1, 1), None)]),
    Hh("overlap", offset=(0.0, 0.001), enrolled=[("PKH", date(2025, 1, 1), None),
                                                 ("ZAKAT", date(2026, 3, 1), date(2026, 12, 31))]),
    Hh("ended", offset=(-0.001, 0.0), enrolled=[("PKH", date(2025, 1, 1), date(2026, 6, 29))]),
    Hh("future", offset=(0.0, -0.001), enrolled=[("PKH", date(2026, 7, 1), None)]),
    Hh("same-program-twice", offset=(0.002, 0.002),
       enrolled=[("PKH", date(2026, 1, 1), None), ("PKH", date(2026, 2, 1), None)]),
    Hh("ends-on-ref", offset=(-0.002, 0.001), enrolled=[("ZAKAT", date(2026, 1, 1), REF)]),
    Hh("no-coords", offset=None, enrolled=[("ZAKAT", date(2026, 1, 1), None)]),
    Hh("three", offset=(0.001, 0.002), enrolled=[("PKH", date(2026, 1, 1), None),
                                                 ("ZAKAT", date(2026, 1, 1), None),
                                                 ("RTLH", date(2026, 1, 1), None)]),
    Hh("not-poor", desil=7, offset=(0.0015, -0.0015)),
    Hh("unverified", status="belum", offset=(-0.0015, -0.0015)),
    Hh("far-away", offset=(0.2, 0.2), far=True),
]
PROGRAMS = {"PKH": ("Program Keluarga Harapan", "DINSOS"),
            "ZAKAT": ("Zakat produktif", "BAZNAS"),
            "RTLH": ("Rehab rumah tidak layak huni", "DINSOS")}
SERVICE_AREAS = {"PKH": [KELURAHAN, OTHER_KELURAHAN], "ZAKAT": [KELURAHAN], "RTLH": []}


def expected_status(hh: Hh, ref: date = REF, desil_max: int = 4,
                    program: str | None = None, agency: str | None = None) -> str | None:
    """gap/one/overlap by the domain rule, or None when the household is not a target."""
    if hh.status != "terverifikasi" or hh.desil > desil_max:
        return None
    active = {p for p, start, end in hh.enrolled
              if start <= ref and (end is None or ref <= end)
              and (program is None or p == program)
              and (agency is None or PROGRAMS[p][1] == agency)}
    return "gap" if not active else "one" if len(active) == 1 else "overlap"


def build(conn: Connection, wilayah_dir: Path) -> tuple[int, int, dict[str, int]]:
    """Load the world; returns the z15 tile (x, y) holding the households and their ids."""
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    load_boundaries(conn, wilayah_dir / "bontang_kecamatan.geojson")
    lon0, lat0 = conn.execute(text("SELECT ST_X(label_point), ST_Y(label_point) FROM wilayah "
                                   "WHERE kode = :k"), {"k": KELURAHAN}).one()
    x, y = tile_of(lon0, lat0, Z)
    clon, clat = tile_center(x, y, Z)
    # Surveyed points around the tile centre; the no-coords one sits at the label point.
    ids = {hh.key: _insert_household(conn, hh, clon, clat) for hh in HOUSEHOLDS}
    _insert_programs(conn, ids)
    return x, y, ids


def place_household(conn: Connection, hh: Hh, x: int, y: int) -> int:
    """One more household at ``hh.offset`` from the centre of z15 tile (x, y), in
    ``hh.kelurahan`` whatever its point (a household near another kelurahan's border)."""
    return _insert_household(conn, hh, *tile_center(x, y, Z))


def _insert_household(conn: Connection, hh: Hh, clon: float, clat: float) -> int:
    point = None if hh.offset is None else (clon + hh.offset[0], clat + hh.offset[1])
    return conn.execute(text(
        """
        INSERT INTO household (id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash,
            nik_kepala_mask, nama_kepala, kode_kelurahan_deklarasi, kode_kelurahan, geom,
            jumlah_anggota, desil, status_verifikasi, flags, pengeluaran_per_kapita,
            kode_kabkota)
        VALUES (:key, :h, '647403********0001', :h, '647403********0001', :nama, :kel, :kel,
            CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL
                 ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END,
            4, :desil, :status, :flags, 300000, :kab)
        RETURNING id
        """), {"key": hh.key, "h": hh.key.encode().ljust(32, b"\0")[:32],
               "nama": f"Kepala {hh.key}", "kel": hh.kelurahan, "kab": hh.kelurahan[:5],
               "lon": None if point is None else point[0],
               "lat": None if point is None else point[1], "desil": hh.desil,
               "status": hh.status, "flags": ["no_coords"] if point is None else []},
    ).scalar_one()


def _insert_programs(conn: Connection, ids: dict[str, int]) -> None:
    for kode, nama in (("DINSOS", "Dinas Sosial"), ("BAZNAS", "BAZNAS Kota Bontang")):
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES (:k, :n)"),
                     {"k": kode, "n": nama})
    program_ids = {}
    for kode, (nama, instansi) in PROGRAMS.items():
        program_ids[kode] = conn.execute(text(
            "INSERT INTO program (kode_program, nama, instansi, wilayah_layanan) "
            "VALUES (:k, :n, :i, :w) RETURNING id"),
            {"k": kode, "n": nama, "i": instansi, "w": SERVICE_AREAS[kode]}).scalar_one()
    for hh in HOUSEHOLDS:
        for program, start, end in hh.enrolled:
            conn.execute(text(
                "INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, "
                "tanggal_mulai, tanggal_selesai, status, kode_kabkota) "
                "VALUES (:p, :h, 'id_keluarga', :key, :s, :e, 'matched', :kab)"),
                {"p": program_ids[program], "h": ids[hh.key], "key": hh.key, "s": start,
                 "e": end, "kab": hh.kelurahan[:5]})
    # The coverage figures read the per-household segments that enrollment import maintains.
    from app.services.coverage import rebuild_segments

    rebuild_segments(conn, list(ids.values()))
