"""Rollout API on real PostGIS: priorities, pilot, plan CRUD, projection, exports.

Households are inserted directly (the registry table); expected figures are computed in the
test with plain Python over the same rows.
"""

from __future__ import annotations

import io
import math
from datetime import date
from decimal import Decimal

import pytest
from acting import act_as
from openpyxl import load_workbook
from rollout_rows import (
    BELIMBING,
    GUNUNG_ELAI,
    GUNUNG_TELIHAN,
    HOUSEHOLDS,
    KANAAN,
    LINE,
    REF,
    SATIMPO,
    insert_households,
    plan_body,
)
from sqlalchemy import text

from app.principal import Principal
from app.services.coverage import rebuild_segments
from app.services.wilayah import load_boundaries

ADMIN = Principal("perencana", "admin")


@pytest.fixture
def bontang(client, conn, wilayah_dir):
    """Bontang's kelurahan and the fixture households; requests run as an admin unless a
    test says otherwise."""
    act_as(client.app, ADMIN)
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    return insert_households(conn)


def expected_targets(kode: str, desil_max: int = 4) -> int:
    return sum(1 for k, d, s, *_ in HOUSEHOLDS
               if k == kode and s == "terverifikasi" and d <= desil_max)


def expected_p0(kode: str) -> float:
    rows = [(n, y) for k, _, _, n, y in HOUSEHOLDS if k == kode and y is not None]
    return sum(n for n, y in rows if y < LINE) / sum(n for n, _ in rows)


def as_viewer(client, prefixes: tuple[str, ...] = ()) -> None:
    act_as(client.app, Principal("tamu", "viewer", prefixes))


def test_priorities_show_every_component_and_add_up(client, bontang):
    body = client.get("/api/v1/rollout/priorities", params={
        "parent": "64.74", "ref_date": REF.isoformat(), "line": LINE}).json()
    assert len(body) == 15  # every kelurahan of Bontang, with or without households
    by_code = {row["kode"]: row for row in body}
    satimpo = by_code[SATIMPO]
    assert satimpo["sasaran"] == expected_targets(SATIMPO) == 10
    assert satimpo["kesenjangan"] == 10  # no enrollments yet: every target is a gap
    assert satimpo["kesenjangan_desil1"] == 2
    assert satimpo["p0"] == pytest.approx(expected_p0(SATIMPO))
    assert body[0]["kode"] == SATIMPO and body[0]["peringkat"] == 1
    for row in body:
        assert sum(c["kontribusi"] for c in row["komponen"]) == pytest.approx(row["skor"],
                                                                               abs=1e-3)
    names = [c["nama"] for c in satimpo["komponen"]]
    assert names == ["gap", "gap_desil1", "coverage_rate", "p0", "p1", "targets"]


def test_priorities_suppress_small_counts_and_respect_area_scope(client, bontang):
    as_viewer(client, ("64.74.03",))
    body = client.get("/api/v1/rollout/priorities", params={"ref_date": REF.isoformat()}).json()
    assert {row["kode"] for row in body} == {GUNUNG_TELIHAN, KANAAN, BELIMBING}
    belimbing = next(row for row in body if row["kode"] == BELIMBING)
    assert belimbing["sasaran"] == "<5"  # 3 targets
    assert belimbing["cakupan"] is None  # a rate over a hidden count would reveal it
    rate = next(c for c in belimbing["komponen"] if c["nama"] == "coverage_rate")
    assert rate["nilai"] is None


def test_bad_weights_get_a_clear_message(client, bontang):
    response = client.get("/api/v1/rollout/priorities", params={"weights": "popularitas=1"})
    assert response.status_code == 422
    assert "popularitas" in response.json()["error"]["message"]


def test_pilot_cluster_grows_from_gunung_telihan_within_the_cap(client, bontang):
    response = client.post("/api/v1/rollout/pilot", json={
        "wilayah_induk": "64.74", "tanggal_acuan": REF.isoformat(), "garis_kemiskinan": LINE,
        "seed": GUNUNG_TELIHAN, "batas_rumah_tangga": 20, "biaya_per_rumah_tangga": "1000"})
    body = response.json()
    assert response.status_code == 200, body
    codes = [area["kode"] for area in body["wilayah"]]
    assert codes[0] == GUNUNG_TELIHAN
    # Gunung Telihan's neighbours by score: Kanaan (6 gaps) > Gunung Elai > Belimbing; Kanaan
    # first (8 + 6 = 14 <= 20), then Kanaan's neighbour Satimpo (10 gaps, the top score) is
    # next and would pass the cap: growth stops.
    assert codes == [GUNUNG_TELIHAN, KANAAN]
    assert body["kesenjangan"] == 14 and body["berhenti_karena"] == "batas"
    assert Decimal(body["biaya"]) == 14_000  # rupiah as an exact decimal string
    assert body["rumah_tangga"]["jumlah"] == 14
    assert len(body["rumah_tangga"]["daftar"]) == 14  # admin may see persons


def test_pilot_for_viewer_gives_counts_only(client, bontang):
    as_viewer(client)
    body = client.post("/api/v1/rollout/pilot", json={
        "tanggal_acuan": REF.isoformat(), "seed": GUNUNG_TELIHAN,
        "jumlah_wilayah_maks": 1}).json()
    assert [a["kode"] for a in body["wilayah"]] == [GUNUNG_TELIHAN]
    assert "daftar" not in body["rumah_tangga"]
    assert body["rumah_tangga"]["per_wilayah"] == {GUNUNG_TELIHAN: 8}


def audit_actions(conn) -> list[str]:
    return list(conn.execute(text("SELECT aksi FROM audit_log ORDER BY id")).scalars())


def test_plan_crud_round_trip_is_audited(client, conn, bontang):
    created = client.post("/api/v1/rollout/plans", json=plan_body())
    assert created.status_code == 201, created.json()
    plan_id = created.json()["id"]
    assert client.post("/api/v1/rollout/plans", json=plan_body()).status_code == 409
    listed = client.get("/api/v1/rollout/plans").json()
    assert [p["nama"] for p in listed] == ["Bontang terpadu"]
    changed = plan_body("Bontang terpadu v2")
    changed["gelombang"][1]["wilayah"] = [BELIMBING]
    updated = client.put(f"/api/v1/rollout/plans/{plan_id}", json=changed).json()
    assert updated["nama"] == "Bontang terpadu v2"
    assert [w["wilayah"] for w in updated["gelombang"]] == [[GUNUNG_TELIHAN], [BELIMBING]]
    assert client.delete(f"/api/v1/rollout/plans/{plan_id}").status_code == 204
    assert client.get(f"/api/v1/rollout/plans/{plan_id}").status_code == 404
    assert audit_actions(conn)[-3:] == [
        "rollout_plan.create", "rollout_plan.update", "rollout_plan.delete"]


def test_invalid_plans_are_refused_with_reasons(client, bontang):
    twice = plan_body()
    twice["gelombang"][1]["wilayah"].append(GUNUNG_TELIHAN)
    response = client.post("/api/v1/rollout/plans", json=twice)
    assert response.status_code == 422
    assert GUNUNG_TELIHAN in response.json()["error"]["message"]
    unknown = plan_body()
    unknown["gelombang"][0]["wilayah"] = ["64.71.01.1001"]
    assert client.post("/api/v1/rollout/plans", json=unknown).status_code == 422
    share = plan_body()
    share["gelombang"][0]["porsi_kesenjangan"] = "1.5"
    assert client.post("/api/v1/rollout/plans", json=share).status_code == 422


def test_viewer_cannot_edit_and_other_areas_cannot_see_the_plan(client, bontang):
    plan_id = client.post("/api/v1/rollout/plans", json=plan_body()).json()["id"]
    act_as(client.app, Principal("balikpapan", "analyst", ("64.71",)))
    assert client.get("/api/v1/rollout/plans").json() == []
    assert client.get(f"/api/v1/rollout/plans/{plan_id}").status_code == 404
    as_viewer(client)
    assert client.post("/api/v1/rollout/plans", json=plan_body("x")).status_code == 403
    assert client.delete(f"/api/v1/rollout/plans/{plan_id}").status_code == 403


def independent_wave(codes: list[str], share: Decimal, cost: Decimal) -> dict:
    targets = sum(expected_targets(k) for k in codes)
    reached = sum(math.floor(expected_targets(k) * share) for k in codes)  # no enrollments
    return {"sasaran": targets, "dijangkau": reached, "anggaran": reached * cost}



def test_projection_matches_an_independent_computation(client, bontang):
    plan_id = client.post("/api/v1/rollout/plans", json=plan_body()).json()["id"]
    body = client.get(f"/api/v1/rollout/plans/{plan_id}/projection",
                      params={"actual_date": REF.isoformat()}).json()
    w1 = independent_wave([GUNUNG_TELIHAN], Decimal(1), Decimal("2500000"))
    w2 = independent_wave([BELIMBING, KANAAN, GUNUNG_ELAI], Decimal("0.6"),
                          Decimal("2000000.50"))
    first, second = body["gelombang"]
    assert first["gelombang"]["sasaran"] == w1["sasaran"] == 8
    assert first["gelombang"]["dijangkau"] == 8
    assert first["gelombang"]["cakupan_sebelum"] == 0 and first["gelombang"][
        "cakupan_sesudah"] == 1
    # Wave 2: Belimbing 3 -> floor(1.8)=1, Kanaan 6 -> 3, Gunung Elai 2 -> 1.
    assert second["gelombang"]["dijangkau"] == w2["dijangkau"] == 5
    assert Decimal(str(second["gelombang"]["anggaran"])) == w2["anggaran"]
    assert second["kumulatif"]["sasaran"] == 8 + 11
    assert second["kumulatif"]["cakupan_sesudah"] == pytest.approx((8 + 5) / 19)
    assert Decimal(str(second["kumulatif"]["anggaran"])) == w1["anggaran"] + w2["anggaran"]
    all_targets = sum(expected_targets(k) for k in {h[0] for h in HOUSEHOLDS})
    assert body["seluruh_wilayah"]["sasaran"] == all_targets
    assert second["aktual"]["cakupan"] == 0  # no enrollment has arrived yet


def test_export_xlsx_has_parameters_waves_and_areas_and_is_audited(client, conn, bontang):
    plan_id = client.post("/api/v1/rollout/plans", json=plan_body()).json()["id"]
    response = client.get(f"/api/v1/rollout/plans/{plan_id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Parameter", "Gelombang", "Wilayah"]
    waves = list(book["Gelombang"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in waves] == [1, 2]
    areas = list(book["Wilayah"].iter_rows(min_row=2, values_only=True))
    assert [(row[0], row[1]) for row in areas] == [
        (1, GUNUNG_TELIHAN), (2, BELIMBING), (2, KANAAN), (2, GUNUNG_ELAI)]
    assert audit_actions(conn)[-1] == "rollout_plan.export"


def test_geojson_colours_waves_in_order_and_outlines_the_pilot(client, bontang):
    plan_id = client.post("/api/v1/rollout/plans", json=plan_body()).json()["id"]
    body = client.get(f"/api/v1/rollout/plans/{plan_id}/geojson").json()
    props = {f["id"]: f["properties"] for f in body["features"]}
    assert set(props) == {GUNUNG_TELIHAN, BELIMBING, KANAAN, GUNUNG_ELAI}
    assert props[GUNUNG_TELIHAN]["percontohan"] and props[GUNUNG_TELIHAN]["tebal_garis"] > 1
    assert props[KANAAN]["warna"] != props[GUNUNG_TELIHAN]["warna"]
    assert props[KANAAN]["warna"] == props[BELIMBING]["warna"]
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"


# (kelurahan, row index of the household within its kelurahan, start, end or None).
ENROLLMENTS = [
    (GUNUNG_TELIHAN, 0, date(2024, 3, 1), None),
    (GUNUNG_TELIHAN, 1, date(2024, 3, 1), None),
    (GUNUNG_TELIHAN, 2, date(2024, 3, 1), date(2024, 5, 1)),  # ended before the actual date
    (GUNUNG_TELIHAN, 3, date(2024, 3, 1), None),
    (GUNUNG_TELIHAN, 4, date(2024, 4, 1), None),
    (GUNUNG_TELIHAN, 9, date(2024, 3, 1), None),  # desil 7: leakage, never coverage
    (KANAAN, 0, date(2023, 6, 1), None),  # already covered at the plan's reference date
]
ACTUAL = date(2024, 6, 1)


def enroll(conn, ids: dict[str, list[int]]) -> None:
    """One program of one agency, its enrollments, and the coverage segments issue 4 keeps."""
    conn.execute(text("INSERT INTO agency (kode, nama) VALUES ('DINSOS', 'Dinas Sosial')"))
    program_id = conn.execute(text(
        "INSERT INTO program (kode_program, nama, instansi) VALUES ('PKH', 'PKH', 'DINSOS') "
        "RETURNING id")).scalar_one()
    households = []
    for kode, index, start, end in ENROLLMENTS:
        households.append(ids[kode][index])
        conn.execute(text(
            "INSERT INTO enrollment (program_id, household_id, kunci, kunci_tampil, "
            "tanggal_mulai, tanggal_selesai, status, kode_kabkota) VALUES (:p, :h, "
            "'id_keluarga', 'x', :start, :end, 'matched', :kab)"),
            {"p": program_id, "h": ids[kode][index], "start": start, "end": end,
             "kab": kode[:5]})
    rebuild_segments(conn, households)


def covered_on(kode: str, day: date) -> int:
    """Target households of the fixture with an active enrollment on ``day``, by hand."""
    rows = [h for h in HOUSEHOLDS if h[0] == kode]
    return sum(1 for k, index, start, end in ENROLLMENTS
               if k == kode and rows[index][2] == "terverifikasi" and rows[index][1] <= 4
               and start <= day and (end is None or day <= end))


def test_projection_shows_planned_against_actual_once_enrollments_arrive(client, conn, bontang):
    enroll(conn, bontang)
    plan_id = client.post("/api/v1/rollout/plans", json=plan_body()).json()["id"]
    body = client.get(f"/api/v1/rollout/plans/{plan_id}/projection",
                      params={"actual_date": ACTUAL.isoformat()}).json()
    first, second = body["gelombang"]
    assert covered_on(GUNUNG_TELIHAN, ACTUAL) == 4
    assert first["aktual"]["tercakup"] == 4 and first["aktual"]["sasaran"] == 8
    assert first["aktual"]["cakupan"] == pytest.approx(4 / 8)
    assert first["aktual"]["selisih_cakupan"] == pytest.approx(4 / 8 - 1.0)
    # The baseline at the reference date already counts Kanaan's covered household: its gap
    # is 5, so wave 2 reaches floor(3*.6) + floor(5*.6) + floor(2*.6) = 1 + 3 + 1.
    assert covered_on(KANAAN, REF) == 1
    assert second["gelombang"]["tercakup_sebelum"] == 1
    assert second["gelombang"]["dijangkau"] == 5
    wave2 = [BELIMBING, KANAAN, GUNUNG_ELAI]
    assert second["aktual"]["tercakup"] == sum(covered_on(k, ACTUAL) for k in wave2) == 1
    assert second["aktual"]["cakupan"] == pytest.approx(1 / 11)


def test_pilot_lists_programs_already_operating_and_only_uncovered_households(
        client, conn, bontang):
    enroll(conn, bontang)
    body = client.post("/api/v1/rollout/pilot", json={
        "tanggal_acuan": ACTUAL.isoformat(), "seed": GUNUNG_TELIHAN,
        "jumlah_wilayah_maks": 1}).json()
    assert body["program"] == [{
        "kode_program": "PKH", "nama": "PKH", "instansi": "DINSOS",
        "nama_instansi": "Dinas Sosial", "rumah_tangga": 4, "kebocoran": 1}]
    assert body["kesenjangan"] == 8 - covered_on(GUNUNG_TELIHAN, ACTUAL) == 4
    # Gunung Telihan's rows are the first ten of the fixture (id_keluarga HH000..HH009); its
    # targets are rows 0-7, of which the ones with an active enrollment are not reached.
    active = {i for k, i, start, end in ENROLLMENTS if k == GUNUNG_TELIHAN
              and start <= ACTUAL and (end is None or end >= ACTUAL)}
    expected = {f"HH{i:03d}" for i in range(8) if i not in active}
    listed = {row["id_keluarga"] for row in body["rumah_tangga"]["daftar"]}
    assert listed == expected == {"HH002", "HH005", "HH006", "HH007"}
    assert "rollout.pilot_households" in audit_actions(conn)


def test_export_drops_control_characters_a_worksheet_cannot_hold(client, bontang):
    body = plan_body("Rencana\x07 uji")
    body["deskripsi"] = "baris\x1bsatu"
    plan_id = client.post("/api/v1/rollout/plans", json=body).json()["id"]
    response = client.get(f"/api/v1/rollout/plans/{plan_id}/export.xlsx")
    assert response.status_code == 200
    values = dict(load_workbook(io.BytesIO(response.content))["Parameter"].iter_rows(
        min_row=2, max_row=3, values_only=True))
    assert values == {"Nama rencana": "Rencana uji", "Deskripsi": "barissatu"}


def test_pilot_budget_caps_households_rounding_down(client, bontang):
    body = client.post("/api/v1/rollout/pilot", json={
        "tanggal_acuan": REF.isoformat(), "seed": GUNUNG_TELIHAN,
        "anggaran": "13999", "biaya_per_rumah_tangga": "1000"}).json()
    # floor(13999 / 1000) = 13 households: Gunung Telihan (8) fits, + Kanaan (6) would not.
    assert body["batas_rumah_tangga"] == 13
    assert [a["kode"] for a in body["wilayah"]] == [GUNUNG_TELIHAN]
    assert Decimal(body["biaya"]) == 8 * 1000


def test_weights_from_the_query_change_the_ranking(client, bontang):
    only_desil1 = "gap=0,gap_desil1=1,coverage_rate=0,p0=0,p1=0,targets=0"
    body = client.get("/api/v1/rollout/priorities", params={
        "ref_date": REF.isoformat(), "weights": only_desil1}).json()
    assert body[0]["kode"] == GUNUNG_TELIHAN  # 3 gap households in desil 1, Satimpo has 2
    assert body[0]["skor"] == pytest.approx(100.0)
