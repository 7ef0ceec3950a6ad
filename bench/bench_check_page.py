"""Cek penerima, the agency officer's journey: from the login click to a downloaded answer for
a 2,000-row list, in Debian's headless Chromium against the served app (issue 14's target:
at most 6 clicks and under 5 s), beside the anchor measured in the same run: the same 2,000
NIKs through ``POST /api/v1/coverage/check`` with an API key (no browser, no file).

Registry: 20,000 households over Bontang's 15 real kelurahan, loaded by the import service;
two programs with enrollments for ~30 % of them. Runs alternate journey and anchor.

Run: ``flock /tmp/sasaran-bench.lock .venv/bin/python bench/bench_check_page.py``
"""

from __future__ import annotations

import csv
import json
import random
import socket
import statistics
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import text

from app.main import create_app
from app.services.access import users
from app.services.coverage import import_enrollments
from app.services.registry import import_households
from app.services.wilayah import load_boundaries
from app.settings import Settings

from common import WILAYAH, bench_database, make_engine

SECRET = "bench-check-page-secret-0123456789abcdef"
PASSWORD = "kata-sandi-panjang-123"
HOUSEHOLDS, LIST_ROWS, RUNS = 20_000, 2_000, 7
HEADER = ["id_keluarga", "no_kk", "nik_kepala", "nama_kepala", "kode_kelurahan", "jumlah_anggota",
          "desil", "status_verifikasi"]


def nik(serial: int, kecamatan: str) -> str:
    """A valid NIK unique per serial (day of birth from the ten-thousands)."""
    day, year, rest = 1 + serial // 10_000, 80 + serial % 20, serial % 10_000 or 1
    return f"{kecamatan}{day:02d}05{year:02d}{rest:04d}"


def fill(engine, folder: Path) -> list[str]:
    rng = random.Random(5)
    with engine.begin() as conn:
        for name in ("bontang_kecamatan", "bontang_kelurahan"):
            load_boundaries(conn, WILAYAH / f"{name}.geojson")
        codes = [r[0] for r in conn.execute(text(
            "SELECT kode FROM wilayah WHERE level = 'kelurahan' ORDER BY kode"))]
    heads = []
    registry = folder / "registri.csv"
    with open(registry, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for serial in range(1, HOUSEHOLDS + 1):
            kode = codes[serial % len(codes)]
            kec = kode[:8].replace(".", "")
            head = nik(serial, kec)
            heads.append(head)
            writer.writerow([f"B{serial:06d}", f"{kec}0101{serial:06d}", head,
                             f"Kepala {serial}", kode, rng.randint(1, 7), rng.randint(1, 10),
                             "terverifikasi"])
    enrolled = folder / "kepesertaan.csv"
    start = (date.today() - timedelta(days=90)).isoformat()
    with open(enrolled, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["kode_program", "nik", "tanggal_mulai"])
        for head in heads:
            if rng.random() < 0.3:
                writer.writerow([rng.choice(("PKH", "ZAKAT")), head, start])
    with engine.begin() as conn:
        import_households(conn, registry, key=SECRET.encode(), user="bench")
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial'), "
                          "('BAZNAS', 'BAZNAS')"))
        conn.execute(text("INSERT INTO program (kode_program, nama, instansi) VALUES "
                          "('PKH', 'PKH', 'DINSOS'), ('ZAKAT', 'Zakat', 'BAZNAS')"))
        import_enrollments(conn, enrolled, key=SECRET.encode(), user="bench")
        users.create_user(conn, "petugas", "agency", PASSWORD, [], "DINSOS")
    return rng.sample(heads, LIST_ROWS - 400) + [nik(90_000 + i, "647402") for i in range(400)]


def serve(app) -> tuple[uvicorn.Server, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}"


def journey(browser, base: str, listing: Path, out: Path) -> tuple[float, int, list[float]]:
    """Seconds from the login click to the saved answer, the clicks it took, and the seconds
    of its steps (login, check, download)."""
    context = browser.new_context(accept_downloads=True, locale="id-ID")
    page = context.new_page()
    page.goto(f"{base}/login")
    page.get_by_label("Nama pengguna").fill("petugas")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    started = time.perf_counter()
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()  # 1
    logged_in = time.perf_counter()
    if not page.url.endswith("/cek"):
        raise RuntimeError(f"after login at {page.url}: {page.locator('main').inner_text()}")
    page.get_by_label("Berkas daftar").set_input_files(listing)  # 2 + 3: button, file dialog
    with page.expect_navigation():
        page.get_by_role("button", name="Periksa").click()  # 4
    checked = time.perf_counter()
    with page.expect_download() as waiting:
        page.locator("#unduh-hasil").click()  # 5
    waiting.value.save_as(out)
    done = time.perf_counter()
    context.close()
    return done - started, 5, [logged_in - started, checked - logged_in, done - checked]


def main() -> None:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="sasaran-bench-cek-"))
    with bench_database(port=5449) as url:
        engine = make_engine(url)
        numbers = fill(engine, folder)
        with engine.begin() as conn:
            key = users.create_api_key(conn, "petugas")
        listing = folder / "calon.csv"
        listing.write_text("nik\n" + "\n".join(numbers) + "\n", encoding="utf-8")
        settings = Settings(database_url=url, data_dir=folder, secret_key=SECRET,
                            check_rate_per_minute=10_000, tile_url=None)
        server, base = serve(create_app(settings, engine=engine))
        pages, apis, steps, clicks = [], [], [], 0
        with sync_playwright() as pw, httpx.Client(base_url=base, timeout=60) as client:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu"])
            auth = {"Authorization": f"Bearer {key}"}
            client.post("/api/v1/coverage/check", json={"nik": numbers}, headers=auth)  # warm
            journey(browser, base, listing, folder / "hasil.csv")  # warm
            for _ in range(RUNS):
                seconds, clicks, parts = journey(browser, base, listing, folder / "hasil.csv")
                pages.append(seconds)
                steps.append(parts)
                started = time.perf_counter()
                answer = client.post("/api/v1/coverage/check", json={"nik": numbers},
                                     headers=auth)
                apis.append(time.perf_counter() - started)
                assert answer.status_code == 200, answer.text
            browser.close()
        server.should_exit = True
        engine.dispose()
    rows = len((folder / "hasil.csv").read_text(encoding="utf-8-sig").splitlines()) - 1
    page_median, api_median = statistics.median(pages), statistics.median(apis)
    print(json.dumps({
        "baris": rows, "klik": clicks, "runs": RUNS,
        "journey_median_s": round(page_median, 2), "journey_max_s": round(max(pages), 2),
        "steps_median_s": {name: round(statistics.median(s[i] for s in steps), 2)
                           for i, name in enumerate(("login", "periksa", "unduh"))},
        "api_median_s": round(api_median, 3), "ratio": round(page_median / api_median, 1),
        "target_met": clicks <= 6 and page_median < 5,
    }, indent=2))


if __name__ == "__main__":
    main()
