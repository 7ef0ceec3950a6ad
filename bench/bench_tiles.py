"""Benchmark: household vector tiles against tipg and the bare ST_AsMVT query (not a test).

    nice -n 15 ionice -c3 .venv/bin/python bench/bench_tiles.py --households 1000000

On the data set of ``bench/dataset.py`` (built first if missing), three ways to the same
tiles, measured in turns (A, B, C, then B, C, A, ...) so a noisy neighbour hits all three:
- **app**: ``GET /tiles/households/{z}/{x}/{y}.pbf`` of ``sasaran serve`` (its own process,
  loopback HTTP, keep-alive): target households with their coverage status on the date;
- **tipg** 1.6.1 (PyPI, its own process, loopback HTTP): the same table and tile, the same
  target rows (CQL2 filter) and properties, its per-tile limit raised to ours;
- **bare**: the plain ``ST_AsMVT`` over the same rows and properties, no status, run over
  psycopg in this process (no HTTP): the floor of any tile server;
- **sql**: the app's own tile statement (with the status) run the same bare way: what the
  app adds over its SQL is HTTP, FastAPI and the transaction.
Tiles: one per sampled household location (seeded), zoom 14-16, where points are drawn. Then
the size of the tile over the densest spot at every zoom 0-18 (aggregates below the point
zoom). Printed: p50/p95 per way, the ratios of the medians, and the largest tile.
"""

from __future__ import annotations

import argparse
import math
import random
import re
import statistics
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dataset import REF, open_dataset  # noqa: E402
from servers import app_server, tipg_server  # noqa: E402

from app.services.maps.tiles import MAX_POINTS  # noqa: E402
from app.services.scope import area_scope  # noqa: E402
from app.sql import statement  # noqa: E402

DESIL = 4
BARE_SQL = """
SELECT ST_AsMVT(t, 'households', 4096, 'geom', 'id') FROM (
    SELECT ST_AsMVTGeom(ST_Transform(geom, 3857), ST_TileEnvelope(%(z)s, %(x)s, %(y)s),
                        4096, 64, true) AS geom, id, kode_kelurahan, desil
    FROM household
    WHERE geom && ST_Transform(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), 4326)
      AND status_verifikasi = 'terverifikasi' AND desil <= %(desil)s) t
"""


# The app's statement with psycopg's placeholders (its bound names, no literal %).
APP_SQL = re.sub(r"(?<!:):([a-z_]+)", r"%(\1)s", statement("maps/household_tile.sql"))


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def sample_tiles(dsn: str, n: int) -> list[tuple[int, int, int]]:
    with psycopg.connect(dsn) as conn:
        points = conn.execute(
            "SELECT ST_X(geom), ST_Y(geom) FROM household TABLESAMPLE SYSTEM (1) REPEATABLE (7) "
            "WHERE geom IS NOT NULL LIMIT %s", (n,)).fetchall()
    rng = random.Random(7)
    tiles = []
    for lon, lat in points:
        z = rng.choice((14, 15, 16))
        tiles.append((z, *tile_of(lon, lat, z)))
    return tiles


def densest(dsn: str) -> tuple[float, float]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT ST_X(w.label_point), ST_Y(w.label_point) FROM wilayah w "
            "WHERE level = 'kelurahan' ORDER BY (SELECT count(*) FROM household h "
            "WHERE h.kode_kelurahan = w.kode) / greatest(w.luas_km2, 0.01) DESC LIMIT 1").fetchone()


def pctl(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def measure(url: str, tiles: list[tuple[int, int, int]]) -> dict[str, list[float]]:
    dsn = psycopg.conninfo.make_conninfo(url.replace("postgresql+psycopg", "postgresql"))
    times: dict[str, list[float]] = {"app": [], "tipg": [], "bare": [], "sql": []}
    params = {"ref_date": REF, "desil_max": DESIL}
    tipg_params = {"properties": "id,kode_kelurahan,desil",
                   "filter": f"status_verifikasi='terverifikasi' AND desil<={DESIL}",
                   "filter-lang": "cql2-text"}
    with app_server(url) as app, tipg_server(url, MAX_POINTS) as tipg, \
            httpx.Client(timeout=60) as http, psycopg.connect(dsn) as pg:
        def get_app(z: int, x: int, y: int) -> None:
            http.get(f"{app}/tiles/households/{z}/{x}/{y}.pbf", params=params).raise_for_status()

        def get_tipg(z: int, x: int, y: int) -> None:
            http.get(f"{tipg}/collections/public.household/tiles/WebMercatorQuad/{z}/{x}/{y}",
                     params=tipg_params).raise_for_status()

        def get_bare(z: int, x: int, y: int) -> None:
            pg.execute(BARE_SQL, {"z": z, "x": x, "y": y, "desil": DESIL}).fetchone()

        def get_sql(z: int, x: int, y: int) -> None:
            pg.execute(APP_SQL, {"z": z, "x": x, "y": y, "desil": DESIL, "ref": REF,
                                 "pids": None, "layer": "households", "enrolled_only": False,
                                 **area_scope()}).fetchone()

        ways = [("app", get_app), ("tipg", get_tipg), ("bare", get_bare), ("sql", get_sql)]
        for way in ways:  # warm each server's connections and the tiles' pages once
            for tile in tiles[:20]:
                way[1](*tile)
        for i, tile in enumerate(tiles):
            for name, fn in ways[i % 4:] + ways[:i % 4]:
                start = time.perf_counter()
                fn(*tile)
                times[name].append(time.perf_counter() - start)
        sizes = tile_sizes(http, app, densest(dsn), params)
    print(f"  largest tile over the densest kelurahan: {max(sizes, key=lambda s: s[1])}")
    for z, kb, n in sizes:
        print(f"    z{z:<2} {kb:8.1f} kB {n:7,d} features")
    return times


def tile_sizes(http: httpx.Client, app: str, where: tuple[float, float],
               params: dict) -> list[tuple[int, float, int]]:
    import mapbox_vector_tile

    sizes = []
    for z in range(0, 19):
        x, y = tile_of(*where, z)
        body = http.get(f"{app}/tiles/households/{z}/{x}/{y}.pbf", params=params).content
        layers = mapbox_vector_tile.decode(body) if body else {}
        sizes.append((z, len(body) / 1000, sum(len(v["features"]) for v in layers.values())))
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--tiles", type=int, default=300)
    args = parser.parse_args()
    with open_dataset(args.households) as url:
        dsn = psycopg.conninfo.make_conninfo(url.replace("postgresql+psycopg", "postgresql"))
        tiles = sample_tiles(dsn, args.tiles)
        times = measure(url, tiles)
    p50 = {k: statistics.median(v) * 1000 for k, v in times.items()}
    print(f"[{args.households:,} households] {len(tiles)} tiles z14-16, in turns:")
    for name, values in times.items():
        print(f"  {name:5} p50 {p50[name]:6.2f} ms  p95 {pctl(values, 0.95):6.2f} ms")
    # The 1.2x target compares statements (the app's with the coverage status against the
    # plain ST_AsMVT), both without HTTP; app/bare adds HTTP, which tipg pays too.
    print(f"  app/tipg p50 {p50['app'] / p50['tipg']:.2f}x (target <= 1), "
          f"sql/bare p50 {p50['sql'] / p50['bare']:.2f}x (target <= 1.2), "
          f"app/bare p50 {p50['app'] / p50['bare']:.2f}x, "
          f"app/sql p50 {p50['app'] / p50['sql']:.2f}x, "
          f"app p95 {pctl(times['app'], 0.95):.0f} ms (target < 100 ms at 1 M, < 200 at 10 M)")


if __name__ == "__main__":
    main()
