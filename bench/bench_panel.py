"""Benchmark: the map's area panel, GET /api/v1/map/areas/{kode} (not a test).

    nice -n 15 ionice -c3 .venv/bin/python bench/bench_panel.py --households 1000000

On the data set of ``bench/dataset.py``, against ``sasaran serve`` (own process, loopback HTTP,
keep-alive, a local admin: the panel with its ten poorest uncovered households), warm, in turns:
the densest kelurahan (most households), its kecamatan and its kab/kota. What a click on the
map asks for: figures, per program, P0-P2 and the gap list of that one area.
Target (issue 15/18): click-to-panel < 300 ms at 1 M. The machine is shared: the ANCHOR is a
fixed CPU-bound loop (bench_map.anchor_s) measured before and after, every median is also given
in anchors.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_map import anchor_s  # noqa: E402
from dataset import REF, open_dataset  # noqa: E402
from servers import app_server  # noqa: E402

DENSEST = ("SELECT kode_kelurahan FROM household GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    before = anchor_s()
    with open_dataset(args.households) as url, app_server(url) as base, \
            httpx.Client(base_url=base, timeout=120) as http:
        dsn = psycopg.conninfo.make_conninfo(url.replace("postgresql+psycopg", "postgresql"))
        with psycopg.connect(dsn) as pg:
            row = pg.execute(DENSEST).fetchone()
            assert row is not None
            kelurahan = str(row[0])
            households = pg.execute("SELECT count(*) FROM household WHERE kode_kelurahan = %s",
                                    (kelurahan,)).fetchone()
        areas = {"kelurahan": kelurahan, "kecamatan": kelurahan[:8], "kab/kota": kelurahan[:5]}
        times: dict[str, list[float]] = {name: [] for name in areas}
        for kode in areas.values():  # warm
            http.get(f"/api/v1/map/areas/{kode}", params={"ref_date": REF}).raise_for_status()
        for i in range(args.rounds):
            names = list(areas)
            for name in names[i % 3:] + names[:i % 3]:
                start = time.perf_counter()
                http.get(f"/api/v1/map/areas/{areas[name]}",
                         params={"ref_date": REF}).raise_for_status()
                times[name].append(time.perf_counter() - start)
    anchor = statistics.median([before, anchor_s()])
    print(f"[{args.households:,} households] GET /api/v1/map/areas/{{kode}}, {args.rounds} "
          f"rounds in turns; anchor {anchor * 1000:.0f} ms (fixed CPU loop, machine shared)")
    for name, values in times.items():
        p50 = statistics.median(values)
        extra = f" ({households[0] if households else 0:,} households)" \
            if name == "kelurahan" else ""
        print(f"  {name:9} {areas[name]}{extra}: p50 {p50 * 1000:6.0f} ms = "
              f"{p50 / anchor:.2f} anchors, max {max(values) * 1000:6.0f} ms")
    print("  target: click-to-panel < 300 ms at 1 M")


if __name__ == "__main__":
    main()
