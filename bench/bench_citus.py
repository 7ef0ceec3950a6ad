"""Benchmark: the same households on single-node PostGIS (A) and on a local Citus cluster of a
coordinator and two workers (B), on this one machine (not a timed test).

Run under the machine-wide lock:
    flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_citus.py [--households N]

Both clusters run from the same system binaries with the same settings per node (normal
durability; ``app/db/localpg.py``), in temporary directories. Each gets the real kelurahan of
Balikpapan, Bontang and Pangkalpinang (three kab/kota) and the same seeded CSV, imported by the
real import path; members (each head as a member), programs and enrollments (deterministic
hashes of the household id) are generated in SQL, so both hold the same rows, and the coverage
segments are rebuilt. Every step runs A then B in turns; medians are quoted and the ratio B/A.
The figures of both are compared (they must be equal), and the plan of a one-kab/kota coverage
query on Citus shows that it is routed to one shard. On 2 cores three nodes cannot beat one:
the ratios are the cost of the distribution machinery, not a speed-up.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, text  # noqa: E402

from app.db import migrate  # noqa: E402
from app.db.engine import make_engine  # noqa: E402
from app.db.localcitus import LocalCitus  # noqa: E402
from app.db.localpg import LocalPostgres  # noqa: E402
from app.services.coverage import check_identities, coverage_by_area, rebuild_segments  # noqa: E402
from app.services.maps.tiles import TileFilter, household_tile  # noqa: E402
from app.services.registry import import_households, kelurahan_index  # noqa: E402
from app.services.wilayah import load_boundaries  # noqa: E402
from bench.common import WILAYAH  # noqa: E402

KEY = b"bench-citus-key"
CITIES = ("balikpapan_kelurahan", "bontang_kelurahan", "pangkalpinang_kelurahan")
KAB = "64.71"  # Balikpapan: the kab/kota of the per-kelurahan figures
ON = date(2024, 6, 30)
HEADER = ["id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "alamat", "kode_kelurahan",
          "lat", "lon", "jumlah_anggota", "desil", "pengeluaran_per_kapita",
          "status_verifikasi", "tanggal_verifikasi"]
STATUS = ("terverifikasi", "terverifikasi", "belum", "ditolak")
PROGRAMS = (("PKH", "DINSOS"), ("BPNT", "DINSOS"), ("PBI-JK", "DINKES"), ("RTLH", "DISPERKIM"),
            ("ZAKAT", "BAZNAS"), ("CSR-BEASISWA", "CSR"))
# Up to three enrollments per household, chosen by hashes of its id: the same rows on A and B.
ENROLLMENTS = """
    INSERT INTO enrollment (kode_kabkota, program_id, household_id, kunci, kunci_tampil,
                            tanggal_mulai, tanggal_selesai, status)
    SELECT h.kode_kabkota, p.id, h.id, 'id_keluarga', h.id_keluarga,
           DATE '2021-01-01' + (r.x % 1800)::int,
           CASE WHEN (r.x / 7) % 100 < 35
                THEN DATE '2021-01-01' + (r.x % 1800)::int + 30 + ((r.x / 13) % 900)::int END,
           'matched'
    FROM household h
    CROSS JOIN LATERAL (SELECT abs(hashint8(h.id * 4 + k)) AS x
                        FROM generate_series(1, 3) AS k) r
    JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS pick FROM program) p
      ON p.pick = (r.x / 101) % :programs
    WHERE (r.x / 1009) % 100 < CASE WHEN h.desil <= 4 THEN 55 ELSE 12 END
"""
MEMBERS = """
    INSERT INTO member (kode_kabkota, household_id, nik_hash, nik_mask, nama, hubungan)
    SELECT kode_kabkota, id, nik_kepala_hash, nik_kepala_mask, nama_kepala, 'kepala keluarga'
    FROM household
"""
# The match suggestions and rejections (issue 17) reference household on one node: truncated
# with it (on Citus they are coordinator tables without those keys).
EMPTY = "TRUNCATE match_suggestion, match_rejection, household, member, enrollment, " \
        "coverage_segment, coverage_step, coverage_group, coverage_key_step, " \
        "coverage_combination_step, coverage_stale, rejected_row"


def write_households(path: Path, rows: int, index) -> list[str]:
    """A seeded CSV over every loaded kelurahan (points inside each one's bounding box); returns
    a sample of 10,000 head NIKs."""
    rng = np.random.default_rng(42)
    codes = list(index.codes)
    bounds = shapely.bounds(np.asarray(index.geometries))
    sample: list[str] = []
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for start in range(0, rows, 100_000):
            n = min(100_000, rows - start)
            pick = rng.integers(0, len(codes), n)
            box = bounds[pick]
            lon = np.round(rng.uniform(box[:, 0], box[:, 2]), 6)
            lat = np.round(rng.uniform(box[:, 1], box[:, 3]), 6)
            desil = np.minimum(rng.geometric(0.25, n), 10)
            for j in range(n):
                k = start + j
                code = codes[pick[j]]
                kec = code.replace(".", "")[:6]
                nik = f"{kec}{1 + k % 28:02d}{1 + (k // 28) % 12:02d}{(k // 336) % 100:02d}" \
                      f"{1 + k // 33600:04d}"
                if k % 100 == 7 and len(sample) < 10_000:
                    sample.append(nik)
                writer.writerow([f"B{k:07d}", f"{kec}0101{k:06d}", nik, f"Kepala {k}", f"Jl. {k}",
                                 code, lat[j], lon[j], 1 + k % 7, desil[j],
                                 300_000 + k % 900_000, STATUS[k % 4], "2025-02-01"])
    return sample


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2 * n)
    return z, x, y


def in_turns(label: str, engines: dict[str, Engine], step: Callable, rounds: int,
             before: str | None = None) -> dict:
    """Run ``step(conn)`` on A and B in turns ``rounds`` times; print medians and the ratio.
    ``before`` (SQL) runs untimed in a transaction of its own before each step."""
    times: dict[str, list[float]] = {name: [] for name in engines}
    results = {}
    for _ in range(rounds):
        for name, engine in engines.items():
            if before:
                with engine.begin() as conn:
                    conn.execute(text(before))
            with engine.begin() as conn:
                started = time.perf_counter()
                results[name] = step(conn)
                times[name].append(time.perf_counter() - started)
    a, b = (statistics.median(t) for t in times.values())
    spread = "; ".join(f"{n}: " + ", ".join(f"{t:.3f}" for t in ts) for n, ts in times.items())
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"{label}: single {a:.3f} s, citus {b:.3f} s, ratio {b / a:.2f}  ({spread}; "
          f"load {load})")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=3, help="imports per cluster")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sasaran-bench-citus-") as folder:
        work = Path(folder)
        work.chmod(0o755)
        single = LocalPostgres(work / "single", port=5441)
        citus = LocalCitus(work / "citus", workers=2, port=5451)
        try:
            engines = {}
            for name, cluster in (("single", single), ("citus", citus)):
                url = cluster.up()
                migrate.upgrade(url)
                engines[name] = make_engine(url)
            run(engines, work, args.households, args.rounds)
        finally:
            for engine in engines.values():
                engine.dispose()
            single.down()
            citus.down()


def run(engines: dict[str, Engine], work: Path, households: int, rounds: int) -> None:
    for engine in engines.values():
        with engine.begin() as conn:
            for city in CITIES:
                load_boundaries(conn, WILAYAH / f"{city}.geojson")
    with engines["single"].connect() as conn:
        index = kelurahan_index(conn)
    data = work / "households.csv"
    niks = write_households(data, households, index)
    print(f"{households:,} households over {len(index.codes)} real kelurahan of 3 kab/kota; "
          f"machine shared with other engineers (2 cores): medians of turns A, B, A, B...")

    def first_load(conn):
        return import_households(conn, data, key=KEY, user="bench").accepted

    # Emptied in a transaction of its own, as in the app (which never truncates): on Citus a
    # TRUNCATE holds every shard over parallel connections, and the household shards' trigger
    # then waits on it from another connection of the same transaction (a distributed deadlock).
    loaded = in_turns("import, first load (COPY; single: side table)", engines, first_load,
                      rounds, before=EMPTY)
    reloaded = in_turns("re-import, all updates (upsert)", engines,
                        lambda conn: import_households(conn, data, key=KEY,
                                                       user="bench").updated, 1)
    print(f"  accepted {loaded}, updated {reloaded}")
    for engine in engines.values():
        with engine.begin() as conn:
            conn.execute(text(MEMBERS))
            for kode, agency in PROGRAMS:
                # One parameter per column: the same one in two columns of different
                # types (varchar, text) cannot be typed by the server.
                conn.execute(text("INSERT INTO agency (kode, nama) VALUES (:a, :n) "
                                  "ON CONFLICT DO NOTHING"), {"a": agency, "n": agency})
                conn.execute(text("INSERT INTO program (kode_program, nama, instansi) "
                                  "VALUES (:k, :n, :a)"), {"k": kode, "n": kode, "a": agency})
            conn.execute(text(ENROLLMENTS), {"programs": len(PROGRAMS)})
            conn.execute(text("ANALYZE"))
    in_turns("coverage segments and steps rebuilt (all households)", engines,
             lambda conn: rebuild_segments(conn), 1)
    queries(engines, niks, index)


def queries(engines: dict[str, Engine], niks: list[str], index) -> None:
    figures = in_turns(f"coverage per kelurahan of one kab/kota ({KAB})", engines,
                       lambda conn: coverage_by_area(conn, level="kelurahan", parent=KAB,
                                                     ref_date=ON), 15)
    assert figures["single"] == figures["citus"], "kab/kota figures differ"
    national = in_turns("national total (coverage by kab/kota, no parent)", engines,
                        lambda conn: coverage_by_area(conn, level="kabkota", parent=None,
                                                      ref_date=ON), 15)
    assert national["single"] == national["citus"], "national figures differ"
    filtered = in_turns(f"coverage per kelurahan of {KAB}, program PKH", engines,
                        lambda conn: coverage_by_area(conn, level="kelurahan", parent=KAB,
                                                      ref_date=ON, program="PKH"), 15)
    assert filtered["single"] == filtered["citus"], "filtered figures differ"
    checked = in_turns(f"check of {len(niks):,} NIK", engines,
                       lambda conn: check_identities(conn, KEY, niks, ref_date=ON), 7)
    assert checked["single"] == checked["citus"], "check results differ"
    found = sum(r["ditemukan"] for r in checked["single"])
    print(f"  found {found:,} of {len(niks):,}")
    kab = [i for i, code in enumerate(index.codes) if code.startswith(KAB)]
    centre = shapely.centroid(index.geometries[kab[len(kab) // 2]])
    z, x, y = tile_of(centre.x, centre.y, 14)
    tiles = in_turns(f"tile z{z}/{x}/{y} (households)", engines,
                     lambda conn: household_tile(conn, "households", z, x, y, TileFilter(ON)),
                     15)
    print(f"  tile bytes: single {len(tiles['single']):,}, citus {len(tiles['citus']):,}")
    explain(engines["citus"], (z, x, y))


def explain(engine: Engine, tile: tuple[int, int, int]) -> None:
    """The one-kab/kota step query on Citus: one task, on the worker holding that kab/kota;
    and the tile's bounding-box filter, which names no kab/kota: a task per shard."""
    from app.services.coverage.sql import make_query
    from app.sql import statement

    with engine.connect() as conn:
        params = make_query(ON, 4, None, None, KAB, ()).params(conn)
        plan = conn.execute(text("EXPLAIN " + statement("coverage/steps_by_area.sql")),
                            {**params, "stale": [], "code_length": 13}).scalars().all()
        placement = conn.execute(text(
            "SELECT nodename FROM citus_shards WHERE shardid = "
            "get_shard_id_for_distribution_column('household', CAST(:k AS text))"),
            {"k": KAB}).scalar()
        z, x, y = tile
        box = conn.execute(text(
            "EXPLAIN SELECT count(*) FROM household WHERE geom && "
            "ST_Transform(ST_TileEnvelope(:z, :x, :y), 4326)"), {"z": z, "x": x, "y": y}
        ).scalars().all()
    print(f"EXPLAIN coverage steps of {KAB} on Citus (shard on {placement}):")
    for line in plan:
        if "Task Count" in line or "Node:" in line or "Custom Scan" in line:
            print("  " + line.strip())
    print(f"EXPLAIN the tile's bounding box (household.geom && tile {z}/{x}/{y}) on Citus:")
    for line in box:
        if "Task Count" in line:
            print("  " + line.strip())


if __name__ == "__main__":
    main()
