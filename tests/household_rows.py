"""Helpers for household import tests: valid rows, files, and real points in Bontang."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import shapely
from shapely.geometry import shape

HEADER = ["id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "alamat", "kode_kelurahan",
          "lat", "lon", "jumlah_anggota", "desil", "pengeluaran_per_kapita",
          "status_verifikasi", "tanggal_verifikasi"]
GUNUNG_TELIHAN = "64.74.03.1002"


def nik(serial: int, kecamatan: str = "647403", born: str = "150580") -> str:
    return f"{kecamatan}{born}{serial:04d}"


def kk(serial: int, kecamatan: str = "647403") -> str:
    return f"{kecamatan}0101{serial:06d}"


def row(serial: int, **changes: object) -> dict[str, str]:
    """A valid household declared in Gunung Telihan, without coordinates."""
    base = {
        "id_keluarga": f"K{serial:05d}", "no_kk": kk(serial), "nik_kepala": nik(serial),
        "nama_kepala": f"Kepala {serial}", "alamat": f"Jl. Uji No. {serial}",
        "kode_kelurahan": GUNUNG_TELIHAN, "lat": "", "lon": "", "jumlah_anggota": "4",
        "desil": "2", "pengeluaran_per_kapita": "450000", "status_verifikasi": "terverifikasi",
        "tanggal_verifikasi": "2025-03-01",
    }
    base.update({k: str(v) for k, v in changes.items()})
    return base


def write_csv(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> Path:
    header = list(rows[0]) if rows else HEADER
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def kelurahan_shapes(wilayah_dir: Path) -> dict[str, shapely.Geometry]:
    data = json.loads((wilayah_dir / "bontang_kelurahan.geojson").read_text())
    return {f["properties"]["kode"]: shape(f["geometry"]) for f in data["features"]}


def inside(shapes: dict[str, shapely.Geometry], kode: str) -> tuple[float, float]:
    """(lon, lat) of a point surely inside ``kode`` and in no other kelurahan."""
    others = shapely.union_all([g for k, g in shapes.items() if k != kode])
    point = shapes[kode].difference(others.buffer(1e-4)).representative_point()
    return point.x, point.y
