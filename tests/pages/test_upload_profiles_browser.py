"""Unggah data with an agency's own layout, in headless Chromium: the analyst uploads a DTKS/BDT
export (its real header names, the area code split over KDPROP, KDKAB, KDKEC, KDDESA), sees the
layout detected with its confidence, switches to the project's own layout and back and sees the
preview's columns change, loads it, and reads the accepted, rejected and warned rows. Every
expected figure is computed here from the rows the test wrote."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
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

from app.services.wilayah import load_boundaries

pytestmark = pytest.mark.browser
# The built-in DTKS/BDT profile's headers (geo.io.aliases), without Alamat: 10 of its 11.
BDT_HEADER = ["IDBDT", "KDPROP", "KDKAB", "KDKEC", "KDDESA", "NoKK", "NIK", "Nama", "JumlahART",
              "Desil", "TglVerifikasi"]
DERIVED = ["kode_kelurahan (KDPROP+KDKAB+KDKEC+KDDESA)", "status_verifikasi (tetap)"]
BONTANG_DESA = {"1001", "1002", "1003", "1004"}  # Gunung Telihan 1002 and its neighbours
BAD_DATE = "'31/02/2026' bukan tanggal (contoh: 15/01/2026 atau 2026-01-15)"


@pytest.fixture(scope="module")
def app(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[LiveApp]:
    def fill(conn) -> None:
        for name in ("kaltim_kabkota", "bontang_kecamatan", "bontang_kelurahan"):
            load_boundaries(conn, wilayah_dir / f"{name}.geojson")

    with live_app(db_url, "sasaran_upload_profiles", fill, tmp_path_factory) as live:
        yield live


def bdt_rows() -> list[list[str]]:
    """Eight households of kecamatan Bontang Barat (64.74.03), the parts as numeric cells
    write them (kecamatan "3"); one day-first date that does not exist, one desa code that
    Bontang does not have."""
    rows = [[f"BDT{i:03d}", "64", "74", "3", "1002" if i % 2 else "1003", f"6474030101{i:06d}",
             f"647403010190{i:04d}", f"KEPALA {i}", str(2 + i % 3), "9", f"{i:02d}/01/2026"]
            for i in range(1, 9)]
    rows[4][10] = "31/02/2026"
    rows[6][4] = "1999"
    return rows


def header_cells(page) -> list[str]:
    return page.locator("#tabel-pratinjau thead tr").first.locator("th").all_inner_texts()


def part_choices(page) -> list[str]:
    """What the mapping selects of KDPROP, KDKAB, KDKEC, KDDESA show as chosen."""
    return [page.locator(f"#kolom-{BDT_HEADER.index(part)} option:checked").inner_text()
            for part in ("KDPROP", "KDKAB", "KDKEC", "KDDESA")]


def pick_profile(page, label: str) -> None:
    page.get_by_label("Profil kolom").select_option(label=label)
    with page.expect_navigation():
        page.get_by_role("button", name="Pakai profil").click()


def test_the_analyst_loads_a_bdt_export_with_its_detected_profile(chromium, app, tmp_path):
    rows = bdt_rows()
    source = tmp_path / "dtks-bontang-barat.csv"
    with open(source, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(BDT_HEADER)
        writer.writerows(rows)
    kept = [r for r in rows if r[4] in BONTANG_DESA]
    refused = [n for n, r in enumerate(rows, start=2) if r[4] not in BONTANG_DESA]
    warned = [n for n, r in enumerate(rows, start=2)
              if r[4] in BONTANG_DESA and r[10].startswith("31/02")]
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "analyst", "/unggah")
    page.get_by_label("Berkas", exact=True).set_input_files(source)
    with page.expect_navigation():
        page.get_by_role("button", name="Lihat pratinjau").click()

    # Detected: 10 of the profile's 11 headers are in the file.
    assert (page.locator("#profil-terdeteksi").inner_text()
            == f"Terdeteksi: DTKS/BDT (rumah tangga) (keyakinan {round(100 * 10 / 11)} %).")
    assert page.get_by_label("Profil kolom").input_value() == "dtks"
    assert header_cells(page) == ["Kolom berkas", *BDT_HEADER, *DERIVED]
    first = page.locator("#tabel-pratinjau tbody tr").first.locator("td").all_inner_texts()
    assert first[len(BDT_HEADER):] == ["64.74.03.1002", "terverifikasi"]
    assert page.locator("#g-wajib").count() == 0
    assert part_choices(page) == ["(dipakai untuk kode_kelurahan)"] * 4  # not "(abaikan)"
    screenshot(page, "unggah-profil")

    # The project's own layout cannot combine the area code: the derived columns go.
    pick_profile(page, "Format Sasaran")
    assert page.get_by_label("Profil kolom").input_value() == "sasaran"
    assert header_cells(page) == ["Kolom berkas", *BDT_HEADER]
    missing = page.locator("#g-wajib").inner_text()
    assert "kode_kelurahan" in missing and "status_verifikasi" in missing
    assert part_choices(page) == ["(abaikan)"] * 4  # nothing combines them now
    page.set_viewport_size({"width": 390, "height": 900})
    assert not overflows_horizontally(page)
    page.set_viewport_size({"width": 1400, "height": 900})

    pick_profile(page, "DTKS/BDT (rumah tangga)")
    assert header_cells(page) == ["Kolom berkas", *BDT_HEADER, *DERIVED]
    with page.expect_navigation():
        page.get_by_role("button", name="Muat data").click()
    page.wait_for_url("**/unggah/batch/*", timeout=60_000)

    shown = batch_figures(page)
    assert shown == {"Baris data": str(len(rows)), "Diterima": str(len(kept)),
                     "Baru": str(len(kept)), "Diperbarui": "0", "Ditolak": str(len(refused)),
                     "Diterima dengan peringatan": str(len(warned))}, shown
    rejected = page.locator("#tabel-ditolak tbody tr td").all_inner_texts()
    assert [int(rejected[0]), rejected[1]] == [refused[0], "kode_kelurahan"]
    assert page.locator("#judul-peringatan").inner_text() == f"Peringatan ({len(warned)})"
    cells = page.locator("#tabel-peringatan tbody tr td").all_inner_texts()
    assert cells == [str(warned[0]), "tanggal_verifikasi", BAD_DATE]
    with page.expect_download() as waiting:
        page.locator("#unduh-peringatan-csv").click()
    report = waiting.value.path().read_text(encoding="utf-8-sig")
    assert list(csv.reader(io.StringIO(report))) == [
        ["nomor_baris", "kolom", "alasan"], [str(warned[0]), "tanggal_verifikasi", BAD_DATE]]
    screenshot(page, "unggah-hasil-peringatan")
    assert not watch.problems, watch.problems
