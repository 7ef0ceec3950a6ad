"""Adjacency graph time on every real kelurahan/desa file in ../shared/data/wilayah/ (issue 6).

Pure shapely (geo.wilayah.adjacency), five runs per file; prints areas, borders and timings.
Run: ``flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_adjacency.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from shapely.geometry import shape  # noqa: E402

from geo.wilayah import adjacency  # noqa: E402

from common import WILAYAH, summary, timed  # noqa: E402

REPEAT = 5
FILES = ("bontang_kelurahan", "balikpapan_kelurahan", "pangkalpinang_kelurahan",
         "balangan_desa", "kutai_timur_desa")


def main() -> None:
    for name in FILES:
        collection = json.loads((WILAYAH / f"{name}.geojson").read_text(encoding="utf-8"))
        areas = {f["properties"]["kode"]: shape(f["geometry"]) for f in collection["features"]}
        graph = adjacency(areas)
        borders = sum(len(v) for v in graph.values()) // 2
        times = timed(lambda areas=areas: adjacency(areas), REPEAT)
        print(f"{name:26s} areas={len(areas):4d} borders={borders:4d} {summary(times)}")


if __name__ == "__main__":
    main()
