"""Hardening: upload size limit (413), CSV/XLSX content sniffing with bounded XLSX, the rate
limit on the coverage check (429), security headers with a strict CSP, CORS off by default."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TEST_ADMIN, app_on
from fastapi.testclient import TestClient
from openpyxl import Workbook

from app.hardening import content_security_policy
from app.uploads import sniff_kind
from geo.errors import InvalidInput, PayloadTooLarge

MB = 1 << 20


@pytest.fixture
def admin_with(settings, engine, conn) -> Iterator:
    """An admin client on settings changed by ``overrides``."""
    clients: list[TestClient] = []

    def make(**overrides) -> TestClient:
        app = app_on(settings.model_copy(update=overrides), engine, conn, TEST_ADMIN)
        clients.append(TestClient(app, raise_server_exceptions=False))
        return clients[-1].__enter__()

    yield make
    for client in clients:
        client.__exit__(None, None, None)


def test_oversize_upload_is_refused_with_413_in_the_error_format(admin_with):
    client = admin_with(max_upload_mb=1)
    payload = b"id_keluarga,no_kk\n" + b"1,2\n" * (MB // 4 + 10)
    response = client.post("/api/v1/imports/households",
                           files={"file": ("besar.csv", payload, "text/csv")})
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert "1 MB" in response.json()["error"]["message"]


@pytest.mark.parametrize("route, field", [
    ("/api/v1/imports/households", "file"),
    ("/api/v1/enrollments/import", "file"),
    ("/api/v1/programs/import", "file"),
])
def test_every_upload_route_sniffs_the_content_not_the_name(admin_with, route, field):
    response = admin_with().post(route, files={field: ("daftar.csv", b"%PDF-1.7 ...", "text/csv")})
    assert response.status_code == 422
    assert response.json()["error"]["message"] == (
        "Berkas daftar.csv bukan CSV atau XLSX (isi berkas biner).")


def test_check_endpoint_is_rate_limited_per_credential(admin_with):
    client = admin_with(check_rate_per_minute=3)
    statuses = [client.post("/api/v1/coverage/check", json={},
                            headers={"Authorization": "Bearer satu"}).status_code
                for _ in range(4)]
    assert 429 not in statuses[:3] and statuses[3] == 429
    other = client.post("/api/v1/coverage/check", json={}, headers={"Authorization": "Bearer dua"})
    assert other.status_code != 429
    limited = client.post("/api/v1/coverage/check", json={},
                          headers={"Authorization": "Bearer satu"})
    assert limited.json()["error"]["code"] == "rate_limited" and "retry-after" in limited.headers


def test_other_endpoints_are_not_rate_limited(admin_with):
    client = admin_with(check_rate_per_minute=1)
    assert all(client.get("/healthz").status_code != 429 for _ in range(5))


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_csv_and_real_xlsx_are_recognised_whatever_their_names(tmp_path):
    assert sniff_kind(_write(tmp_path / "a.xlsx", b"nama;desil\nSiti;1\n"),
                      "a.xlsx", 100 * MB) == "csv"
    book = Workbook()
    book.active.append(["nama", "desil"])
    book.save(tmp_path / "b.csv")
    assert sniff_kind(tmp_path / "b.csv", "b.csv", 100 * MB) == "xlsx"


@pytest.mark.parametrize("content, reason", [
    (b"%PDF-1.7 ...", "biner"),
    (b"\x89PNG\r\n\x1a\n....", "biner"),
    ("nama\nSiti".encode("utf-16"), "UTF-16"),
    (b"nama\n\xe9\xe9\xe9 bukan utf8\n" + b"x" * 100, "UTF-8"),
    (b"   \n", "kosong"),
])
def test_non_table_content_is_refused_naming_the_file(tmp_path, content, reason):
    with pytest.raises(InvalidInput, match=reason) as info:
        sniff_kind(_write(tmp_path / "data.csv", content), "data.csv", 100 * MB)
    assert "data.csv" in info.value.message


def test_zip_that_is_not_a_workbook_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("skrip.sh", "echo hai")
    with pytest.raises(InvalidInput, match="bukan buku kerja"):
        sniff_kind(_write(tmp_path / "x.xlsx", buffer.getvalue()), "x.xlsx", 100 * MB)


def test_xlsx_zip_bomb_is_refused_before_opening(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * MB))
    path = _write(tmp_path / "bom.xlsx", buffer.getvalue())
    assert path.stat().st_size < MB
    with pytest.raises(PayloadTooLarge):
        sniff_kind(path, "bom.xlsx", 1000 * MB)  # ratio bound
    with pytest.raises(PayloadTooLarge):
        sniff_kind(path, "bom.xlsx", 10 * MB)  # total bound


def test_pages_get_security_headers_and_a_strict_csp_with_inline_hashes(client):
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    # The pages' styles and scripts are static files: no inline code, so nothing to hash
    # (inline hashes: test_csp_allows_the_configured_tile_host_and_hashes_inline_scripts).
    assert "<style" not in page.text and not re.search(r"<script(?![^>]*\ssrc=)", page.text)
    assert "script-src 'self';" in csp and "style-src 'self';" in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    api = client.get("/healthz")
    assert api.headers["content-security-policy"].startswith("default-src 'none'")


def test_answers_say_no_store_except_static_assets(client):
    """Pages and API answers may hold person data: no cache keeps them. The pages' own code
    files are the same for everyone and may be cached."""
    for url in ("/api/v1/me", "/healthz", "/api/v1/households", "/login", "/tidak-ada"):
        assert client.get(url).headers["cache-control"] == "no-store", url
    asset = client.get("/static/css/sasaran-map.css")
    assert asset.status_code == 200 and "cache-control" not in asset.headers


def test_hsts_only_in_production_mode(client, admin_with):
    assert "strict-transport-security" not in client.get("/healthz").headers
    production = admin_with(mode="production", cookie_secure=False)
    for url in ("/healthz", "/login", "/static/css/sasaran-map.css"):
        assert production.get(url).headers["strict-transport-security"] == "max-age=31536000"


def test_csp_allows_the_configured_tile_host_and_hashes_inline_scripts():
    body = b"<html><script>var a = 1;</script><script src='/static/x.js'></script></html>"
    csp = content_security_policy(body, "https://{s}.tile.example.org/{z}/{x}/{y}.png")
    digest = base64.b64encode(hashlib.sha256(b"var a = 1;").digest()).decode()
    assert f"script-src 'self' 'sha256-{digest}';" in csp
    assert "img-src 'self' data: https://*.tile.example.org;" in csp
    offline = content_security_policy(body, None)
    assert "img-src 'self' data:;" in offline


def test_cors_is_off_by_default_and_on_for_configured_origins(client, admin_with):
    preflight = {"Origin": "https://lain.example", "Access-Control-Request-Method": "GET"}
    assert "access-control-allow-origin" not in client.options("/api/v1/me",
                                                               headers=preflight).headers
    allowed = admin_with(cors_origins=["https://lain.example"])
    response = allowed.options("/api/v1/me", headers=preflight)
    assert response.headers["access-control-allow-origin"] == "https://lain.example"


def test_nul_bytes_in_parameters_are_a_clear_422_not_a_server_error(client):
    response = client.get("/api/v1/households", params={"kode": "64.74\x00"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_rate_limiter_refills_over_time_and_forgets_idle_credentials():
    from app.hardening import RateLimit

    limiter = RateLimit(lambda *a: None, per_minute=2)  # type: ignore[arg-type]
    assert [limiter.take("a", 0.0) for _ in range(3)] == [True, True, False]
    assert limiter.take("a", 30.0)  # one token back after half a minute
    for i in range(10_001):
        limiter.take(f"k{i}", 1.0)
    limiter.take("b", 120.0)
    assert len(limiter.buckets) == 1


@pytest.mark.parametrize("value", ["64.74\x1b[2J", "a\x0bb", "x\x7f"])
def test_control_characters_in_parameters_are_refused(client, value):
    response = client.get("/api/v1/households", params={"kode": value})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_ordinary_text_with_accents_and_spaces_passes(client):
    response = client.get("/api/v1/households", params={"kode": "64.74 Gunung Telihan é"})
    assert response.status_code == 200
