"""Benchmark: 20 concurrent clients against ``sasaran serve`` on loopback (not a test).

    nice -n 15 ionice -c3 .venv/bin/python bench/bench_load.py --households 1000000

Bounded: each phase runs ``--seconds`` (default 20) and every client stops by itself at the
deadline or after ``--max-requests`` requests, whichever comes first; only 127.0.0.1 is
addressed. Phases, one after the other, on the data set of ``bench/dataset.py``:
- **coverage**: ``/api/v1/coverage`` per kelurahan of a random kab/kota with a random filter
  (none, a program, an agency, desil 1-6, a reference date 2024-2026);
- **tiles**: household tiles at z14-16 over sampled household locations, and area tiles at
  z8-13 around them;
- **mixed**: both, plus ``/api/v1/map/figures`` for one kab/kota in one request of ten.
Printed per phase: requests/s, p50/p95, errors. Target: >= 50 req/s at 1 M.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_coverage import PROGRAMS  # noqa: E402
from bench_tiles import sample_tiles  # noqa: E402
from dataset import open_dataset  # noqa: E402
from servers import app_server  # noqa: E402

KABKOTA = ("64.01", "64.02", "64.03", "64.07", "64.08", "64.09", "64.11", "64.71", "64.72",
           "64.74", "63.11")
DATES = ("2024-06-30", "2025-03-15", "2025-12-31", "2026-06-30")


def coverage_request(rng: random.Random, _: list) -> tuple[str, dict]:
    params: dict = {"level": "kelurahan", "parent": rng.choice(KABKOTA),
                    "ref_date": rng.choice(DATES)}
    pick = rng.randrange(4)
    if pick == 1:
        params["program"] = rng.choice(PROGRAMS)[0]
    elif pick == 2:
        params["agency"] = rng.choice(PROGRAMS)[1]
    elif pick == 3:
        params["desil_max"] = rng.randint(1, 6)
    return "/api/v1/coverage", params


def tile_request(rng: random.Random, tiles: list) -> tuple[str, dict]:
    z, x, y = rng.choice(tiles)
    if rng.random() < 0.3:  # zoomed out: area aggregates on the same URL
        up = rng.randint(1, 6)
        z, x, y = z - up, x >> up, y >> up
    return f"/tiles/households/{z}/{x}/{y}.pbf", {"ref_date": rng.choice(DATES)}


def mixed_request(rng: random.Random, tiles: list) -> tuple[str, dict]:
    roll = rng.random()
    if roll < 0.1:
        return "/api/v1/map/figures", {"kecamatan": rng.choice(KABKOTA),
                                       "ref_date": rng.choice(DATES)}
    return (coverage_request if roll < 0.55 else tile_request)(rng, tiles)


def run_phase(base: str, make: Callable, tiles: list, clients: int, seconds: float,
              max_requests: int) -> dict:
    deadline = time.monotonic() + seconds
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(seed: int) -> None:
        rng = random.Random(seed)
        mine, bad = [], []
        with httpx.Client(base_url=base, timeout=60) as http:
            for _ in range(max_requests):
                if time.monotonic() >= deadline:
                    break
                path, params = make(rng, tiles)
                start = time.perf_counter()
                response = http.get(path, params=params)
                mine.append(time.perf_counter() - start)
                if response.status_code != 200:
                    bad.append(f"{response.status_code} {path}")
        with lock:
            times.extend(mine)
            errors.extend(bad)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    times.sort()
    return {"rps": len(times) / elapsed, "n": len(times), "errors": errors,
            "p50": statistics.median(times) * 1000,
            "p95": times[round(0.95 * (len(times) - 1))] * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--max-requests", type=int, default=5000)
    args = parser.parse_args()
    with open_dataset(args.households) as url:
        dsn = psycopg.conninfo.make_conninfo(url.replace("postgresql+psycopg", "postgresql"))
        tiles = sample_tiles(dsn, 300)
        with app_server(url) as base:
            warm = random.Random(0)
            with httpx.Client(base_url=base, timeout=120) as http:
                for _ in range(20):
                    path, params = mixed_request(warm, tiles)
                    http.get(path, params=params)
            print(f"[{args.households:,} households] {args.clients} clients, "
                  f"{args.seconds:.0f} s per phase, loopback:")
            for name, make in (("coverage", coverage_request), ("tiles", tile_request),
                               ("mixed", mixed_request)):
                r = run_phase(base, make, tiles, args.clients, args.seconds, args.max_requests)
                print(f"  {name:8} {r['rps']:6.1f} req/s  p50 {r['p50']:6.0f} ms  "
                      f"p95 {r['p95']:6.0f} ms  {r['n']:,} requests, {len(r['errors'])} errors "
                      f"{sorted(set(r['errors']))[:3]}", flush=True)


if __name__ == "__main__":
    main()
