import json
import random

import h3
import numpy as np
import pytest
from household_rows import GUNUNG_TELIHAN, inside, kelurahan_shapes, row, write_csv
from shapely.geometry import box
from sqlalchemy import text

from app.services.registry import import_households, regeocode_households
from app.services.wilayah import load_boundaries
from geo.registry import KelurahanIndex, flag_names, parse_coordinates

KEY = b"kunci-uji"
# Two overlapping squares (A, B) and a distant one (C), in lon/lat near Bontang.
SQUARES = KelurahanIndex(
    ["64.74.01.1002", "64.74.01.1001", "64.74.01.1003"],
    [box(117.10, 0.10, 117.20, 0.20), box(117.00, 0.10, 117.11, 0.20),
     box(117.50, 0.10, 117.60, 0.20)],
)


def locate(lat, lon, declared):
    lon_a, lat_a, given = parse_coordinates([lat], [lon])
    found = SQUARES.locate(lon_a, lat_a, given, [declared])
    return found.kode[0], flag_names(int(found.flags[0])), (found.lon[0], found.lat[0])


def test_point_in_one_polygon_takes_it():
    assert locate("0.15", "117.15", "64.74.01.1002")[:2] == ("64.74.01.1002", [])


def test_swapped_coordinates_are_fixed_and_flagged():
    kode, flags, (lon, lat) = locate("117.15", "0.15", "64.74.01.1002")
    assert (kode, flags, lon, lat) == ("64.74.01.1002", ["coords_swapped"], 117.15, 0.15)


@pytest.mark.parametrize(("lat", "lon"), [
    ("0", "0"), ("0.15", "150"), ("-20", "117.1"), ("0.15", ""), ("abc", "117.1"),
])
def test_invalid_coordinates_count_as_missing_and_are_flagged(lat, lon):
    kode, flags, (x, y) = locate(lat, lon, "64.74.01.1003")
    assert kode == "64.74.01.1003" and flags == ["coords_invalid", "no_coords"]
    assert np.isnan(x) and np.isnan(y)


def test_comma_decimal_mark_is_read():
    assert locate("0,15", "117,15", "64.74.01.1002")[0] == "64.74.01.1002"


def test_no_coordinates_keep_declared_and_flag_no_coords():
    assert locate("", "", "64.74.01.1003")[:2] == ("64.74.01.1003", ["no_coords"])


def test_point_outside_every_polygon_keeps_declared_and_flags_outside_area():
    assert locate("0.15", "117.3", "64.74.01.1002")[:2] == ("64.74.01.1002", ["outside_area"])


def test_spatial_kelurahan_other_than_declared_wins_and_is_flagged():
    kode, flags, _ = locate("0.15", "117.55", "64.74.01.1002")
    assert (kode, flags) == ("64.74.01.1003", ["kelurahan_mismatch"])


def test_overlap_takes_declared_when_it_is_among_the_polygons():
    assert locate("0.15", "117.105", "64.74.01.1002")[:2] == ("64.74.01.1002", [])


def test_overlap_takes_lowest_code_when_declared_is_not_among_them():
    kode, flags, _ = locate("0.15", "117.105", "64.74.01.1003")
    assert (kode, flags) == ("64.74.01.1001", ["kelurahan_mismatch"])


@pytest.fixture
def bontang(conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    return conn


def real_sliver(conn):
    """The largest real overlap between two Bontang kelurahan, found by PostGIS."""
    return conn.execute(text(
        """
        SELECT a.kode AS low, b.kode AS high, ST_X(p) AS lon, ST_Y(p) AS lat
        FROM wilayah a JOIN wilayah b ON a.kode < b.kode AND ST_Overlaps(a.geom, b.geom)
        CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 3)
                            AS g) AS i
        CROSS JOIN LATERAL (SELECT ST_PointOnSurface(i.g) AS p) AS s
        WHERE a.level = 'kelurahan' AND b.level = 'kelurahan' AND NOT ST_IsEmpty(i.g)
        ORDER BY ST_Area(i.g) DESC LIMIT 1
        """
    )).one()


def stored(conn):
    return {r.id_keluarga: r for r in conn.execute(text(
        "SELECT id_keluarga, kode_kelurahan, flags, ST_X(geom) AS lon, ST_Y(geom) AS lat "
        "FROM household"))}


def test_real_sliver_overlap_follows_the_declared_code_rule(bontang, tmp_path):
    sliver = real_sliver(bontang)
    third = next(k for k in ("64.74.01.1001", "64.74.02.1001", GUNUNG_TELIHAN)
                 if k not in (sliver.low, sliver.high))
    point = {"lat": sliver.lat, "lon": sliver.lon}
    rows = [row(1, kode_kelurahan=sliver.high, **point),
            row(2, kode_kelurahan=sliver.low, **point),
            row(3, kode_kelurahan=third, **point)]
    import_households(bontang, write_csv(tmp_path / "rt.csv", rows), key=KEY, user="uji")
    got = stored(bontang)
    assert (got["K00001"].kode_kelurahan, got["K00001"].flags) == (sliver.high, [])
    assert (got["K00002"].kode_kelurahan, got["K00002"].flags) == (sliver.low, [])
    assert (got["K00003"].kode_kelurahan, got["K00003"].flags) == (
        sliver.low, ["kelurahan_mismatch"])


def test_import_flags_and_stores_the_corrected_point(bontang, tmp_path, wilayah_dir):
    lon, lat = inside(kelurahan_shapes(wilayah_dir), GUNUNG_TELIHAN)
    rows = [row(1, lat=lon, lon=lat), row(2, lat="0", lon="0"), row(3),
            row(4, lat="-6.2", lon="106.8")]
    result = import_households(bontang, write_csv(tmp_path / "rt.csv", rows), key=KEY,
                               user="uji")
    got = stored(bontang)
    assert got["K00001"].flags == ["coords_swapped"]
    assert (got["K00001"].lon, got["K00001"].lat) == pytest.approx((lon, lat))
    assert got["K00002"].flags == ["coords_invalid", "no_coords"] and got["K00002"].lon is None
    assert got["K00003"].flags == ["no_coords"]
    assert got["K00004"].flags == ["outside_area"]
    assert all(h.kode_kelurahan == GUNUNG_TELIHAN for h in got.values())
    assert result.flags == {"coords_swapped": 1, "coords_invalid": 1, "no_coords": 2,
                            "outside_area": 1, "possible_duplicate": 0}


def test_python_and_postgis_geocoding_agree_on_real_boundaries(bontang, tmp_path, wilayah_dir):
    shapes = kelurahan_shapes(wilayah_dir)
    codes = sorted(shapes)
    minx, miny, maxx, maxy = np.array([g.bounds for g in shapes.values()]).T
    rng = random.Random(7)
    rows = []
    for i in range(1, 1501):
        lon = rng.uniform(minx.min(), maxx.max())
        lat = rng.uniform(miny.min(), maxy.max())
        rows.append(row(i, lat=round(lat, 6), lon=round(lon, 6), kode_kelurahan=rng.choice(codes)))
    sliver = real_sliver(bontang)
    rows.append(row(2000, lat=sliver.lat, lon=sliver.lon, kode_kelurahan=codes[-1]))
    import_households(bontang, write_csv(tmp_path / "rt.csv", rows), key=KEY, user="uji")
    before = stored(bontang)
    assert sum("kelurahan_mismatch" in h.flags for h in before.values()) > 100
    assert regeocode_households(bontang) == 0  # PostGIS finds nothing to change
    assert stored(bontang) == before


def test_reloading_boundaries_regeocodes_households(bontang, tmp_path, wilayah_dir):
    shapes = kelurahan_shapes(wilayah_dir)
    lon, lat = inside(shapes, GUNUNG_TELIHAN)
    import_households(bontang, write_csv(tmp_path / "rt.csv", [row(1, lat=lat, lon=lon)]),
                      key=KEY, user="uji")
    assert stored(bontang)["K00001"].flags == []
    data = json.loads((wilayah_dir / "bontang_kelurahan.geojson").read_text())
    other = "64.74.03.1001"
    by_code = {f["properties"]["kode"]: f for f in data["features"]}
    by_code[GUNUNG_TELIHAN]["geometry"], by_code[other]["geometry"] = (
        by_code[other]["geometry"], by_code[GUNUNG_TELIHAN]["geometry"])
    changed = tmp_path / "bontang_kelurahan_baru.geojson"
    changed.write_text(json.dumps(data))
    result = load_boundaries(bontang, changed)
    assert any("digeokode ulang" in m for m in result.messages)
    got = stored(bontang)["K00001"]
    assert (got.kode_kelurahan, got.flags) == (other, ["kelurahan_mismatch"])


def stored_cells(conn):
    return {r.id_keluarga: r for r in conn.execute(text(
        "SELECT id_keluarga, h3_cell, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM household"))}


def test_import_stores_each_points_h3_cell_and_a_move_updates_it(bontang, tmp_path,
                                                                 wilayah_dir):
    # The hexagon map counts households by this stored cell (geo.hexagons): it must be
    # the cell of the point as stored (corrected when swapped), none without a point, and
    # follow the point when a re-import moves the household.
    shapes = kelurahan_shapes(wilayah_dir)
    lon, lat = inside(shapes, GUNUNG_TELIHAN)
    other_lon, other_lat = inside(shapes, "64.74.03.1001")
    rows = [row(1, lat=lat, lon=lon), row(2, lat=lon, lon=lat),  # the second one swapped
            row(3), row(4, lat="0", lon="0"),
            row(5, lat=str(lat).replace(".", ","), lon=str(lon).replace(".", ",")),
            # A D/M/Y date: these rows take the exact row rules (copy_payload), not the frame.
            row(6, lat=lon, lon=lat, tanggal_verifikasi="15/06/2025"),
            row(7, tanggal_verifikasi="15/06/2025")]
    import_households(bontang, write_csv(tmp_path / "rt.csv", rows), key=KEY, user="uji")
    got = stored_cells(bontang)
    cell = int(h3.latlng_to_cell(lat, lon, 8), 16)
    assert {k: h.h3_cell for k, h in got.items()} == {
        "K00001": cell, "K00002": cell, "K00003": None, "K00004": None, "K00005": cell,
        "K00006": cell, "K00007": None}
    moved = [row(1, lat=other_lat, lon=other_lon, kode_kelurahan="64.74.03.1001")]
    import_households(bontang, write_csv(tmp_path / "rt2.csv", moved), key=KEY, user="uji")
    again = stored_cells(bontang)["K00001"]
    assert again.h3_cell == int(h3.latlng_to_cell(other_lat, other_lon, 8), 16) != cell
