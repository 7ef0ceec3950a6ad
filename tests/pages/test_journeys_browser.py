"""The three journeys in headless Chromium, as their users do them: the DINSOS officer checks a
2,000-row list and downloads the answer (every row checked against the fixture here; clicks and
seconds from login to the file measured); the analyst uploads 10,000 households with bad rows,
maps an unknown NIK column in the preview, watches the progress, and downloads the rejected-rows
report as CSV and XLSX; the planner reorders the ranking by typing weights, builds a plan with a
pilot and two waves, exports it (its areas' figures checked against the fixture) and sees it on
the map. Every page also at 390 px, screenshots saved."""

from __future__ import annotations

import csv
import io
import json
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import openpyxl
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
    unnamed_controls,
)
from household_rows import kk, nik, row
from journeys_world import PROGRAMS, House, build, candidates

pytestmark = pytest.mark.browser
WORLD: list[House] = []
TIMINGS = ROOT / "test-artifacts" / "journey-timings.json"
GUNUNG_TELIHAN = "64.74.03.1002"
UPLOADED = 10_000


@pytest.fixture(scope="module")
def app(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[LiveApp]:
    folder = tmp_path_factory.mktemp("journeys")

    def fill(conn) -> None:
        WORLD[:] = build(conn, wilayah_dir, folder)

    with live_app(db_url, "sasaran_journeys", fill, tmp_path_factory) as live:
        yield live


COMPONENTS = ("gap", "gap_desil1", "coverage_rate", "p0", "p1", "targets")
RANK_CODE = "r => (r.innerText.match(/\\d{2}\\.\\d{2}\\.\\d{2}\\.\\d{4}/) || [''])[0]"
RANKED_CODES = f"rows => rows.map({RANK_CODE})"


def world_figures() -> tuple[Counter[str], Counter[str]]:
    """Targets and gap per kelurahan today with desil 1-4, from the fixture rows (the uploaded
    households are desil 8: no targets)."""
    targets: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    for house in WORLD:
        if house.target:
            targets[house.kelurahan] += 1
            gaps[house.kelurahan] += not house.programs
    return targets, gaps


def kelurahan_names(folder: Path) -> dict[str, str]:
    features = json.loads((folder / "bontang_kelurahan.geojson").read_text())["features"]
    return {f["properties"]["kode"]: f["properties"]["nama"] for f in features}


def id_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


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


def test_the_officer_checks_a_2000_row_list_and_downloads_the_answer(chromium, app, tmp_path,
                                                                     wilayah_dir):
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
    # The table's first page: each row's answers, kelurahan and programs by name.
    names = kelurahan_names(wilayah_dir)
    shown = page.locator("#tabel-cek .tabulator-row").evaluate_all(
        "rows => rows.map(r => Array.from(r.querySelectorAll('.tabulator-cell'))"
        ".map(c => c.innerText.trim()))")
    assert len(shown) == 50  # paginated by 50
    for line, (number, cells) in enumerate(zip(numbers, shown, strict=False), start=2):
        h = by_nik.get(number)
        programs = "; ".join(f"{PROGRAMS[p][0]} ({PROGRAMS[p][2]})" for p in sorted(h.programs)
                             ) if h else ""
        assert cells[:6] == [
            str(line), number[:6] + "********" + number[-4:], "ya" if h else "tidak",
            ("ya" if h.target else "tidak") if h else "", names[h.kelurahan] if h else "",
            (programs or "–") if h else ""], (line, cells)
    narrow_ok(page, "cek-penerima")
    assert not watch.problems, watch.problems


def fresh_row(i: int) -> dict[str, str]:
    """An upload row of a household new to the registry, its NIK column named as some agency
    files do (NOMOR_INDUK_KRT: neither a rule nor a known alias maps it), and desil 8: not a
    target, so the planner's figures below stay those of WORLD."""
    born = f"{i // 9000 + 1:02d}0190"  # NIKs the registry does not hold (it has ...150580...)
    base = row(0, kode_kelurahan=GUNUNG_TELIHAN, id_keluarga=f"BARU-{i:05d}", desil="8",
               nik_kepala=nik(i % 9000 + 1000, born=born), no_kk=kk(100_000 + i),
               nama_kepala=f"Kepala baru {i}", alamat=f"Jl. Baru No. {i}")
    return {("NOMOR_INDUK_KRT" if k == "nik_kepala" else k): v for k, v in base.items()}


def figures(page, selector: str) -> dict[str, str]:
    """A <dl> of headline figures as {label: shown value}."""
    return dict(page.locator(f"{selector} > div").evaluate_all(
        "divs => divs.map(d => [d.querySelector('dt').innerText,"
        " d.querySelector('dd').innerText])"))


def test_the_analyst_uploads_households_with_bad_rows_and_downloads_the_report(chromium, app,
                                                                               tmp_path):
    rows = [fresh_row(i) for i in range(1, UPLOADED + 1)]
    rows[4]["desil"], rows[9]["NOMOR_INDUK_KRT"], rows[30]["status_verifikasi"] = "0", "64740", "x"
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
    assert f"Sekitar {UPLOADED:,} baris data".replace(",", ".") in page.content()
    assert rows[0]["NOMOR_INDUK_KRT"] not in page.content()  # masked in the preview
    # No rule maps NOMOR_INDUK_KRT: the page says nik_kepala is missing and the officer maps it.
    assert "nik_kepala" in page.locator("#g-wajib").inner_text()
    nik_column = page.get_by_label("Kolom Sasaran untuk NOMOR_INDUK_KRT")
    assert nik_column.input_value() == ""
    assert page.get_by_label("Kolom Sasaran untuk desil").input_value() == "desil"
    narrow_ok(page, "unggah-pratinjau")
    nik_column.select_option("nik_kepala")
    with page.expect_navigation():
        page.get_by_role("button", name="Muat data").click()
    # 10,000 rows take a while: the job's page shows its progress and polls it.
    assert "/unggah/batch/" not in page.url, page.url
    status = page.locator("#status-unggah")
    assert status.get_attribute("data-status") in ("antre", "berjalan")
    assert status.locator("progress").count() == 1
    said = status.inner_text()
    page.screenshot(path=str(ROOT / "test-artifacts" / "screens" / "unggah-proses-1400.png"))
    assert ("Menunggu giliran" in said or "Semua baris sudah dibaca" in said
            or f"dari sekitar {UPLOADED:,} baris dibaca".replace(",", ".") in said), said
    page.wait_for_url("**/unggah/batch/*", timeout=120_000)
    accepted = UPLOADED - len(bad)
    shown_figures = figures(page, "#ringkasan-batch")
    assert shown_figures == {"Baris data": f"{UPLOADED:,}".replace(",", "."),
                             "Diterima": f"{accepted:,}".replace(",", "."),
                             "Baru": f"{accepted:,}".replace(",", "."), "Diperbarui": "0",
                             "Ditolak": str(len(bad)), "Diterima dengan peringatan": "0"
                             }, shown_figures
    assert (page.locator("ul.tanda").inner_text().strip()
            == f"Tanpa koordinat: {accepted:,} rumah tangga".replace(",", "."))
    page.wait_for_selector("#tabel-ditolak .tabulator-row")  # enhanced into a sortable table
    shown = page.locator("#tabel-ditolak .tabulator-row .tabulator-cell:first-child")
    assert [int(t) for t in shown.all_inner_texts()] == sorted(bad)
    narrow_ok(page, "unggah-hasil")
    with page.expect_download() as waiting:
        page.locator("#unduh-ditolak-csv").click()
    report = waiting.value.path().read_text(encoding="utf-8-sig")
    lines = list(csv.DictReader(io.StringIO(report)))
    assert [(int(r["nomor_baris"]), r["kolom"]) for r in lines] == sorted(bad.items())
    assert [r["id_keluarga"] for r in lines] == [rows[n - 2]["id_keluarga"] for n in sorted(bad)]
    assert all("*" in r["no_kk"] for r in lines)  # identity numbers masked at rest
    with page.expect_download() as waiting:
        page.locator("#unduh-ditolak-xlsx").click()
    book = openpyxl.load_workbook(io.BytesIO(waiting.value.path().read_bytes()), read_only=True)
    header, *body = book["ditolak"].iter_rows(values_only=True)
    sheet = [dict(zip(header, cells, strict=True)) for cells in body]
    same = ("nomor_baris", "kolom", "alasan", "id_keluarga", "no_kk")
    assert [tuple(str(r[k]) for k in same) for r in sheet] == [
        tuple(r[k] for k in same) for r in lines]
    page.goto(f"{app.url}/unggah")
    assert "pemutakhiran.csv" in page.locator("#tabel-riwayat").inner_text()
    assert not watch.problems, watch.problems


def test_the_planner_builds_a_plan_with_a_pilot_and_two_waves_and_sees_it_on_the_map(
        chromium, app):
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "analyst", "/perencanaan")
    page.goto(f"{app.url}/perencanaan?ref_date={date.today().isoformat()}&desil_max=4")
    page.wait_for_selector("#tabel-peringkat .tabulator-row")
    assert page.locator("#tabel-peringkat .tabulator-row").count() == 15
    narrow_ok(page, "perencanaan")
    # Weights typed in the page redraw the ranking in place: the gap alone orders it.
    targets, gaps = world_figures()
    codes = page.locator("#tabel-peringkat .tabulator-row").evaluate_all(RANKED_CODES)
    assert len(set(codes)) == 15 and all(codes)
    for component in COMPONENTS:
        page.locator(f"#b-{component}").fill("100" if component == "gap" else "0")
    page.get_by_role("button", name="Terapkan").click()
    order = sorted(codes, key=lambda k: (-gaps[k], k))
    page.wait_for_function(f"""want => JSON.stringify(Array.from(document.querySelectorAll(
        '#tabel-peringkat .tabulator-row')).map({RANK_CODE})) === JSON.stringify(want)""",
                           arg=order, timeout=30_000)
    assert not watch.problems, watch.problems  # redrawn without a CSP refusal
    assert "bobot_gap=100" in page.url and "bobot_p0=0" in page.url  # the address keeps them
    top = page.locator("#tabel-peringkat .tabulator-row").first.locator(".tabulator-cell")
    assert top.nth(2).inner_text() == "100,0"  # the largest gap scores every point
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
    # Plan against actual per wave, today: targets, households reached, actual coverage.
    waves = page.locator("#tabel-gelombang tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
    assert len(waves) == 2
    for cells, areas, half in ((waves[0], pilot, False), (waves[1], second, True)):
        wave_targets = sum(targets[k] for k in areas)
        covered = wave_targets - sum(gaps[k] for k in areas)
        reach = sum(gaps[k] // 2 if half else gaps[k] for k in areas)
        actual = f"{100 * covered / wave_targets:.1f}".replace(".", ",") + " %"
        assert (cells[2], cells[3], cells[6]) == (id_number(wave_targets), id_number(reach),
                                                  actual), cells
    narrow_ok(page, "rencana")
    with page.expect_download() as waiting:
        page.locator("#ekspor-rencana").click()
    assert waiting.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(waiting.value.path().read_bytes()), read_only=True)
    _, *areas = book["Wilayah"].iter_rows(values_only=True)
    # Wave 1 (the pilot) closes its whole gap, wave 2 half of it, rounded down per area.
    assert sorted((w, k, s, g, r) for w, k, _, s, g, r in areas) == sorted(
        [(1, k, targets[k], gaps[k], gaps[k]) for k in pilot]
        + [(2, k, targets[k], gaps[k], gaps[k] // 2) for k in second])
    plan_id = page.url.rstrip("/").rsplit("/", 1)[1]
    link = page.get_by_role("link", name="Lihat di peta utama").get_attribute("href")
    assert link == f"/map?rencana={plan_id}"
    # On the map a year back (before any enrollment began): the panel's ranking and the plan's
    # "aktual" follow the map's date, so no wave was covered yet.
    asked: list[str] = []
    page.on("request", lambda r: "/api/v1/rollout/" in r.url and asked.append(r.url))
    year_ago = (date.today() - timedelta(days=365)).isoformat()
    page.goto(f"{app.url}{link}&basemap=none&ref_date={year_ago}&desil_max=4")  # no tiles
    page.wait_for_selector(f"#sasaran-rollout[data-plan='{plan_id}']", state="attached",
                           timeout=30_000)
    assert any("/priorities?" in u and f"ref_date={year_ago}" in u and "desil_max=4" in u
               for u in asked), asked
    assert any("/projection?" in u and f"actual_date={year_ago}" in u for u in asked), asked
    listed = page.locator("#sasaran-rollout .sasaran-rollout-waves li").all_inner_texts()
    assert len(listed) == 2 and all(t.rstrip().endswith("aktual 0,0 %") for t in listed), listed
    on_map = page.evaluate("""() => window.SasaranRollout.panel.layer.getLayers().map(
        l => [l.feature.properties.kode, l.feature.properties.urutan])""")
    assert sorted(map(tuple, on_map)) == sorted(
        [(k, 1) for k in pilot] + [(k, 2) for k in second])
    assert not watch.problems, watch.problems


def test_the_ranking_opened_on_a_phone_fits_and_names_its_filters(chromium, app):
    """An admin opening Perencanaan straight at 390 px (no resize from a wide layout)."""
    page = new_page(chromium, width=NARROW)
    login_as(page, app.url, "admin", "/perencanaan")
    page.goto(f"{app.url}/perencanaan?ref_date={date.today().isoformat()}&desil_max=4")
    page.wait_for_selector("#tabel-peringkat .tabulator-row")
    assert unnamed_controls(page) == []
    labels = page.locator("#tabel-peringkat .tabulator-header-filter input").evaluate_all(
        "inputs => inputs.map(i => i.getAttribute('aria-label'))")
    assert labels and all(label.startswith("Saring kolom ") for label in labels), labels
    wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, 8).map(e => e.tagName + '.' + e.className + '#' + e.id)""")
    assert not overflows_horizontally(page), wide
