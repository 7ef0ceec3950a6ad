"""Unggah data with a value the file lacks, in headless Chromium: the DINSOS officer uploads a
SIKS-NG BNBA enrollment list for PKH that has no start-date column (``tanggal_mulai`` is
required), types a date that does not exist and reads why it is refused next to the field,
types the real start date, sees it in the preview, loads, and reads the result. Every expected
figure is computed here from the rows the test wrote."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from browser import (
    LiveApp,
    Watch,
    batch_figures,
    live_app,
    login_as,
    new_page,
    overflows_horizontally,
    screenshot,
)
from household_rows import kk, nik, row, write_csv
from sqlalchemy import text

from app.services.registry import import_households
from app.services.wilayah import load_boundaries

pytestmark = pytest.mark.browser
KEY = b"browser-test-secret-key-0123456789abcdef"  # the live app's secret: its HMAC key
HEADS = range(1, 5)  # households K00001..K00004 of Gunung Telihan, heads nik(1)..nik(4)
# SIKS-NG BNBA without TANGGAL PENYALURAN: 9 of the built-in profile's 10 headers.
BNBA_HEADER = ["NO", "NIK", "NO KK", "NAMA KEPALA KELUARGA", "JENIS KELAMIN",
               "TANGGAL LAHIR (DD/MM/YYYY)", "JUMLAH ANGGOTA KELUARGA", "ALAMAT", "RT", "RW"]
NOT_A_DATE = "tanggal_mulai: '31/02/2026' bukan tanggal (contoh: 15/01/2026 atau 2026-01-15)"


@pytest.fixture(scope="module")
def app(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[LiveApp]:
    folder = tmp_path_factory.mktemp("bnba")

    def fill(conn) -> None:
        for name in ("kaltim_kabkota", "bontang_kecamatan", "bontang_kelurahan"):
            load_boundaries(conn, wilayah_dir / f"{name}.geojson")
        import_households(conn, write_csv(folder / "rt.csv", [row(i) for i in HEADS]),
                          key=KEY, user="admin-uji")
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial')"))
        conn.execute(text("INSERT INTO program (kode_program, nama, instansi) "
                          "VALUES ('PKH', 'Program Keluarga Harapan', 'DINSOS')"))

    with live_app(db_url, "sasaran_upload_constants", fill, tmp_path_factory) as live:
        yield live


def bnba_rows() -> list[list[str]]:
    """Six beneficiaries: four registry heads (one NIK typed with Excel's apostrophe, one
    birth date that does not exist), one stranger, one NIK too short."""
    rows = [[str(i), nik(i), kk(i), f"KEPALA {i}", "P", "15/05/1980", "4", f"Jl. Uji {i}",
             "001", "002"] for i in HEADS]
    rows[1][1], rows[1][2] = "'" + nik(2), ""
    rows[3][5] = "31/02/1980"
    rows.append(["5", nik(9), "", "ORANG LAIN", "L", "01/01/1990", "1", "Jl. Lain", "003", "004"])
    rows.append(["6", "123", "", "NIK PENDEK", "L", "01/01/1990", "1", "Jl. Lain", "003", "004"])
    return rows


def header_cells(page) -> list[str]:
    return page.locator("#tabel-pratinjau thead tr").first.locator("th").all_inner_texts()


def test_an_officer_sets_the_start_date_a_bnba_list_lacks_and_loads_it(chromium, app, tmp_path):
    rows = bnba_rows()
    source = tmp_path / "bnba-pkh.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(BNBA_HEADER)
        writer.writerows(rows)
    heads = {nik(i) for i in HEADS}
    cleaned = [r[1].lstrip("'") for r in rows]
    refused = [n for n, c in enumerate(cleaned, start=2) if len(c) != 16]
    matched = [c for c in cleaned if c in heads]
    unmatched = [c for c in cleaned if len(c) == 16 and c not in heads]
    warned = [n for n, r in enumerate(rows, start=2) if r[5].startswith("31/02")]

    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "agency", "/unggah")
    page.get_by_label("Kepesertaan program (daftar penerima)").check()
    page.get_by_label("Program (untuk kepesertaan, wajib)").select_option("PKH")
    page.get_by_label("Berkas", exact=True).set_input_files(source)
    with page.expect_navigation():
        page.get_by_role("button", name="Lihat pratinjau").click()

    assert (page.locator("#profil-terdeteksi").inner_text()
            == f"Terdeteksi: SIKS-NG BNBA (keyakinan {round(100 * 9 / 10)} %).")
    assert "tanggal_mulai" in page.locator("#g-wajib").inner_text()
    field = page.get_by_label("tanggal_mulai: isi sama untuk semua baris")
    assert field.input_value() == ""

    # A day that does not exist: refused beside the field, by the rule the import applies.
    field.fill("31/02/2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Muat data").click()
    assert "/unggah/batch/" not in page.url
    assert page.locator("#g-tetap-tanggal_mulai").inner_text() == NOT_A_DATE
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "31/02/2026"
    assert [p.split(":")[0] for p in watch.problems] == ["HTTP 422", "console"]  # the refusal
    watch.problems.clear()
    with app.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM enrollment")).scalar_one() == 0

    field.fill("01/03/2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Perbarui pratinjau").click()
    assert header_cells(page) == ["Kolom berkas", *BNBA_HEADER, "tanggal_mulai (tetap)"]
    body = page.locator("#tabel-pratinjau tbody tr")
    assert body.count() == len(rows)
    assert [body.nth(i).locator("td").last.inner_text() for i in range(len(rows))] == [
        "01/03/2026"] * len(rows)
    assert page.locator("#g-wajib").count() == 0
    assert page.get_by_label("tanggal_mulai: isi sama untuk semua baris").input_value() \
        == "01/03/2026"
    screenshot(page, "unggah-nilai-tetap")
    page.set_viewport_size({"width": 390, "height": 900})
    assert not overflows_horizontally(page)
    page.set_viewport_size({"width": 1400, "height": 900})

    with page.expect_navigation():
        page.get_by_role("button", name="Muat data").click()
    page.wait_for_url("**/unggah/batch/*", timeout=60_000)
    shown = batch_figures(page)
    assert shown == {
        "Baris data": str(len(rows)), "Diterima": str(len(rows) - len(refused)),
        "Cocok dengan rumah tangga": str(len(matched)),
        "Ambigu (beberapa rumah tangga)": "0",
        "Tidak cocok (disimpan, perlu diperbaiki)": str(len(unmatched)),
        "Sudah ada, tidak diubah": "0",  # a first upload: nothing was stored before
        "Ditolak": str(len(refused)), "Diterima dengan peringatan": str(len(warned))}, shown
    rejected = page.locator("#tabel-ditolak tbody tr td").all_inner_texts()
    assert [int(rejected[0]), rejected[1]] == [refused[0], "nik"]
    with app.engine.connect() as conn:
        starts = conn.execute(text(
            "SELECT tanggal_mulai, count(*) FROM enrollment GROUP BY 1")).all()
        used = conn.execute(text(
            "SELECT parameter->'definisi_profil'->'konstanta' FROM import_batch "
            "WHERE jenis = 'kepesertaan'")).scalar_one()
    assert [tuple(s) for s in starts] == [(date(2026, 3, 1), len(rows) - len(refused))]
    assert used == {"tanggal_mulai": "01/03/2026"}
    assert not watch.problems, watch.problems
