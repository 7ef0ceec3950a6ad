"""Tabel cakupan in headless Chromium: the analyst drills from kab/kota to kelurahan, sorts,
asks for per-program columns and downloads an XLSX whose Jumlah row equals the sum of its rows
(and the fixture's own count); the viewer sees only suppressed small counts and no person;
without JavaScript the server's table still sorts and drills."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (
    NARROW,
    LiveApp,
    Watch,
    live_app,
    login_as,
    new_page,
    overflows_horizontally,
    screenshot,
)
from openpyxl import load_workbook
from pages_world import PROGRAMS, REF, Hh, build, expected, protected_ok, shown, total

pytestmark = pytest.mark.browser
WORLD: list[Hh] = []
BONTANG_UTARA = "64.74.01"


@pytest.fixture(scope="module")
def app(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[LiveApp]:
    def fill(conn) -> None:
        WORLD[:] = build(conn, wilayah_dir)

    with live_app(db_url, "sasaran_pages_table", fill, tmp_path_factory) as live:
        yield live


def _rows(page) -> dict[str, list[str]]:
    """Tabulator's rows by their first cell (the area code)."""
    out = {}
    for row in page.locator(".tabulator-tableholder .tabulator-row").all():
        cells = [c.strip() for c in row.locator(".tabulator-cell").all_inner_texts()]
        out[cells[0]] = cells
    return out


def _column(page, title: str) -> int:
    titles = [t.strip() for t in page.locator(".tabulator-col-title").all_inner_texts()]
    return titles.index(title)


def _footer(page) -> list[str]:
    return [c.strip() for c in page.locator(".tabulator-calcs-bottom .tabulator-cell")
            .all_inner_texts()]


def test_analyst_drills_down_sorts_and_downloads_what_is_shown(chromium, app):
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "analyst", f"/tabel?ref_date={REF.isoformat()}")
    page.wait_for_selector(".tabulator-row")
    assert list(_rows(page)) == ["64.74"]  # the analyst's area only
    assert _footer(page)[_column(page, "Sasaran (RT)")] == shown(
        total(expected(WORLD, "kabkota"))["targets"], False)

    # Click the city's row: its kecamatan; then Bontang Utara: its kelurahan.
    with page.expect_navigation():
        page.locator(".tabulator-tableholder .tabulator-row", has_text="64.74").click()
    assert "level=kecamatan" in page.url and "kecamatan=64.74" in page.url
    page.wait_for_selector(".tabulator-row")
    want = expected(WORLD, "kecamatan")
    rows = _rows(page)
    assert sorted(rows) == sorted(want)
    for code, figures in want.items():
        assert rows[code][_column(page, "Sasaran (RT)")] == shown(figures["targets"], False)
        assert rows[code][_column(page, "Kesenjangan (RT)")] == shown(figures["gap"], False)
    with page.expect_navigation():
        page.get_by_role("link", name="Bontang Utara").first.click()
    page.wait_for_selector(".tabulator-row")
    kelurahan = {k: v for k, v in expected(WORLD, "kelurahan").items()
                 if k.startswith(BONTANG_UTARA)}
    rows = _rows(page)
    assert set(kelurahan) <= set(rows)  # plus known kelurahan without households (zeros)
    kec = _column(page, "Kecamatan")
    assert {rows[c][kec] for c in rows} == {"Bontang Utara"}
    assert page.locator(".jejak").inner_text().split("\n")[-1].strip() == "Bontang Utara"

    # Sorting by gap, largest first, in the browser.
    gap = _column(page, "Kesenjangan (RT)")
    page.locator(".tabulator-col", has_text="Kesenjangan (RT)").click()
    page.locator(".tabulator-col", has_text="Kesenjangan (RT)").click()
    first = (page.locator(".tabulator-tableholder .tabulator-row").first
             .locator(".tabulator-cell").nth(gap).inner_text())
    assert int(first.replace(".", "")) == max(f["gap"] for f in kelurahan.values())

    # Per-program columns on demand, then the XLSX of exactly this view.
    page.get_by_label("Kolom per program").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Terapkan").click()
    assert "per_program=1" in page.url
    page.wait_for_selector(".tabulator-row")
    pkh = _column(page, "Tercakup PKH (RT)")
    pkh_want = expected(WORLD, "kelurahan", program="PKH")
    for code, cells in _rows(page).items():
        assert cells[pkh] == shown(pkh_want.get(code, {"covered": 0})["covered"], False)
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh XLSX").click()
    assert download.value.suggested_filename == "cakupan-kelurahan-64.74.01.xlsx"
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert book.sheetnames == ["parameter", "kelurahan"]
    sheet = book["kelurahan"]
    assert sheet["A1"].value.startswith("Cakupan program per kelurahan/desa, Bontang Utara")
    assert sheet["A2"].value.startswith("Sumber: Sasaran")
    header = [c.value for c in sheet[3]]
    body = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    data, jumlah = body[:-1], body[-1]
    assert jumlah[0] == "Jumlah" and len(data) == len(rows)
    for title in ("Sasaran (RT)", "Tercakup (RT)", "Kesenjangan (RT)", "Tercakup PKH (RT)",
                  "Tumpang tindih ≥ 2 program", "Tumpang tindih ≥ 2 instansi"):
        i = header.index(title)
        assert jumlah[i] == sum(r[i] for r in data)  # the total equals the sum of its rows
    i = header.index("Sasaran (RT)")
    assert jumlah[i] == sum(f["targets"] for f in kelurahan.values())  # ...and the fixture
    assert {r[header.index("Kecamatan")] for r in data} == {"Bontang Utara"}
    assert sheet.cell(4, i + 1).number_format == "#,##0"
    screenshot(page, "tabel")
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert not overflows_horizontally(page)
    assert [p for p in watch.problems if "net::ERR_ABORTED" not in p] == []
    page.context.close()


def test_viewer_sees_suppressed_small_counts_and_no_person(chromium, app):
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "viewer",
             f"/tabel?ref_date={REF.isoformat()}&level=kelurahan&kecamatan=64.74")
    page.wait_for_selector(".tabulator-row")
    want = expected(WORLD, "kelurahan")
    small = [c for c, f in want.items() if 1 <= f["targets"] <= 4]
    assert small, "the fixture must have small counts"
    rows = _rows(page)
    targets = _column(page, "Sasaran (RT)")
    for code, figures in want.items():
        assert protected_ok(rows[code][targets], figures["targets"]), (code, figures)
    assert all(rows[code][targets] in ("<5", "x") for code in small)
    assert "Kepala BTG" not in page.content() and "BTG-" not in page.content()
    # Per-area figures by program or agency are not published to a viewer: no such controls.
    assert page.locator("#f-program, #f-instansi").count() == 0
    assert page.get_by_label("Kolom per program").count() == 0
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    by_code = {r["kode"]: r for r in csv.DictReader(io.StringIO(text))}
    for code in small:
        assert by_code[code]["targets"] in ("<5", "x")
    assert [p for p in watch.problems if "net::ERR_ABORTED" not in p] == []
    page.context.close()


def test_viewer_opening_a_link_with_a_program_filter_gets_the_whole_table_and_why(chromium,
                                                                                app):
    """An analyst's link carries ?program=; per-area figures under a program are not
    published to a viewer: the table opens unfiltered with the reason, not a refusal."""
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "viewer",
             f"/tabel?ref_date={REF.isoformat()}&level=kecamatan&kecamatan=64.74&program=PKH")
    page.wait_for_selector(".tabulator-row")
    message = page.locator(".galat-isian").inner_text()
    assert message.startswith("Filter program dan instansi per wilayah hanya untuk peran")
    assert message.endswith("ada di Beranda (Cakupan per program).")
    want, filtered = expected(WORLD, "kecamatan"), expected(WORLD, "kecamatan", program="PKH")
    gap = _column(page, "Kesenjangan (RT)")
    assert any(want[c]["gap"] != filtered[c]["gap"] for c in want)  # the filter would show
    rows = _rows(page)
    for code, figures in want.items():
        assert protected_ok(rows[code][gap], figures["gap"]), (code, figures)
    assert "program=" not in page.get_by_role("link", name="Unduh CSV").get_attribute("href")
    # Where the message points: the whole area's figures per program, every program named.
    page.get_by_role("link", name="Beranda").first.click()
    chart = page.locator("figure:has(#grafik-program-judul)")
    assert chart.locator("figcaption").inner_text().startswith("Cakupan per program")
    names = {t.split(":")[0] for t in chart.locator("svg title").all_text_contents()}
    assert names == {nama for nama, _ in PROGRAMS.values()}
    assert [p for p in watch.problems if "net::ERR_ABORTED" not in p] == []
    page.context.close()


def test_without_javascript_the_server_table_sorts_and_drills(chromium, app):
    page = new_page(chromium, java_script_enabled=False)
    login_as(page, app.url, "admin", f"/tabel?ref_date={REF.isoformat()}&level=kecamatan"
                                     "&kecamatan=64.74")
    with page.expect_navigation():
        page.get_by_role("link", name="Sasaran (RT)").click()
    want = expected(WORLD, "kecamatan")
    codes = [c.strip() for c in page.locator("table.data tbody tr td:first-child")
             .all_inner_texts()]
    assert codes == sorted(want, key=lambda c: want[c]["targets"], reverse=True)
    foot = page.locator("table.data tfoot td").all_inner_texts()
    assert foot[0] == "Jumlah"
    with page.expect_navigation():
        page.get_by_role("link", name="Bontang Selatan").click()
    assert "level=kelurahan" in page.url
    assert page.locator("table.data tbody tr").count() >= len(
        [c for c in expected(WORLD, "kelurahan") if c.startswith("64.74.02")])
    page.context.close()
