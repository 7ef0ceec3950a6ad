"""Authentication and hardening: login/logout, cookie flags, CSRF, API keys, argon2, disabled
accounts, rate limit, upload limits and content sniffing, security headers, CORS."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import app_on
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text

from app.api.auth import LoginThrottle
from app.security import PrincipalDep
from app.services.access import users
from app.settings import Settings

PASSWORD = "kata-sandi-panjang-123"


@pytest.fixture
def make_client(settings, engine, conn) -> Iterator:
    """A client with real authentication on settings changed by ``overrides``."""
    clients: list[TestClient] = []

    def make(**overrides) -> TestClient:
        app = app_on(settings.model_copy(update=overrides), engine, conn, None)
        client = TestClient(app, raise_server_exceptions=False)
        clients.append(client)
        return client.__enter__()

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def login(client: TestClient, username: str, password: str, next_path: str = "/map"):
    page = client.get("/login", params={"next": next_path})
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": token, "next": next_path},
                       follow_redirects=False)


def set_cookie_headers(response) -> list[str]:
    return response.headers.get_list("set-cookie")


def test_login_page_is_public_indonesian_and_carries_a_csrf_field(anon_client):
    page = anon_client.get("/login")
    assert page.status_code == 200
    assert "Kata sandi" in page.text and 'lang="id"' in page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    cookie = next(c for c in set_cookie_headers(page) if c.startswith("sasaran_login_csrf="))
    assert token in cookie and "HttpOnly" in cookie and "SameSite=strict" in cookie


def test_login_sets_an_httponly_strict_session_cookie_and_redirects(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    response = login(anon_client, "analis", PASSWORD, "/map?x=1")
    assert response.status_code == 303 and response.headers["location"] == "/map?x=1"
    session = next(c for c in set_cookie_headers(response) if c.startswith("sasaran_sesi="))
    assert "HttpOnly" in session and "SameSite=strict" in session and "Path=/" in session
    me = anon_client.get("/api/v1/me").json()
    assert me["nama_pengguna"] == "analis" and me["peran"] == "analyst"
    assert me["awalan_wilayah"] == ["64.74"] and me["boleh_melihat_perorangan"] is True


def test_session_cookie_is_secure_outside_local_mode(make_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    client = make_client(cookie_secure=True)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    # The browser would not send a Secure cookie over http; send the form token cookie by hand.
    client.cookies.set("sasaran_login_csrf", token, path="/login")
    response = client.post("/login", data={"username": "analis", "password": PASSWORD,
                                           "csrf_token": token}, follow_redirects=False)
    session = next(c for c in set_cookie_headers(response) if c.startswith("sasaran_sesi="))
    assert "Secure" in session


def test_login_without_the_form_token_is_refused(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    response = anon_client.post("/login", data={"username": "analis", "password": PASSWORD},
                                follow_redirects=False)
    assert response.status_code == 403
    assert not any(c.startswith("sasaran_sesi=") for c in set_cookie_headers(response))


class Clock:
    """The login throttle's monotonic clock, moved by the test (seconds)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def throttle_clock(client: TestClient, start: float) -> Clock:
    clock = Clock(start)
    client.app.state.login_throttle = LoginThrottle(clock)  # type: ignore[attr-defined]
    return clock


def test_wrong_password_is_refused_and_repeated_failures_lock_the_name(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    clock = throttle_clock(anon_client, 1000.0)
    for i in range(5):
        clock.now = 1000.0 + i
        assert login(anon_client, "analis", "salah-sekali-123").status_code == 401
    clock.now = 1010.0
    locked = login(anon_client, "analis", PASSWORD)
    # The first failure (t = 1000) leaves the 15-minute window at 1900: 890 s from now.
    assert locked.status_code == 429 and locked.headers["retry-after"] == "890"
    assert "coba lagi dalam 15 menit" in locked.text
    assert anon_client.get("/api/v1/me").status_code == 401
    failed = conn.execute(text("SELECT count(*) FROM audit_log WHERE aksi = 'login.failed' "
                               "AND pengguna = 'analis'")).scalar()
    assert failed == 5


def test_one_address_guessing_many_names_is_stopped_but_another_address_logs_in(
        anon_client, conn, settings):
    """30 names, one wrong password each, from one address (each name under its own limit):
    after the address limit every try is 429 with the seconds until the oldest failure leaves
    the 15-minute window; another address is not affected."""
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    limit = settings.login_attempts_per_address
    assert settings.login_attempts_max < limit == 20 < 30
    clock = throttle_clock(anon_client, 1000.0)
    answers = []
    for i in range(30):
        clock.now = 1000.0 + i  # one try a second; the first failure is at t = 1000
        response = login(anon_client, f"tebakan{i:02d}", "salah-sekali-123")
        answers.append((response.status_code, response.headers.get("retry-after")))
    assert answers == [(401, None)] * 20 + [(429, str(900 - i)) for i in range(20, 30)]
    failed = conn.execute(text("SELECT count(*) FROM audit_log WHERE aksi = 'login.failed' "
                               "AND pengguna LIKE 'tebakan%'")).scalar()
    assert failed == 20  # refused tries never reach the password check
    # Even the right password is refused from this address ...
    assert login(anon_client, "analis", PASSWORD).status_code == 429
    # ... but a colleague at another address logs in.
    other = TestClient(anon_client.app, client=("203.0.113.7", 50000))
    assert login(other, "analis", PASSWORD).status_code == 303
    # Half a second before the first failure leaves the window: still 429, retry in 1 s.
    clock.now = 1899.5
    last = login(anon_client, "analis", PASSWORD)
    assert last.status_code == 429 and last.headers["retry-after"] == "1"
    clock.now = 1900.0  # it has left: 19 failures in the window, one more try is allowed
    assert login(anon_client, "analis", PASSWORD).status_code == 303


def test_open_redirect_is_not_possible(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    response = login(anon_client, "analis", PASSWORD, "//jahat.example/map")
    assert response.headers["location"] == "/"  # the role's start page


def test_logout_ends_the_session_on_the_server(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    login(anon_client, "analis", PASSWORD)
    stolen = anon_client.cookies.get("sasaran_sesi")
    csrf = anon_client.cookies.get("sasaran_csrf")
    response = anon_client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert response.status_code == 303
    assert conn.execute(text("SELECT count(*) FROM sesi_web")).scalar() == 0
    anon_client.cookies.set("sasaran_sesi", stolen)
    assert anon_client.get("/api/v1/me").status_code == 401


def test_logout_without_csrf_token_is_refused(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    login(anon_client, "analis", PASSWORD)
    assert anon_client.post("/logout", follow_redirects=False).status_code == 403
    assert anon_client.get("/api/v1/me").status_code == 200


def test_cookie_authenticated_state_change_needs_the_csrf_header(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    login(anon_client, "analis", PASSWORD)
    refused = anon_client.post("/api/v1/imports/households")
    assert refused.status_code == 403 and "CSRF" in refused.json()["error"]["message"]
    csrf = anon_client.cookies.get("sasaran_csrf")
    passed = anon_client.post("/api/v1/imports/households", headers={"X-CSRF-Token": csrf})
    assert passed.status_code == 422  # past the CSRF check, stopped by the missing file


def test_tampered_session_cookie_is_refused(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    login(anon_client, "analis", PASSWORD)
    token, _, _ = anon_client.cookies.get("sasaran_sesi").rpartition(".")
    anon_client.cookies.set("sasaran_sesi", token + ".00")
    assert anon_client.get("/api/v1/me").status_code == 401


def test_passwords_are_argon2_hashes_and_keys_are_not_stored(conn):
    users.create_user(conn, "agen", "agency", PASSWORD, agency="DINSOS")
    key = users.create_api_key(conn, "agen", "server dinsos")
    stored = conn.execute(text("SELECT kata_sandi_hash FROM pengguna")).scalar()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    dump = conn.execute(text("SELECT row_to_json(k)::text FROM kunci_api k")).scalar()
    # The secret is everything after the second "_" (token_urlsafe may itself contain "_";
    # a split on every "_" gave a short fragment that could occur in the dump by chance).
    secret = key.split("_", 2)[2]
    assert len(secret) == 43 and key not in dump and secret not in dump


def test_api_key_authenticates_until_revoked(anon_client, conn):
    users.create_user(conn, "agen", "agency", None, agency="DINSOS")
    key = users.create_api_key(conn, "agen")
    auth = {"Authorization": f"Bearer {key}"}
    me = anon_client.get("/api/v1/me", headers=auth).json()
    assert me["peran"] == "agency" and me["kode_instansi"] == "DINSOS"
    assert me["boleh_melihat_perorangan"] is False and me["boleh_memeriksa"] is True
    users.revoke_api_key(conn, key.split("_")[1])
    assert anon_client.get("/api/v1/me", headers=auth).status_code == 401


def test_wrong_or_malformed_keys_are_refused(anon_client, conn):
    users.create_user(conn, "agen", "agency", None, agency="DINSOS")
    key = users.create_api_key(conn, "agen")
    for bad in (key[:-2] + "xx", "ssr_tidakada_abc", "bukan-kunci"):
        response = anon_client.get("/api/v1/me", headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401 and response.json()["error"]["code"] == "unauthenticated"


def test_disabled_user_loses_keys_and_sessions_at_once(anon_client, conn):
    users.create_user(conn, "analis", "analyst", PASSWORD, ["64.74"])
    key = users.create_api_key(conn, "analis")
    login(anon_client, "analis", PASSWORD)
    users.set_active(conn, "analis", False)
    assert anon_client.get("/api/v1/me").status_code == 401
    anon_client.cookies.clear()
    assert anon_client.get("/api/v1/me", headers={"Authorization": f"Bearer {key}"}
                           ).status_code == 401
    assert login(anon_client, "analis", PASSWORD).status_code == 401


def test_no_credentials_is_401_for_the_api_and_a_login_redirect_for_pages(anon_client):
    app: FastAPI = anon_client.app

    @app.get("/halaman-uji")
    def page(principal: PrincipalDep) -> dict:
        return {}

    api = anon_client.get("/api/v1/me")
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"
    assert api.json()["error"]["code"] == "unauthenticated"
    redirect = anon_client.get("/halaman-uji?a=1", follow_redirects=False)
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/login?next=%2Fhalaman-uji%3Fa%3D1"


def test_health_stays_public(anon_client):
    assert anon_client.get("/healthz").status_code == 200


def test_auth_disabled_makes_local_requests_admin(make_client):
    client = make_client(auth_disabled=True)
    assert client.get("/api/v1/me").json()["peran"] == "admin"


def test_settings_refuse_weak_secrets_and_disabled_auth_outside_local_mode():
    url = "postgresql+psycopg://x@localhost/x"
    with pytest.raises(ValidationError):
        Settings(mode="production", database_url=url, secret_key="pendek")
    with pytest.raises(ValidationError):
        Settings(mode="production", database_url=url, secret_key="x" * 40, auth_disabled=True)
    assert Settings(mode="production", database_url=url, secret_key="x" * 40).mode == "production"


def test_account_rules_are_enforced(conn):
    from geo.errors import Conflict, InvalidInput

    with pytest.raises(InvalidInput):
        users.create_user(conn, "analis", "analyst", PASSWORD)  # analyst needs an area
    with pytest.raises(InvalidInput):
        users.create_user(conn, "agen", "agency", PASSWORD)  # agency needs an agency
    with pytest.raises(InvalidInput):
        users.create_user(conn, "x", "raja", PASSWORD)
    with pytest.raises(InvalidInput):
        users.create_user(conn, "pendek", "viewer", "123")
    users.create_user(conn, "tamu", "viewer", PASSWORD)
    with pytest.raises(Conflict):
        users.create_user(conn, "tamu", "viewer", PASSWORD)


def test_local_mode_generates_the_hmac_key_once_and_keeps_it_private(tmp_path):
    url = "postgresql+psycopg://x@/x"
    key = Settings(database_url=url, data_dir=tmp_path).hmac_key()
    stored = tmp_path / "secret.key"
    assert len(key) == 64 and stored.read_text().strip().encode() == key
    assert stored.stat().st_mode & 0o777 == 0o600
    assert Settings(database_url=url, data_dir=tmp_path).hmac_key() == key
