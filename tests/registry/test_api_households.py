import csv
import io

import openpyxl
import pytest
from acting import act_as
from household_rows import GUNUNG_TELIHAN, HEADER, nik, row
from sqlalchemy import text

from app.api.households import HouseholdDetailOut, HouseholdPage
from app.api.imports import BatchOut, ImportOut
from app.principal import Principal
from app.services.wilayah import load_boundaries

KELURAHAN = ["64.74.01.1001", "64.74.02.1001", GUNUNG_TELIHAN]


def as_csv(rows, header=None):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header or list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode()


def sample_rows():
    rows = []
    for i in range(1, 13):
        rows.append(row(i, kode_kelurahan=KELURAHAN[i % 3], desil=str(1 + i % 10),
                        status_verifikasi=("terverifikasi", "belum")[i % 2]))
    rows.append(row(13, desil="0"))  # rejected
    rows.append(row(14, nik_kepala=nik(1)))  # possible duplicate of K00001
    return rows


@pytest.fixture
def loaded(client, conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    load_boundaries(conn, wilayah_dir / "bontang_kecamatan.geojson")
    rows = sample_rows()
    members = as_csv([{"id_keluarga": "K00001", "nik": nik(50, born="010110"), "nama": "Anak",
                       "hubungan": "anak", "jenis_kelamin": "P"},
                      {"id_keluarga": "K99999", "nik": nik(51), "nama": "X", "hubungan": "",
                       "jenis_kelamin": ""}])
    response = client.post(
        "/api/v1/imports/households",
        files={"file": ("dtks.csv", as_csv(rows), "text/csv"),
               "members": ("anggota.csv", members, "text/csv")},
    )
    assert response.status_code == 200, response.text
    return rows, ImportOut.model_validate(response.json())


def as_role(client, role, areas=()):
    act_as(client.app, Principal("uji", role, areas))


def test_upload_reports_counts_rejections_and_members(loaded):
    rows, body = loaded
    assert (body.batch.baris_total, body.batch.baris_diterima, body.batch.baris_ditolak) == (
        len(rows), len(rows) - 1, 1)
    assert [(p.nomor_baris, p.kolom) for p in body.ditolak_pertama] == [(14, "desil")]
    assert body.batch.ringkasan["flag"]["possible_duplicate"] == 2
    assert (body.anggota.baris_diterima, body.anggota.baris_ditolak) == (1, 1)
    assert body.anggota_ditolak_pertama[0].kolom == "id_keluarga"


def test_batch_and_rejected_rows_in_three_formats(client, loaded):
    batch = loaded[1].batch.id
    assert BatchOut.model_validate(client.get(f"/api/v1/imports/{batch}").json()).id == batch
    rejected = client.get(f"/api/v1/imports/{batch}/rejected").json()
    assert [(r["nomor_baris"], r["kolom"]) for r in rejected] == [(14, "desil")]
    assert rejected[0]["data"]["nik_kepala"] == nik(13)[:6] + "********" + nik(13)[-4:]
    as_csv_text = client.get(f"/api/v1/imports/{batch}/rejected", params={"format": "csv"})
    table = list(csv.reader(io.StringIO(as_csv_text.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["nomor_baris", "kolom", "alasan"] and table[1][0] == "14"
    xlsx = client.get(f"/api/v1/imports/{batch}/rejected", params={"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 1).value == 14
    assert client.get("/api/v1/imports/987654").status_code == 404


def test_household_list_filters_and_pages_with_total(client, loaded):
    rows = [r for r in loaded[0] if r["desil"] != "0"]
    params = {"kode": "64.74.0", "desil_min": 2, "desil_max": 6}
    assert client.get("/api/v1/households", params=params).json()["total"] == 0  # no partial code
    params["kode"] = "64.74.03"
    expected = sorted(r["id_keluarga"] for r in rows
                      if r["kode_kelurahan"].startswith("64.74.03.") and 2 <= int(r["desil"]) <= 6)
    page = HouseholdPage.model_validate(
        client.get("/api/v1/households", params={**params, "limit": 2}).json())
    assert page.total == len(expected)
    assert [h.id_keluarga for h in page.items] == expected[:2]
    second = client.get("/api/v1/households", params={**params, "limit": 2, "offset": 2}).json()
    assert [h["id_keluarga"] for h in second["items"]] == expected[2:4]
    assert second["total"] == len(expected)
    beyond = client.get("/api/v1/households",
                        params={**params, "limit": 2, "offset": len(expected)}).json()
    assert (beyond["total"], beyond["items"]) == (len(expected), [])
    flagged = client.get("/api/v1/households", params={"flag": "possible_duplicate"}).json()
    assert sorted(h["id_keluarga"] for h in flagged["items"]) == ["K00001", "K00014"]
    belum = client.get("/api/v1/households", params={"status": "belum"}).json()
    assert belum["total"] == sum(r["status_verifikasi"] == "belum" for r in rows)


def test_household_detail_has_masked_identities_and_members(client, loaded, conn):
    body = HouseholdDetailOut.model_validate(client.get("/api/v1/households/K00001").json())
    assert body.nik_kepala_mask == nik(1)[:6] + "********" + nik(1)[-4:]
    assert [(m.nama, m.jenis_kelamin) for m in body.anggota] == [("Anak", "P")]
    actions = conn.execute(text("SELECT aksi, sasaran FROM audit_log ORDER BY id")).all()
    assert ("household.read", "K00001") in [tuple(a) for a in actions]
    assert ("household.import", f"batch:{loaded[1].batch.id}") in [tuple(a) for a in actions]
    assert client.get("/api/v1/households/TIDAK-ADA").status_code == 404


def test_roles_that_may_not_see_persons_get_403(client, loaded):
    as_role(client, "viewer")
    for path in ("/api/v1/households", "/api/v1/households/K00001",
                 f"/api/v1/imports/{loaded[1].batch.id}/rejected"):
        response = client.get(path)
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    upload = client.post("/api/v1/imports/households",
                         files={"file": ("x.csv", as_csv([row(1)]), "text/csv")})
    assert upload.status_code == 403


def test_area_scope_is_applied_in_the_query(client, loaded):
    as_role(client, "analyst", ("64.74.01",))
    rows = [r for r in loaded[0] if r["desil"] != "0"]
    body = client.get("/api/v1/households").json()
    assert body["total"] == sum(r["kode_kelurahan"].startswith("64.74.01.") for r in rows)
    other = next(r["id_keluarga"] for r in rows if r["kode_kelurahan"] == GUNUNG_TELIHAN)
    assert client.get(f"/api/v1/households/{other}").status_code == 404


def test_wilayah_lists_household_counts_and_hides_small_ones(client, loaded):
    rows = [r for r in loaded[0] if r["desil"] != "0"]
    body = {a["kode"]: a for a in client.get("/api/v1/wilayah").json()}
    for kode in KELURAHAN + ["64.74.03"]:
        expected = sum(r["kode_kelurahan"].startswith(kode) for r in rows)
        assert body[kode]["jumlah_rumah_tangga"] == expected
    assert body["64.74.02.1002"]["jumlah_rumah_tangga"] == 0
    as_role(client, "viewer")
    shown = {a["kode"]: a["jumlah_rumah_tangga"] for a in client.get("/api/v1/wilayah").json()}
    assert shown["64.74.01.1001"] == "<5"  # 4 households
    for kode, value in shown.items():
        true = sum(r["kode_kelurahan"].startswith(kode) for r in rows)
        if isinstance(value, int):
            assert value == true and (value == 0 or value >= 5), (kode, value, true)
        else:
            assert value in ("<5", "x")
    # A hidden kelurahan is never the only hidden one under a shown kecamatan (its count would
    # be the kecamatan's minus its shown siblings: complementary suppression).
    for kecamatan, value in shown.items():
        if len(kecamatan) == 8 and isinstance(value, int):
            children = [k for k in shown if k.startswith(kecamatan + ".")]
            assert sum(not isinstance(shown[k], int) for k in children) != 1, kecamatan


def test_upload_with_column_mapping_and_xlsx(client, conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "DTKS"
    sheet.append(["NIK_KRT" if h == "nik_kepala" else h for h in HEADER])
    sheet.append([row(1)[h] for h in HEADER])
    buffer = io.BytesIO()
    book.save(buffer)
    response = client.post(
        "/api/v1/imports/households",
        files={"file": ("dtks.xlsx", buffer.getvalue(), "application/octet-stream")},
        data={"columns": "NIK_KRT=nik_kepala", "sheet": "DTKS"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["batch"]["baris_diterima"] == 1


def test_bad_upload_gets_the_one_error_format(client, conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    missing = client.post("/api/v1/imports/households",
                          files={"file": ("rt.csv", b"id_keluarga,desil\nK1,2\n", "text/csv")})
    assert missing.status_code == 422
    error = missing.json()["error"]
    assert error["code"] == "import_rejected" and "rt.csv" in error["message"]
    mapping = client.post("/api/v1/imports/households", data={"columns": "NIK_KRT"},
                          files={"file": ("rt.csv", as_csv([row(1)]), "text/csv")})
    assert mapping.status_code == 422 and mapping.json()["error"]["code"] == "invalid_input"
