"""Benchmark: import a members file of 1,000,000 persons (not a timed test).

Run under the machine-wide lock:
    flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_members.py [--households N]

A private PostGIS cluster is created in a temporary directory, Pangkalpinang's 42 real kelurahan
are loaded, N households (default 250,000) are imported with ``bench_import``'s seeded writer,
and a seeded members file of four persons per household is written (about 1.5% messy rows:
an invalid NIK, an unknown id_keluarga). Printed: the members import (parse, validate, hash,
replace the households' members by COPY) in rows/s, and the peak RSS of this process.
"""

from __future__ import annotations

import argparse
import csv
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_import import seeded_city, timed_import  # noqa: E402

from app.db.engine import make_engine  # noqa: E402
from app.services.registry import import_members  # noqa: E402

from common import bench_database, peak_rss_mb  # noqa: E402

HEADER = ["id_keluarga", "nik", "nama", "hubungan", "jenis_kelamin", "tanggal_lahir",
          "disabilitas"]
PER_HOUSEHOLD = 4
RELATION = ("kepala keluarga", "istri", "anak", "anak")


def write_members(path: Path, households: Path, seed: int) -> int:
    """Four persons per household of the file: the head's NIK, then serials above it."""
    rng = np.random.default_rng(seed)
    rows = 0
    with open(households, newline="") as source, open(path, "w", newline="") as target:
        reader = csv.reader(source)
        next(reader)
        writer = csv.writer(target)
        writer.writerow(HEADER)
        for k, household in enumerate(reader):
            id_keluarga, head = household[0], household[2]
            messy = rng.random(PER_HOUSEHOLD)
            for j in range(PER_HOUSEHOLD):
                nik = head if j == 0 or len(head) != 16 else \
                    f"{head[:12]}{(int(head[12:]) + 2500 * j) % 10000 or 1:04d}"
                row = [id_keluarga, nik, f"Anggota {k} {j}", RELATION[j], "LP"[j % 2],
                       f"{1960 + (k + j) % 60}-{1 + j * 3:02d}-17", "tidak"]
                if messy[j] < 0.01:
                    row[1] = nik[:15]  # invalid NIK
                elif messy[j] < 0.015:
                    row[0] = f"X{k:07d}"  # not in the registry
                writer.writerow(row)
                rows += 1
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=250_000)
    args = parser.parse_args()
    with bench_database(port=5432) as url, \
            tempfile.TemporaryDirectory(prefix="sasaran-bench-data-") as folder:
        engine = make_engine(url)
        households, _ = seeded_city(engine, Path(folder), args.households)
        timed_import(engine, households)
        members = Path(folder) / "anggota.csv"
        rows = write_members(members, households, seed=7)
        print(f"members: {rows:,} rows of {args.households:,} households; "
              f"file {members.stat().st_size / 1e6:.0f} MB")
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        with engine.begin() as conn:
            result = import_members(conn, members, key=b"bench-key", user="bench")
        elapsed = time.perf_counter() - started
        print(f"members import: {elapsed:.2f} s = {rows / elapsed:,.0f} rows/s; accepted "
              f"{result.accepted:,}, rejected {result.rejected:,}")
        print(f"peak RSS: {peak_rss_mb():.0f} MB (before: {rss_before:.0f} MB)")
        engine.dispose()


if __name__ == "__main__":
    main()
