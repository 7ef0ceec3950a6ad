"""The Saran kecocokan page in headless Chromium: the DINSOS officer uploads nothing here, only
decides what the PKH import suggested (a NIK typo, a reissued KK, a stranger), without seeing
names; confirms one, rejects the other, and the database says what each click did. The analyst
of Bontang sees the candidates' names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import NARROW, LiveApp, Watch, live_app, login_as, new_page, overflows_horizontally
from browser import screenshot as take_screenshot
from household_rows import nik, row, write_csv
from sqlalchemy import text

from app.services.coverage import import_enrollments
from app.services.registry import import_households
from app.services.wilayah import load_boundaries

pytestmark = pytest.mark.browser
KEY = b"browser-test-secret-key-0123456789abcdef"  # the live app's secret: its HMAC key
HEADS = {1: "Siti Aminah", 2: "Budi Santoso", 3: "Rahmat Hidayat"}
TYPO = nik(1)[:12] + "9" + nik(1)[13:]  # Siti's NIK with its 13th digit wrong
NEW_KK = "6474039999000001"  # Rahmat's reissued KK: nobody has it


@pytest.fixture(scope="module")
def app(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[LiveApp]:
    folder = tmp_path_factory.mktemp("saran")

    def fill(conn) -> None:
        for name in ("kaltim_kabkota", "bontang_kecamatan", "bontang_kelurahan"):
            load_boundaries(conn, wilayah_dir / f"{name}.geojson")
        households = write_csv(folder / "rt.csv", [
            row(i, id_keluarga=f"K{i}", nama_kepala=name) for i, name in HEADS.items()])
        import_households(conn, households, key=KEY, user="admin-uji")
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial')"))
        conn.execute(text("INSERT INTO program (kode_program, nama, instansi) "
                          "VALUES ('PKH', 'Program Keluarga Harapan', 'DINSOS')"))
        pkh = write_csv(folder / "pkh.csv", [
            {"nik": n, "no_kk": k, "nama": name, "tanggal_mulai": "01/02/2026"}
            for n, k, name in ((TYPO, "", "SITI AMINAH"), ("", NEW_KK, "Rahmat Hidayat"),
                               ("6474031212990123", "", "Orang Baru"))])
        import_enrollments(conn, pkh, key=KEY, user="dinsos-uji", program="PKH",
                           only_program=True)

    with live_app(db_url, "sasaran_pages_saran", fill, tmp_path_factory) as live:
        yield live


def _rows(page) -> list[str]:
    return page.locator("section.baris-saran").evaluate_all(
        "els => els.map(e => e.dataset.baris)")


def test_officer_confirms_one_suggestion_and_rejects_another(chromium, app):
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "agency", "/saran")
    assert page.url == app.url + "/saran"
    assert "Saran kecocokan" in page.locator(".nav-utama").inner_text()
    assert _rows(page) == ["2", "3"]  # the stranger got no suggestion
    first = page.locator("section[data-baris='2'] tbody tr")
    assert first.count() == 1
    # 0.62 (one digit off) + 0.30 x name similarity 1.0, shown the Indonesian way.
    assert first.locator("[data-skor]").inner_text() == "0,92"
    assert "NIK berbeda satu digit" in first.inner_text()
    assert "Gunung Telihan" in first.inner_text()
    main = page.locator("main").inner_text()
    assert "Siti Aminah" not in main and "Rahmat Hidayat" not in main  # no names for agency
    assert f"{TYPO[:6]}********{TYPO[-4:]}" in page.locator("section[data-baris='2']").inner_text()
    # The filter's fields line up: the batch number is a field like the program's list.
    heights = [page.locator(f).bounding_box()["height"] for f in ("#f-batch", "#f-program")]
    assert abs(heights[0] - heights[1]) <= 3, heights  # was 22 against 36 px
    take_screenshot(page, "saran-instansi")
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert not overflows_horizontally(page)

    with page.expect_navigation():
        page.get_by_role("button", name="Konfirmasi saran 1 untuk baris 2").click()
    assert "Saran dikonfirmasi: baris 2" in page.locator(".pesan").inner_text()
    assert _rows(page) == ["3"]
    with page.expect_navigation():
        page.get_by_role("button", name="Tolak saran 1 untuk baris 3").click()
    assert "Saran ditolak" in page.locator(".pesan").inner_text()
    assert _rows(page) == []
    assert "Tidak ada saran untuk pilihan ini." in page.locator("main").inner_text()

    page.select_option("#f-status", "dikonfirmasi")
    page.select_option("#f-program", "PKH")
    with page.expect_navigation():
        page.get_by_role("button", name="Terapkan").click()
    assert _rows(page) == ["2"] and "program=PKH" in page.url
    assert page.get_by_role("button", name="Konfirmasi saran 1 untuk baris 2").count() == 0
    assert watch.problems == []
    page.context.close()

    with app.engine.connect() as conn:
        rows = {r.nomor_baris: (r.status, r.id_keluarga) for r in conn.execute(text(
            "SELECT e.nomor_baris, e.status, h.id_keluarga FROM enrollment e "
            "LEFT JOIN household h ON h.id = e.household_id"))}
        assert rows == {2: ("matched", "K1"), 3: ("unmatched", None), 4: ("unmatched", None)}
        refused = conn.execute(text(
            "SELECT h.id_keluarga, r.pengguna FROM match_rejection r "
            "JOIN household h ON h.id = r.household_id")).all()
        assert [tuple(r) for r in refused] == [("K3", "dinsos-uji")]
        actions = conn.execute(text(
            "SELECT aksi FROM audit_log WHERE pengguna = 'dinsos-uji' "
            "AND aksi LIKE 'enrollment.suggestion.%' ORDER BY id")).scalars().all()
        assert actions.count("enrollment.suggestion.confirm") == 1
        assert actions.count("enrollment.suggestion.reject") == 1


def test_the_analyst_sees_the_candidates_names(chromium, app):
    page = new_page(chromium)
    login_as(page, app.url, "analyst", "/saran?status=dikonfirmasi")
    confirmed = page.locator("section[data-baris='2'] [data-nama]").all_inner_texts()
    assert confirmed == ["Siti Aminah"]
    page.context.close()


def test_the_viewer_gets_the_not_allowed_page(chromium, app):
    page = new_page(chromium)
    login_as(page, app.url, "viewer")
    response = page.goto(app.url + "/saran")
    assert response is not None and response.status == 403
    assert "Saran kecocokan" not in page.locator(".nav-utama").inner_text()
    page.context.close()
