"""Perencanaan without a browser: the ranking's figures per kelurahan and its order under
chosen weights (recomputed here from the fixture rows), the filters honoured, a plan built in
the editor with a pilot and two waves and stored as typed, refusals next to their fields, the
projection, the XLSX export, and the roles."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from pages_world import REF, build, expected
from sqlalchemy import text

GUNUNG_TELIHAN, BELIMBING, KANAAN = "64.74.03.1002", "64.74.03.1001", "64.74.03.1003"
TANJUNG_LAUT = "64.74.02.1001"
ONLY_GAP = {f"bobot_{k}": "0" for k in ("gap_desil1", "coverage_rate", "p0", "p1", "targets")}


@pytest.fixture
def world(conn, wilayah_dir):
    return build(conn, wilayah_dir)


def ranking_rows(html: str) -> list[list[str]]:
    body = html[html.index('id="tabel-peringkat"'):]
    body = body[body.index("<tbody>"):body.index("</tbody>")]
    rows = re.findall(r"<tr data-kode=\"([^\"]+)\">(.*?)</tr>", body, re.S)
    return [[kode] + [re.sub(r"<[^>]+>", "", c).strip()
                      for c in re.findall(r"<td[^>]*>(.*?)</td>", cells, re.S)]
            for kode, cells in rows]


def id_number(value: int) -> str:
    return f"{value:,}".replace(",", ".")


def test_the_ranking_shows_each_kelurahan_figures_for_the_filters(client_as, world):
    analyst = client_as("analyst")
    page = analyst.get("/perencanaan", params={"ref_date": REF.isoformat(), "desil_max": "3",
                                               "kecamatan": "64.74"})
    assert page.status_code == 200, page.text
    figures = expected(world, "kelurahan", desil_max=3, ref=REF)
    rows = ranking_rows(page.text)
    assert len(rows) == 15  # every kelurahan of Bontang, the empty one too
    for kode, _rank, _name, _score, *points_then_figures in rows:
        targets, covered, gap = points_then_figures[6:9]
        want = figures.get(kode, {"targets": 0, "covered": 0, "gap": 0})
        assert (targets, covered, gap) == (id_number(want["targets"]),
                                           id_number(want["covered"]), id_number(want["gap"]))
    later = ranking_rows(analyst.get("/perencanaan", params={
        "ref_date": "2027-06-30", "desil_max": "3"}).text)
    moved = expected(world, "kelurahan", desil_max=3, ref=date(2027, 6, 30))
    assert {r[0]: r[11] for r in later} == {
        k: id_number(moved.get(k, {"covered": 0})["covered"]) for k in {r[0] for r in later}}


def test_weights_reorder_the_ranking_as_the_score_rule_says(client_as, world):
    params = {"ref_date": REF.isoformat(), "desil_max": "4", "bobot_gap": "100", **ONLY_GAP}
    rows = ranking_rows(client_as("analyst").get("/perencanaan", params=params).text)
    gaps = {k: f["gap"] for k, f in expected(world, "kelurahan", ref=REF).items()}
    codes = sorted({r[0] for r in rows})
    order = sorted(codes, key=lambda k: (-gaps.get(k, 0), k))  # score = gap normalised
    assert [r[0] for r in rows] == order
    top, low = max(gaps.values()), min(gaps.get(k, 0) for k in codes)
    assert rows[0][3] == "100,0"
    second = gaps[order[1]]
    assert rows[1][3] == f"{100 * (second - low) / (top - low):.1f}".replace(".", ",")
    assert rows[0][4:10] == ["100,0"] + ["0,0"] * 5  # points: all from the gap


def test_bad_weights_are_named_next_to_their_field(client_as, world):
    page = client_as("analyst").get("/perencanaan", params={"bobot_gap": "-3"})
    assert page.status_code == 200
    start = page.text.index('id="g-b-gap"')
    assert "Bobot harus angka &gt;= 0" in page.text[start:start + 200]
    zero = {f"bobot_{k}": "0" for k in ("gap", *[k[6:] for k in ONLY_GAP])}
    page = client_as("analyst").get("/perencanaan", params=zero)
    assert "Setidaknya satu bobot harus lebih dari nol" in page.text


def plan_form(**changes: object) -> dict[str, object]:
    form: dict[str, object] = {
        "nama": "Percontohan Gunung Telihan", "wilayah_induk": "64.74",
        "tanggal_acuan": REF.isoformat(), "desil_maks": "4", "garis_kemiskinan": "",
        "jumlah_gelombang": "2", "aksi": "simpan",
        "g1_tahun": "2027", "g1_biaya": "2.500.000", "g1_porsi": "100",
        "g1_wilayah": [GUNUNG_TELIHAN], "g1_percontohan": "1",
        "g2_tahun": "2028", "g2_biaya": "2.000.000", "g2_porsi": "60",
        "g2_wilayah": [BELIMBING, KANAAN],
    }
    form.update(changes)
    return form


def test_a_plan_with_a_pilot_and_two_waves_is_saved_as_typed(client_as, world, conn):
    analyst = client_as("analyst", username="perencana")
    saved = analyst.post("/perencanaan/rencana/baru", data=plan_form(),
                         follow_redirects=False)
    assert saved.status_code == 303, saved.text
    plan_id = int(saved.headers["location"].rsplit("/", 1)[1])
    waves = conn.execute(text(
        "SELECT urutan, tahun, biaya_per_rumah_tangga, porsi_kesenjangan, wilayah, percontohan "
        "FROM rollout_wave WHERE plan_id = :id ORDER BY urutan"), {"id": plan_id}).all()
    assert [(w[0], w[1], int(w[2]), float(w[3]), list(w[4]), w[5]) for w in waves] == [
        (1, 2027, 2_500_000, 1.0, [GUNUNG_TELIHAN], True),
        (2, 2028, 2_000_000, 0.6, [BELIMBING, KANAAN], False)]
    page = analyst.get(f"/perencanaan/rencana/{plan_id}",
                       params={"tanggal_aktual": REF.isoformat()})
    assert page.status_code == 200
    figures = expected(world, "kelurahan", ref=REF)
    gap = {k: figures.get(k, {"gap": 0})["gap"] for k in (GUNUNG_TELIHAN, BELIMBING, KANAAN)}
    reached = gap[GUNUNG_TELIHAN] + sum(int(gap[k] * 0.6) for k in (BELIMBING, KANAAN))
    budget = gap[GUNUNG_TELIHAN] * 2_500_000 + sum(int(gap[k] * 0.6)
                                                   for k in (BELIMBING, KANAAN)) * 2_000_000
    assert f'data-angka="dijangkau">{id_number(reached)}<' in page.text
    assert f'data-angka="anggaran">Rp {id_number(budget)}<' in page.text
    assert "percontohan</span>" in page.text
    export = analyst.get(f"/perencanaan/rencana/{plan_id}/ekspor.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(export.content))
    assert book.sheetnames == ["Parameter", "Gelombang", "Wilayah"]
    assert [r[0] for r in book["Wilayah"].iter_rows(min_row=2, values_only=True)] == [1, 2, 2]
    # The list of saved plans names the reference date typed, or "today" for a plan left to
    # follow the day (tanggal acuan kosong), never a dash.
    analyst.post("/perencanaan/rencana/baru", data=plan_form(nama="Ikut hari ini",
                                                             tanggal_acuan=""))
    listed = analyst.get("/perencanaan").text
    assert "2 gelombang · acuan 30 Jun 2026 · desil 1–4" in listed
    assert "2 gelombang · acuan hari ini · desil 1–4" in listed


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"nama": " "}, "g-nama", "Nama rencana wajib diisi"),
    ({"g2_tahun": "28"}, "g-g2_tahun", "Harus antara 2000 dan 2100"),
    ({"g1_biaya": "dua juta"}, "g-g1_biaya", "bukan angka"),
    ({"g2_porsi": "160"}, "g-g2_porsi", "Terlalu besar"),
    ({"g2_wilayah": []}, "g-g2_wilayah", "Pilih setidaknya satu"),
    ({"g2_wilayah": [GUNUNG_TELIHAN, KANAAN]}, "g-g2_wilayah", "satu wilayah hanya boleh"),
    ({"wilayah_induk": "64.74.03", "g2_wilayah": [TANJUNG_LAUT]}, "g-g2_wilayah",
     "di luar wilayah induk"),
])
def test_a_refused_plan_is_shown_again_with_the_message_by_its_field(client_as, world, conn,
                                                                   changes, field, message):
    page = client_as("analyst").post("/perencanaan/rencana/baru", data=plan_form(**changes))
    assert page.status_code == 422
    start = page.text.index(f'id="{field}"')
    assert message in page.text[start:start + 300]
    assert 'value="Percontohan Gunung Telihan"' in page.text or changes.get("nama")
    assert conn.execute(text("SELECT count(*) FROM rollout_plan")).scalar_one() == 0


def test_a_taken_name_is_refused_next_to_the_name(client_as, world):
    analyst = client_as("analyst")
    assert analyst.post("/perencanaan/rencana/baru", data=plan_form(),
                        follow_redirects=False).status_code == 303
    again = analyst.post("/perencanaan/rencana/baru", data=plan_form())
    start = again.text.index('id="g-nama"')
    assert "sudah ada" in again.text[start:start + 200]


def test_adding_and_removing_waves_keeps_what_was_typed(client_as, world):
    analyst = client_as("analyst")
    added = analyst.post("/perencanaan/rencana/baru", data=plan_form(aksi="tambah"))
    assert added.status_code == 200 and 'id="gelombang-3"' in added.text
    assert 'name="g3_tahun" min="2000" max="2100" value="2029"' in added.text
    removed = analyst.post("/perencanaan/rencana/baru", data=plan_form(aksi="hapus-1"))
    assert 'id="gelombang-2"' not in removed.text
    assert 'name="g1_tahun" min="2000" max="2100" value="2028"' in removed.text


def test_the_pilot_page_suggests_a_contiguous_cluster_for_a_new_plan(client_as, world):
    page = client_as("analyst").get("/perencanaan/percontohan", params={
        "ref_date": REF.isoformat(), "seed": GUNUNG_TELIHAN, "jumlah_wilayah": "3",
        "biaya": "2.500.000"})
    assert page.status_code == 200, page.text
    cluster = re.findall(r'<tr data-kode="([^"]+)">', page.text)
    assert cluster[0] == GUNUNG_TELIHAN and len(cluster) == 3
    assert all(k.startswith("64.74.") for k in cluster)
    link = re.search(r'id="buat-rencana" href="([^"]+)"', page.text).group(1)
    assert "percontohan=" + "%2C".join(cluster) in link and "biaya=2.500.000" in link
    assert 'data-pilih="[&#34;' + GUNUNG_TELIHAN in page.text


def test_viewers_read_the_ranking_but_not_the_editor_and_agencies_not_at_all(client_as, world):
    viewer = client_as("viewer")
    page = viewer.get("/perencanaan", params={"ref_date": REF.isoformat()})
    assert page.status_code == 200 and "Buat rencana baru" not in page.text
    assert "&lt;5" in page.text  # kelurahan with 1-3 households: suppressed counts
    # The score columns are dashes for this role: the page says why, and the analyst's does not.
    assert "Skor dan poin komponen tidak ditampilkan untuk peran ini" in " ".join(
        page.text.split())
    assert "tidak ditampilkan untuk peran ini" not in client_as("analyst").get(
        "/perencanaan", params={"ref_date": REF.isoformat()}).text
    assert viewer.get("/perencanaan/rencana/baru").status_code == 403
    assert viewer.post("/perencanaan/rencana/baru", data=plan_form()).status_code == 403
    assert client_as("agency", agency="DINSOS").get("/perencanaan").status_code == 403
