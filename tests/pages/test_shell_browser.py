"""The application shell in headless Chromium, as each role uses it: log in through the form and
come back to the page asked for, see who is logged in and only the pages the role may use, the
Beranda figures (checked against the fixture), log out; every page usable at 390 px."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import (
    NARROW,
    USERS,
    LiveApp,
    Watch,
    live_app,
    login_as,
    new_page,
    overflows_horizontally,
    screenshot,
    tab_until,
    unnamed_controls,
)
from pages_world import REF, Hh, build, expected, fgt, protected_ok, shown, total

pytestmark = pytest.mark.browser
NAV = {
    "admin": ["Beranda", "Peta", "Tabel cakupan", "Cek penerima", "Unggah data",
              "Saran kecocokan", "Perencanaan", "Pengguna dan audit"],
    "analyst": ["Beranda", "Peta", "Tabel cakupan", "Cek penerima", "Unggah data",
                "Saran kecocokan", "Perencanaan"],
    "agency": ["Beranda", "Peta", "Tabel cakupan", "Cek penerima", "Unggah data",
               "Saran kecocokan"],
    "viewer": ["Beranda", "Peta", "Tabel cakupan", "Perencanaan"],
}
WORLD: list[Hh] = []


@pytest.fixture(scope="module")
def app(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[LiveApp]:
    def fill(conn) -> None:
        WORLD[:] = build(conn, wilayah_dir)

    with live_app(db_url, "sasaran_pages_shell", fill, tmp_path_factory) as live:
        yield live


def _nav(page) -> list[str]:
    return [t.strip() for t in page.locator(".nav-utama a").all_inner_texts()]


def _figure(page, key: str) -> str:
    return page.locator(f"dd[data-angka='{key}']").inner_text().split("\n")[0].strip()


@pytest.mark.parametrize("role", ["admin", "analyst", "agency", "viewer"])
def test_each_role_logs_in_back_to_the_page_asked_and_sees_its_navigation(chromium, app, role):
    page = new_page(chromium)
    watch = Watch(page)
    asked = f"/beranda?ref_date={REF.isoformat()}&desil_max=3"
    page.goto(app.url + asked)
    assert "/login" in page.url  # no session yet: the login form, remembering the page
    page.get_by_label("Nama pengguna").fill(USERS[role].username)
    page.get_by_label("Kata sandi").fill("kata-sandi-uji-2026")
    with page.expect_navigation():
        page.get_by_role("button", name="Masuk").click()
    assert page.url == app.url + asked
    header = page.locator("header.kepala").inner_text()
    assert USERS[role].username in header
    assert {"admin": "Admin", "analyst": "Analis", "agency": "Petugas instansi",
            "viewer": "Pimpinan/publik"}[role] in header
    assert ("Kota Bontang (64.74)" if role == "analyst" else "Semua wilayah") in header
    assert _nav(page) == NAV[role]
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator(".nav-utama a[aria-current='page']").inner_text() == "Beranda"

    # The figures of the whole city with desil threshold 3, suppressed for non-person roles.
    suppress = role in ("agency", "viewer")
    want = total(expected(WORLD, "kelurahan", desil_max=3))
    for key in ("targets", "covered", "gap", "overlap", "leakage"):
        if suppress:
            assert protected_ok(_figure(page, key), want[key]), (key, _figure(page, key))
        else:
            assert _figure(page, key) == shown(want[key], False), key
    assert "Kepala BTG" not in page.content() and "BTG-" not in page.content()  # no person
    assert watch.problems == []

    page.goto(app.url + "/")
    assert page.url.endswith("/cek" if role == "agency" else "/beranda")
    with page.expect_navigation():
        page.get_by_role("button", name="Keluar").click()
    assert page.url == app.url + "/login"
    page.goto(app.url + "/beranda")
    assert "/login?next=" in page.url
    page.context.close()


def test_on_a_phone_the_navigation_is_one_row_that_scrolls_to_the_current_page(chromium, app):
    """At 390 px the eight entries of the admin's navigation stay one row (the header took 223
    px of the screen when they wrapped onto four), the current page's entry is scrolled into
    view, and the last entry is reached and opened by a tap."""
    page = new_page(chromium, NARROW)
    login_as(page, app.url, "admin", f"/perencanaan?ref_date={REF.isoformat()}")
    links = page.locator(".nav-utama a")
    tops = {round(box["y"]) for box in (links.nth(i).bounding_box()
                                         for i in range(links.count()))}
    assert len(tops) == 1  # one row
    assert page.locator("header.kepala").bounding_box()["height"] <= 120
    current = page.locator(".nav-utama a[aria-current='page']")
    assert current.inner_text() == "Perencanaan"
    box = current.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= NARROW  # scrolled into view
    assert not overflows_horizontally(page)
    with page.expect_navigation():
        page.locator(".nav-utama a", has_text="Pengguna dan audit").click()
    assert page.url.startswith(app.url + "/pengguna")
    assert page.locator(".nav-utama a[aria-current='page']").inner_text() == "Pengguna dan audit"
    page.context.close()


def test_beranda_figures_poverty_and_charts_for_the_analyst(chromium, app):
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "analyst", f"/beranda?ref_date={REF.isoformat()}")
    want = total(expected(WORLD, "kelurahan"))
    rate = want["covered"] / want["targets"]
    assert _figure(page, "coverage_rate") == f"{rate * 100:.1f} %".replace(".", ",")
    p0, p1, _ = fgt(WORLD)
    assert _figure(page, "p0") == f"{p0 * 100:.1f} %".replace(".", ",")
    assert _figure(page, "p1") == f"{p1 * 100:.2f} %".replace(".", ",")
    # One bar per program and one per kecamatan of Bontang.
    assert page.locator("#grafik-program-judul + svg g").count() == 3
    assert page.locator("#grafik-wilayah-judul + svg g").count() == 3
    screenshot(page, "beranda")
    # A filter: only PKH counts as covered now.
    page.select_option("#f-program", "PKH")
    with page.expect_navigation():
        page.get_by_role("button", name="Terapkan").click()
    assert "program=PKH" in page.url
    pkh = total(expected(WORLD, "kelurahan", program="PKH"))
    assert _figure(page, "covered") == shown(pkh["covered"], False)
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert not overflows_horizontally(page)
    # The links carry the same filters into the map and the table.
    assert "program=PKH" in (page.get_by_role("link", name="Buka peta").get_attribute("href")
                             or "")
    with page.expect_navigation():
        page.get_by_role("link", name="Buka tabel cakupan").click()
    assert page.url.startswith(app.url + "/tabel?") and "program=PKH" in page.url
    assert page.locator("#f-program").input_value() == "PKH"
    assert watch.problems == []
    page.context.close()


def test_a_bad_filter_value_is_named_next_to_its_field(chromium, app):
    page = new_page(chromium)
    login_as(page, app.url, "viewer", "/beranda?desil_max=99&ref_date=kemarin")
    assert "Ambang desil harus bilangan bulat 1 sampai 10." in page.locator("#g-desil").inner_text()
    assert "Tanggal acuan tidak sah" in page.locator("#g-tanggal").inner_text()
    assert page.locator("#f-desil").get_attribute("aria-invalid") == "true"
    page.context.close()


def test_an_unknown_address_is_a_page_not_json(chromium, app):
    page = new_page(chromium)
    login_as(page, app.url, "agency")
    response = page.goto(app.url + "/tidak-ada")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Halaman tidak ditemukan"
    assert "{" not in page.locator("main").inner_text()
    page.context.close()


def test_keyboard_reaches_every_control_and_every_control_has_a_name(chromium, app):
    page = new_page(chromium)
    watch = Watch(page)
    page.goto(app.url + "/login")
    assert unnamed_controls(page) == []
    login_as(page, app.url, "admin", "/beranda")
    # The first Tab stop is the skip link, shown when focused; Enter jumps over the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Langsung ke isi"
    box = page.locator("a.lewati").bounding_box()
    assert box is not None and box["x"] >= 0
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("Boolean(document.activeElement.closest('main'))")
    # Without the skip link the header's path passes every entry of the role's navigation
    # before the logout button.
    page.goto(app.url + "/beranda")
    stops = " | ".join(tab_until(page, "form.keluar button"))
    for label in NAV["admin"]:
        assert f"A {label}" in stops, (label, stops)
    for path in ("/beranda", f"/tabel?level=kecamatan&kecamatan=64.74&ref_date={REF}",
                 "/pengguna", "/pengguna/audit"):
        page.goto(app.url + path)
        page.wait_for_load_state("networkidle")
        assert unnamed_controls(page) == [], path

    # Tabel cakupan by keyboard: a header sorts with Enter, a name drills down with Enter.
    want = {k: v for k, v in expected(WORLD, "kelurahan").items() if k.startswith("64.74.01")}
    page.goto(app.url + f"/tabel?level=kelurahan&kecamatan=64.74.01&ref_date={REF}")
    page.wait_for_selector(".tabulator-row")
    gap_header = ".tabulator-col.tabulator-sortable[tabulator-field='gap']"
    tab_until(page, gap_header)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    assert page.locator(gap_header).get_attribute("aria-sort") == "descending"
    first = page.locator(".tabulator-tableholder .tabulator-row").first
    cell = first.locator(".tabulator-cell[tabulator-field='gap']").inner_text()
    assert int(cell.replace(".", "")) == max(f["gap"] for f in want.values())
    page.goto(app.url + f"/tabel?level=kecamatan&kecamatan=64.74&ref_date={REF}")
    page.wait_for_selector(".tabulator-row")
    tab_until(page, ".tabulator-row a")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "level=kelurahan" in page.url
    assert watch.problems == []
    page.goto(app.url + "/tidak-ada")  # the error page too (its 404 is expected, so last)
    assert unnamed_controls(page) == []
    page.context.close()


def test_htmx_errors_are_said_and_an_expired_session_goes_to_login(chromium, app):
    page = new_page(chromium)
    login_as(page, app.url, "viewer", f"/beranda?desil_max=3&ref_date={REF}")
    before = page.locator("main").inner_text()
    # A partial request that fails: the page keeps its content and says what failed.
    page.evaluate("htmx.ajax('GET', '/tidak-ada', {target: '#isi'})")
    alert = page.locator("#galat-htmx[role='alert']")
    alert.wait_for()
    assert alert.inner_text().startswith("Halaman tidak ditemukan")
    assert page.locator("main").inner_text() == before
    # The session ends (cookies gone): the next partial request takes the whole window to the
    # login form, which will bring the user back to this page.
    page.context.clear_cookies()
    with page.expect_navigation(url="**/login?next=**"):
        page.evaluate("htmx.ajax('GET', '/beranda', {target: '#isi'})")
    assert page.url.endswith("/login?next=%2Fberanda%3Fdesil_max%3D3%26ref_date%3D"
                             + REF.isoformat())
    assert page.locator("h1").inner_text() == "Masuk"
    page.context.close()
