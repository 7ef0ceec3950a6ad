"""Shared set-up for benchmarks: a throwaway private PostGIS cluster, migrated, and timing."""

from __future__ import annotations

import resource
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from app.db import migrate
from app.db.engine import make_engine
from app.db.localpg import LocalPostgres

ROOT = Path(__file__).resolve().parents[1]
WILAYAH = ROOT.parent / "shared" / "data" / "wilayah"


@contextmanager
def bench_database(port: int = 5433) -> Iterator[str]:
    """Start a private cluster in a temporary directory, migrate it, yield its URL, remove it."""
    workdir = Path(tempfile.mkdtemp(prefix="sasaran-bench-"))
    workdir.chmod(0o755)
    cluster = LocalPostgres(workdir / "pgdata", port=port)
    url = cluster.up()
    try:
        migrate.upgrade(url)
        yield url
    finally:
        cluster.down()
        shutil.rmtree(workdir, ignore_errors=True)


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def summary(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return (f"n={len(times)} min={ordered[0] * 1000:.1f} ms "
            f"median={statistics.median(ordered) * 1000:.1f} ms p95={p95 * 1000:.1f} ms")


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


__all__ = ["WILAYAH", "bench_database", "make_engine", "peak_rss_mb", "summary", "timed"]
