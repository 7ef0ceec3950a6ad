"""Benchmark: the map page in headless Chromium against the running app (not a timed test).

Run under the machine-wide lock:
    flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_map.py [--households N]

A private PostGIS cluster is created in a temporary directory. Two datasets, one after the
other: (1) the committed sample city (data/samples, imported as ``demo-load`` does) and (2) N
synthetic households (default 1,000,000) generated in SQL with ST_GeneratePoints inside the real
kelurahan/desa polygons of Balikpapan, Bontang and Kutai Timur (../shared/data/wilayah/), 5 %
without coordinates. Both get three programs with seeded enrollments (about 45 % of households
in one, 12 % in two) and their coverage segments.

Printed per dataset: time until the map is interactive (load event + polygons, outlines,
figures, legend and panel drawn; median of 3 cold loads), the page transfer, the same for the
viewer (no household points) and the time until its hexagons are drawn, the time from a
click on the densest kelurahan to its side panel drawn (median of 3), the time until the
household tiles of a dense z15 view are drawn, tile request latency at z14-16 over loopback
HTTP (p50/p95 of 200 requests at household locations), the H3 hexagon aggregate (what roles
without person access get instead of points) for the whole dataset, as the admin and as the
viewer (small counts protected across the cells), and the PDF report of a
kota (the sample city: 15 kelurahan; at 1 M: Kota Balikpapan, 34 kelurahan; median of 3).
Targets (issue 15): interactive < 2 s and transfer < 2 MB at 1 M households, click-to-panel
< 300 ms at 1 M, PDF < 10 s; tile p95 < 100 ms.

The machine is shared: every figure is also printed as a ratio to an ANCHOR measured in the same
run (a fixed CPU-bound Python loop, median of 5 before and after), so runs on a busy and an idle
machine can be compared.
"""

from __future__ import annotations

import argparse
import logging
import math
import random
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, text  # noqa: E402

from app.main import create_app  # noqa: E402
from app.principal import Principal  # noqa: E402
from app.security import current_principal  # noqa: E402
from app.services.coverage import rebuild_segments  # noqa: E402
from app.services.registry import import_households  # noqa: E402
from app.services.registry.cells import fill_missing_cells  # noqa: E402
from app.services.wilayah import load_boundaries  # noqa: E402
from app.settings import Settings  # noqa: E402

from common import WILAYAH, bench_database, make_engine, timed  # noqa: E402

SAMPLES = ROOT / "data" / "samples"
REF = "2026-06-30"
BIG_FILES = ("kaltim_kabkota.geojson", "balikpapan_kecamatan.geojson",
             "balikpapan_kelurahan.geojson", "bontang_kecamatan.geojson",
             "bontang_kelurahan.geojson", "kutai_timur_kecamatan.geojson",
             "kutai_timur_desa.geojson")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GENERATE_SQL = """
INSERT INTO household (id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash, nik_kepala_mask,
    nama_kepala, kode_kelurahan_deklarasi, kode_kelurahan, geom, jumlah_anggota, desil,
    pengeluaran_per_kapita, status_verifikasi, flags)
SELECT 'B' || w.kode || '-' || d.path[1], sha256(convert_to(w.kode || d.path[1], 'UTF8')),
       '640000********0001', sha256(convert_to('n' || w.kode || d.path[1], 'UTF8')),
       '640000********0001', 'Sintetis', w.kode, w.kode,
       CASE WHEN random() < 0.05 THEN NULL ELSE d.geom END,
       1 + floor(random() * 6)::int, 1 + floor(random() * 10)::int,
       round((200000 + random() * 900000)::numeric, 2),
       CASE WHEN random() < 0.85 THEN 'terverifikasi' ELSE 'belum' END, '{}'
FROM wilayah w, ST_Dump(ST_GeneratePoints(w.geom, :per_area, 42)) AS d
WHERE w.level = 'kelurahan'
"""
PROGRAMS_SQL = """
INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial'), ('BAZNAS', 'BAZNAS')
    ON CONFLICT DO NOTHING;
INSERT INTO program (kode_program, nama, instansi, wilayah_layanan)
SELECT v.k, v.n, v.i, (SELECT array_agg(kode) FROM wilayah WHERE level = 'kelurahan')
FROM (VALUES ('PKH', 'Program Keluarga Harapan', 'DINSOS'),
             ('BPNT', 'Bantuan Pangan Non Tunai', 'DINSOS'),
             ('ZAKAT', 'Zakat produktif', 'BAZNAS')) AS v(k, n, i);
INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, tanggal_mulai, status)
SELECT p.id, h.id, 'id_keluarga', h.id_keluarga, DATE '2026-01-01', 'matched'
FROM household h JOIN program p ON p.kode_program = (ARRAY['PKH', 'BPNT', 'ZAKAT'])
    [1 + (abs(hashtext(h.id_keluarga)) % 3)]
WHERE abs(hashtext(h.id_keluarga || 'a')) % 100 < 45;
INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, tanggal_mulai, status)
SELECT p.id, h.id, 'id_keluarga', h.id_keluarga, DATE '2026-02-01', 'matched'
FROM household h JOIN program p ON p.kode_program = (ARRAY['PKH', 'BPNT', 'ZAKAT'])
    [1 + ((abs(hashtext(h.id_keluarga)) + 1) % 3)]
WHERE abs(hashtext(h.id_keluarga || 'a')) % 100 < 12;
"""


def load_sample(engine: Engine, settings: Settings) -> None:
    for name in ("kota_kabkota.geojson", "kota_kecamatan.geojson", "kota_kelurahan.geojson"):
        with engine.begin() as conn:
            load_boundaries(conn, SAMPLES / name)
    with engine.begin() as conn:
        import_households(conn, SAMPLES / "rumah_tangga.csv", key=settings.hmac_key(),
                          user="bench", members_path=SAMPLES / "anggota.csv")
    add_programs(engine)


def load_big(engine: Engine, households: int) -> None:
    with engine.begin() as conn:
        for name in BIG_FILES:
            load_boundaries(conn, WILAYAH / name)
        areas = conn.execute(text(
            "SELECT count(*) FROM wilayah WHERE level = 'kelurahan'")).scalar_one()
        per_area = math.ceil(households / areas)
        start = time.perf_counter()
        conn.execute(text(GENERATE_SQL), {"per_area": per_area})
        conn.execute(text("UPDATE household SET flags = '{no_coords}' WHERE geom IS NULL"))
        fill_missing_cells(conn)  # generated in SQL: no H3 cell stored as an import does
        print(f"  generated {per_area} households in each of {areas} areas "
              f"in {time.perf_counter() - start:.0f} s")
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM FULL household"))  # rows rewritten twice: compact them
    add_programs(engine)


def add_programs(engine: Engine) -> None:
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(text(PROGRAMS_SQL))
        rebuild_segments(conn)
    with engine.begin() as conn:
        for table in ("household", "enrollment", "coverage_segment", "wilayah"):
            conn.execute(text(f"ANALYZE {table}"))
        n = conn.execute(text("SELECT count(*) FROM household")).scalar_one()
    print(f"  {n:,} households; enrollments and segments in {time.perf_counter() - start:.0f} s")


def serve(url: str, settings: Settings, role: str = "admin"
          ) -> tuple[uvicorn.Server, threading.Thread, str]:
    app = create_app(settings, engine=make_engine(url))
    app.dependency_overrides[current_principal] = lambda: Principal("bench", role)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise SystemExit("uvicorn did not start")
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


def anchor_s() -> float:
    """A fixed CPU-bound reference (about 0.1 s on an idle core): the run's unit of speed."""
    def loop() -> int:
        return sum(i * i for i in range(1_000_000))

    return statistics.median(timed(loop, 5))


def measure_click(page, kode: str) -> float:
    """Seconds from a real mouse click inside ``kode`` to its side panel drawn."""
    x, y = page.evaluate(POINT_JS, kode)
    # A person clicks a map they see drawn: the view's tiles first finish loading, or the
    # panel's request waits behind a dozen tile requests started a moment before.
    page.evaluate(TILES_DRAWN_JS)
    page.evaluate(CLICK_WATCH_JS, kode)
    page.mouse.click(x, y)
    page.wait_for_selector(f"#sasaran-detail[data-kode='{kode}']", timeout=60000)
    return float(page.evaluate("window.__panelMs")) / 1000


def measure_page(browser, base: str, dense: tuple[float, float],
                 dense_kode: str) -> dict[str, float]:
    ready, transfer, clicks = [], [], []
    for _ in range(3):
        context = browser.new_context(viewport={"width": 1400, "height": 850})
        page = context.new_page()
        page.goto(f"{base}/map?basemap=none&ref_date={REF}")
        page.wait_for_selector("body[data-map-ready='1']", timeout=60000)
        ready.append(float(page.get_attribute("body", "data-map-ready-ms") or 0) / 1000)
        transfer.append(page.evaluate(TRANSFER_JS) / 1e6)
        slowest = page.evaluate(SLOWEST_JS)
        clicks.append(measure_click(page, dense_kode))
        # The planning panel fits the view to its own layer when its data arrives: let it
        # settle before zooming in, or it zooms the map back out.
        page.wait_for_load_state("networkidle")
        points = page.evaluate(ZOOM_JS, list(dense)) / 1000
        total = page.evaluate(TRANSFER_JS) / 1e6
        context.close()
    print("  slowest requests of the last load:", ", ".join(
        f"{name.split('?')[0].split('/')[-1]} {ms:.0f} ms {kb:.0f} kB" for name, ms, kb in slowest))
    return {"ready_s": statistics.median(ready), "transfer_mb": statistics.median(transfer),
            "points_s": points, "transfer_after_zoom_mb": total,
            "click_s": statistics.median(clicks)}


def measure_ready(browser, base: str, loads: int = 3) -> dict[str, float]:
    """The map page as a role without household points (the viewer, e.g. a pimpinan): the
    time until it is interactive (as the admin's: areas, figures, legend and panel) and until
    its hexagons are drawn over the areas too, median of ``loads`` cold loads."""
    ready, hexagons, transfer = [], [], []
    for _ in range(loads):
        context = browser.new_context(viewport={"width": 1400, "height": 850})
        page = context.new_page()
        page.goto(f"{base}/map?basemap=none&ref_date={REF}")
        page.wait_for_selector("body[data-map-ready='1']", timeout=60000)
        ready.append(float(page.get_attribute("body", "data-map-ready-ms") or 0) / 1000)
        page.wait_for_selector("body[data-hexagons-ready='1']", timeout=60000)
        hexagons.append(float(page.get_attribute("body", "data-hexagons-ready-ms") or 0) / 1000)
        transfer.append(page.evaluate(TRANSFER_JS) / 1e6)
        slowest = page.evaluate(SLOWEST_JS)
        context.close()
    print("  viewer: slowest requests of the last load:", ", ".join(
        f"{name.split('?')[0].split('/')[-1]} {ms:.0f} ms {kb:.0f} kB" for name, ms, kb in slowest))
    return {"ready_s": statistics.median(ready), "hexagons_s": statistics.median(hexagons),
            "transfer_mb": statistics.median(transfer)}


def measure_report(base: str, area: str, requests: int = 3) -> dict[str, float]:
    times = []
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get("/api/v1/map/report.pdf",
                                  params={"ref_date": REF, "kecamatan": area})
            times.append(time.perf_counter() - start)
            response.raise_for_status()
    return {"median_s": statistics.median(times), "kb": len(response.content) / 1000}


TRANSFER_JS = """() => performance.getEntriesByType('navigation')
    .concat(performance.getEntriesByType('resource'))
    .reduce((sum, e) => sum + (e.transferSize || e.encodedBodySize || 0), 0)"""
SLOWEST_JS = """() => performance.getEntriesByType('resource')
    .map(e => [e.name, e.duration, (e.transferSize || e.encodedBodySize || 0) / 1000])
    .sort((a, b) => b[1] - a[1]).slice(0, 6)"""
POINT_JS = """(kode) => { const p = SasaranMap.page;
    const f = p.geo.kelurahan.features.find(f => f.properties.kode === kode);
    p.map.setView([f.properties.label_lat, f.properties.label_lon], 13, {animate: false});
    const pt = p.map.latLngToContainerPoint([f.properties.label_lat, f.properties.label_lon]);
    const r = p.map.getContainer().getBoundingClientRect();
    return [r.left + pt.x, r.top + pt.y]; }"""
CLICK_WATCH_JS = """(kode) => { const box = document.getElementById('sasaran-detail');
    box.removeAttribute('data-kode');
    document.addEventListener('mousedown', () => { window.__clickAt = performance.now(); },
                              {once: true, capture: true});
    new MutationObserver((_, obs) => { if (box.getAttribute('data-kode') === kode) {
        window.__panelMs = performance.now() - window.__clickAt; obs.disconnect(); } })
        .observe(box, {attributes: true}); }"""
TILES_DRAWN_JS = """() => new Promise(resolve => {
    const map = window.SasaranMap.page.map, t0 = performance.now();
    (function poll() {
        let loading = false;
        map.eachLayer(l => { loading = loading || Boolean(l._loading); });  // Leaflet GridLayer
        if (!loading || performance.now() - t0 > 20000) resolve(); else setTimeout(poll, 25);
    })();
})"""
ZOOM_JS = """async ([lat, lon]) => {
    const p = window.SasaranMap.page, drawn = """ + TILES_DRAWN_JS + """;
    // From a wide view: the click before zoomed into this kelurahan, and a z15 view whose
    // tiles are already on the map loads nothing (and fires no 'load').
    p.map.setView([lat, lon], 11, {animate: false});
    await drawn();
    const t0 = performance.now();
    p.map.setView([lat, lon], 15, {animate: false});
    await drawn();
    return performance.now() - t0;
}"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return (int((lon + 180) / 360 * n),
            int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n))


def measure_tiles(engine: Engine, base: str, requests: int = 200) -> dict[str, float]:
    with engine.connect() as conn:
        points = conn.execute(text(
            "SELECT ST_X(geom), ST_Y(geom) FROM household WHERE geom IS NOT NULL "
            "ORDER BY hashtext(id_keluarga) LIMIT :n"), {"n": requests}).all()
    rng = random.Random(7)
    times, sizes = [], []
    with httpx.Client(base_url=base, timeout=30) as client:
        for lon, lat in points:
            z = rng.choice((14, 15, 16))
            x, y = tile_of(lon, lat, z)
            start = time.perf_counter()
            response = client.get(f"/tiles/households/{z}/{x}/{y}.pbf",
                                  params={"ref_date": REF, "desil_max": 4})
            times.append(time.perf_counter() - start)
            response.raise_for_status()
            sizes.append(len(response.content))
    times.sort()
    return {"p50_ms": statistics.median(times) * 1000,
            "p95_ms": times[int(0.95 * (len(times) - 1))] * 1000,
            "max_ms": times[-1] * 1000, "mean_kb": statistics.mean(sizes) / 1000}


def measure_hexagons(base: str, requests: int = 10) -> dict[str, float]:
    """The H3 aggregate that roles without person access get instead of points, whole dataset
    (as the admin: counts as they are; as the viewer: protected, small counts hidden)."""
    times = []
    with httpx.Client(base_url=base, timeout=600) as client:
        for _ in range(requests):
            start = time.perf_counter()
            response = client.get("/api/v1/map/hexagons", params={"ref_date": REF})
            times.append(time.perf_counter() - start)
            response.raise_for_status()
    body = response.json()
    return {"p50_ms": statistics.median(times) * 1000, "max_ms": max(times) * 1000,
            "kb": len(response.content) / 1000, "cells": len(body["features"]),
            "resolution": body["resolusi"]}


def densest_point(engine: Engine) -> tuple[float, float, str]:
    with engine.connect() as conn:
        lat, lon, kode = conn.execute(text(
            "SELECT ST_Y(label_point), ST_X(label_point), kode FROM wilayah w "
            "WHERE level = 'kelurahan' "
            "ORDER BY (SELECT count(*) FROM household h WHERE h.kode_kelurahan = w.kode) / "
            "greatest(w.luas_km2, 0.01) DESC LIMIT 1")).one()
    return lat, lon, kode


def run(name: str, url: str, settings: Settings, browser, report_area: str) -> None:
    engine = make_engine(url)
    server, thread, base = serve(url, settings)
    try:
        before = anchor_s()
        lat, lon, kode = densest_point(engine)
        page = measure_page(browser, base, (lat, lon), kode)
        tiles = measure_tiles(engine, base)
        hexagons = measure_hexagons(base)
        viewer_server, viewer_thread, viewer_base = serve(url, settings, role="viewer")
        try:
            protected = measure_hexagons(viewer_base, requests=3)
            viewer_page = measure_ready(browser, viewer_base)
        finally:
            viewer_server.should_exit = True
            viewer_thread.join(10)
        report = measure_report(base, report_area)
        anchor = statistics.median([before, anchor_s()])
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()
    def units(seconds: float) -> str:
        return f"= {seconds / anchor:.1f} anchors"

    print(f"[{name}] anchor {anchor * 1000:.0f} ms (fixed CPU loop; the machine is shared)")
    print(f"[{name}] interactive {page['ready_s']:.2f} s {units(page['ready_s'])} (median of 3; "
          f"target < 2 s at 1 M), transfer {page['transfer_mb']:.2f} MB (target < 2 MB)")
    print(f"[{name}] viewer (no household points, hexagons instead) interactive "
          f"{viewer_page['ready_s']:.2f} s {units(viewer_page['ready_s'])} (median of 3; target "
          f"< 2 s at 1 M), hexagons drawn {viewer_page['hexagons_s']:.2f} s "
          f"{units(viewer_page['hexagons_s'])}, transfer {viewer_page['transfer_mb']:.2f} MB")
    print(f"[{name}] click to panel {page['click_s'] * 1000:.0f} ms {units(page['click_s'])} "
          f"(median of 3; target < 300 ms at 1 M)")
    print(f"[{name}] PDF report of {report_area}: {report['median_s']:.2f} s "
          f"{units(report['median_s'])} (median of 3; target < 10 s), {report['kb']:.0f} kB")
    print(f"[{name}] dense z15 view: household tiles drawn in {page['points_s']:.2f} s, "
          f"total transfer then {page['transfer_after_zoom_mb']:.2f} MB")
    print(f"[{name}] tiles z14-16: p50 {tiles['p50_ms']:.0f} ms, p95 {tiles['p95_ms']:.0f} ms "
          f"(target < 100 ms), max {tiles['max_ms']:.0f} ms, mean {tiles['mean_kb']:.0f} kB")
    print(f"[{name}] hexagons (whole dataset): p50 {hexagons['p50_ms']:.0f} ms, "
          f"max {hexagons['max_ms']:.0f} ms, {hexagons['cells']:,} cells at resolution "
          f"{hexagons['resolution']}, {hexagons['kb']:.0f} kB")
    print(f"[{name}] hexagons as the viewer (protected): p50 {protected['p50_ms']:.0f} ms "
          f"{units(protected['p50_ms'] / 1000)}, max {protected['max_ms']:.0f} ms, "
          f"{protected['cells']:,} cells at resolution {protected['resolution']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for name, port, loader, report_area in (
            ("sample city", 5441, lambda e, s: load_sample(e, s), "64.74"),
            (f"{args.households:,} households", 5442,
             lambda e, s: load_big(e, args.households), "64.71"),
        ):
            with bench_database(port=port) as url:
                settings = Settings(database_url=url, data_dir=Path("/tmp/sasaran-bench-map"),
                                    secret_key="bench-secret-key-0123456789abcdef012345")
                print(f"{name}: loading")
                engine = make_engine(url)
                loader(engine, settings)
                engine.dispose()
                run(name, url, settings, browser, report_area)
        browser.close()


if __name__ == "__main__":
    main()
