"""Deterministic generator of the sample city in data/samples/ (run: ``make samples``).

Kota Bontang (64.74: 3 kecamatan, 15 kelurahan) with its REAL kelurahan boundaries, copied
from ../shared/data/wilayah/ (the public ``cahyadsn/wilayah_boundaries`` data set, MIT licence;
notice and attribution are written beside them as ``WILAYAH_LICENSE.txt``). Each kecamatan and
the kab/kota outline are the union of their kelurahan (the source's kecamatan polygons are far
coarser, its Kota Bontang polygon invalid). EPSG:4326, lon/lat. The real data keeps its thin
sliver overlaps between neighbours: Gunung Telihan (64.74.03.1002) and Belimbing overlap by
about 0.002 km², so the demo shows the tie rule (a point in both goes to the declared one, else
the lowest code).

Households are placed inside their real kelurahan (a kelurahan drawn uniformly, then a point drawn
uniformly inside its polygon).

Outputs, one function each (issue 4 adds programs and enrollments the same way):
kota_kabkota.geojson, kota_kecamatan.geojson, kota_kelurahan.geojson (boundaries),
rumah_tangga.csv (households: desil skewed poor, about 5% messy rows), anggota.csv (members).
"""

from __future__ import annotations

import csv
import json
import random
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import Point, mapping, shape

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1].parent / "shared" / "data" / "wilayah"
KELURAHAN_FILE = "bontang_kelurahan.geojson"
KECAMATAN_FILE = "bontang_kecamatan.geojson"
ATTRIBUTION = """Batas kelurahan Kota Bontang (kota_kelurahan.geojson; kota_kecamatan.geojson dan
kota_kabkota.geojson = gabungan kelurahannya) berasal dari data publik cahyadsn/wilayah_boundaries
(https://github.com/cahyadsn/wilayah_boundaries), kode wilayah Kepmendagri, disederhanakan oleh
sumbernya; disalin oleh data/samples/generate.py. Lisensi sumber (MIT):

"""
SEED = 20261123
GAP_CLOSE = 0.0001  # degrees (~11 m): closes the gaps between neighbouring kelurahan
SLIVER = ("64.74.03.1002", "64.74.03.1001")  # Gunung Telihan and Belimbing overlap (real data)
HOUSEHOLDS = 4000
HOUSEHOLD_HEADER = ["id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "alamat",
                    "kode_kelurahan", "lat", "lon", "jumlah_anggota", "desil",
                    "pengeluaran_per_kapita", "status_verifikasi", "tanggal_verifikasi"]
MEMBER_HEADER = ["id_keluarga", "nik", "nama", "hubungan", "jenis_kelamin", "tanggal_lahir",
                 "disabilitas"]
DESIL_WEIGHTS = [18, 16, 14, 12, 10, 9, 7, 6, 5, 3]  # DTKS lists are skewed poor
MEN = ["Ahmad", "Budi", "Slamet", "Rudi", "Andi", "Hendra", "Agus", "Yusuf", "Rahmat", "Dedi",
       "Arif", "Syamsul", "Muhammad", "Hasan", "Joko", "Irwan", "La Ode", "Daeng", "Hamzah"]
WOMEN = ["Siti", "Sri", "Nur", "Dewi", "Wati", "Rina", "Fitri", "Aminah", "Ani", "Yuliana",
         "Hasnah", "Ratna", "Murni", "Rosmiati", "Kartini", "Indah", "Halimah", "Suryani"]
FAMILY = ["Saputra", "Hidayat", "Wijaya", "Santoso", "Pratama", "Kurniawan", "Syahputra",
          "Rahman", "Hakim", "Nasution", "Lubis", "Baso", "Tandi", "Sitorus", "Siregar"]
STREETS = ["Jl. Ahmad Yani", "Jl. MT Haryono", "Jl. Brigjen Katamso", "Jl. Pattimura",
           "Jl. KS Tubun", "Jl. Awang Long", "Jl. Letjen S. Parman", "Jl. Imam Bonjol",
           "Jl. Cipto Mangunkusumo", "Jl. HM Ardans", "Jl. Kapal Selam", "Jl. Pupuk Raya"]


def read_features(name: str) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads((SHARED / name).read_text())["features"]
    return sorted(features, key=lambda f: f["properties"]["kode"])


def real_boundaries() -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """Kelurahan code -> shape, kelurahan and kecamatan code -> name (Kota Bontang, ../shared)."""
    kelurahan = read_features(KELURAHAN_FILE)
    kecamatan = read_features(KECAMATAN_FILE)
    shapes = {f["properties"]["kode"]: shape(f["geometry"]) for f in kelurahan}
    return (shapes, {f["properties"]["kode"]: f["properties"]["nama"] for f in kelurahan},
            {f["properties"]["kode"]: f["properties"]["nama"] for f in kecamatan})


def outline(shapes: dict[str, Any]) -> Any:
    """The union of the kelurahan, with the source's hairline gaps between neighbours (a few
    metres) closed, so the outline has no inner lines."""
    grown = shapely.union_all([g.buffer(GAP_CLOSE) for g in shapes.values()])
    return shapely.set_precision(grown.buffer(-GAP_CLOSE), 1e-7)


def write_boundaries(shapes: dict[str, Any], kecamatan: dict[str, str]) -> None:
    """The source's kelurahan features as they are (properties kept: kode, nama, level, label
    point); each kecamatan and the kab/kota as the union of their kelurahan (the source's own
    kecamatan polygons are far coarser: straight lines across the city, at odds with its
    kelurahan); and the licence notice."""
    def feature(kode: str, nama: str, level: str, geom: Any) -> dict[str, Any]:
        return {"type": "Feature", "properties": {"kode": kode, "nama": nama, "level": level},
                "geometry": mapping(geom)}

    kec = [feature(k, n, "kecamatan",
                   outline({c: g for c, g in shapes.items() if c.startswith(k + ".")}))
           for k, n in sorted(kecamatan.items())]
    city = [feature("64.74", "Kota Bontang", "kabkota", outline(shapes))]
    for name, features in (("kota_kelurahan.geojson", read_features(KELURAHAN_FILE)),
                           ("kota_kecamatan.geojson", kec), ("kota_kabkota.geojson", city)):
        (HERE / name).write_text(json.dumps({"type": "FeatureCollection", "features": features})
                                 + "\n")
    (HERE / "WILAYAH_LICENSE.txt").write_text(ATTRIBUTION + (SHARED / "LICENSE").read_text())


def point_in(rng: random.Random, shape: Any) -> tuple[float, float]:
    minx, miny, maxx, maxy = shape.bounds
    while True:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if shape.contains(Point(x, y)):
            return round(x, 6), round(y, 6)


def nik(rng: random.Random, kode: str, born: date, female: bool, serial: int) -> str:
    day = born.day + (40 if female else 0)
    return f"{kode.replace('.', '')[:6]}{day:02d}{born:%m%y}{serial:04d}"


def birth_date(rng: random.Random, low: int, high: int) -> date:
    return date(2025, 1, 1) - timedelta(days=rng.randint(low * 365, high * 365))


def generate_households(rng: random.Random, cells: dict[str, Any]) -> list[dict[str, Any]]:
    """Clean households with their members (``_anggota``), before any mess is added."""
    codes = sorted(cells)
    households = []
    for i in range(1, HOUSEHOLDS + 1):
        kode = rng.choice(codes)
        female_head = rng.random() < 0.2
        born = birth_date(rng, 25, 75)
        family = rng.choice(FAMILY)
        head = f"{rng.choice(WOMEN if female_head else MEN)} {family}"
        desil = rng.choices(range(1, 11), DESIL_WEIGHTS)[0]
        size = rng.randint(1, 7)
        status = rng.choices(["terverifikasi", "belum", "ditolak"], [80, 15, 5])[0]
        lon, lat = point_in(rng, cells[kode]) if rng.random() < 0.9 else ("", "")
        spend = 180_000 + desil * 110_000 + rng.randint(-60_000, 60_000)
        household = {
            "id_keluarga": f"BTG-{i:05d}",
            "no_kk": f"{kode.replace('.', '')[:6]}{rng.randint(10**9, 10**10 - 1)}",
            "nik_kepala": nik(rng, kode, born, female_head, i % 9000 + 1),
            "nama_kepala": head,
            "alamat": f"{rng.choice(STREETS)} No. {rng.randint(1, 200)}, "
                      f"RT {rng.randint(1, 40):03d}",
            "kode_kelurahan": kode, "lat": lat, "lon": lon, "jumlah_anggota": size,
            "desil": desil, "pengeluaran_per_kapita": spend if rng.random() < 0.95 else "",
            "status_verifikasi": status,
            "tanggal_verifikasi": (date(2024, 1, 1) + timedelta(days=rng.randint(0, 640))
                                   ).isoformat() if status != "belum" else "",
        }
        household["_anggota"] = members_of(rng, household, born, female_head, family, i)
        households.append(household)
    return households


def members_of(rng: random.Random, household: dict[str, Any], born: date, female_head: bool,
               family: str, index: int) -> list[dict[str, Any]]:
    kode = household["kode_kelurahan"]
    people = [{"nik": household["nik_kepala"], "nama": household["nama_kepala"],
               "hubungan": "kepala keluarga", "jenis_kelamin": "P" if female_head else "L",
               "tanggal_lahir": born.isoformat()}]
    for k in range(1, int(household["jumlah_anggota"])):
        spouse = k == 1 and not female_head
        female = spouse or rng.random() < 0.5
        when = birth_date(rng, 20, 60) if spouse else birth_date(rng, 0, 24)
        given = rng.choice(WOMEN if female else MEN)
        people.append({"nik": nik(rng, kode, when, female, (index * 7 + k) % 9000 + 1),
                       "nama": f"{given} {family}", "hubungan": "istri" if spouse else "anak",
                       "jenis_kelamin": "P" if female else "L",
                       "tanggal_lahir": when.isoformat()})
    for person in people:
        person["id_keluarga"] = household["id_keluarga"]
        person["disabilitas"] = "ya" if rng.random() < 0.03 else "tidak"
    return people


def add_mess(rng: random.Random, households: list[dict[str, Any]],
             cells: dict[str, Any]) -> list[dict[str, Any]]:
    """About 5% messy rows, each kind named in the comment; returns the rows to write."""
    rows = list(households)
    picks = rng.sample(range(len(rows)), 200)
    kinds = (["nik"] * 25 + ["desil"] * 20 + ["swap"] * 30 + ["outside"] * 15 + ["zero"] * 15
             + ["kode"] * 15 + ["shared_nik"] * 10 + ["mismatch"] * 30 + ["sliver"] * 10
             + ["status"] * 10 + ["jumlah"] * 10 + ["half"] * 10)
    for position, kind in zip(picks, kinds, strict=False):
        h = rows[position] = dict(rows[position])
        if kind == "nik":
            h["nik_kepala"] = h["nik_kepala"][:14]  # too short
        elif kind == "desil":
            h["desil"] = ""
        elif kind == "swap" and h["lat"] != "":
            h["lat"], h["lon"] = h["lon"], h["lat"]
        elif kind == "outside":
            h["lat"], h["lon"] = -6.2, 106.82  # Jakarta: outside the loaded area
        elif kind == "zero":
            h["lat"], h["lon"] = 0, 0
        elif kind == "kode":
            h["kode_kelurahan"] = "64.74.04.1001"  # no such kelurahan
        elif kind == "shared_nik":
            other = rows[(position + 1) % len(rows)]
            h["nik_kepala"] = other["nik_kepala"]  # two households, one head NIK
        elif kind == "mismatch":
            h["kode_kelurahan"] = rng.choice([c for c in cells if c != h["kode_kelurahan"]])
            if h["lat"] == "":
                h["lon"], h["lat"] = point_in(rng, cells[rng.choice(sorted(cells))])
        elif kind == "sliver":
            h["lon"], h["lat"] = point_in(rng, cells[SLIVER[0]].intersection(cells[SLIVER[1]]))
            h["kode_kelurahan"] = SLIVER[0] if position % 2 else SLIVER[1]
        elif kind == "status":
            h["status_verifikasi"] = "valid"
        elif kind == "jumlah":
            h["jumlah_anggota"] = 0
        elif kind == "half":
            h["lon"] = ""  # only one of the two coordinates
    for position in rng.sample(range(len(rows)), 20):  # repeated id_keluarga: later rows lose
        rows.append(dict(rows[position], nama_kepala=rows[position]["nama_kepala"] + " (ulang)"))
    return rows


def write_households(rows: list[dict[str, Any]]) -> None:
    with open(HERE / "rumah_tangga.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, HOUSEHOLD_HEADER, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_members(rng: random.Random, households: list[dict[str, Any]]) -> None:
    people = [dict(p) for h in households for p in h["_anggota"]]
    for person in rng.sample(people, 15):
        person["nik"] = person["nik"][:6] + "00" + person["nik"][8:]  # day 00: invalid
    for k, person in enumerate(rng.sample(people, 10)):
        person["id_keluarga"] = f"BTG-9{k:04d}"  # no such household
    with open(HERE / "anggota.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, MEMBER_HEADER)
        writer.writeheader()
        writer.writerows(people)


def main() -> None:
    rng = random.Random(SEED)
    cells, kelurahan, kecamatan = real_boundaries()
    write_boundaries(cells, kecamatan)
    households = generate_households(rng, cells)
    write_households(add_mess(rng, households, cells))
    write_members(rng, households)
    print(f"Ditulis ke {HERE}: {len(kelurahan)} kelurahan, {len(households)} rumah tangga.")
    from generate_programs import main as write_programs  # the script's own directory

    write_programs()  # programs and enrollments over the households just written


if __name__ == "__main__":
    main()
