"""The three journeys in headless Chromium, as their users do them: the DINSOS officer checks a
2,000-row list and downloads the answer (every row checked against the fixture here; clicks and
seconds from login to the file measured), the analyst uploads households with bad rows and
downloads the rejected-rows report, the planner builds a plan with a pilot and two waves and
sees it on the map. Every page also at 390 px, screenshots saved."""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (
    NARROW,
    PASSWORD,
    ROOT,
    USERS,
    LiveApp,
    Watch,
    live_app,
    login_as,
    new_page,
    overflows_horizontally,
    screenshot,
)
from household_rows import row
from journeys_world import PROGRAMS, House, build, candidates

pytestmark = pytest.mark.browser
WORLD: list[House] = []
TIMINGS = ROOT / "test-artifacts" / "journey-timings.json"
GUNUNG_TELIHAN = "64.74.03.1002"


@pytest.fixture(scope="module")
def app(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[LiveApp]:
    folder = tmp_path_factory.mktemp("journeys")

    def fill(conn) -> None:
        WORLD[:] = build(conn, wilayah_dir, folder)

    with live_app(db_url, "sasaran_journeys", fill, tmp_path_factory) as live:
        yield live


def narrow_ok(page, name: str) -> None:
    screenshot(page, name)
    page.set_viewport_size({"width": NARROW, "height": 900})
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => { for (let a = e.parentElement; a; a = a.parentElement) {
            if (getComputedStyle(a).overflowX !== 'visible') { return false; } } return true; })
        .slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id)""")
    assert not overflows_horizontally(page), f"{name} is wider than {NARROW} px: {wide}"
    page.set_viewport_size({"width": 1400, "height": 900})


def record(name: str, value: object) -> None:
    TIMINGS.parent.mkdir(exist_ok=True)
    known = json.loads(TIMINGS.read_text()) if TIMINGS.exists() else {}
    known[name] = value
    TIMINGS.write_text(json.dumps(known, indent=2, ensure_ascii=False))


def test_the_officer_checks_a_2000_row_list_and_downloads_the_answer(chromium, app, tmp_path):
    numbers = candidates(WORLD)
    listing = tmp_path / "calon-penerima.csv"
    listing.write_text("no,nik\n" + "".join(f"{i},{n}\n" for i, n in enumerate(numbers, 1)),
                       encoding="utf-8")
    page = new_page(chromium)
    watch = Watch(page)
    clicks = 0
    page.goto(f"{app.url}/login")
    page.get_by_label("Nama pengguna").fill(USERS["agency"].username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    started = time.perf_counter()
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
        clicks += 1
    assert page.url.endswith("/cek"), page.url  # the officer's start page
    page.get_by_label("Berkas daftar").set_input_files(listing)
    clicks += 2  # "Pilih berkas", then the file in the dialog
    with page.expect_navigation():
        page.get_by_role("button", name="Periksa").click()
        clicks += 1
    with page.expect_download() as waiting:
        page.locator("#unduh-hasil").click()
        clicks += 1
    saved = tmp_path / "hasil.csv"
    waiting.value.save_as(saved)
    seconds = time.perf_counter() - started
    record("cek_penerima_2000_baris", {"klik": clicks, "detik": round(seconds, 2)})
    assert clicks <= 6
    assert seconds < 15, seconds  # the 5 s target is measured in bench/bench_check_page.py
    by_nik = {h.nik: h for h in WORLD}
    with open(saved, encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["nik"] for r in rows] == numbers
    for r in rows:
        h = by_nik.get(r["nik"])
        assert r["hasil_ditemukan"] == ("ya" if h else "tidak")
        if h is None:
            assert r["hasil_sasaran"] == r["hasil_kelurahan"] == r["hasil_program_aktif"] == ""
            continue
        assert r["hasil_sasaran"] == ("ya" if h.target else "tidak")
        assert r["hasil_kelurahan"] == h.kelurahan
        assert r["hasil_program_aktif"] == "; ".join(sorted(h.programs))
        assert r["hasil_instansi"] == "; ".join(sorted({PROGRAMS[p][1] for p in h.programs}))
        assert r["hasil_identitas"] == h.nik[:6] + "********" + h.nik[-4:]
    known = [by_nik[n] for n in numbers if n in by_nik]
    assert page.locator("dd[data-angka='ditemukan']").inner_text().startswith(
        f"{len(known):,}".replace(",", "."))
    assert page.locator("dd[data-angka='sasaran']").inner_text().startswith(
        f"{sum(h.target for h in known):,}".replace(",", "."))
    assert not any(n in page.content() for n in numbers[:50])  # masked on the page
    narrow_ok(page, "cek-penerima")
    assert not watch.problems, watch.problems


def test_the_analyst_uploads_households_with_bad_rows_and_downloads_the_report(chromium, app,
                                                                               tmp_path):
    rows = [row(5000 + i, kode_kelurahan=GUNUNG_TELIHAN, id_keluarga=f"BARU-{i:03d}")
            for i in range(1, 41)]
    rows[4]["desil"], rows[9]["nik_kepala"], rows[30]["status_verifikasi"] = "0", "64740", "x"
    bad = {6: "desil", 11: "nik_kepala", 32: "status_verifikasi"}
    source = tmp_path / "pemutakhiran.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, list(rows[0]), delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "analyst", "/unggah")
    narrow_ok(page, "unggah-formulir")
    page.get_by_label("Berkas", exact=True).set_input_files(source)
    with page.expect_navigation():
        page.get_by_role("button", name="Lihat pratinjau").click()
    assert page.locator("#tabel-pratinjau tbody tr").count() == 8
    assert rows[0]["nik_kepala"] not in page.content()
    narrow_ok(page, "unggah-pratinjau")
    page.get_by_role("button", name="Muat data").click()
    page.wait_for_url("**/unggah/batch/*", timeout=60_000)
    assert page.locator("dd[data-angka='diterima']").inner_text() == str(40 - len(bad))
    assert page.locator("dd[data-angka='ditolak']").inner_text() == str(len(bad))
    page.wait_for_selector("#tabel-ditolak .tabulator-row")  # enhanced into a sortable table
    shown = page.locator("#tabel-ditolak .tabulator-row .tabulator-cell:first-child")
    assert [int(t) for t in shown.all_inner_texts()] == sorted(bad)
    narrow_ok(page, "unggah-hasil")
    with page.expect_download() as waiting:
        page.locator("#unduh-ditolak-csv").click()
    report = waiting.value.path().read_text(encoding="utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(report)))
    assert [(int(r["nomor_baris"]), r["kolom"]) for r in lines] == sorted(bad.items())
    assert all("*" in r["no_kk"] for r in lines)  # identity numbers masked at rest
    page.goto(f"{app.url}/unggah")
    assert "pemutakhiran.csv" in page.locator("#tabel-riwayat").inner_text()
    assert not watch.problems, watch.problems


def test_the_planner_builds_a_plan_with_a_pilot_and_two_waves_and_sees_it_on_the_map(
        chromium, app):
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "analyst", "/perencanaan")
    page.wait_for_selector("#tabel-peringkat .tabulator-row")
    assert page.locator("#tabel-peringkat .tabulator-row").count() == 15
    narrow_ok(page, "perencanaan")
    page.get_by_role("link", name="Pilih wilayah percontohan").click()
    page.get_by_label("Wilayah awal").select_option(GUNUNG_TELIHAN)
    page.get_by_label("Jumlah wilayah maks.").fill("2")
    page.get_by_label("Biaya per rumah tangga (Rp)").fill("2.500.000")
    with page.expect_navigation():
        page.get_by_role("button", name="Hitung klaster").click()
    page.wait_for_selector("#peta-kecil[data-ready='1']")
    pilot = page.locator("#tabel-percontohan tbody tr").evaluate_all(
        "rows => rows.map(r => r.dataset.kode)")
    assert pilot[0] == GUNUNG_TELIHAN and len(pilot) == 2
    narrow_ok(page, "percontohan")
    with page.expect_navigation():
        page.get_by_role("link", name="Buat rencana dengan percontohan ini").click()
    page.get_by_label("Nama rencana").fill("Perluasan Bontang Selatan")
    assert page.locator("input[name='g1_percontohan']").is_checked()
    with page.expect_navigation():
        page.get_by_role("button", name="Tambah gelombang").click()
    wave2 = page.locator("#gelombang-2")
    second = [k for k in ("64.74.02.1001", "64.74.02.1002") if k not in pilot]
    for kode in second:
        wave2.locator(f"input[value='{kode}']").check()
    wave2.get_by_label("Porsi kesenjangan ditutup (%)").fill("50")
    narrow_ok(page, "rencana-ubah")
    with page.expect_navigation():
        page.get_by_role("button", name="Simpan rencana").click()
    assert "/perencanaan/rencana/" in page.url, page.locator("#ada-galat").all_inner_texts()
    page.wait_for_selector("#peta-kecil[data-ready='1']")
    drawn = page.evaluate("""() => window.SasaranRencana.layer.getLayers().map(l => [
        l.feature.properties.kode, l.feature.properties.urutan, l.options.fillColor,
        l.options.color])""")
    assert sorted((k, u) for k, u, _, _ in drawn) == sorted(
        [(k, 1) for k in pilot] + [(k, 2) for k in second])
    colours = {u: f for _, u, f, _ in drawn}
    assert colours[1] != colours[2]
    assert {c for k, u, _, c in drawn if u == 1} == {"#d7301f"}  # the pilot outlined
    assert page.locator("#tabel-gelombang tbody tr").count() == 2
    narrow_ok(page, "rencana")
    with page.expect_download() as waiting:
        page.locator("#ekspor-rencana").click()
    assert waiting.value.suggested_filename.endswith(".xlsx")
    plan_id = page.url.rstrip("/").rsplit("/", 1)[1]
    link = page.get_by_role("link", name="Lihat di peta utama").get_attribute("href")
    assert link == f"/map?rencana={plan_id}"
    page.goto(f"{app.url}{link}&basemap=none")  # offline here: no basemap tiles to ask for
    page.wait_for_selector(f"#sasaran-rollout[data-plan='{plan_id}']", state="attached",
                           timeout=30_000)
    on_map = page.evaluate("""() => window.SasaranRollout.panel.layer.getLayers().map(
        l => [l.feature.properties.kode, l.feature.properties.urutan])""")
    assert sorted(map(tuple, on_map)) == sorted(
        [(k, 1) for k in pilot] + [(k, 2) for k in second])
    assert not watch.problems, watch.problems
