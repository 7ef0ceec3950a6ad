"""Benchmark: import 1,000,000 synthetic households end to end (not a timed test).

Run under the machine-wide lock:
    flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_import.py [--rows N]
    ... bench_import.py --rows 10000 --existing 1000000 --repeat 5 --import-only

``--existing N`` first loads N other households (not timed), so that the measured file is
imported beside them, as a monthly update lands in a full registry: each turn's households are
removed again before the next.

A private PostGIS cluster is created in a temporary directory (normal durability settings),
Pangkalpinang's 42 real kelurahan are loaded from ../shared/data/wilayah/, and a seeded CSV is
written (about 2% messy rows). Printed: the plain COPY of the same CSV into an unindexed
13-column text table (the floor), the full import (parse, validate, hash, geocode, COPY, upsert,
duplicate flags), rows/s, the ratio, and the peak RSS of this process; then a re-import of the
same file (all updates), the STRtree geocoding alone and PostGIS's set-based re-geocode.
"""

from __future__ import annotations

import argparse
import csv
import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psycopg
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.db.engine import make_engine  # noqa: E402
from app.services.registry import (  # noqa: E402
    import_households,  # noqa: E402
    kelurahan_index,
    regeocode_households,
)
from app.services.wilayah import load_boundaries  # noqa: E402
from geo.registry import parse_coordinates  # noqa: E402

from common import WILAYAH, bench_database, peak_rss_mb  # noqa: E402

BOUNDARIES = WILAYAH / "pangkalpinang_kelurahan.geojson"
HEADER = ["id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "alamat", "kode_kelurahan",
          "lat", "lon", "jumlah_anggota", "desil", "pengeluaran_per_kapita",
          "status_verifikasi", "tanggal_verifikasi"]
STATUS = np.array(["terverifikasi", "belum", "ditolak"])


def write_households(path: Path, rows: int, codes: list[str], bounds: tuple, seed: int,
                     first: int = 0) -> None:
    """Seeded synthetic households numbered from ``first``, written in slices so memory stays
    flat. Households of different numbers share no id, head NIK or No. KK."""
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = bounds
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for start in range(first, first + rows, 100_000):
            n = min(100_000, first + rows - start)
            i = np.arange(start, start + n)
            code = np.array(codes, dtype=object)[rng.integers(0, len(codes), n)]
            kec = [c.replace(".", "")[:6] for c in code]
            lon = np.round(rng.uniform(minx, maxx, n), 6)
            lat = np.round(rng.uniform(miny, maxy, n), 6)
            desil = np.minimum(rng.geometric(0.25, n), 10)
            messy = rng.random(n)
            for j in range(n):
                k = int(i[j])
                nik = f"{kec[j]}{1 + k % 28:02d}{1 + (k // 28) % 12:02d}{(k // 336) % 100:02d}" \
                      f"{1 + k // 33600:04d}"
                # No. KK: 16 digits at any k (0101 + six digits below a million, as before)
                no_kk = f"{kec[j]}{101 + k // 1_000_000:04d}{k % 1_000_000:06d}"
                row = [f"B{k:07d}", no_kk, nik, f"Kepala {k}", f"Jl. {k}",
                       code[j], str(lat[j]), str(lon[j]), str(1 + k % 7), str(desil[j]),
                       str(300_000 + k % 900_000), STATUS[k % 3], "2025-02-01"]
                assert len(row) == len(HEADER)
                if messy[j] < 0.01:
                    row[2] = nik[:15]  # invalid NIK
                elif messy[j] < 0.015:
                    row[9] = ""  # missing desil
                elif messy[j] < 0.02:
                    row[6], row[7] = row[7], row[6]  # swapped
                writer.writerow(row)


def seeded_city(engine, folder: Path, rows: int, existing: int = 0) -> tuple[Path, object]:
    """Pangkalpinang's kelurahan loaded, ``existing`` households already imported (numbered
    first) and a seeded households file over them (numbered after those)."""
    with engine.begin() as conn:
        load_boundaries(conn, BOUNDARIES)
        index = kelurahan_index(conn)
    codes, bounds = list(index.codes), tuple(shapely.total_bounds(index.geometries))
    if existing:
        before = folder / "existing.csv"
        write_households(before, existing, codes, bounds, seed=7)
        started = time.perf_counter()
        with engine.begin() as conn:
            loaded = import_households(conn, before, key=b"bench-key", user="bench")
            conn.exec_driver_sql("ANALYZE household")
        before.unlink()
        print(f"existing: {loaded.accepted:,} households loaded in "
              f"{time.perf_counter() - started:.1f} s (not part of any figure)", flush=True)
    data = folder / "households.csv"
    write_households(data, rows, codes, bounds, seed=42, first=existing)
    return data, index


def plain_copy(url: str, path: Path, keep: bool = False) -> float:
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo) as conn:
        columns = ", ".join(f"{c} text" for c in HEADER)
        conn.execute(f"CREATE TABLE IF NOT EXISTS plain_copy ({columns})")
        conn.execute("TRUNCATE plain_copy")
        started = time.perf_counter()
        with conn.cursor() as cursor, cursor.copy(
            "COPY plain_copy FROM STDIN WITH (FORMAT csv, HEADER true)"
        ) as copy, open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                copy.write(block)
        conn.commit()
        elapsed = time.perf_counter() - started
        if not keep:
            conn.execute("DROP TABLE plain_copy")
            conn.commit()
    return elapsed


# The same indexes as the registry's, on the plain table's text columns (the point from the
# raw lon/lat): what loading this file by hand and indexing it like household costs.
ANCHOR_INDEXES = (
    "CREATE UNIQUE INDEX ON plain_copy (id_keluarga)",
    "CREATE INDEX ON plain_copy (no_kk)",
    "CREATE INDEX ON plain_copy (nik_kepala)",
    "CREATE INDEX ON plain_copy (kode_kelurahan)",
    "CREATE INDEX ON plain_copy (kode_kelurahan, desil) "
    "WHERE status_verifikasi = 'terverifikasi'",
    "CREATE INDEX ON plain_copy (desil, pengeluaran_per_kapita, jumlah_anggota DESC, "
    "id_keluarga) WHERE status_verifikasi = 'terverifikasi'",
    "CREATE INDEX ON plain_copy USING gist "
    "(ST_SetSRID(ST_MakePoint(lon::float8, lat::float8), 4326))",
)


def copy_and_index(url: str, path: Path) -> tuple[float, float]:
    """Plain COPY into an unindexed text table, then the registry's indexes built on it:
    (COPY seconds, COPY + index seconds)."""
    conninfo = url.replace("postgresql+psycopg://", "postgresql://")
    copied = plain_copy(url, path, keep=True)
    with psycopg.connect(conninfo) as conn:
        started = time.perf_counter()
        for statement in ANCHOR_INDEXES:
            conn.execute(statement)
        conn.commit()
        indexed = time.perf_counter() - started
        conn.execute("DROP TABLE plain_copy")
        conn.commit()
    return copied, copied + indexed


def timed_import(engine, path: Path) -> tuple[float, object]:
    started = time.perf_counter()
    with engine.begin() as conn:
        result = import_households(conn, path, key=b"bench-key", user="bench")
    return time.perf_counter() - started, result


def main() -> None:
    logging.basicConfig(level=logging.WARNING, format="  %(message)s")
    if "--verbose" in sys.argv:
        logging.getLogger("sasaran.import").setLevel(logging.DEBUG)
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--verbose", action="store_true", help="timings per chunk")
    parser.add_argument("--repeat", type=int, default=1, help="anchor and import in turns")
    parser.add_argument("--import-only", action="store_true",
                        help="stop after the first import (quick before/after comparisons)")
    parser.add_argument("--existing", type=int, default=0,
                        help="households already in the registry beside the imported file")
    args = parser.parse_args()
    with bench_database(port=5432) as url, \
            tempfile.TemporaryDirectory(prefix="sasaran-bench-data-") as folder:
        engine = make_engine(url)
        data, index = seeded_city(engine, Path(folder), args.rows, args.existing)
        print(f"rows: {args.rows:,}; file {data.stat().st_size / 1e6:.0f} MB; "
              f"42 real kelurahan of Pangkalpinang; --existing {args.existing:,}")
        rss_before = peak_rss_mb()
        floors, anchors, imports = [], [], []
        last_batch = 0
        for turn in range(args.repeat):  # anchor and import in turns, medians reported
            floor, anchor = copy_and_index(url, data)
            floors.append(floor)
            anchors.append(anchor)
            if turn:
                _remove_import(engine, last_batch, args.existing)
            elapsed, result = timed_import(engine, data)
            last_batch = result.batch_id
            imports.append(elapsed)
            print(f"  turn {turn + 1}: plain COPY {floor:.2f} s, COPY + the same indexes "
                  f"{anchor:.2f} s, import {elapsed:.2f} s", flush=True)
        floor, anchor, elapsed = (statistics.median(v) for v in (floors, anchors, imports))
        print(f"plain COPY into an unindexed table: {floor:.2f} s "
              f"({args.rows / floor:,.0f} rows/s); with the registry's indexes built after: "
              f"{anchor:.2f} s")
        print(f"import (insert): {elapsed:.2f} s = {args.rows / elapsed:,.0f} rows/s; "
              f"ratio to plain COPY {elapsed / floor:.2f}x, to COPY + indexes "
              f"{elapsed / anchor:.2f}x (medians of {args.repeat}); accepted "
              f"{result.accepted:,}, rejected {result.rejected:,}; flags {result.flags}")
        print(f"peak RSS: {peak_rss_mb():.0f} MB (before the import: {rss_before:.0f} MB)")
        if args.import_only:
            return
        elapsed, result = timed_import(engine, data)
        print(f"re-import (all updates): {elapsed:.2f} s = {args.rows / elapsed:,.0f} rows/s "
              f"(updated {result.updated:,})")
        _geocoding_figures(engine, data, index, args.rows)
        print(f"peak RSS overall: {peak_rss_mb():.0f} MB")
        engine.dispose()


def _remove_import(engine, batch_id: int, existing: int) -> None:
    """Take the last turn's households out again, leaving the ``existing`` ones."""
    with engine.begin() as conn:
        if not existing:
            conn.exec_driver_sql("TRUNCATE household, import_batch CASCADE")
            return
        conn.exec_driver_sql(f"DELETE FROM household WHERE batch_id = {int(batch_id)}")
    with engine.connect() as conn:
        conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE household")


def _geocoding_figures(engine, data: Path, index, rows: int) -> None:
    with open(data, newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        cells = [(r[6], r[7], r[5]) for r in reader]
    lat_cells, lon_cells, declared = (list(c) for c in zip(*cells, strict=True))
    del cells
    started = time.perf_counter()
    lon, lat, given = parse_coordinates(lat_cells, lon_cells)
    index.locate(lon, lat, given, declared)
    print(f"geocoding alone (parse + rules 1-6, bbox filter + prepared intersects_xy): "
          f"{time.perf_counter() - started:.2f} s for {rows:,} points")
    usable = ~np.isnan(lon) & ~np.isnan(lat)
    started = time.perf_counter()
    hits = shapely.STRtree(index.geometries).query(
        shapely.points(lon[usable], lat[usable]), predicate="intersects")
    print(f"  for comparison, STRtree bulk query (points built + query only): "
          f"{time.perf_counter() - started:.2f} s, {hits.shape[1]:,} hits")
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE household SET kode_kelurahan = '00.00.00.0000'")
        started = time.perf_counter()
        changed = regeocode_households(conn)
        print(f"PostGIS set-based re-geocode (UPDATE ... FROM, ST_Intersects): "
              f"{time.perf_counter() - started:.2f} s for {changed:,} rows")


if __name__ == "__main__":
    main()
