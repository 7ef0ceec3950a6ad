"""An analyst bound to one kecamatan writes only there, and learns nothing about elsewhere.

The review's case: an analyst of 64.74.01 updated household BTG-00021 of 64.74.03 (name and
desil changed) and created a new one there; the reply's counts told which households exist;
an enrollment upload matched an out-of-area household. Every such row is now refused with one
reason, "di luar wilayah Anda", the same whether the household exists elsewhere or not at all.
"""

from __future__ import annotations

import io
import json

import pytest
from household_rows import inside, kelurahan_shapes, nik, row, write_csv
from sqlalchemy import text

from app.services.registry import import_households
from app.services.wilayah import load_boundaries

AREA = "64.74.01"
HOME = "64.74.01.1001"
ELSEWHERE = "64.74.03.1002"
OUTSIDE = "di luar wilayah Anda"
KEY = b"test-secret-key-not-for-production"


@pytest.fixture
def city(conn, settings, wilayah_dir, tmp_path):
    for name in ("bontang_kelurahan", "bontang_kecamatan"):
        load_boundaries(conn, wilayah_dir / f"{name}.geojson")
    rows = [row(21, id_keluarga="BTG-00021", kode_kelurahan=ELSEWHERE, nama_kepala="Asli",
                desil="7"),
            row(29, id_keluarga="BTG-00029", kode_kelurahan=ELSEWHERE, nama_kepala="Asli"),
            row(22, id_keluarga="BTG-00022", kode_kelurahan=HOME, nik_kepala=nik(22, "647401"),
                no_kk=f"6474010101{22:06d}")]
    path = write_csv(tmp_path / "awal.csv", rows)
    import_households(conn, path, key=settings.hmac_key(), user="uji-admin", name="awal.csv")
    return kelurahan_shapes(wilayah_dir)


def upload(client, rows, name="unggah.csv", members=None):
    files = {"file": (name, _csv(rows), "text/csv")}
    if members is not None:
        files["members"] = ("anggota.csv", _csv(members), "text/csv")
    response = client.post("/api/v1/imports/households", files=files)
    assert response.status_code == 200, response.text
    return response.json()


def _csv(rows):
    buffer = io.StringIO()
    buffer.write(",".join(rows[0]) + "\n")
    for r in rows:
        buffer.write(",".join(r.values()) + "\n")
    return buffer.getvalue().encode()


def household(conn, key):
    return conn.execute(text("SELECT nama_kepala, desil, kode_kelurahan FROM household "
                             "WHERE id_keluarga = :k"), {"k": key}).first()


def test_analyst_cannot_update_or_create_households_outside_their_area(client_as, conn, city):
    analyst = client_as("analyst", area_prefixes=(AREA,))
    lon, lat = inside(city, ELSEWHERE)
    body = upload(analyst, [
        row(21, id_keluarga="BTG-00021", kode_kelurahan=ELSEWHERE, nama_kepala="Diubah",
            desil="1"),                                                  # update elsewhere
        row(23, id_keluarga="BTG-00021X", kode_kelurahan=ELSEWHERE),     # new elsewhere
        row(24, id_keluarga="BTG-00024", kode_kelurahan=HOME, lat=lat, lon=lon),  # geocoded out
        row(25, id_keluarga="BTG-00029", kode_kelurahan=HOME),  # existing elsewhere, said here
        row(26, id_keluarga="BTG-00026", kode_kelurahan=HOME, nik_kepala=nik(26, "647401"),
            no_kk=f"6474010101{26:06d}"),                                 # fine
    ])
    reasons = {p["nomor_baris"]: p["alasan"] for p in body["ditolak_pertama"]}
    assert reasons == {2: OUTSIDE, 3: OUTSIDE, 4: OUTSIDE, 5: OUTSIDE}
    assert body["batch"]["ringkasan"]["baru"] == 1
    assert body["batch"]["ringkasan"]["diperbarui"] == 0
    assert (body["batch"]["baris_diterima"], body["batch"]["baris_ditolak"]) == (1, 4)
    assert tuple(household(conn, "BTG-00021")) == ("Asli", 7, ELSEWHERE)
    assert household(conn, "BTG-00021X") is None and household(conn, "BTG-00024") is None
    assert household(conn, "BTG-00029").kode_kelurahan == ELSEWHERE
    assert household(conn, "BTG-00026") is not None


def test_refusals_and_counts_are_the_same_whether_the_household_exists_elsewhere(
        client_as, conn, city):
    analyst = client_as("analyst", area_prefixes=(AREA,))
    existing = upload(analyst, [row(21, id_keluarga="BTG-00021", kode_kelurahan=ELSEWHERE)])
    missing = upload(analyst, [row(27, id_keluarga="BTG-00027", kode_kelurahan=ELSEWHERE)])
    strip = ("id", "nama_berkas", "sha256", "dibuat", "pengguna")
    assert ({k: v for k, v in existing["batch"].items() if k not in strip}
            == {k: v for k, v in missing["batch"].items() if k not in strip})
    assert existing["ditolak_pertama"] == missing["ditolak_pertama"]


def test_an_admin_still_writes_everywhere(client, conn, city):
    body = upload(client, [row(21, id_keluarga="BTG-00021", kode_kelurahan=ELSEWHERE,
                               nama_kepala="Diubah")])
    assert body["batch"]["ringkasan"]["diperbarui"] == 1
    assert household(conn, "BTG-00021").nama_kepala == "Diubah"


def test_members_of_a_household_outside_the_area_are_refused_like_unknown_ones(
        client_as, conn, city):
    analyst = client_as("analyst", area_prefixes=(AREA,))
    members = [{"id_keluarga": key, "nik": nik(90 + i, "647403", "010190"), "nama": f"Anak {i}",
                "hubungan": "anak", "jenis_kelamin": "L", "tanggal_lahir": "1990-01-01",
                "disabilitas": "tidak"}
               for i, key in enumerate(("BTG-00021", "TIDAK-ADA", "BTG-00022"))]
    body = upload(analyst, [row(26, id_keluarga="BTG-00026", kode_kelurahan=HOME,
                                nik_kepala=nik(26, "647401"), no_kk=f"6474010101{26:06d}")],
                  members=members)
    reasons = [p["alasan"] for p in body["anggota_ditolak_pertama"]]
    assert reasons == [f"rumah tangga 'BTG-00021' {OUTSIDE}", f"rumah tangga 'TIDAK-ADA' {OUTSIDE}"]
    assert conn.execute(text(
        "SELECT count(*) FROM member m JOIN household h ON h.id = m.household_id "
        "WHERE h.id_keluarga = 'BTG-00021'")).scalar_one() == 0


def test_enrollments_of_a_household_outside_the_area_are_refused_like_unmatched_ones(
        client, client_as, conn, city):
    assert client.put("/api/v1/agencies/DINSOS", json={"nama": "Dinas Sosial"}).is_success
    assert client.put("/api/v1/programs/PKH", json={
        "nama": "PKH", "instansi": "DINSOS"}).status_code < 300
    analyst = client_as("analyst", area_prefixes=(AREA,))
    lines = ["kode_program,id_keluarga,nik,tanggal_mulai",
             "PKH,BTG-00021,,2025-01-01",            # exists, elsewhere
             f"PKH,,{nik(21)},2025-01-01",           # its head's NIK, elsewhere
             "PKH,TIDAK-ADA,,2025-01-01",            # exists nowhere
             "PKH,BTG-00022,,2025-01-01"]            # in the area
    response = analyst.post("/api/v1/enrollments/import", files={
        "file": ("pkh.csv", "\n".join(lines).encode(), "text/csv")})
    assert response.status_code == 200, response.text
    body = response.json()
    reasons = {p["nomor_baris"]: p["alasan"] for p in body["ditolak_pertama"]}
    assert reasons == {2: f"rumah tangga {OUTSIDE}", 3: f"rumah tangga {OUTSIDE}",
                       4: f"rumah tangga {OUTSIDE}"}
    assert body["status"] == {"matched": 1}
    enrolled = conn.execute(text(
        "SELECT h.id_keluarga FROM enrollment e JOIN household h ON h.id = e.household_id "
        "WHERE e.batch_id = :b"), {"b": body["batch"]["id"]}).scalars().all()
    assert enrolled == ["BTG-00022"]
    assert json.dumps(body).count("64.74.03") == 0
