"""The shell without a browser: page guards and the "tidak berhak" page, HTML error pages for
people and JSON for machines, plain form posts carrying the CSRF token, the start page per
role, the flash message's signature."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.pages import nav
from app.pages.access import guard
from app.pages.flash import FLASH_COOKIE, set_flash
from app.pages.render import render
from app.principal import Principal
from app.services.access import users

PASSWORD = "kata-sandi-panjang-123"


@pytest.fixture
def admin_page() -> Iterator[nav.Page]:
    """An admin-only page registered for the test (and removed afterwards)."""
    page = nav.register(nav.Page("uji", "/uji-admin", "Halaman uji", frozenset({"admin"}), 90))
    yield page
    nav.PAGES.pop("uji")


def _add_routes(app, page: nav.Page) -> None:
    @app.get("/uji-admin", response_class=HTMLResponse)
    def shown(request: Request, principal: Principal = guard(page)) -> HTMLResponse:
        return render(request, "error.html", principal, title="Uji", message="isi", status_code=200)

    @app.post("/uji-admin")
    def posted(request: Request, principal: Principal = guard(page)) -> RedirectResponse:
        response = RedirectResponse("/uji-admin", status_code=303)
        set_flash(request, response, "Tersimpan.")
        return response


def test_a_role_without_the_page_gets_the_tidak_berhak_page(client_as, admin_page):
    viewer = client_as("viewer")
    _add_routes(viewer.app, admin_page)
    response = viewer.get("/uji-admin")
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1 id=\"judul-galat\">Tidak berhak</h1>" in response.text
    assert "Halaman uji tidak tersedia untuk peran Pimpinan/publik." in response.text
    assert "Halaman uji" not in re.search(r"<nav.*?</nav>", response.text, re.S).group(0)

    admin = client_as("admin")
    _add_routes(admin.app, admin_page)
    ok = admin.get("/uji-admin")
    assert ok.status_code == 200
    assert 'href="/uji-admin" aria-current="page"' in ok.text


def test_a_failing_page_shows_an_html_500_or_503_without_a_trace(client_as, admin_page):
    from sqlalchemy.exc import OperationalError

    admin = client_as("admin")

    @admin.app.get("/uji-rusak")
    def broken(request: Request, principal: Principal = guard(admin_page)) -> HTMLResponse:
        raise RuntimeError("rahasia internal di jejak")

    @admin.app.get("/uji-db")
    def database_down(request: Request, principal: Principal = guard(admin_page)) -> HTMLResponse:
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    broken_page = admin.get("/uji-rusak")
    assert broken_page.status_code == 500
    assert broken_page.headers["content-type"].startswith("text/html")
    assert "Terjadi kesalahan internal; sudah dicatat di log." in broken_page.text
    assert "rahasia internal" not in broken_page.text and "Traceback" not in broken_page.text
    down = admin.get("/uji-db")
    assert down.status_code == 503 and "Basis data tidak dapat dihubungi." in down.text
    assert "Layanan sementara tidak tersedia" in down.text and "SELECT 1" not in down.text


def test_machine_paths_keep_json_errors_and_browsers_get_pages(client_as):
    viewer = client_as("viewer")
    api = viewer.get("/api/v1/coverage/gaps", headers={"accept": "text/html"})
    assert api.status_code == 403 and api.json()["error"]["code"] == "forbidden"
    missing = viewer.get("/tidak-ada", headers={"accept": "text/html,*/*"})
    assert missing.status_code == 404 and "Halaman tidak ditemukan" in missing.text
    assert viewer.get("/tidak-ada").json()["error"]["code"] == "http_error"
    bad = viewer.get("/beranda", params={"ref_date": "x" * 10})
    assert bad.status_code == 200 and "Tanggal acuan tidak sah" in bad.text


@pytest.mark.parametrize("role", ["admin", "analyst", "agency", "viewer"])
def test_root_sends_each_role_to_its_start_page(client_as, role):
    response = client_as(role).get("/", follow_redirects=False)
    assert response.status_code == 303
    start = "/cek" if role == "agency" else "/beranda"  # the officer's job is Cek penerima
    assert response.headers["location"] == nav.start_path(Principal("x", role)) == start


def test_start_page_follows_start_for_and_the_navigation_is_ordered():
    agency = Principal("x", "agency")
    page = nav.register(nav.Page("cek-uji", "/cek-uji", "Cek", frozenset({"agency"}), 30,
                                 start_for=frozenset({"agency"})))
    try:
        assert nav.start_path(agency) == "/cek-uji"
        assert nav.start_path(Principal("x", "viewer")) == "/beranda"
        assert [p.key for p in nav.visible(agency)][:3] == ["beranda", "peta", "cek-uji"]
    finally:
        nav.PAGES.pop(page.key)
    with pytest.raises(ValueError, match="unknown roles"):
        nav.register(nav.Page("x", "/x", "X", frozenset({"tamu"})))


def _login(client, username: str) -> str:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD,
                                           "csrf_token": token, "next": "/uji-admin"},
                           follow_redirects=False)
    assert response.headers["location"] == "/uji-admin"
    return client.cookies["sasaran_csrf"]


def test_a_plain_form_post_carries_the_csrf_token_in_a_field(anon_client, conn, admin_page):
    users.create_user(conn, "admin1", "admin", PASSWORD)
    _add_routes(anon_client.app, admin_page)
    csrf = _login(anon_client, "admin1")
    page = anon_client.get("/uji-admin")
    assert f'<meta name="csrf-token" content="{csrf}">' in page.text
    assert f'name="csrf_token" value="{csrf}"' in page.text  # the logout form

    refused = anon_client.post("/uji-admin", data={"csrf_token": "salah"})
    assert refused.status_code == 403 and "Token CSRF" in refused.text
    assert anon_client.post("/uji-admin", data={}).status_code == 403
    done = anon_client.post("/uji-admin", data={"csrf_token": csrf}, follow_redirects=False)
    assert done.status_code == 303
    # The flash message shows once on the next page, then is gone.
    shown = anon_client.get("/uji-admin")
    assert '<div class="pesan pesan-ok" role="status">Tersimpan.</div>' in shown.text
    assert "Tersimpan." not in anon_client.get("/uji-admin").text


def test_a_forged_flash_cookie_is_ignored(anon_client, conn, admin_page):
    users.create_user(conn, "admin1", "admin", PASSWORD)
    _add_routes(anon_client.app, admin_page)
    _login(anon_client, "admin1")
    anon_client.cookies.set(FLASH_COOKIE, "eyJtIjogIkRpcmV0YXMhIn0=.0000")
    assert "Diretas" not in anon_client.get("/uji-admin").text


def test_an_expired_session_posting_a_form_goes_to_login_and_back(anon_client, admin_page):
    _add_routes(anon_client.app, admin_page)
    anon_client.cookies.set("sasaran_sesi", "kedaluwarsa.0")
    response = anon_client.post("/uji-admin", data={"csrf_token": "x"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fuji-admin"


def test_an_expired_session_in_an_htmx_request_sends_the_window_to_login(anon_client,
                                                                         admin_page):
    _add_routes(anon_client.app, admin_page)
    anon_client.cookies.set("sasaran_sesi", "kedaluwarsa.0")
    response = anon_client.get("/uji-admin?potong=1", follow_redirects=False, headers={
        "HX-Request": "true", "HX-Current-URL": "http://127.0.0.1:1/beranda?desil_max=3"})
    # Not a redirect htmx would follow into a piece of the page: the whole window goes, and
    # comes back to the page shown (not to the partial's address).
    assert response.status_code == 204
    assert response.headers["hx-redirect"] == "/login?next=%2Fberanda%3Fdesil_max%3D3"
