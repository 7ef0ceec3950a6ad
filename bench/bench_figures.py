"""Benchmark: coverage by area with every filter, and the map figures (not a test).

    nice -n 15 ionice -c3 .venv/bin/python bench/bench_figures.py --households 1000000

On the data set of ``bench/dataset.py``, against ``sasaran serve`` (own process, loopback
HTTP, keep-alive), warm (every request the rounds can draw asked once first; ``--cold``
skips that), requests in turns over the filters so a noisy neighbour hits all:
- ``/api/v1/coverage?level=kelurahan&parent=<kab/kota>`` with no filter, a program, an agency,
  desil 1-6 and a reference date, over the eleven kab/kota (p50/p95 per filter);
- the anchor: the naive ``count(DISTINCT)`` join over household and enrollment for the same
  kab/kota and program, run over psycopg in this process (no HTTP);
- ``/api/v1/map/figures`` for the whole data set and for one kab/kota.
Targets: coverage p95 < 50 ms at 1 M and < 150 ms at 10 M; map figures < 300 ms at 10 M.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_coverage import PROGRAMS  # noqa: E402
from bench_load import DATES, KABKOTA  # noqa: E402
from dataset import REF, open_dataset  # noqa: E402
from servers import app_server  # noqa: E402

NAIVE_SQL = """
SELECT h.kode_kelurahan, count(*) AS targets, count(e.household_id) AS covered,
       count(*) FILTER (WHERE e.n >= 2) AS overlap
FROM household h
LEFT JOIN (SELECT household_id, count(DISTINCT program_id) AS n FROM enrollment
           WHERE tanggal_mulai <= %(ref)s AND (tanggal_selesai IS NULL
                                               OR %(ref)s <= tanggal_selesai)
             AND program_id = (SELECT id FROM program WHERE kode_program = %(program)s)
           GROUP BY household_id) e ON e.household_id = h.id
WHERE h.status_verifikasi = 'terverifikasi' AND h.desil <= 4
  AND h.kode_kelurahan LIKE %(parent)s || '.%%'
GROUP BY 1
"""
FILTERS = ("none", "program", "agency", "desil", "date")


def params_for(kind: str, rng: random.Random) -> dict:
    p: dict = {"level": "kelurahan", "parent": rng.choice(KABKOTA), "ref_date": REF}
    if kind == "program":
        p["program"] = rng.choice(PROGRAMS)[0]
    elif kind == "agency":
        p["agency"] = rng.choice(PROGRAMS)[1]
    elif kind == "desil":
        p["desil_max"] = rng.randint(1, 6)
    elif kind == "date":
        p["ref_date"] = rng.choice(DATES)
    return p


def warm_every_request(http: httpx.Client, pg: psycopg.Connection) -> None:
    """Ask every request the rounds can draw once (each kab/kota with each program, agency,
    desil and date; the naive join once per kab/kota), as a server that has been up for a
    while has them in its cache: the cluster starts with empty buffers and a first touch of a
    (kab/kota, program) pair's steps reads from disk (200-670 ms against 14-71 ms warm,
    docs/performance.md). ``--cold`` measures without it."""
    for parent in KABKOTA:
        variants = [{}, *({"program": p[0]} for p in PROGRAMS),
                    *({"agency": a} for a in sorted({p[1] for p in PROGRAMS})),
                    *({"desil_max": d} for d in range(1, 7)),
                    *({"ref_date": d} for d in DATES)]
        for extra in variants:
            http.get("/api/v1/coverage", params={"level": "kelurahan", "parent": parent,
                                                 "ref_date": REF, **extra}).raise_for_status()
        pg.execute(NAIVE_SQL, {"ref": REF, "program": PROGRAMS[0][0], "parent": parent}).fetchall()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--cold", action="store_true",
                        help="skip the warm-up pass (first touches read from disk)")
    args = parser.parse_args()
    cold = args.cold
    rng = random.Random(18)
    times: dict[str, list[float]] = {k: [] for k in (*FILTERS, "naive")}
    with open_dataset(args.households) as url, app_server(url) as base, \
            httpx.Client(base_url=base, timeout=120) as http:
        dsn = psycopg.conninfo.make_conninfo(url.replace("postgresql+psycopg", "postgresql"))
        with psycopg.connect(dsn) as pg:
            if cold:
                for kind in FILTERS:  # one request per filter
                    http.get("/api/v1/coverage", params=params_for(kind, rng)).raise_for_status()
            else:
                warm_every_request(http, pg)
            for i in range(args.rounds):
                order = [*FILTERS, "naive"]
                for kind in order[i % 6:] + order[:i % 6]:
                    p = params_for("program" if kind == "naive" else kind, rng)
                    start = time.perf_counter()
                    if kind == "naive":
                        pg.execute(NAIVE_SQL, {"ref": REF, "program": p["program"],
                                               "parent": p["parent"]}).fetchall()
                    else:
                        http.get("/api/v1/coverage", params=p).raise_for_status()
                    times[kind].append(time.perf_counter() - start)
        figures: dict[str, list[float]] = {"province": [], "kab/kota 64.72": []}
        for i in range(8):
            for name, extra in (("province", {}), ("kab/kota 64.72", {"kecamatan": "64.72"})):
                start = time.perf_counter()
                http.get("/api/v1/map/figures", params={"ref_date": REF, **extra}) \
                    .raise_for_status()
                if i:  # the first of each is the cold one
                    figures[name].append(time.perf_counter() - start)
    print(f"[{args.households:,} households] /api/v1/coverage per kelurahan of one kab/kota, "
          f"{args.rounds} rounds in turns, {'cold' if cold else 'warm'}:")
    for kind, values in times.items():
        print(f"  {kind:8} p50 {statistics.median(values) * 1000:7.1f} ms  "
              f"p95 {pct(values, 0.95):7.1f} ms")
    worst = max(pct(times[k], 0.95) for k in FILTERS)
    print(f"  worst filter p95 {worst:.0f} ms (target < 50 ms at 1 M, < 150 ms at 10 M); "
          f"program filter p50 / naive join p50 "
          f"{statistics.median(times['program']) / statistics.median(times['naive']):.2f}x")
    for name, values in figures.items():
        print(f"  /api/v1/map/figures {name}: p50 {statistics.median(values) * 1000:.0f} ms, "
              f"max {max(values) * 1000:.0f} ms (target < 300 ms at 10 M)")


if __name__ == "__main__":
    main()
