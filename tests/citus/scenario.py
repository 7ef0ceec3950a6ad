"""One scenario, written as files and fed through the real services, for any database: three
kab/kota, a first load, programs, enrollments by every key, a second load in which households
change desil and status, one moves to another kab/kota by its declared code and one by its
surveyed point, and new ones arrive; then every figure the product shows, free of database
ids (which Citus may number differently). ``tests/citus/test_same_figures.py`` compares the
result of single-node PostGIS with that of Citus."""

from __future__ import annotations

import csv
import json
import random
from datetime import date
from pathlib import Path
from typing import Any

import mapbox_vector_tile
from household_rows import write_csv
from shapely.geometry import shape
from sqlalchemy import Connection, text

from app.principal import LOCAL_ADMIN
from app.services import coverage, registry
from app.services.coverage.decisions import decide, list_suggestions
from app.services.maps.data import MapFilter, hexagon_aggregate
from app.services.maps.tiles import TileFilter, household_tile
from app.services.registry.queries import HouseholdFilter
from app.services.wilayah import load_boundaries

KEY = b"kunci-skenario-citus"
CITIES = ("bontang_kelurahan", "balikpapan_kelurahan", "pangkalpinang_kelurahan")
DATES = (date(2023, 6, 1), date(2024, 6, 30), date(2025, 6, 30))
PROGRAMS = (  # kode, agency, desil_maks
    ("PKH", "DINSOS", 4), ("BPNT", "DINSOS", None), ("PBI", "DINKES", None),
    ("ZAKAT", "BAZNAS", None),
)
MOVED_BY_CODE = "S0003"  # Bontang -> Balikpapan by its declared kelurahan
MOVED_BY_POINT = "S0006"  # declared in Bontang, surveyed in Balikpapan in the second file


def load_areas(conn: Connection, wilayah_dir: Path) -> dict[str, Any]:
    """The three cities' kelurahan; returns code -> polygon."""
    shapes = {}
    for city in CITIES:
        path = wilayah_dir / f"{city}.geojson"
        load_boundaries(conn, path)
        for feature in json.loads(path.read_text())["features"]:
            shapes[feature["properties"]["kode"]] = shape(feature["geometry"])
    return shapes


def nik(kode: str, serial: int, women: int = 0) -> str:
    return f"{kode[:8].replace('.', '')}{1 + serial % 28 + women:02d}0580{serial:04d}"


def households(shapes: dict[str, Any], second: bool) -> list[dict[str, str]]:
    """60 households (64 in the second file) over the three kab/kota."""
    rng = random.Random(19)
    codes = sorted(shapes)
    rows = []
    for i in range(64 if second else 60):
        kode = codes[(i * 7) % len(codes)]
        point = shapes[kode].representative_point() if i % 3 else None
        row = {
            "id_keluarga": f"S{i:04d}", "no_kk": f"{kode[:8].replace('.', '')}0101{i:06d}",
            "nik_kepala": nik(kode, i), "nama_kepala": f"Kepala {i}", "alamat": f"Jl. {i}",
            "kode_kelurahan": kode, "lat": "" if point is None else f"{point.y:.6f}",
            "lon": "" if point is None else f"{point.x:.6f}", "jumlah_anggota": str(1 + i % 6),
            "desil": str(rng.randint(1, 10)), "pengeluaran_per_kapita": str(200_000 + i * 9_000),
            "status_verifikasi": ("terverifikasi", "terverifikasi", "belum")[i % 3],
            "tanggal_verifikasi": "2025-01-15",
        }
        if second and i % 4 == 0:
            row["desil"], row["status_verifikasi"] = str(1 + i % 3), "terverifikasi"
        rows.append(row)
    rows[11]["no_kk"] = rows[10]["no_kk"]  # a possible duplicate
    rows[3]["kode_kelurahan"] = "64.74.01.1001" if not second else "64.71.01.1001"
    rows[3]["lat"] = rows[3]["lon"] = ""
    rows[6]["kode_kelurahan"] = "64.74.02.1001"
    inside = shapes["64.74.02.1001" if not second else "64.71.02.1001"].representative_point()
    rows[6]["lat"], rows[6]["lon"] = f"{inside.y:.6f}", f"{inside.x:.6f}"
    rows[8]["desil"] = "dua"  # rejected, kept and reported
    return rows


def members(rows: list[dict[str, str]]) -> list[list[str]]:
    out = []
    for i, row in enumerate(rows):
        if row["desil"].isdigit() and i % 2 == 0:
            out.append([row["id_keluarga"], nik(row["kode_kelurahan"], i, 40), f"Anak {i}",
                        "anak", "P", "2010-05-01", "tidak"])
    return out


def write_table(path: Path, header: list[str], rows: list[list[Any]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def enrollments(first: list[dict[str, str]]) -> list[list[str]]:
    rows = []
    for i, h in enumerate(first):
        program = PROGRAMS[i % len(PROGRAMS)][0]
        start, end = f"202{3 + i % 3}-0{1 + i % 9}-01", "" if i % 4 else "2024-12-31"
        key = (["", h["id_keluarga"], "", ""], ["", "", h["no_kk"], ""],
               ["", "", "", h["nik_kepala"]])[i % 3]
        rows.append([program, *key[1:], start, end])
        if i % 5 == 0:
            rows.append(["ZAKAT", h["id_keluarga"], "", "", "2024-02-01", ""])
    rows.append(["PKH", "", first[10]["no_kk"], "", "2024-03-01", ""])  # ambiguous
    rows.append(["BPNT", "TIDAK-ADA", "", "", "2024-01-01", ""])  # unmatched
    rows.append(["PBI", "", "", "6474011505800999", "2024-01-01", ""])  # unmatched
    rows.append(["PKH", MOVED_BY_CODE, "", "", "2023-05-01", ""])
    rows.append(["PBI", MOVED_BY_POINT, "", "", "2024-02-01", ""])
    return rows


def play(conn: Connection, wilayah_dir: Path, folder: Path) -> dict[str, Any]:
    """Run the scenario in ``conn``'s transaction; returns everything it produced."""
    shapes = load_areas(conn, wilayah_dir)
    member_header = ["id_keluarga", "nik", "nama", "hubungan", "jenis_kelamin",
                     "tanggal_lahir", "disabilitas"]
    first = households(shapes, second=False)
    out: dict[str, Any] = {}
    result = registry.import_households(
        conn, write_csv(folder / "rt1.csv", first), key=KEY, user="uji", bulk=True,
        members_path=write_table(folder / "ag1.csv", member_header, members(first)))
    out["import 1"] = _imported(result)
    program_rows = [[k, f"Program {k}", a, a, "opd", "bantuan", 2025, 1_000_000, d or "",
                     "household", ""] for k, a, d in PROGRAMS]
    coverage.import_programs(conn, write_table(
        folder / "program.csv", ["kode_program", "nama", "instansi", "nama_instansi",
                                 "jenis_instansi", "jenis", "tahun", "anggaran", "desil_maks",
                                 "unit_cakupan", "wilayah_layanan"], program_rows), user="uji")
    enrolled = coverage.import_enrollments(conn, write_table(
        folder / "kepesertaan.csv", ["kode_program", "id_keluarga", "no_kk", "nik",
                                     "tanggal_mulai", "tanggal_selesai"], enrollments(first)),
        key=KEY, user="uji")
    out["enrollments"] = (enrolled.accepted, enrolled.rejected, enrolled.status)
    out.update(suggested(conn, first, folder))
    second = households(shapes, second=True)
    result = registry.import_households(
        conn, write_csv(folder / "rt2.csv", second), key=KEY, user="uji",
        members_path=write_table(folder / "ag2.csv", member_header, members(second)))
    out["import 2"] = _imported(result)
    out["regeocode"] = registry.regeocode_households(conn)
    out["stored"] = stored(conn)
    out["before refresh"] = figures(conn)
    coverage.refresh_stale(conn)
    out["after refresh"] = figures(conn)
    return out


def near_misses(first: list[dict[str, str]]) -> list[list[str]]:
    """Enrollment rows (nik, no_kk, nama, tanggal_lahir) that match nobody but are near a
    household of the first file: a head's NIK one digit off (S0001), a member's NIK with two
    neighbouring digits swapped (S0002's child), a new No. KK with the head's name (S0005), a
    member's name and birth date under an unknown NIK of the same kecamatan (S0004's child),
    and a stranger."""
    head = first[1]["nik_kepala"]
    child = nik(first[2]["kode_kelurahan"], 2, 40)
    return [
        [head[:15] + ("9" if head[15] != "9" else "8"), "", "KEPALA 1", ""],
        [child[:14] + child[15] + child[14], "", "anak 2", "01/05/2010"],
        ["", first[5]["no_kk"][:10] + "999001", "Kepala 5", ""],
        [first[4]["kode_kelurahan"][:8].replace(".", "") + "4105109999", "", "Anak 4",
         "01/05/2010"],
        ["6474011212990123", "", "Orang Baru", "12/12/1999"],
    ]


def suggested(conn: Connection, first: list[dict[str, str]], folder: Path) -> dict[str, Any]:
    """The near misses uploaded for PKH, their suggestions; then the officer confirms the
    first row's best and rejects the third row's, and the lists by status."""
    rows = [[*row, "2024-07-01"] for row in near_misses(first)]
    result = coverage.import_enrollments(conn, write_table(
        folder / "pkh-saran.csv", ["nik", "no_kk", "nama", "tanggal_lahir", "tanggal_mulai"],
        rows), key=KEY, user="uji", program="PKH")
    out: dict[str, Any] = {"near misses": (result.accepted, result.rejected, result.status)}
    out["suggestions"] = list_suggestions(conn, with_names=True)
    best = {e["nomor_baris"]: e["saran"][0]["id"] for e in out["suggestions"]}
    out["decisions"] = [decide(conn, best[2], confirm=True, user="uji"),
                        decide(conn, best[4], confirm=False, user="uji")]
    out["suggestions by status"] = {status: list_suggestions(conn, with_names=True,
                                                             status=status)
                                    for status in ("baru", "dikonfirmasi", "ditolak", "diganti")}
    return _without_ids(out, ("enrollment_id", "household_id"))


def _imported(result: Any) -> tuple[Any, ...]:
    members_ = result.members
    return (result.total, result.accepted, result.rejected, result.inserted, result.updated,
            result.flags, members_ and (members_.total, members_.accepted, members_.rejected))


def stored(conn: Connection) -> dict[str, Any]:
    """The rows themselves, by their natural keys."""
    def rows(sql: str) -> list[tuple[Any, ...]]:
        return sorted((tuple(r) for r in conn.execute(text(sql))),
                      key=lambda r: tuple("" if v is None else str(v) for v in r))

    return {
        "household": rows(
            "SELECT id_keluarga, kode_kelurahan_deklarasi, kode_kelurahan, kode_kabkota, desil, "
            "status_verifikasi, array_to_string(flags, ','), jumlah_anggota FROM household"),
        "member": rows(
            "SELECT h.id_keluarga, m.nik_mask, m.kode_kabkota, h.kode_kabkota FROM member m "
            "JOIN household h ON h.kode_kabkota = m.kode_kabkota AND h.id = m.household_id"),
        "enrollment": rows(
            "SELECT p.kode_program, h.id_keluarga, e.kode_kabkota, e.kunci, e.kunci_tampil, "
            "e.tanggal_mulai, e.tanggal_selesai, e.status FROM enrollment e "
            "JOIN program p ON p.id = e.program_id LEFT JOIN household h "
            "ON h.kode_kabkota = e.kode_kabkota AND h.id = e.household_id"),
        "segment": rows(
            "SELECT h.id_keluarga, s.kode_kelurahan, s.kode_kabkota, s.dari, s.sampai::text, "
            "s.n_program, s.n_instansi FROM coverage_segment s JOIN household h "
            "ON h.kode_kabkota = s.kode_kabkota AND h.id = s.household_id"),
        "stale": rows("SELECT kode_kabkota, kode_kelurahan FROM coverage_stale"),
        "rejected": rows("SELECT nomor_baris, kolom, alasan FROM rejected_row"),
    }


def figures(conn: Connection) -> dict[str, Any]:
    """Every figure the pages, API and CLI show, for several dates, filters and scopes."""
    out: dict[str, Any] = {}
    for on in DATES:
        for level, parent in (("kelurahan", "64.74"), ("kelurahan", "64.71"),
                              ("kecamatan", None), ("kabkota", None), ("kelurahan", None)):
            for desil in (1, 4, 10):
                out[f"area {level} {parent} {on} d{desil}"] = coverage.coverage_by_area(
                    conn, level=level, parent=parent, ref_date=on, desil_max=desil)
        out[f"program filter {on}"] = coverage.coverage_by_area(
            conn, level="kelurahan", parent=None, ref_date=on, program="PKH")
        out[f"agency filter {on}"] = coverage.coverage_by_area(
            conn, level="kecamatan", parent="64.71", ref_date=on, agency="DINSOS")
        out[f"by program {on}"] = coverage.coverage_by_program(conn, ref_date=on)
        out[f"by agency {on}"] = coverage.coverage_by_agency(conn, ref_date=on)
        out[f"overlap {on}"] = coverage.overlap_matrix(conn, ref_date=on)
        out[f"gaps {on}"] = coverage.gap_list(conn, ref_date=on)
        out[f"leakage {on}"] = coverage.leakage_list(conn, ref_date=on, parent="64.74")
    scope = ("64.71",)
    out["scoped area"] = coverage.coverage_by_area(conn, level="kelurahan", parent=None,
                                                   ref_date=DATES[1], area_prefixes=scope)
    out["scoped gaps"] = coverage.gap_list(conn, ref_date=DATES[1], area_prefixes=scope)
    out["scoped poverty"] = coverage.poverty_by_area(conn, level="kelurahan", parent=None,
                                                     line=441_448.0, area_prefixes=scope)
    out["poverty"] = coverage.poverty_by_area(conn, level="kabkota", parent=None, line=441_448.0)
    out["households scoped"] = registry.list_households(conn, HouseholdFilter(), scope, 100)
    out["duplicates"] = registry.possible_duplicates(conn)
    out["unmatched"] = coverage.unmatched_rows(conn)
    out["unmatched scoped"] = coverage.unmatched_rows(conn, area_prefixes=scope)
    numbers = [nik(k, i) for i, k in enumerate(("64.74.01.1001", "64.71.01.1001") * 30)]
    out["check"] = coverage.check_identities(conn, KEY, [*numbers, "123", "6474011505800999"],
                                             ref_date=DATES[1])
    out["check scoped"] = coverage.check_identities(conn, KEY, numbers, ref_date=DATES[1],
                                                    area_prefixes=scope)
    out["hexagons"] = hexagon_aggregate(conn, MapFilter(DATES[1]), principal=LOCAL_ADMIN)
    out["tile"] = _tile(conn)
    # The count from each row's timeline on another date, and from the segments under a filter.
    out["tile later"] = _tile(conn, TileFilter(DATES[2]))
    out["tile PKH"] = _tile(conn, TileFilter(DATES[1], program="PKH"))
    assert any(dict(props)["programs"] for _, props in out["tile PKH"]), "no PKH household"
    return _without_ids(out)


def _tile(conn: Connection, flt: TileFilter = TileFilter(DATES[1])) -> list[tuple[Any, ...]]:
    """Features of the z11 tile over Balikpapan, as a sorted list (row order may differ)."""
    data = household_tile(conn, "households", 11, 1688, 1031, flt)
    layer = mapbox_vector_tile.decode(data).get("households", {"features": []})
    return sorted((f["geometry"]["coordinates"] and str(f["geometry"]["coordinates"]),
                   tuple(sorted(f["properties"].items()))) for f in layer["features"])


def _without_ids(value: Any, drop: tuple[str, ...] = ()) -> Any:
    """Database ids and the time of writing dropped (``id``, ``batch_id``, ``diperbarui`` and
    the keys in ``drop``), lists of rows kept in their order."""
    if isinstance(value, dict):
        return {k: _without_ids(v, drop) for k, v in value.items()
                if k not in ("id", "batch_id", "diperbarui", *drop)}
    if isinstance(value, list | tuple):
        return [_without_ids(v, drop) for v in value]
    return value
