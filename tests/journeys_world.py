"""A Bontang registry for the journey browser tests (Unggah data, Cek penerima, Perencanaan),
loaded through the product's own import services with the live app's HMAC key, so that a NIK
typed in the browser matches: 1,600 households over the 15 real kelurahan, two agencies, and
enrollments that are active today. Expected answers come from these plain rows."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from household_rows import kk, nik, row, write_csv
from sqlalchemy import Connection, text

from app.services.coverage import import_enrollments
from app.services.registry import import_households
from app.services.wilayah import load_boundaries

KEY = b"browser-test-secret-key-0123456789abcdef"  # tests/browser.py's live_app secret
HOUSEHOLDS = 1600
PROGRAMS = {"PKH": ("Program Keluarga Harapan", "DINSOS", "Dinas Sosial"),
            "ZAKAT": ("Zakat produktif", "BAZNAS", "BAZNAS Kota Bontang")}


@dataclass
class House:
    serial: int
    kelurahan: str
    desil: int
    status: str
    programs: set[str] = field(default_factory=set)

    @property
    def nik(self) -> str:
        return nik(self.serial, self.kelurahan[:8].replace(".", ""))

    @property
    def target(self) -> bool:
        return self.status == "terverifikasi" and self.desil <= 4


def kelurahan_codes(wilayah_dir: Path) -> list[str]:
    import json

    data = json.loads((wilayah_dir / "bontang_kelurahan.geojson").read_text())
    return sorted(f["properties"]["kode"] for f in data["features"])


def houses(codes: list[str], seed: int = 2026) -> list[House]:
    rng = random.Random(seed)
    out = []
    for serial in range(1, HOUSEHOLDS + 1):
        house = House(serial, codes[rng.randrange(len(codes))], rng.randint(1, 10),
                      rng.choice(("terverifikasi",) * 5 + ("belum",)))
        house.programs = {p for p in PROGRAMS if rng.random() < 0.3}
        out.append(house)
    return out


def build(conn: Connection, wilayah_dir: Path, folder: Path) -> list[House]:
    for name in ("kaltim_kabkota", "bontang_kecamatan", "bontang_kelurahan"):
        load_boundaries(conn, wilayah_dir / f"{name}.geojson")
    world = houses(kelurahan_codes(wilayah_dir))
    rows = [row(h.serial, kode_kelurahan=h.kelurahan, desil=h.desil, status_verifikasi=h.status,
                nik_kepala=h.nik, no_kk=kk(h.serial, h.kelurahan[:8].replace(".", "")),
                id_keluarga=f"BTG-{h.serial:05d}") for h in world]
    import_households(conn, write_csv(folder / "registri.csv", rows), key=KEY, user="penyiap")
    for kode, (nama, agency, agency_name) in PROGRAMS.items():
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES (:k, :n) "
                          "ON CONFLICT DO NOTHING"), {"k": agency, "n": agency_name})
        conn.execute(text("INSERT INTO program (kode_program, nama, instansi) "
                          "VALUES (:k, :n, :a)"), {"k": kode, "n": nama, "a": agency})
    start = (date.today() - timedelta(days=200)).isoformat()
    path = folder / "kepesertaan.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kode_program", "nik", "tanggal_mulai"])
        for h in world:
            for program in sorted(h.programs):
                writer.writerow([program, h.nik, start])
    import_enrollments(conn, path, key=KEY, user="penyiap")
    return world


def candidates(world: list[House], total: int = 2000, seed: int = 7) -> list[str]:
    """A 2,000-row list: 1,500 registry heads, then NIKs nobody holds (valid form)."""
    rng = random.Random(seed)
    known = [h.nik for h in rng.sample(world, 1500)]
    unknown = [nik(9000 + i % 999, "647402", f"{(i % 28) + 1:02d}0190")
               for i in range(total - 1500)]
    return known + unknown
