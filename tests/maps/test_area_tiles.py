"""Area-aggregate tiles: below the point zoom (and for roles that may not see persons) one
feature per area with the area table's figures, decoded with mapbox-vector-tile."""

from __future__ import annotations

import mapbox_vector_tile
import pytest
from map_world import HOUSEHOLDS, KELURAHAN, REF, build, expected_status, tile_of
from sqlalchemy import text

from app.services.maps import POINT_MIN_ZOOM


@pytest.fixture
def world(conn, wilayah_dir):
    build(conn, wilayah_dir)
    return conn.execute(text("SELECT ST_X(label_point), ST_Y(label_point) FROM wilayah "
                             "WHERE kode = :k"), {"k": KELURAHAN}).one()


def _areas(response, layer="households"):
    assert response.status_code == 200, response.text
    features = mapbox_vector_tile.decode(response.content).get(layer, {}).get("features", [])
    assert all(f["properties"]["cluster"] is True for f in features)
    assert all(f["geometry"]["type"] == "Point" for f in features)
    return {f["properties"]["kode"]: f["properties"] for f in features}


def _expected(**filters):
    """The kelurahan's counts by the domain rule over the fixture rows, as the tile's text:
    covered by a program of the filter; overlap = covered and in 2+ programs of any kind."""
    unfiltered = {k: v for k, v in filters.items() if k in ("ref", "desil_max")}
    rows = [(s, expected_status(hh, **unfiltered)) for hh in HOUSEHOLDS
            if (s := expected_status(hh, **filters)) is not None]
    covered = sum(s != "gap" for s, _ in rows)
    return {"targets": str(len(rows)), "covered": str(covered), "gap": str(len(rows) - covered),
            "overlap": str(sum(s != "gap" and every == "overlap" for s, every in rows))}


def _counts(props):
    return {k: props[k] for k in ("targets", "covered", "gap", "overlap")}


# Zoom 1 and 2: Bontang lies in the last column of tiles (up to 180 degrees east), whose margin
# once wrapped to the western hemisphere and left the tile empty.
@pytest.mark.parametrize(("z", "code"), [(0, "64.74"), (1, "64.74"), (2, "64.74"), (3, "64.74"),
                                         (5, "64.74"), (7, "64.74"), (8, "64.74.03"),
                                         (10, "64.74.03"), (11, KELURAHAN), (13, KELURAHAN)])
def test_below_the_point_zoom_the_household_url_serves_area_aggregates(client, world, z, code):
    x, y = tile_of(*world, z)
    got = _areas(client.get(f"/tiles/households/{z}/{x}/{y}.pbf",
                            params={"ref_date": REF.isoformat()}))
    # Every household of the fixture lies in Gunung Telihan, so its kecamatan and kota
    # hold the same counts.
    assert _counts(got[code]) == _expected()
    assert all(len(k) == len(code) for k in got)


def test_the_point_zoom_serves_points_again(client, world):
    x, y = tile_of(*world, POINT_MIN_ZOOM)
    body = client.get(f"/tiles/households/{POINT_MIN_ZOOM}/{x}/{y}.pbf",
                      params={"ref_date": REF.isoformat()})
    features = mapbox_vector_tile.decode(body.content)["households"]["features"]
    assert features and all("cluster" not in f["properties"] for f in features)


@pytest.mark.parametrize("filters", [{"program": "ZAKAT"}, {"agency": "DINSOS"},
                                     {"desil_max": 1}, {"ref_date": "2026-07-01"}])
def test_filters_change_the_aggregates_as_in_the_figures(client, world, filters):
    x, y = tile_of(*world, 12)
    params = {"ref_date": REF.isoformat(), **filters}
    got = _areas(client.get(f"/tiles/households/12/{x}/{y}.pbf", params=params))
    from datetime import date

    rule = {k: v for k, v in filters.items() if k != "ref_date"}
    if "ref_date" in filters:
        rule["ref"] = date.fromisoformat(filters["ref_date"])
    assert _counts(got[KELURAHAN]) == _expected(**rule)


def test_program_layer_aggregates_count_that_programs_households(client, world):
    x, y = tile_of(*world, 12)
    got = _areas(client.get(f"/tiles/enrolled/12/{x}/{y}.pbf",
                            params={"ref_date": REF.isoformat(), "program": "PKH"}),
                 layer="enrolled")
    assert got[KELURAHAN]["covered"] == _expected(program="PKH")["covered"]


@pytest.mark.parametrize("z", [12, 15])
def test_viewers_get_the_area_tables_rows_suppressed_the_same_way(client_as, world, z):
    viewer = client_as("viewer")
    x, y = tile_of(*world, z)
    got = _areas(viewer.get(f"/tiles/areas/{z}/{x}/{y}.pbf", params={"ref_date": REF.isoformat()}))
    table = {r["kode"]: r for r in viewer.get("/api/v1/coverage", params={
        "level": "kelurahan", "parent": "64.74", "ref_date": REF.isoformat()}).json()}
    assert _counts(got[KELURAHAN]) == {k: str(v) for k, v in _counts(table[KELURAHAN]).items()}
    assert "<5" in _counts(got[KELURAHAN]).values()  # gap 4 and overlap 2 are small


def test_area_tiles_keep_to_the_callers_area(client_as, world):
    x, y = tile_of(*world, 12)
    elsewhere = client_as("analyst", area_prefixes=("64.74.01",))
    got = _areas(elsewhere.get(f"/tiles/areas/12/{x}/{y}.pbf",
                               params={"ref_date": REF.isoformat()}))
    assert KELURAHAN not in got
    assert all(k.startswith("64.74.01.") for k in got)


def test_bad_area_tile_address_gets_a_clear_message(client, world):
    response = client.get("/tiles/areas/3/8/0.pbf")
    assert response.status_code == 422
    assert "tidak ada" in response.json()["error"]["message"]


def test_a_city_tile_holds_only_the_areas_whose_point_lies_in_it(client, conn, world,
                                                                 wilayah_dir):
    from app.services.wilayah import load_boundaries

    load_boundaries(conn, wilayah_dir / "balikpapan_kelurahan.geojson")
    x, y = tile_of(*world, 12)
    got = _areas(client.get(f"/tiles/households/12/{x}/{y}.pbf",
                            params={"ref_date": REF.isoformat()}))
    inside = set(conn.execute(text(
        "SELECT kode FROM wilayah WHERE level = 'kelurahan' AND label_point && "
        "ST_Transform(ST_TileEnvelope(12, :x, :y, margin => 0.02), 4326)"),
        {"x": x, "y": y}).scalars())
    assert set(got) == inside and KELURAHAN in inside
    assert not any(k.startswith("64.71") for k in got)
