"""Build (once) and open the benchmark data set: N households over Kalimantan Timur.

    nice -n 15 ionice -c3 .venv/bin/python bench/dataset.py --households 10000000

The data set lives in its own private PostGIS cluster under ``bench/out/<size>/pgdata`` (git
ignores ``bench/out/``), built once and reused by every benchmark of that size; ``--drop``
removes it. Contents, all seeded (same data every build):
- boundaries of ``kaltim_wilayah`` (real kab/kota, kecamatan and desa/kelurahan where the
  shared data has them, synthetic desa elsewhere), loaded by the app's ``load_boundaries``;
- N households: per kab/kota in proportion to its 2020 population, spread over its desa with
  a seeded log-normal weight (dense and sparse desa), each a point drawn inside its desa
  (``ST_GeneratePoints``), 5 % without coordinates; 75 % verified; desil 1-10; NIK and No. KK
  digests are the real HMAC-SHA256 under the bench key (computed in SQL), so the agency check
  finds them; rows in area-code order, as a DTKS extract arrives;
- 8 programs of 6 agencies and about 2 enrollments per household (poorer households more),
  starting on the first of a month 2024-01..2026-06, a fifth of them ended; then the app's own
  ``rebuild_segments`` builds the coverage segments, the households' coverage timelines and the
  steps; each household's H3 cell is stored as an import stores it (``fill_missing_cells``,
  then the table compacted).
Secondary indexes are dropped for the bulk insert and rebuilt after, as a bulk load does.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from sqlalchemy import Connection, Engine, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_coverage import HMAC_SQL, NIK, PROGRAMS, SECRET, pads  # noqa: E402
from kaltim_wilayah import POPULATION, boundary_files  # noqa: E402

from app.db import migrate  # noqa: E402
from app.db.engine import make_engine  # noqa: E402
from app.db.localpg import LocalPostgres  # noqa: E402
from app.services.coverage import rebuild_segments  # noqa: E402
from app.services.coverage.steps import refresh_stale  # noqa: E402
from app.services.registry.cells import fill_missing_cells  # noqa: E402
from app.services.wilayah import load_boundaries  # noqa: E402

OUT = ROOT / "bench" / "out"
REF = "2026-06-30"  # the reference date every benchmark asks for


def size_name(households: int) -> str:
    return f"{households // 1_000_000}m" if households >= 1_000_000 else f"{households // 1000}k"


def cluster(households: int) -> LocalPostgres:
    # One fixed port per size: the socket lives in the data directory, so it clashes with
    # nobody else's cluster.
    return LocalPostgres(OUT / size_name(households) / "pgdata", port=5460 + len(str(households)))


@contextmanager
def open_dataset(households: int) -> Iterator[str]:
    """Start the data set's cluster (building it first if missing), yield its URL, stop it."""
    pg = cluster(households)
    if not (pg.pgdata.parent / "READY").exists():
        build(households)
    url = pg.up()
    migrate.upgrade(url)  # a data set built before a new migration gets it here
    refresh_if_stale(url)
    try:
        yield url
    finally:
        pg.down()


def refresh_if_stale(url: str) -> None:
    """What ``sasaran coverage refresh`` does, when a migration left the figures stale."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            if conn.execute(text("SELECT count(*) FROM coverage_stale")).scalar_one():
                start = time.perf_counter()
                conn.execute(text("SET work_mem = '256MB'"))
                refresh_stale(conn)
                print(f"  coverage steps refreshed in {time.perf_counter() - start:.0f} s",
                      flush=True)
    finally:
        engine.dispose()


def build(households: int) -> None:
    """Build the data set; an interrupted build resumes after its last finished phase
    (each phase commits on its own: boundaries, households, enrollments, segments)."""
    pg = cluster(households)
    started = time.perf_counter()
    url = pg.up()
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        done = {name: bool(n) for name, n in zip(("boundaries", "households", "enrollments",
                                                  "segments"), _counts(engine), strict=True)}
        phases = (("boundaries", _boundaries),
                  ("households", lambda c: add_households(c, households)),
                  ("enrollments", add_enrollments),
                  ("segments", lambda c: rebuild_segments(c)))
        for name, step in phases:
            if done[name]:
                print(f"  {name}: kept from an earlier run", flush=True)
                continue
            start = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(text("SET work_mem = '256MB'"))
                step(conn)
            print(f"  {name}: {time.perf_counter() - start:.0f} s", flush=True)
        start = time.perf_counter()
        with engine.begin() as conn:  # generated in SQL: no H3 cell stored as an import does
            filled = fill_missing_cells(conn)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            if filled:  # every row was rewritten: compact, or scans read twice the pages
                conn.execute(text("VACUUM FULL household"))
                print(f"  H3 cells of {filled:,} households: "
                      f"{time.perf_counter() - start:.0f} s", flush=True)
            conn.execute(text("VACUUM ANALYZE"))
            summary = conn.execute(text(
                "SELECT (SELECT count(*) FROM household), (SELECT count(*) FROM enrollment), "
                "(SELECT count(*) FROM coverage_segment), (SELECT count(*) FROM wilayah "
                "WHERE level = 'kelurahan'), pg_size_pretty(pg_database_size(current_database()))"
            )).one()
    finally:
        engine.dispose()
        pg.down()
    disk = sum(f.stat().st_size for f in pg.pgdata.rglob("*") if f.is_file()) / 1e9
    line = (f"{summary[0]:,} households, {summary[1]:,} enrollments, {summary[2]:,} segments, "
            f"{summary[3]:,} desa/kelurahan; database {summary[4]}, data directory "
            f"{disk:.1f} GB; built in {time.perf_counter() - started:.0f} s")
    (pg.pgdata.parent / "READY").write_text(line + "\n")
    print(line)


def _counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(conn.execute(text(
            "SELECT (SELECT count(*) FROM wilayah), (SELECT count(*) FROM household), "
            "(SELECT count(*) FROM enrollment), (SELECT count(*) FROM coverage_segment)")).one())


def _boundaries(conn: Connection) -> None:
    for path in boundary_files(OUT / "wilayah"):
        load_boundaries(conn, path)


def allocation(conn: Connection, households: int, seed: int = 18) -> tuple[list[str], list[int]]:
    """Households per desa/kelurahan: kab/kota shares by population, log-normal within."""
    codes = conn.execute(text(
        "SELECT kode FROM wilayah WHERE level = 'kelurahan' ORDER BY kode")).scalars().all()
    rng = np.random.default_rng(seed)
    weight = rng.lognormal(0.0, 0.8, len(codes))
    kab = np.array([c[:5] for c in codes])
    for code, people in POPULATION.items():
        mask = kab == code
        weight[mask] *= people / weight[mask].sum()
    counts = np.floor(weight / weight.sum() * households).astype(int)
    counts[np.argsort(-weight)[: households - counts.sum()]] += 1
    return list(codes), counts.tolist()


HOUSEHOLDS_SQL = f"""
INSERT INTO household (id, id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash, nik_kepala_mask,
    nama_kepala, alamat, kode_kelurahan_deklarasi, kode_kelurahan, geom, jumlah_anggota, desil,
    pengeluaran_per_kapita, status_verifikasi, tanggal_verifikasi, flags)
SELECT i, 'K' || i, {HMAC_SQL.format(x="kk")}, left(kk, 6) || '********' || right(kk, 4),
       {HMAC_SQL.format(x="nik")}, left(nik, 6) || '********' || right(nik, 4),
       'Kepala ' || i, 'RT ' || (i % 20 + 1) || ' RW ' || (i % 7 + 1), kode, kode,
       CASE WHEN nocoords THEN NULL ELSE g END, 1 + floor(random() * 6),
       1 + floor(power(random(), 1.3) * 10),
       150000 + floor(random() * 1200000),
       CASE WHEN random() < 0.75 THEN 'terverifikasi' WHEN random() < 0.6 THEN 'belum'
            ELSE 'ditolak' END,
       DATE '2025-01-01' + floor(random() * 500)::int,
       CASE WHEN nocoords THEN ARRAY['no_coords'] ELSE '{{}}'::text[] END
FROM (SELECT i, kode, g, kk, {NIK.format(women=0)} AS nik, random() < 0.05 AS nocoords
      FROM (SELECT a.first + (d).path[1] - 1 AS i, a.kode, (d).geom AS g,
                   replace(left(a.kode, 8), '.', '') AS kec,
                   replace(left(a.kode, 8), '.', '') || lpad((a.first + (d).path[1])::text, 10,
                                                              '0') AS kk
            FROM unnest(CAST(:codes AS text[]), CAST(:counts AS int[]), CAST(:firsts AS bigint[]))
                     AS a(kode, n, first)
            JOIN wilayah w ON w.kode = a.kode
            CROSS JOIN LATERAL ST_Dump(ST_GeneratePoints(w.geom, a.n + 8, 18)) AS d
            WHERE a.n > 0 AND (d).path[1] <= a.n) pts) rows
"""


def add_households(conn: Connection, households: int) -> None:
    codes, counts = allocation(conn, households)
    firsts = np.concatenate([[1], np.cumsum(counts)[:-1] + 1]).tolist()
    conn.execute(text("SELECT setseed(0.18)"))
    with dropped_indexes(conn, "household"):
        conn.execute(text(HOUSEHOLDS_SQL), {"codes": codes, "counts": counts, "firsts": firsts,
                                            **pads(SECRET.encode())})
    conn.execute(text("SELECT setval(pg_get_serial_sequence('household', 'id'), :n)"),
                 {"n": households})


ENROLLMENTS_SQL = """
INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, tanggal_mulai,
                        tanggal_selesai, status)
SELECT (CAST(:pick AS int[]))[1 + floor(random() * 100)::int], h.id, 'id_keluarga',
       h.id_keluarga, e.start,
       CASE WHEN random() < 0.2 THEN (e.start + (6 * (1 + floor(random() * 4)))::int
                                      * interval '1 month')::date - 1 END,
       'matched'
FROM household h
CROSS JOIN LATERAL generate_series(1, CASE WHEN h.desil <= 4 THEN 1 + floor(random() * 5)::int
                                            ELSE floor(random() * 3.67)::int END) AS k
CROSS JOIN LATERAL (SELECT (DATE '2024-01-01' + (floor(random() * 30)::int + k * 0)
                            * interval '1 month')::date AS start) e
"""


def add_enrollments(conn: Connection) -> None:
    for kode, agency, _ in PROGRAMS:
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES (:a, :n) ON CONFLICT DO NOTHING"),
                     {"a": agency, "n": agency})
        conn.execute(text("INSERT INTO program (kode_program, nama, instansi) VALUES (:k, :n, :a)"),
                     {"k": kode, "n": kode, "a": agency})
    ids = dict(conn.execute(text("SELECT kode_program, id FROM program")).all())
    weights = np.array([w for _, _, w in PROGRAMS])
    share = np.round(weights / weights.sum() * 100).astype(int)
    share[0] += 100 - share.sum()
    pick = [ids[kode] for (kode, _, _), n in zip(PROGRAMS, share, strict=True) for _ in range(n)]
    with dropped_indexes(conn, "enrollment"):
        conn.execute(text(ENROLLMENTS_SQL), {"pick": pick})


@contextmanager
def dropped_indexes(conn: Connection, table: str) -> Iterator[None]:
    """Drop the table's secondary (non-constraint) indexes, rebuild them after the block."""
    defs = conn.execute(text(
        "SELECT indexname, indexdef FROM pg_indexes i WHERE tablename = :t AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"), {"t": table}).all()
    for name, _ in defs:
        conn.execute(text(f'DROP INDEX "{name}"'))
    yield
    for _, definition in defs:
        conn.execute(text(definition))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--drop", action="store_true", help="remove the data set")
    args = parser.parse_args()
    pg = cluster(args.households)
    if args.drop:
        pg.down()
        shutil.rmtree(pg.pgdata.parent, ignore_errors=True)
    elif (pg.pgdata.parent / "READY").exists():
        print((pg.pgdata.parent / "READY").read_text().strip(), "(already built)")
    else:
        build(args.households)


if __name__ == "__main__":
    main()
