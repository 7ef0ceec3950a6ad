"""Pengguna dan audit in headless Chromium: the admin adds an account (bad input named next to
its field first), creates an API key shown once and revokes it, disables the account, then reads
and downloads the audit log of all that; other roles get the "tidak berhak" page."""

from __future__ import annotations

import csv
import io
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
)
from sqlalchemy import text

pytestmark = pytest.mark.browser
NEW = "petugas-baru"
NEW_PASSWORD = "rahasia-petugas-2026"


@pytest.fixture(scope="module")
def app(db_url: str, wilayah_dir: Path, tmp_path_factory) -> Iterator[LiveApp]:
    def fill(conn) -> None:
        conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial'), "
                          "('BAZNAS', 'BAZNAS Kota Bontang')"))

    with live_app(db_url, "sasaran_pages_accounts", fill, tmp_path_factory) as live:
        yield live


def _submit(page, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()


def _row(page, username: str):
    return page.locator(f"tr[data-pengguna='{username}']")


def test_admin_manages_an_account_and_its_api_key_and_reads_the_audit(chromium, app):
    page = new_page(chromium)
    watch = Watch(page)
    login_as(page, app.url, "admin", "/pengguna")
    assert page.locator("h1").inner_text() == "Pengguna dan audit"

    # Bad input: each message next to its field, nothing created, the typed values kept.
    page.get_by_label("Nama pengguna", exact=True).fill(NEW)
    page.get_by_label("Peran", exact=True).select_option("analyst")
    page.get_by_label("Kata sandi (minimal 10 karakter)").fill("pendek")
    page.get_by_label("Ulangi kata sandi").fill("pendek")
    _submit(page, "Tambah pengguna")
    assert page.locator("#g-wilayah").inner_text() == (
        "Peran analyst wajib diberi wilayah (mis. 64.74).")
    assert page.get_by_label("Wilayah (kode, pisahkan dengan koma)").get_attribute(
        "aria-invalid") == "true"
    assert page.get_by_label("Nama pengguna", exact=True).input_value() == NEW
    assert _row(page, NEW).count() == 0
    page.get_by_label("Peran", exact=True).select_option("agency")
    page.get_by_label("Instansi (peran petugas instansi)").select_option("DINSOS")
    page.get_by_label("Kata sandi (minimal 10 karakter)").fill("pendek")
    page.get_by_label("Ulangi kata sandi").fill("pendek")
    _submit(page, "Tambah pengguna")
    assert "minimal 10 karakter" in page.locator("#g-kata_sandi").inner_text()
    page.get_by_label("Kata sandi (minimal 10 karakter)").fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(NEW_PASSWORD + "x")
    _submit(page, "Tambah pengguna")
    assert page.locator("#g-ulangi_kata_sandi").inner_text() == "Kedua kata sandi tidak sama."

    # A good account.
    page.get_by_label("Kata sandi (minimal 10 karakter)").fill(NEW_PASSWORD)
    page.get_by_label("Ulangi kata sandi").fill(NEW_PASSWORD)
    _submit(page, "Tambah pengguna")
    assert page.locator(".pesan-ok").inner_text() == f"Pengguna {NEW} (agency) dibuat."
    cells = _row(page, NEW).locator("td").all_inner_texts()
    assert cells[1:5] == ["Petugas instansi", "semua", "DINSOS", "aktif"]

    # An API key, shown once, works; revoked, it does not.
    _submit(page, f"Buat kunci API untuk {NEW}")
    key = page.locator("#kunci-baru").inner_text().strip()
    assert key.startswith("ssr_")
    me = page.request.get(f"{app.url}/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status == 200 and me.json()["nama_pengguna"] == NEW
    page.goto(f"{app.url}/pengguna")
    assert key not in page.content()  # never shown again
    prefix = key.split("_")[1]
    _submit(page, f"Cabut kunci {prefix}")
    assert page.locator(".pesan-ok").inner_text() == f"Kunci API {prefix} dicabut."
    me = page.request.get(f"{app.url}/api/v1/me", headers={"Authorization": f"Bearer {key}"})
    assert me.status == 401

    # Disabled: the account can no longer log in.
    _submit(page, f"Nonaktifkan {NEW}")
    assert _row(page, NEW).locator("td").nth(4).inner_text() == "nonaktif"
    other = new_page(chromium)
    other.goto(f"{app.url}/login")
    other.get_by_label("Nama pengguna", exact=True).fill(NEW)
    other.get_by_label("Kata sandi").fill(NEW_PASSWORD)
    other.get_by_role("button", name="Masuk").click()
    assert "Nama pengguna atau kata sandi salah." in other.locator("main").inner_text()
    other.context.close()
    screenshot(page, "pengguna")

    # The audit log: what the admin just did, filtered, and downloaded.
    page.get_by_role("link", name="Buka log audit").click()
    page.wait_for_selector("h1:text('Log audit')")
    actions = page.locator("tbody tr td:nth-child(4)").all_inner_texts()
    for action in ("user.add", "apikey.create", "apikey.revoke", "user.disable"):
        assert action in actions
    assert actions.index("user.disable") < actions.index("user.add")  # newest first
    # Its details as people read them: no empty area list, no "None" for a missing value.
    added = page.locator("tbody tr", has_text="user.add").filter(has_text=NEW)
    assert added.locator("td.saringan").inner_text() == "peran=agency; instansi=DINSOS"
    page.get_by_label("Awalan aksi").fill("apikey")
    _submit(page, "Terapkan")
    assert set(page.locator("tbody tr td:nth-child(4)").all_inner_texts()) == {
        "apikey.create", "apikey.revoke"}
    with page.expect_download() as download:
        page.get_by_role("link", name="Unduh CSV").click()
    rows = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert sorted(r["aksi"] for r in rows) == ["apikey.create", "apikey.revoke"]
    assert {r["pengguna"] for r in rows} == {USERS["admin"].username}
    screenshot(page, "audit")
    page.set_viewport_size({"width": NARROW, "height": 900})
    assert not overflows_horizontally(page)
    # Expected: 422 answers to the bad forms, 401 for the revoked key; nothing else.
    assert [p for p in watch.problems if not any(
        s in p for s in ("net::ERR_ABORTED", "/api/v1/me", "422", "401"))] == []
    page.context.close()


@pytest.mark.parametrize("role", ["analyst", "agency", "viewer"])
def test_other_roles_get_the_tidak_berhak_page(chromium, app, role):
    page = new_page(chromium)
    login_as(page, app.url, role)
    assert "Pengguna dan audit" not in page.locator(".nav-utama").inner_text()
    response = page.goto(f"{app.url}/pengguna/audit")
    assert response is not None and response.status == 403
    assert page.locator("h1").inner_text() == "Tidak berhak"
    assert "Halaman Pengguna dan audit tidak tersedia untuk peran" in page.locator(
        "main").inner_text()
    page.context.close()
