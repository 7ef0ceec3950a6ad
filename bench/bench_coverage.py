"""Benchmark: coverage analytics at 1,000,000 households and 2,000,000 enrollments (not a test).

Run under the machine-wide lock:
    flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_coverage.py [--households N]

A private PostGIS cluster is created in a temporary directory; the real kelurahan of Balikpapan,
Bontang and Pangkalpinang are loaded from ../shared/data/wilayah/. Households, members and
enrollments are generated in SQL (generate_series, seeded random(); NIK/No. KK digests are the
real HMAC-SHA256 computed in SQL from the key's inner/outer pads). The coverage segments are
then rebuilt from scratch (the import-time cost) and every figure is timed through the API
(FastAPI TestClient, warm): coverage per kelurahan of one kab/kota, the overlap matrix, and a
10,000-NIK check; the naive count(DISTINCT) query is timed once for comparison, and the key
lines of the query plans are printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import Connection, text  # noqa: E402

from app.main import create_app  # noqa: E402
from app.services.coverage import rebuild_segments  # noqa: E402
from app.services.scope import area_scope  # noqa: E402
from app.services.wilayah import load_boundaries  # noqa: E402
from app.settings import Settings  # noqa: E402
from app.sql import statement  # noqa: E402
from bench.common import WILAYAH, bench_database, make_engine, summary, timed  # noqa: E402

SECRET = "bench-coverage-secret-key-0123456789abcdef"
CITIES = ("balikpapan_kelurahan", "bontang_kelurahan", "pangkalpinang_kelurahan")
KAB = "64.71"  # Balikpapan: the kab/kota of the per-kelurahan figure
PROGRAMS = (  # code, agency, weight of enrollments
    ("PKH", "DINSOS", 0.22), ("BPNT", "DINSOS", 0.22), ("PBI-JK", "DINKES", 0.2),
    ("KARTU-PRAKERJA", "DISNAKER", 0.08), ("RTLH", "DISPERKIM", 0.05),
    ("ZAKAT-PRODUKTIF", "BAZNAS", 0.1), ("CSR-BEASISWA", "CSR-PUPUK", 0.08),
    ("SEMBAKO-DAERAH", "DINSOS", 0.05),
)
NIK = ("kec || lpad(((i % 28) + 1 + {women})::text, 2, '0') || lpad((((i / 28) % 12) + 1)::text, "
       "2, '0') || lpad(((i / 336) % 100)::text, 2, '0') || lpad((((i / 33600) % 9999) + 1)"
       "::text, 4, '0')")
HMAC_SQL = "sha256(CAST(:opad AS bytea) || sha256(CAST(:ipad AS bytea) || convert_to({x}, 'UTF8')))"


def pads(key: bytes) -> dict[str, bytes]:
    block = key.ljust(64, b"\0")
    return {"ipad": bytes(b ^ 0x36 for b in block), "opad": bytes(b ^ 0x5C for b in block)}


def nik_of(code: str, i: int, women: int = 0) -> str:
    """The NIK the SQL below gives household ``i`` (head; ``women=40`` for the member)."""
    kec = code[:8].replace(".", "")
    return (f"{kec}{i % 28 + 1 + women:02d}{(i // 28) % 12 + 1:02d}{(i // 336) % 100:02d}"
            f"{(i // 33600) % 9999 + 1:04d}")


def generate(conn: Connection, households: int, enrollments: int) -> None:
    conn.execute(text("SELECT setseed(0.42)"))
    codes = conn.execute(text(
        "SELECT array_agg(kode ORDER BY kode) FROM wilayah WHERE level = 'kelurahan'")).scalar_one()
    kk = HMAC_SQL.format(x="kk")
    conn.execute(text(f"""
        INSERT INTO household (id, id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash,
            nik_kepala_mask, nama_kepala, alamat, kode_kelurahan_deklarasi, kode_kelurahan,
            jumlah_anggota, desil, pengeluaran_per_kapita, status_verifikasi)
        SELECT i, 'B' || i, {kk}, left(kk, 6) || '********' || right(kk, 4),
               {HMAC_SQL.format(x="nik")}, left(nik, 6) || '********' || right(nik, 4),
               'Kepala ' || i, 'Jl. Contoh No. ' || i, kel, kel, 1 + floor(random() * 6),
               least(10, 1 + floor(7.0 * i / :rows + 4 * random())),
               CASE WHEN random() < 0.05 THEN NULL ELSE 150000 + floor(random() * 1200000) END,
               CASE WHEN random() < 0.75 THEN 'terverifikasi' WHEN random() < 0.6 THEN 'belum'
                    ELSE 'ditolak' END
        FROM (SELECT i, kel, kec || lpad(i::text, 10, '0') AS kk, {NIK.format(women=0)} AS nik
              FROM (SELECT i, kel, replace(left(kel, 8), '.', '') AS kec
                    FROM (SELECT i, (CAST(:codes AS text[]))[1 + floor(random() * :n)::int] AS kel
                          FROM generate_series(1, :rows) AS i) a) b) c
    """), {"codes": codes, "n": len(codes), "rows": households, **pads(SECRET.encode())})
    conn.execute(text(f"""
        INSERT INTO member (household_id, nik_hash, nik_mask, nama)
        SELECT i, {HMAC_SQL.format(x="nik")}, left(nik, 6) || '********' || right(nik, 4),
               'Pasangan ' || i
        FROM (SELECT h.id AS i, {NIK.format(women=40)} AS nik
              FROM (SELECT id AS i, id, replace(left(kode_kelurahan, 8), '.', '') AS kec
                    FROM household) h) m
    """), pads(SECRET.encode()))
    for kode, agency, _ in PROGRAMS:
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES (:a, :n) ON CONFLICT DO NOTHING"),
                     {"a": agency, "n": agency})
        conn.execute(text("INSERT INTO program (kode_program, nama, instansi) VALUES (:k, :n, :a)"),
                     {"k": kode, "n": kode, "a": agency})
    weights = [w for _, _, w in PROGRAMS]
    bounds = [sum(weights[: i + 1]) for i in range(len(weights))]
    # Poorer households are enrolled more often (as targeting intends, imperfectly).
    conn.execute(text("""
        INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, tanggal_mulai,
                                tanggal_selesai, status)
        SELECT p.id, hh, 'id_keluarga', 'B' || hh, start,
               CASE WHEN random() < 0.35 THEN start + (30 + floor(random() * 900))::int END,
               'matched'
        FROM (SELECT 1 + floor(power(random(), 1.6) * :households)::bigint AS hh,
                     DATE '2021-01-01' + floor(random() * 1800)::int AS start,
                     (SELECT count(*) FROM unnest(CAST(:bounds AS float8[])) b
                       WHERE b < r.x) + 1 AS pick
              FROM (SELECT random() AS x FROM generate_series(1, :rows)) r) e
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS pick FROM program) p USING (pick)
    """), {"households": households, "rows": enrollments, "bounds": bounds})


def explain(conn: Connection, label: str, sql: str, params: dict) -> None:
    """The plan's key lines: scans, joins, aggregates with their actual rows and times."""
    plan = conn.execute(text("EXPLAIN (ANALYZE, BUFFERS) " + sql), params).scalars().all()
    print(f"  plan: {label}")
    keys = ("Scan", "Join", "Aggregate", "Execution Time", "Planning Time", "Workers")
    for line in plan:
        if any(k in line for k in keys):
            print("    " + line.strip()[:150])


def naive(conn: Connection, params: dict) -> None:
    conn.execute(text("""
        SELECT h.kode_kelurahan, count(*) AS targets, count(e.household_id) AS covered,
               count(*) FILTER (WHERE e.n >= 2) AS overlap
        FROM household h
        LEFT JOIN (SELECT household_id, count(DISTINCT program_id) AS n FROM enrollment
                   WHERE tanggal_mulai <= :ref AND (tanggal_selesai IS NULL
                                                    OR :ref <= tanggal_selesai)
                   GROUP BY household_id) e ON e.household_id = h.id
        WHERE h.status_verifikasi = 'terverifikasi' AND h.desil <= :desil
          AND h.kode_kelurahan LIKE :parent || '.%'
        GROUP BY 1"""), params).all()


def measure(url: str, households: int) -> None:
    with tempfile.TemporaryDirectory() as data_dir:
        settings = Settings(database_url=url, secret_key=SECRET, auth_disabled=True,
                            data_dir=Path(data_dir), check_rate_per_minute=10_000)
        with TestClient(create_app(settings)) as client:
            def get(path: str, **params: object) -> object:
                response = client.get(path, params=params)
                assert response.status_code == 200, response.text
                return response.json()

            dates = ("2022-06-30", "2024-01-01", "2025-03-15")
            rows = get("/api/v1/coverage", level="kelurahan", parent=KAB, ref_date=dates[1])
            targets, covered = (sum(r[k] for r in rows) for k in ("targets", "covered"))
            print(f"coverage per kelurahan of {KAB}: {len(rows)} rows, targets {targets:,}, "
                  f"covered {covered:,}")
            for day in dates:
                times = timed(lambda d=day: get("/api/v1/coverage", level="kelurahan",
                                                parent=KAB, ref_date=d, desil_max=4), 40)
                print(f"  API /coverage kelurahan {KAB} ref_date={day} (warm): "
                      f"{summary(times[5:])}")
            times = timed(lambda: get("/api/v1/coverage", level="kecamatan", parent=KAB,
                                      ref_date=dates[1], desil_max=2), 20)
            print(f"  API /coverage kecamatan {KAB} desil_max=2: {summary(times[3:])}")
            times = timed(lambda: get("/api/v1/coverage", level="kelurahan", parent=KAB,
                                      ref_date=dates[1], program="PKH"), 20)
            print(f"  API /coverage kelurahan {KAB} program=PKH: {summary(times[3:])}")
            times = timed(lambda: get("/api/v1/coverage/overlap", ref_date=dates[1]), 8)
            print(f"  API /coverage/overlap (all {households:,} households): "
                  f"{summary(times[1:])}")
            times = timed(lambda: get("/api/v1/coverage/overlap", ref_date=dates[1],
                                      parent=KAB), 8)
            print(f"  API /coverage/overlap parent={KAB}: {summary(times[1:])}")
            check_numbers(client, households)


def check_numbers(client: TestClient, households: int) -> None:
    engine = make_engine(client.app.state.settings.database_url)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        sample = conn.execute(text(
            "SELECT id, kode_kelurahan FROM household WHERE id % 150 = 0 ORDER BY id LIMIT 8000"
        )).all()
    engine.dispose()
    niks = [nik_of(code, i) for i, code in sample[:6000]]
    niks += [nik_of(code, i, 40) for i, code in sample[6000:]]  # members
    niks += [nik_of("64.71.01.1001", households + k) for k in range(10_000 - len(niks))]
    times = []
    for _ in range(6):
        start = time.perf_counter()
        response = client.post("/api/v1/coverage/check", json={"nik": niks,
                                                                "ref_date": "2024-01-01"})
        times.append(time.perf_counter() - start)
        assert response.status_code == 200, response.text[:300]
    found = sum(r["ditemukan"] for r in response.json()["nik"])
    print(f"  API /coverage/check 10,000 NIK ({found:,} found, 2,000 by member NIK): "
          f"{summary(times[1:])}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--enrollments", type=int, default=2_000_000)
    args = parser.parse_args()
    with bench_database(port=5446) as url:
        engine = make_engine(url)
        with engine.begin() as conn:
            for city in CITIES:
                load_boundaries(conn, WILAYAH / f"{city}.geojson")
            start = time.perf_counter()
            generate(conn, args.households, args.enrollments)
            print(f"generated {args.households:,} households (+ as many members), "
                  f"{args.enrollments:,} enrollments in {time.perf_counter() - start:.1f} s")
            start = time.perf_counter()
            segments = rebuild_segments(conn)
            steps = conn.execute(text("SELECT count(*) FROM coverage_step")).scalar_one()
            print(f"coverage segments and steps rebuilt from scratch: {segments:,} segments, "
                  f"{steps:,} step rows (one per group) in {time.perf_counter() - start:.1f} s")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        params = {"ref": date(2024, 1, 1), "desil": 4, "parent": KAB,
                  **area_scope((), KAB), "pids": None, "code_length": 13}
        with engine.connect() as conn:
            naive(conn, params)
            start = time.perf_counter()
            naive(conn, params)
            print(f"naive count(DISTINCT) query, kelurahan of {KAB} (warm): "
                  f"{(time.perf_counter() - start) * 1000:.0f} ms")
            explain(conn, "targets per kelurahan", statement("coverage/targets_by_area.sql"),
                    params)
            explain(conn, "active segments per kelurahan (program/agency filters)",
                    statement("coverage/segments_by_area.sql"), {**params, "only": None})
            explain(conn, "coverage steps per kelurahan (unfiltered)",
                    statement("coverage/steps_by_area.sql"), {**params, "stale": []})
        engine.dispose()
        measure(url, args.households)


if __name__ == "__main__":
    main()
