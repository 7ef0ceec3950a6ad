"""The coverage, programs, enrollments and poverty endpoints: bodies, roles, scoping,
suppression, audit, exports."""

from __future__ import annotations

import io
import json
import random
from datetime import date

import openpyxl
import pytest
from conftest import TEST_ADMIN, app_on
from coverage_fixture import (
    KEY,
    active_programs,
    insert_households,
    insert_programs,
    is_target,
    make_enrollments,
    make_households,
    write_csv,
)
from fastapi.testclient import TestClient
from sqlalchemy import text
from suppression_attack import honest

ON = "2024-06-01"


@pytest.fixture
def world(conn, tmp_path, settings, monkeypatch):
    # The API hashes with the settings' key: the fixture must use the same.
    monkeypatch.setattr("coverage_fixture.KEY", settings.hmac_key())
    import coverage_fixture

    rng = random.Random(11)
    households = make_households(rng)
    insert_households(conn, households)
    insert_programs(conn)
    rows = make_enrollments(rng, households)
    path = write_csv(tmp_path / "k.csv", rows)
    assert coverage_fixture.KEY == settings.hmac_key() != KEY
    return households, rows, path


def upload(client, path, program=None):
    with open(path, "rb") as handle:
        data = {"program": program} if program else {}
        return client.post("/api/v1/enrollments/import", files={"file": (path.name, handle)},
                           data=data)


def audit_actions(conn):
    return [r[0] for r in conn.execute(text("SELECT aksi FROM audit_log ORDER BY id"))]


def test_upload_then_coverage_by_kelurahan_matches_the_rules(client, world, conn):
    households, rows, path = world
    response = upload(client, path)
    assert response.status_code == 200, response.text
    assert response.json()["status"]["unmatched"] >= 2
    got = client.get("/api/v1/coverage", params={"level": "kelurahan", "parent": "64.74",
                                                 "ref_date": ON, "desil_max": 4})
    assert got.status_code == 200
    active = active_programs(households, rows, date.fromisoformat(ON))
    expected = {}
    for h in households:
        if h.kel.startswith("64.74.") and is_target(h, 4):
            t, c = expected.get(h.kel, (0, 0))
            expected[h.kel] = (t + 1, c + bool(active[h.id_keluarga]))
    assert {r["kode"]: (r["targets"], r["covered"]) for r in got.json()} == expected


def test_viewer_sees_small_counts_suppressed_and_no_person_lists(client, client_as, world):
    _, _, path = world
    upload(client, path)
    viewer = client_as("viewer")
    rows = viewer.get("/api/v1/coverage", params={"ref_date": ON}).json()
    admin_rows = client.get("/api/v1/coverage", params={"ref_date": ON}).json()
    for mine, full in zip(rows, admin_rows, strict=True):
        for key in ("targets", "covered", "gap", "leakage"):
            assert honest(mine[key], full[key]), (key, mine, full)
    assert any(r["targets"] == "<5" for r in rows)
    assert viewer.get("/api/v1/coverage/gaps", params={"ref_date": ON}).status_code == 403
    assert viewer.get("/api/v1/coverage/leakage").status_code == 403
    matrix = viewer.get("/api/v1/coverage/overlap", params={"ref_date": ON}).json()["matrix"]
    full = client.get("/api/v1/coverage/overlap", params={"ref_date": ON}).json()["matrix"]
    assert all(honest(v, n) for row, line in zip(matrix, full, strict=True)
               for v, n in zip(row, line, strict=True))


def test_area_prefixes_scope_every_figure(client, client_as, world):
    _, _, path = world
    upload(client, path)
    analyst = client_as("analyst", area_prefixes=("64.71",))
    rows = analyst.get("/api/v1/coverage", params={"ref_date": ON}).json()
    assert {r["kode"][:5] for r in rows} == {"64.71"}
    gaps = analyst.get("/api/v1/coverage/gaps", params={"ref_date": ON}).json()
    assert gaps and all(g["kode_kelurahan"].startswith("64.71.") for g in gaps)


def test_gap_and_leakage_lists_are_audited(client, world, conn):
    _, _, path = world
    upload(client, path)
    assert client.get("/api/v1/coverage/gaps", params={"ref_date": ON}).status_code == 200
    assert client.get("/api/v1/coverage/leakage", params={"ref_date": ON}).status_code == 200
    actions = audit_actions(conn)
    assert "coverage.gap_list" in actions and "coverage.leakage_list" in actions


def test_check_endpoint_finds_heads_and_refuses_oversized_lists(client, world, conn):
    households, _, path = world
    upload(client, path)
    body = {"nik": [households[0].nik_kepala, "1234"], "no_kk": [households[2].no_kk],
            "ref_date": ON}
    response = client.post("/api/v1/coverage/check", json=body)
    assert response.status_code == 200, response.text
    result = response.json()
    assert result["nik"][0]["ditemukan"] is True
    assert result["nik"][0]["kode_kelurahan"] == [households[0].kel]
    assert result["nik"][1]["valid"] is False
    assert result["no_kk"][0]["ditemukan"] is True
    assert households[0].nik_kepala not in response.text
    assert "coverage.check" in audit_actions(conn)
    too_many = client.post("/api/v1/coverage/check", json={"nik": ["1"] * 10_001})
    assert too_many.status_code == 422
    assert "10.000" in too_many.json()["error"]["message"]


def test_agency_may_check_but_not_list_gaps(client, client_as, world):
    households, _, path = world
    upload(client, path)
    agency = client_as("agency", agency="DINSOS")
    assert agency.post("/api/v1/coverage/check",
                       json={"nik": [households[1].nik_kepala]}).status_code == 200
    assert agency.get("/api/v1/coverage/gaps").status_code == 403


def test_program_crud_and_import(client, client_as, conn, tmp_path):
    put = client.put("/api/v1/programs/KIS", json={
        "nama": "Kartu Indonesia Sehat", "instansi": "DINKES", "nama_instansi": "Dinkes",
        "desil_maks": 5, "wilayah_layanan": ["64.74.01.1001"]})
    assert put.status_code == 200, put.text
    assert put.json()["wilayah_layanan"] == ["64.74.01.1001"]
    assert client.get("/api/v1/agencies").json()[0]["kode"] == "DINKES"
    assert client_as("viewer").put("/api/v1/programs/X", json={
        "nama": "x", "instansi": "Y"}).status_code == 403
    bad = client.put("/api/v1/programs/Z", json={"nama": "z", "instansi": "Y",
                                                 "wilayah_layanan": ["64.74"]})
    assert bad.status_code == 422
    path = tmp_path / "program.csv"
    path.write_text("kode_program,nama,instansi,nama_instansi,desil_maks,wilayah_layanan\n"
                    "PKH,Program Keluarga Harapan,DINSOS,Dinas Sosial,4,\n"
                    "RTLH,Bedah rumah,DISPERKIM,Disperkim,2,64.74.01.1001;64.74.01.1002\n"
                    "BAD,,DINSOS,,11,\n", encoding="utf-8")
    with open(path, "rb") as handle:
        result = client.post("/api/v1/programs/import", files={"file": ("program.csv", handle)})
    assert result.status_code == 200, result.text
    assert (result.json()["accepted"], result.json()["rejected"]) == (2, 1)
    assert [p["kode_program"] for p in client.get("/api/v1/programs").json()] == [
        "KIS", "PKH", "RTLH"]
    assert client.delete("/api/v1/programs/KIS").status_code == 204
    assert client.get("/api/v1/programs/KIS").status_code == 404


def test_coverage_by_program_agency_and_poverty_respond(client, world):
    _, _, path = world
    upload(client, path)
    programs = client.get("/api/v1/coverage/programs", params={"ref_date": ON}).json()
    assert {p["kode"] for p in programs} == {"PKH", "BPNT", "PBI", "RTLH", "ZAKAT"}
    agencies = client.get("/api/v1/coverage/agencies", params={"ref_date": ON}).json()
    assert {a["kode"] for a in agencies} == {"DINSOS", "DINKES", "DISPERKIM", "BAZNAS"}
    poverty = client.get("/api/v1/poverty", params={"line": 441448, "level": "kabkota"})
    assert poverty.status_code == 200
    assert {r["kode"] for r in poverty.json()} == {"64.74", "64.71"}
    assert client.get("/api/v1/poverty", params={"line": 0}).status_code == 422
    assert client.get("/api/v1/coverage", params={"program": "NOPE"}).status_code == 404
    assert client.get("/api/v1/coverage", params={"desil_max": 11}).status_code == 422


def test_exports_in_three_formats(client, world, conn):
    _, _, path = world
    upload(client, path)
    xlsx = client.get("/api/v1/coverage/export", params={"format": "xlsx", "ref_date": ON})
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["parameter", "kabkota", "kecamatan", "kelurahan"]
    assert book["kelurahan"]["A1"].value.startswith("Cakupan program per kelurahan/desa")
    assert book["kelurahan"]["A2"].value.startswith("Sumber: Sasaran")
    assert book["kelurahan"]["A3"].value == "Kode wilayah"
    assert book["kelurahan"]["A3"].font.bold
    assert book["kelurahan"]["C3"].value == "Kecamatan"
    assert book["kelurahan"].cell(book["kelurahan"].max_row, 1).value == "Jumlah"
    assert any("terverifikasi" in str(c.value) for row in book["parameter"] for c in row)
    csv_text = client.get("/api/v1/coverage/export", params={
        "format": "csv", "level": "kecamatan", "ref_date": ON}).content.decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("kode,nama,targets")
    assert len(csv_text.splitlines()) == 1 + 3
    geo = json.loads(client.get("/api/v1/coverage/export", params={
        "format": "geojson", "ref_date": ON}).content)
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 4
    assert "coverage.export" in audit_actions(conn)


def test_agency_uploads_only_its_own_program(client_as, world):
    _, _, path = world
    agency = client_as("agency", agency="DINKES")
    assert upload(agency, path).status_code == 403
    assert upload(agency, path, program="PKH").status_code == 403
    response = upload(agency, path, program="PBI")
    assert response.status_code == 200
    assert response.json()["batch"]["baris_ditolak"] > 0  # the other programs' rows
    assert {r["alasan"][:14] for r in response.json()["ditolak_pertama"]} == {"hanya program "}
    batch = response.json()["batch"]["id"]
    report = agency.get(f"/api/v1/enrollments/batches/{batch}/rejected", params={"format": "csv"})
    assert report.status_code == 200
    assert report.content.decode("utf-8-sig").startswith("nomor_baris,kolom,alasan")
    other = client_as("agency", agency="DINSOS")
    assert other.get(f"/api/v1/enrollments/batches/{batch}/rejected").status_code == 403
    unmatched = agency.get("/api/v1/enrollments/unmatched")
    assert unmatched.status_code == 200
    assert {r["instansi"] for r in unmatched.json()} == {"DINKES"}


def test_default_desil_threshold_comes_from_the_settings(client, world, settings, engine, conn):
    households, _, path = world
    upload(client, path)
    app = app_on(settings.model_copy(update={"default_desil_max": 2}), engine, conn, TEST_ADMIN)
    with TestClient(app) as two:
        got = two.get("/api/v1/coverage", params={"level": "kelurahan", "ref_date": ON}).json()
    def targets(desil_max: int) -> dict[str, int]:
        counts: dict[str, int] = {}
        for h in households:
            if is_target(h, desil_max):
                counts[h.kel] = counts.get(h.kel, 0) + 1
        return counts

    assert {r["kode"]: r["targets"] for r in got if r["targets"]} == targets(2)
    assert targets(2) != targets(4)  # else the default would not show
