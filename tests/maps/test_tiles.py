"""Household vector tiles cut by PostGIS, decoded with mapbox-vector-tile."""

from __future__ import annotations

from datetime import date, timedelta

import h3
import mapbox_vector_tile
import pytest
from conftest import TEST_ADMIN
from map_world import (
    HOUSEHOLDS,
    KELURAHAN,
    OTHER_KELURAHAN,
    REF,
    Hh,
    Z,
    build,
    expected_status,
    place_household,
    tile_center,
    tile_of,
)
from sqlalchemy import text

from app.services.maps import MapFilter, hexagon_aggregate
from app.services.registry.cells import fill_missing_cells


@pytest.fixture
def world(conn, wilayah_dir):
    return build(conn, wilayah_dir)


def _features(response, layer="households"):
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/vnd.mapbox-vector-tile"
    decoded = mapbox_vector_tile.decode(response.content)
    return decoded.get(layer, {}).get("features", [])


def _by_key(features, ids):
    key_of = {v: k for k, v in ids.items()}
    return {key_of[f["id"]]: f["properties"] for f in features}


def _expected(**filters):
    return {hh.key: s for hh in HOUSEHOLDS if not hh.far
            and (s := expected_status(hh, **filters)) is not None}


def test_tile_holds_target_households_with_their_status(client, world):
    x, y, ids = world
    got = _by_key(_features(client.get(f"/tiles/households/{Z}/{x}/{y}.pbf",
                                       params={"ref_date": REF.isoformat()})), ids)
    assert {k: p["status"] for k, p in got.items()} == _expected()
    assert "not-poor" not in got and "unverified" not in got and "far-away" not in got


def test_point_tiles_are_never_cached_and_area_tiles_briefly(client, world):
    x, y, _ = world
    points = client.get(f"/tiles/households/{Z}/{x}/{y}.pbf", params={"ref_date": REF.isoformat()})
    assert _features(points) and points.headers["cache-control"] == "no-store"
    areas = client.get(f"/tiles/households/12/{x >> (Z - 12)}/{y >> (Z - 12)}.pbf")
    assert areas.status_code == 200 and areas.headers["cache-control"] == "private, max-age=60"


def test_household_without_coordinates_is_marked_not_surveyed(client, world):
    x, y, ids = world
    got = _by_key(_features(client.get(f"/tiles/households/{Z}/{x}/{y}.pbf",
                                       params={"ref_date": REF.isoformat()})), ids)
    assert got["no-coords"]["no_coords"] is True
    assert all(p["no_coords"] is False for k, p in got.items() if k != "no-coords")


def test_program_filter_counts_only_that_programs_enrollments(client, world):
    x, y, ids = world
    got = _by_key(_features(client.get(
        f"/tiles/households/{Z}/{x}/{y}.pbf",
        params={"ref_date": REF.isoformat(), "program": "ZAKAT"})), ids)
    assert {k: p["status"] for k, p in got.items()} == _expected(program="ZAKAT")


def test_agency_filter_and_desil_threshold_change_the_statuses(client, world):
    x, y, ids = world
    got = _by_key(_features(client.get(
        f"/tiles/households/{Z}/{x}/{y}.pbf",
        params={"ref_date": REF.isoformat(), "agency": "DINSOS", "desil_max": 8})), ids)
    assert {k: p["status"] for k, p in got.items()} == _expected(agency="DINSOS", desil_max=8)
    assert got["not-poor"]["status"] == "gap"


def test_reference_date_decides_which_enrollments_are_active(client, world):
    x, y, ids = world
    later = date(2026, 7, 1)
    got = _by_key(_features(client.get(f"/tiles/households/{Z}/{x}/{y}.pbf",
                                       params={"ref_date": later.isoformat()})), ids)
    assert {k: p["status"] for k, p in got.items()} == _expected(ref=later)
    assert got["future"]["status"] == "one" and got["ends-on-ref"]["status"] == "gap"


def _programs_on(hh: Hh, day: date) -> int:
    """The domain rule, counted here: distinct programs with start <= day <= end."""
    return len({p for p, start, end in hh.enrolled if start <= day and (end is None or day <= end)})


def _edges(hh: Hh) -> set[date]:
    return {d for _, start, end in hh.enrolled
            for d in (start - timedelta(days=1), start)
            + (() if end is None else (end, end + timedelta(days=1)))}


def _programs(client, x, y, ids, day):
    got = _by_key(_features(client.get(f"/tiles/households/{Z}/{x}/{y}.pbf",
                                       params={"ref_date": day.isoformat()})), ids)
    return {k: p["programs"] for k, p in got.items()}


def test_program_count_on_every_first_and_last_day_equals_an_independent_count(client, world):
    # The count read from each row's stored timeline (the day before a start, the start, the
    # last day, the day after), for every household at once.
    x, y, ids = world
    targets = [hh for hh in HOUSEHOLDS if not hh.far and expected_status(hh) is not None]
    for day in sorted({REF, *(d for hh in targets for d in _edges(hh))}):
        assert _programs(client, x, y, ids, day) == {hh.key: _programs_on(hh, day)
                                                     for hh in targets}, day


def test_rebuilt_segments_move_the_count_read_with_the_point(client, conn, world):
    # An enrollment ended earlier, and every enrollment of another household removed: only
    # those two households are rebuilt, as an enrollment import does.
    from app.services.coverage import rebuild_segments

    x, y, ids = world
    conn.execute(text("UPDATE enrollment SET tanggal_selesai = :end WHERE household_id = :h"),
                 {"end": date(2026, 3, 31), "h": ids["one"]})
    conn.execute(text("DELETE FROM enrollment WHERE household_id = :h"), {"h": ids["three"]})
    rebuild_segments(conn, [ids["one"], ids["three"]])
    assert _programs(client, x, y, ids, date(2026, 3, 31))["one"] == 1
    after = _programs(client, x, y, ids, date(2026, 4, 1))
    assert after["one"] == 0 and after["three"] == 0 and after["overlap"] == 2
    assert conn.execute(text("SELECT coverage_cuts IS NULL AND coverage_counts IS NULL "
                             "FROM household WHERE id = :h"), {"h": ids["three"]}).scalar_one()


def test_program_layer_holds_only_its_enrolled_households(client, world):
    x, y, ids = world
    got = _by_key(_features(client.get(
        f"/tiles/enrolled/{Z}/{x}/{y}.pbf",
        params={"ref_date": REF.isoformat(), "program": "ZAKAT"}), layer="enrolled"), ids)
    expected = {hh.key for hh in HOUSEHOLDS if not hh.far
                and expected_status(hh, program="ZAKAT") == "one"}
    assert set(got) == expected


def test_empty_tile_is_an_empty_body(client, world):
    response = client.get(f"/tiles/households/{Z}/0/0.pbf", params={"ref_date": REF.isoformat()})
    assert response.status_code == 200
    assert mapbox_vector_tile.decode(response.content) == {}


def test_roles_without_person_access_get_no_points(client_as, world):
    x, y, _ = world
    response = client_as("viewer").get(f"/tiles/households/{Z}/{x}/{y}.pbf")
    assert response.status_code == 403
    assert response.json()["error"]["message"].startswith("Peran 'viewer' tidak boleh")


def test_area_scope_is_applied_inside_the_tile_query(client_as, world):
    x, y, _ = world
    elsewhere = client_as("analyst", area_prefixes=("64.74.01",))
    assert _features(elsewhere.get(f"/tiles/households/{Z}/{x}/{y}.pbf",
                                   params={"ref_date": REF.isoformat()})) == []


def test_bad_tile_address_and_layer_get_clear_messages(client, world):
    response = client.get(f"/tiles/households/{Z}/{2**Z}/0.pbf")
    assert response.status_code == 422
    assert "tidak ada" in response.json()["error"]["message"]
    response = client.get(f"/tiles/enrolled/{Z}/0/0.pbf")
    assert response.status_code == 422
    assert "program" in response.json()["error"]["message"]


@pytest.fixture
def border(conn, world):
    """The world plus one target household of another kecamatan (64.74.01) in the same tile."""
    x, y, ids = world
    ids = {**ids, "next-door": place_household(
        conn, Hh("next-door", offset=(0.0005, 0.0005), kelurahan=OTHER_KELURAHAN), x, y)}
    return x, y, ids


def _kecamatan_tile(client, x, y, ids, kecamatan):
    return set(_by_key(_features(client.get(
        f"/tiles/households/{Z}/{x}/{y}.pbf",
        params={"ref_date": REF.isoformat(), "kecamatan": kecamatan})), ids))


def test_kecamatan_parameter_keeps_only_that_kecamatans_households(client, border):
    x, y, ids = border
    own = set(_expected())  # every fixture household lies in 64.74.03
    assert _kecamatan_tile(client, x, y, ids, None) == own | {"next-door"}
    assert _kecamatan_tile(client, x, y, ids, "64.74.03") == own
    assert _kecamatan_tile(client, x, y, ids, KELURAHAN) == own
    assert _kecamatan_tile(client, x, y, ids, "64.74.01") == {"next-door"}
    assert _kecamatan_tile(client, x, y, ids, "64.74") == own | {"next-door"}
    # LIKE wildcards are literal characters: no code is 64.74.0_ or starts with 64.74.%.
    assert _kecamatan_tile(client, x, y, ids, "64.74.0_") == set()
    assert _kecamatan_tile(client, x, y, ids, "64.74.%") == set()


def test_kecamatan_parameter_narrows_an_area_bound_analyst_and_never_widens(client_as, border):
    x, y, ids = border
    own = set(_expected())
    analyst = client_as("analyst", area_prefixes=("64.74.03",))
    assert _kecamatan_tile(analyst, x, y, ids, None) == own
    assert _kecamatan_tile(analyst, x, y, ids, "64.74") == own          # wider: still own area
    assert _kecamatan_tile(analyst, x, y, ids, "64.74.01") == set()     # beside it: nothing
    assert _kecamatan_tile(analyst, x, y, ids, "64.74.03.1002") == own  # narrower


def test_kecamatan_parameter_keeps_the_area_aggregates_under_it(client, border):
    # Below the point zoom the same URL serves area aggregates: only the areas under the
    # kecamatan (kelurahan at zoom 11), each with the figures of the unfiltered tile.
    lon, lat = tile_center(border[0], border[1], Z)
    x, y = tile_of(lon, lat, 11)
    url = f"/tiles/households/11/{x}/{y}.pbf"

    def areas(**params):
        response = client.get(url, params={"ref_date": REF.isoformat(), **params})
        return {f["properties"]["kode"]: f["properties"] for f in _features(response)}

    every = areas()
    assert {KELURAHAN, OTHER_KELURAHAN} <= set(every)
    under = areas(kecamatan="64.74.03")
    assert under == {k: v for k, v in every.items() if k.startswith("64.74.03.")}
    assert KELURAHAN in under and areas(kecamatan="64.74.0_") == {}


def test_hexagons_suppress_small_counts_for_viewers(client_as, conn, world):
    body = client_as("viewer").get("/api/v1/map/hexagons",
                                   params={"ref_date": REF.isoformat()}).json()
    expected = {h: counts[0] for h, counts in _expected_cells(conn, world,
                                                              body["resolusi"]).items()}
    shown = {f["properties"]["h3"]: f["properties"]["targets"] for f in body["features"]}
    assert set(shown) == set(expected)
    for cell, value in shown.items():
        n = expected[cell]
        # The true count when 0 or >= 5, "<5" for 1-4, or "x": hidden as well so that no
        # small count can be derived from the others (complementary suppression).
        assert value == "x" or (value == "<5" and 1 <= n <= 4) or (value == n and n not in
                                                                   range(1, 5)), (cell, value, n)
    assert "<5" in shown.values()


def _expected_cells(conn, world, resolution, **filters):
    """Per H3 cell, [targets, gap, one, overlap] from the plain rows and h3 itself."""
    x, y, _ = world
    clon, clat = tile_center(x, y, Z)
    label = conn.execute(text("SELECT ST_Y(label_point), ST_X(label_point) FROM wilayah "
                              "WHERE kode = :k"), {"k": KELURAHAN}).one()
    cells: dict[str, list[int]] = {}
    for hh in HOUSEHOLDS:
        status = expected_status(hh, **filters)
        if status is None:
            continue
        lat, lon = label if hh.offset is None else (clat + hh.offset[1], clon + hh.offset[0])
        counts = cells.setdefault(h3.latlng_to_cell(lat, lon, resolution), [0, 0, 0, 0])
        counts[0] += 1
        counts[1 + ("gap", "one", "overlap").index(status)] += 1
    return cells


def _cells(body):
    return {f["properties"]["h3"]: [f["properties"][k] for k in ("targets", "gap", "one",
                                                                 "overlap")]
            for f in body["features"]}


@pytest.mark.parametrize("filters", [{}, {"program": "PKH"}, {"agency": "BAZNAS"},
                                     {"desil_max": 1}])
def test_hexagon_counts_equal_an_independent_count_per_cell(client, conn, world, filters):
    body = client.get("/api/v1/map/hexagons", params={"ref_date": REF.isoformat(),
                                                       "resolution": 9, **filters}).json()
    assert body["resolusi"] == 9
    assert _cells(body) == _expected_cells(conn, world, 9, **filters)


@pytest.mark.parametrize("stored", ["none", "some", "all"])
@pytest.mark.parametrize("filters", [{}, {"program": "PKH"}, {"desil_max": 1}])
def test_hexagons_from_stored_cells_equal_an_independent_count_per_cell(client, conn, world,
                                                                         stored, filters):
    # At the stored resolution the cells come from household.h3_cell, counted in SQL; a
    # household without one (written by other means, or no coordinates) from its point.
    if stored != "none":
        assert fill_missing_cells(conn) > 0
    if stored == "some":
        conn.execute(text("UPDATE household SET h3_cell = NULL WHERE id % 2 = 0"))
    body = client.get("/api/v1/map/hexagons", params={"ref_date": REF.isoformat(),
                                                       "resolution": 8, **filters}).json()
    assert body["resolusi"] == 8
    assert _cells(body) == _expected_cells(conn, world, 8, **filters)


def test_filling_cells_stores_the_cell_of_each_point_and_none_without_one(conn, world):
    filled = fill_missing_cells(conn)
    rows = conn.execute(text(
        "SELECT h3_cell, ST_Y(geom) AS lat, ST_X(geom) AS lon FROM household")).all()
    assert filled == sum(r.lat is not None for r in rows) > 0
    for r in rows:
        assert r.h3_cell == (None if r.lat is None else int(h3.latlng_to_cell(r.lat, r.lon, 8),
                                                            16))
    assert fill_missing_cells(conn) == 0  # nothing left to fill


def test_filling_cells_in_small_chunks_pages_through_every_household(conn, world,
                                                                     monkeypatch):
    from app.services.registry import cells

    monkeypatch.setattr(cells, "CHUNK", 3)
    with_point = conn.execute(text(
        "SELECT count(*) FROM household WHERE geom IS NOT NULL")).scalar_one()
    assert with_point > 3 * 2  # several chunks
    assert fill_missing_cells(conn) == with_point
    assert conn.execute(text("SELECT count(*) FROM household WHERE geom IS NOT NULL "
                             "AND h3_cell IS NULL")).scalar_one() == 0


def test_hexagons_merge_into_parent_cells_when_there_are_too_many(conn, world):
    sizes = {r: len(_expected_cells(conn, world, r)) for r in range(9, 4, -1)}
    cap = min(sizes.values())
    assert sizes[9] > cap  # else the merge below proves nothing
    coarse = max(r for r, n in sizes.items() if n <= cap)
    body = hexagon_aggregate(conn, MapFilter(ref_date=REF), resolution=9,
                             principal=TEST_ADMIN, max_cells=cap)
    assert body["resolusi"] == coarse
    assert _cells(body) == _expected_cells(conn, world, coarse)


@pytest.mark.parametrize(("param", "value"), [("program", "TIDAK-ADA"), ("agency", "TIDAK-ADA")])
def test_unknown_program_or_agency_is_not_found_as_in_the_figures(client, world, param, value):
    x, y, _ = world
    tile = client.get(f"/tiles/households/{Z}/{x}/{y}.pbf", params={param: value})
    figures = client.get("/api/v1/map/figures", params={param: value})
    assert (tile.status_code, figures.status_code) == (404, 404)
    assert value in tile.json()["error"]["message"]
