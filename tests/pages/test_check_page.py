"""Cek penerima without a browser: a pasted list and an uploaded file answered in a table and
a download whose result columns follow the domain rules (recomputed here), the area scope,
field messages for bad input, audit, the download only for its owner, roles without the page."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from conftest import app_on
from coverage_fixture import active_programs, agency_of, enrolled_world, is_target
from fastapi.testclient import TestClient
from sqlalchemy import text

from app.principal import Principal

ON = date(2024, 6, 1)


@pytest.fixture
def world(conn, tmp_path, settings, monkeypatch):
    monkeypatch.setattr("coverage_fixture.KEY", settings.hmac_key())  # the page's key
    households, rows = enrolled_world(conn, tmp_path, settings.hmac_key(), seed=19)
    return households, active_programs(households, rows, ON)


def post_check(client, *, nomor="", file=None, desil="4"):
    files = {"berkas": file} if file else {"berkas": ("", b"", "application/octet-stream")}
    return client.post("/cek", data={"nomor": nomor, "ref_date": ON.isoformat(),
                                     "desil_max": desil}, files=files)


def token_of(html: str, fmt: str) -> str:
    start = html.index('href="/cek/hasil/') + len('href="/cek/hasil/')
    token, _, rest = html[start:].partition(".")
    assert rest.startswith(fmt) or f"/cek/hasil/{token}.{fmt}" in html
    return token


def test_an_uploaded_list_is_answered_and_downloaded_as_the_rules_say(client_as, world, conn):
    households, active = world
    chosen = households[6:26]
    body = "nama;nik\n" + "".join(f"Calon {h.id_keluarga};{h.nik_kepala}\n" for h in chosen)
    body += "Salah;12345\n"
    agency = client_as("agency", agency="DINSOS", username="petugas-dinsos")
    page = post_check(agency, file=("calon.csv", body.encode(), "text/csv"))
    assert page.status_code == 200, page.text
    token = token_of(page.text, "csv")
    found = sum(1 for h in chosen)
    targets = sum(is_target(h, 4) for h in chosen)
    covered = sum(1 for h in chosen if active[h.id_keluarga])
    assert f'data-angka="baris">{len(chosen) + 1}<' in page.text
    assert f'data-angka="ditemukan">{found}<' in page.text
    assert f'data-angka="sasaran">{targets}<' in page.text
    assert f'data-angka="tercakup">{covered}<' in page.text
    for h in chosen:  # the table shows masked numbers only
        assert h.nik_kepala not in page.text
        assert h.nik_kepala[:6] + "********" + h.nik_kepala[-4:] in page.text
    download = agency.get(f"/cek/hasil/{token}.csv")
    assert download.status_code == 200
    assert download.headers["content-disposition"].endswith('filename="calon-hasil.csv"')
    rows = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert [r["nik"] for r in rows[:-1]] == [h.nik_kepala for h in chosen]
    for h, r in zip(chosen, rows, strict=False):
        programs = sorted(active[h.id_keluarga])
        assert r["hasil_ditemukan"] == "ya"
        assert r["hasil_sasaran"] == ("ya" if is_target(h, 4) else "tidak")
        assert r["hasil_kelurahan"] == h.kel
        assert r["hasil_program_aktif"] == "; ".join(programs)
        assert r["hasil_instansi"] == "; ".join(sorted({agency_of(p) for p in programs}))
    assert rows[-1]["hasil_ditemukan"] == "tidak" and "16 digit" in rows[-1]["hasil_catatan"]
    xlsx = agency.get(f"/cek/hasil/{token}.xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(chosen) + 2 and sheet["A1"].value == "nama"
    audit = conn.execute(text("SELECT pengguna, aksi, sasaran, jumlah_baris FROM audit_log "
                              "WHERE aksi = 'coverage.check'")).all()
    assert [tuple(a) for a in audit] == [("petugas-dinsos", "coverage.check", "calon.csv",
                                          len(chosen) + 1)]
    other = client_as("agency", agency="DINSOS", username="petugas-lain")
    assert other.get(f"/cek/hasil/{token}.csv").status_code == 404


def test_a_pasted_list_is_scoped_to_the_officers_area(client_as, world):
    households, _ = world
    bontang = next(h for h in households if h.kel.startswith("64.74"))
    balikpapan = next(h for h in households if h.kel.startswith("64.71"))
    officer = client_as("analyst", area_prefixes=("64.74",))
    page = post_check(officer, nomor=f"{bontang.nik_kepala}\n\n{balikpapan.nik_kepala}\n")
    assert page.status_code == 200
    assert 'data-angka="baris">2<' in page.text and 'data-angka="ditemukan">1<' in page.text
    rows = list(csv.reader(io.StringIO(officer.get(
        f"/cek/hasil/{token_of(page.text, 'csv')}.csv").content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["nomor", "hasil_ditemukan"]
    assert [r[1] for r in rows[1:]] == ["ya", "tidak"]


@pytest.mark.parametrize(("form", "field", "message"), [
    ({}, "g-nomor", "Tempel NIK/No. KK"),
    ({"nomor": "1\n" * 10_001}, "g-nomor", "Paling banyak 10.000"),
    ({"nomor": "6474031505800017", "desil": "11"}, "g-desil", "Ambang desil harus"),
    ({"file": ("peta.pdf", b"%PDF-1.4 bukan daftar", "application/pdf")}, "g-berkas",
     "bukan CSV atau XLSX"),
    ({"file": ("calon.csv", b"nama,alamat\nA,B\n", "text/csv")}, "g-berkas",
     "perlu kolom nik atau no_kk"),
])
def test_bad_input_is_answered_next_to_its_field(client_as, world, form, field, message):
    page = post_check(client_as("agency", agency="DINSOS"), **form)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    start = page.text.index(f'id="{field}"')
    assert message in page.text[start:start + 300]


def test_roles_that_may_not_check_get_the_tidak_berhak_page(client_as):
    viewer = client_as("viewer")
    response = viewer.get("/cek")
    assert response.status_code == 403 and "Tidak berhak" in response.text
    assert viewer.post("/cek", data={"nomor": "1"}).status_code == 403


def test_the_page_is_rate_limited_like_the_api_and_answers_with_a_page(settings, engine, conn):
    limited = settings.model_copy(update={"check_rate_per_minute": 1})
    officer = Principal("petugas-dinsos", "agency", (), "DINSOS")
    with TestClient(app_on(limited, engine, conn, officer)) as client:
        first, second = (post_check(client, nomor="6474031505800017") for _ in range(2))
    assert first.status_code == 200
    assert second.status_code == 429 and second.headers["retry-after"] == "60"
    assert second.headers["content-type"].startswith("text/html")
    assert "Terlalu banyak permintaan pemeriksaan" in second.text
