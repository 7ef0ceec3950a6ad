"""The map page shell and its figures endpoint, over the small map world."""

from __future__ import annotations

import json

import pytest
from map_world import HOUSEHOLDS, KELURAHAN, PROGRAMS, REF, build, expected_status
from sqlalchemy import text
from suppression_attack import honest


@pytest.fixture
def world(conn, wilayah_dir):
    return build(conn, wilayah_dir)


def _targets(**filters):
    return [hh for hh in HOUSEHOLDS if expected_status(hh, **filters) is not None]


def test_page_is_a_shell_without_household_data(client, world, conn):
    response = client.get("/map", params={"basemap": "none", "ref_date": REF.isoformat()})
    assert response.status_code == 200
    html = response.text
    assert "content-security-policy" in response.headers
    assert not any(f"Kepala {hh.key}" in html for hh in HOUSEHOLDS)
    for nama, _ in PROGRAMS.values():
        assert nama in html
    assert "/tiles/households/{z}/{x}/{y}.pbf" in html
    assert "tile.openstreetmap.org" not in html
    audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE aksi = "
                                "'map.household_points'")).scalar_one()
    assert audited == 1


def test_basemap_url_comes_from_the_settings(client, world):
    html = client.get("/map").text
    assert client.app.state.settings.tile_url in html


def test_figures_match_the_domain_rules_and_classes_cover_every_kelurahan(client, world,
                                                                         wilayah_dir):
    body = client.get("/api/v1/map/figures",
                      params={"ref_date": REF.isoformat(), "figure": "gap"}).json()
    row = body["areas"][KELURAHAN]
    targets = _targets()
    gaps = [hh for hh in targets if expected_status(hh) == "gap"]
    overlaps = [hh for hh in targets if expected_status(hh) == "overlap"]
    assert (row["targets"], row["gap"], row["overlap"]) == (len(targets), len(gaps),
                                                            len(overlaps))
    assert row["overlap_share"] == pytest.approx(len(overlaps) / len(targets))
    kelurahan = json.loads((wilayah_dir / "bontang_kelurahan.geojson").read_text())["features"]
    assert sum(e["count"] for e in body["legend"]["entries"]) == len(kelurahan)
    assert body["top_gaps"] == [{"kode": KELURAHAN, "nama": "Gunung Telihan",
                                 "gap": len(gaps), "targets": len(targets)}]


@pytest.mark.parametrize(("param", "value"), [("program", "ZAKAT"), ("agency", "BAZNAS")])
def test_viewer_hexagons_under_a_program_or_agency_filter_are_refused(client_as, world, param,
                                                                      value):
    # As the area tables: one program's (or agency's) hexagons beside the all-program ones
    # would tie the two partitions together.
    refused = client_as("viewer").get("/api/v1/map/hexagons",
                                      params={"ref_date": REF.isoformat(), param: value})
    assert refused.status_code == 403
    assert "seluruh wilayah" in refused.json()["error"]["message"]


def test_viewer_gets_small_counts_suppressed(client_as, world):
    viewer = client_as("viewer")
    by_program = viewer.get("/api/v1/map/figures",
                            params={"ref_date": REF.isoformat(), "program": "ZAKAT"})
    # One program's figures per kelurahan would tie it to the all-program table: refused.
    assert by_program.status_code == 403
    assert "seluruh wilayah" in by_program.json()["error"]["message"]
    body = viewer.get("/api/v1/map/figures", params={"ref_date": REF.isoformat()}).json()
    statuses = [expected_status(hh) for hh in HOUSEHOLDS]
    overlap = statuses.count("overlap")
    assert 1 <= overlap <= 4
    for row in (body["areas"][KELURAHAN], body["totals"]):
        assert row["overlap"] == "<5"
        assert honest(row["covered"], statuses.count("one") + overlap)
        assert honest(row["gap"], statuses.count("gap"))
        # A rate beside a shown count would give a hidden one back.
        if isinstance(row["covered"], str) or isinstance(row["targets"], str):
            assert row["coverage_rate"] is None


def test_viewer_page_offers_hexagons_not_points(client_as, world):
    html = client_as("viewer").get("/map", params={"basemap": "none"}).text
    assert '"persons": false' in html


def test_unknown_figure_is_a_clear_422(client, world):
    response = client.get("/api/v1/map/figures", params={"figure": "kemakmuran"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"


def test_program_outline_is_the_union_of_its_service_area(client, world):
    body = client.get("/api/v1/map/programs", params={"kode": "ZAKAT"}).json()
    assert [p["kode"] for p in body] == ["ZAKAT"]
    assert body[0]["wilayah_layanan"]["type"] in ("Polygon", "MultiPolygon")
    rtlh = client.get("/api/v1/map/programs", params={"kode": "RTLH"}).json()
    assert rtlh[0]["wilayah_layanan"] is None


def _active_programs(hh, ref=REF):
    return {p for p, start, end in hh.enrolled if start <= ref and (end is None or ref <= end)}


def test_area_panel_holds_every_figure_per_program_and_the_poorest_gaps(client, world, conn):
    body = client.get(f"/api/v1/map/areas/{KELURAHAN}",
                      params={"ref_date": REF.isoformat()}).json()
    targets = _targets()
    covered = [hh for hh in targets if expected_status(hh) in ("one", "overlap")]
    gaps = [hh for hh in targets if expected_status(hh) == "gap"]
    f = body["figures"]
    assert (body["nama"], f["targets"], f["covered"], f["gap"]) == (
        "Gunung Telihan", len(targets), len(covered), len(gaps))
    assert f["coverage_rate"] == pytest.approx(len(covered) / len(targets))
    # Every household of the world has an expenditure of 300,000 < the poverty line: P0 = 1.
    assert f["p0"] == pytest.approx(1.0)
    per_program = {p["kode"]: p for p in body["programs"]}
    for kode in PROGRAMS:
        enrolled = [hh for hh in targets if kode in _active_programs(hh)]
        if enrolled:
            assert per_program[kode]["covered"] == len(enrolled), kode
    assert sorted(g["id_keluarga"] for g in body["gap_households"]) == sorted(
        hh.key for hh in gaps)
    assert all("*" in g["nik_kepala_mask"] for g in body["gap_households"])
    audited = conn.execute(text("SELECT count(*) FROM audit_log WHERE aksi = "
                                "'map.gap_households' AND sasaran = :k"),
                           {"k": KELURAHAN}).scalar_one()
    assert audited == 1


def test_viewer_panel_hides_persons_and_small_counts(client_as, world):
    body = client_as("viewer").get(f"/api/v1/map/areas/{KELURAHAN}",
                                   params={"ref_date": REF.isoformat()}).json()
    assert body["gap_households"] is None
    gaps = len([hh for hh in _targets() if expected_status(hh) == "gap"])
    assert honest(body["figures"]["gap"], gaps)
    # One area's figures per program would undo the protection of the area table.
    assert body["programs"] is None


def test_unknown_or_malformed_area_is_a_clear_error(client, world):
    assert client.get("/api/v1/map/areas/64.74.09.9999").status_code == 404
    response = client.get("/api/v1/map/areas/64.7")
    assert response.status_code == 422
    assert "tidak sah" in response.json()["error"]["message"]


def test_kecamatan_level_choropleth_sums_its_kelurahan(client, world):
    body = client.get("/api/v1/map/figures", params={
        "ref_date": REF.isoformat(), "level": "kecamatan", "figure": "targets",
        "scheme": "pretty", "ramp": "cividis"}).json()
    assert body["level"] == "kecamatan"
    assert set(body["areas"]) == {"64.74.01", "64.74.02", "64.74.03"}
    assert body["areas"][KELURAHAN[:8]]["targets"] == len(_targets())
    assert body["areas"]["64.74.01"]["targets"] == 0
    assert body["legend"]["ramp"] == "cividis"
    assert all(float(e["upper"]).is_integer() for e in body["legend"]["entries"] if "upper" in e)


def test_kab_kota_level_choropleth_sums_every_kelurahan_and_bad_levels_are_refused(client,
                                                                                   world):
    body = client.get("/api/v1/map/figures", params={
        "ref_date": REF.isoformat(), "level": "kabkota", "figure": "gap"}).json()
    assert body["level"] == "kabkota" and set(body["areas"]) == {"64.74"}
    assert body["areas"]["64.74"]["targets"] == len(_targets())
    bad = client.get("/api/v1/map/figures", params={"level": "provinsi"})
    assert bad.status_code == 422

def test_viewer_hexagons_are_coloured_by_the_figure_with_their_own_legend(client_as, world):
    body = client_as("viewer").get("/api/v1/map/hexagons", params={
        "ref_date": REF.isoformat(), "figure": "gap"}).json()
    assert body["figure"] == "gap"
    colours = {e["color"] for e in body["legend"]["entries"]}
    assert all(f["properties"]["warna"] in colours for f in body["features"])
    # Every count here is small: all cells fall in the "<5" class, none in a numbered one.
    assert all(f["properties"]["gap"] in ("<5", 0) for f in body["features"])
    hidden = [e for e in body["legend"]["entries"] if e.get("suppressed")]
    assert hidden and hidden[0]["count"] == sum(
        1 for f in body["features"] if f["properties"]["gap"] == "<5")
