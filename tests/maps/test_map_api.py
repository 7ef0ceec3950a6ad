"""The map page shell and its figures endpoint, over the small map world."""

from __future__ import annotations

import json

import pytest
from map_world import HOUSEHOLDS, KELURAHAN, PROGRAMS, REF, build, expected_status
from sqlalchemy import text


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


def test_viewer_gets_small_counts_suppressed(client_as, world):
    body = client_as("viewer").get("/api/v1/map/figures",
                                   params={"ref_date": REF.isoformat(),
                                           "program": "ZAKAT"}).json()
    covered = sum(1 for hh in HOUSEHOLDS if expected_status(hh, program="ZAKAT") == "one")
    assert 1 <= covered <= 4
    assert body["areas"][KELURAHAN]["covered"] == "<5"
    assert body["totals"]["covered"] == "<5"
    # The rate beside the shown targets would give the hidden count back.
    assert body["areas"][KELURAHAN]["coverage_rate"] is None
    assert body["totals"]["coverage_rate"] is None


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
