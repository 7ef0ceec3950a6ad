"""Benchmark: the RPKD PDF report of a kota, step by step (not a test).

    flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_report.py [--households N]
        [--profile]

A private PostGIS cluster in a temporary directory gets the committed sample city (data/samples,
15 kelurahan, loaded as bench/bench_map.py does: the sample households plus three programs with
seeded enrollments); with ``--households N`` a second cluster gets N synthetic households over
Balikpapan, Bontang and Kutai Timur (bench_map.load_big) and the report of Kota Balikpapan
(64.71, 34 kelurahan) is timed too. The report is made in-process, as a local admin, through the
same functions ``report_pdf`` chains (``app.services.maps.report``):

- data: ``report_data`` (tables, P0-P2, the overlap matrix) and, per map, ``picture`` (the
  classed figures and the polygons);
- each matplotlib picture: ``render`` of the coverage-rate and of the gap map;
- WeasyPrint: the template (``report_html``) and the layout (``html_pdf``);
- the whole ``report_pdf``.

Each is the median of ``--repeat`` (3) runs after one warm-up run (the first run loads fonts and
imports WeasyPrint: what a server pays once). The machine is shared: every median is also given
as a ratio to the ANCHOR (bench_map.anchor_s: a fixed CPU-bound loop, 43-58 ms at load ~2),
measured before and after, and the process's CPU seconds (less disturbed by other load than
the wall clock); the load average is printed. ``--profile`` prints cProfile's top
functions (cumulative) of one whole report. Target (issue 15): < 10 s for a kota of 15-60
kelurahan at 1 M households.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import logging
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_map import anchor_s, load_big, load_sample  # noqa: E402

from app.principal import LOCAL_ADMIN  # noqa: E402
from app.services.maps import MapFilter, ReportScope, report_data, report_pdf  # noqa: E402
from app.services.maps.report import html_pdf, report_html, report_maps  # noqa: E402
from app.settings import Settings  # noqa: E402
from geo.maps.render import render  # noqa: E402

from common import bench_database, make_engine  # noqa: E402

REF = date(2026, 6, 30)
SCOPE = ReportScope(LOCAL_ADMIN)


def steps(conn: Any, area: str) -> dict[str, float]:
    """Seconds of each step of one report of ``area``."""
    flt = MapFilter(REF, 4, None, None, area)
    took: dict[str, float] = {}

    def clock(name: str, fn: Callable[[], Any]) -> Any:
        start, cpu = time.perf_counter(), time.process_time()
        out = fn()
        took[name] = time.perf_counter() - start
        took[name + " CPU"] = time.process_time() - cpu
        return out

    data = clock("data: report_data", lambda: report_data(conn, area, flt, SCOPE))
    pictures = clock("data: 2 x picture", lambda: report_maps(conn, flt, SCOPE, data))
    maps = [clock(f"matplotlib: {name} map", lambda p=p: render(p, compress_level=1))
            for name, p in zip(("coverage-rate", "gap"), pictures, strict=True)]
    html = clock("WeasyPrint: template", lambda: report_html(data, maps))
    pdf = clock("WeasyPrint: layout + PDF", lambda: html_pdf(html, maps))
    took["PDF kB"] = len(pdf) / 1000
    clock("whole report_pdf", lambda: report_pdf(conn, area, flt, SCOPE))
    return took


def measure(url: str, name: str, area: str, repeat: int, profile: bool) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            before = anchor_s()
            load_before = os.getloadavg()
            steps(conn, area)  # warm-up: fonts, imports, the polygon cache
            runs = [steps(conn, area) for _ in range(repeat)]
            anchor = statistics.median([before, anchor_s()])
            load_after = os.getloadavg()
            if profile:
                prof = cProfile.Profile()
                prof.enable()
                report_pdf(conn, area, MapFilter(REF, 4, None, None, area), SCOPE)
                prof.disable()
    finally:
        engine.dispose()
    print(f"[{name}] report of {area}: anchor {anchor * 1000:.0f} ms (fixed CPU loop; the "
          f"machine is shared), load average {load_before[0]:.1f} before, "
          f"{load_after[0]:.1f} after; medians of {repeat} after a warm-up")
    for step in (s for s in runs[0] if not s.endswith(" CPU")):
        values = [r[step] for r in runs]
        med = statistics.median(values)
        if step == "PDF kB":
            print(f"  {step:28} {med:8.0f}")
            continue
        cpu = statistics.median(r[step + " CPU"] for r in runs)
        print(f"  {step:28} {med:8.2f} s = {med / anchor:5.1f} anchors "
              f"(min {min(values):.2f}, max {max(values):.2f}; CPU {cpu:.2f} s)")
    print("  target: the PDF of a kota of 15-60 kelurahan < 10 s at 1 M households")
    if profile:
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(40)
        print(out.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=0,
                        help="also time Kota Balikpapan over N synthetic households")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    datasets: list[tuple[str, int, Callable[..., None], str]] = [
        ("sample city", 5451, load_sample, "64.74")]
    if args.households:
        datasets.append((f"{args.households:,} households", 5452,
                         lambda e, s: load_big(e, args.households), "64.71"))
    for name, port, loader, area in datasets:
        with bench_database(port=port) as url:
            settings = Settings(database_url=url, data_dir=Path("/tmp/sasaran-bench-report"),
                                secret_key="bench-secret-key-0123456789abcdef012345")
            print(f"{name}: loading")
            engine = make_engine(url)
            loader(engine, settings)
            engine.dispose()
            measure(url, name, area, args.repeat, args.profile)


if __name__ == "__main__":
    main()
