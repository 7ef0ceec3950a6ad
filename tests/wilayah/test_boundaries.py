"""Boundary import on the real files in ../shared/data/wilayah/ and on crafted bad files."""

import json

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box
from sqlalchemy import text

from app.errors import ImportRejected
from app.services.wilayah import load_boundaries
from geo.wilayah import read_boundaries

ALL_FILES = {
    "balangan_desa.geojson": 157,
    "balangan_kecamatan.geojson": 8,
    "balikpapan_kecamatan.geojson": 6,
    "balikpapan_kelurahan.geojson": 34,
    "bontang_kecamatan.geojson": 3,
    "bontang_kelurahan.geojson": 15,
    "kaltim_kabkota.geojson": 10,
    "kutai_timur_desa.geojson": 141,
    "kutai_timur_kecamatan.geojson": 18,
    "pangkalpinang_kecamatan.geojson": 7,
    "pangkalpinang_kelurahan.geojson": 42,
}


def _source_features(path):
    return json.loads(path.read_text())["features"]


@pytest.mark.parametrize(("name", "count"), sorted(ALL_FILES.items()))
def test_every_real_boundary_file_loads(conn, wilayah_dir, name, count):
    result = load_boundaries(conn, wilayah_dir / name)
    assert result.loaded == count
    stored = conn.execute(
        text("SELECT count(*), bool_and(ST_IsValid(geom)) FROM wilayah")
    ).one()
    assert stored == (count, True)


def test_kaltim_invalid_polygons_load_repaired_and_reported(conn, wilayah_dir):
    path = wilayah_dir / "kaltim_kabkota.geojson"
    invalid = {
        f["properties"]["kode"]
        for f in _source_features(path)
        if not shapely.geometry.shape(f["geometry"]).is_valid
    }
    assert len(invalid) == 3
    result = load_boundaries(conn, path)
    repaired = {m.split(":")[0] for m in result.messages if "diperbaiki" in m}
    assert repaired == invalid
    rows = conn.execute(
        text("SELECT kode, ST_IsValid(geom), GeometryType(geom) FROM wilayah WHERE kode = ANY(:k)"),
        {"k": sorted(invalid)},
    ).all()
    assert {(k, True, "MULTIPOLYGON") for k in invalid} == set(rows)


def test_level_parent_area_and_label_point_are_stored(conn, wilayah_dir):
    path = wilayah_dir / "bontang_kelurahan.geojson"
    source = next(f for f in _source_features(path) if f["properties"]["kode"] == "64.74.03.1002")
    load_boundaries(conn, path)
    row = conn.execute(
        text(
            "SELECT nama, level, parent_kode, luas_km2, "
            "ST_Contains(geom, label_point) FROM wilayah WHERE kode = '64.74.03.1002'"
        )
    ).one()
    geodesic_km2 = abs(
        gpd.GeoSeries([shapely.geometry.shape(source["geometry"])], crs=4326)
        .to_crs(32650).area.iloc[0]
    ) / 1e6
    assert row[0:3] == ("Gunung Telihan", "kelurahan", "64.74.03")
    assert row[3] == pytest.approx(geodesic_km2, rel=0.01)
    assert row[4] is True


def test_label_points_are_the_centres_of_the_largest_inscribed_circles(conn, wilayah_dir):
    """Each label point is as far inside its area as the area allows (shapely's maximum
    inscribed circle, computed from the source file): never a point hugging an edge, as
    ST_PointOnSurface put Gunung Telihan's (270 m from the border, 515 m possible)."""
    path = wilayah_dir / "bontang_kelurahan.geojson"
    load_boundaries(conn, path)
    rows = dict(conn.execute(text(
        "SELECT kode, ST_Distance(label_point::geography, ST_Boundary(geom)::geography) "
        "FROM wilayah WHERE level = 'kelurahan'")).all())
    for feature in _source_features(path):
        area = shapely.make_valid(shapely.geometry.shape(feature["geometry"]))
        radius_deg = shapely.maximum_inscribed_circle(area).length
        radius_m = radius_deg * 111_320  # at the equator (Bontang is at 0.1 N)
        assert rows[feature["properties"]["kode"]] == pytest.approx(radius_m, rel=0.05)


def test_reloading_updates_by_code_without_duplicates(conn, wilayah_dir, tmp_path):
    path = wilayah_dir / "bontang_kecamatan.geojson"
    load_boundaries(conn, path)
    data = json.loads(path.read_text())
    data["features"][0]["properties"]["nama"] = "Bontang Utara (baru)"
    changed = tmp_path / "changed.geojson"
    changed.write_text(json.dumps(data))
    load_boundaries(conn, changed)
    rows = conn.execute(text("SELECT kode, nama FROM wilayah ORDER BY kode")).all()
    assert len(rows) == 3
    assert rows[0] == ("64.74.01", "Bontang Utara (baru)")


def _write(tmp_path, name, frame):
    path = tmp_path / name
    frame.to_file(path, engine="pyogrio")
    return path


def test_other_crs_is_reprojected_and_said(conn, wilayah_dir, tmp_path):
    utm = gpd.read_file(wilayah_dir / "bontang_kecamatan.geojson").to_crs(32650)
    path = _write(tmp_path, "kecamatan_utm.gpkg", utm)
    result = load_boundaries(conn, path)
    assert any("EPSG:32650" in m for m in result.messages)
    lon, lat = conn.execute(
        text("SELECT ST_X(label_point), ST_Y(label_point) FROM wilayah WHERE kode = '64.74.01'")
    ).one()
    assert 117.3 < lon < 117.6 and 0.0 < lat < 0.3


def test_swapped_axis_order_is_detected_and_fixed(conn, wilayah_dir, tmp_path):
    frame = gpd.read_file(wilayah_dir / "bontang_kecamatan.geojson")
    swapped = frame.set_geometry(
        shapely.transform(frame.geometry.values, lambda xy: xy[:, ::-1]), crs=4326
    )
    path = _write(tmp_path, "swapped.geojson", swapped)
    result = load_boundaries(conn, path)
    assert any("tertukar" in m for m in result.messages)
    minx, miny = conn.execute(
        text("SELECT ST_XMin(ST_Extent(geom)), ST_YMin(ST_Extent(geom)) FROM wilayah")
    ).one()
    assert minx > 117 and miny > -1


def test_shapefile_with_plain_digit_codes_loads(conn, tmp_path):
    frame = gpd.GeoDataFrame(
        {"KODE": ["6474031002"], "NAMA": ["Gunung Telihan"]},
        geometry=[box(117.47, 0.12, 117.49, 0.14)], crs=4326,
    )
    path = _write(tmp_path, "kel.shp", frame)
    result = load_boundaries(conn, path)
    assert result.levels == {"kelurahan": 1}
    assert conn.execute(text("SELECT kode FROM wilayah")).scalar_one() == "64.74.03.1002"


@pytest.mark.parametrize(
    ("properties", "geometry", "expected"),
    [
        ({"kode": None, "nama": "Tanpa Kode"}, box(117, 0, 117.1, 0.1),
         "fitur 2: tidak memiliki kode"),
        ({"kode": "64.74.9", "nama": "Salah"}, box(117, 0, 117.1, 0.1), "bukan kode Kemendagri"),
        ({"kode": "64.74.03.1009", "nama": "Garis"}, LineString([(117, 0), (117.1, 0.1)]),
         "geometri LineString bukan poligon"),
        ({"kode": "64.74.03.1009", "nama": "Titik"}, Point(117, 0), "geometri Point bukan poligon"),
    ],
)
def test_bad_feature_rejects_the_whole_file_naming_file_and_feature(
    conn, tmp_path, properties, geometry, expected
):
    good = {"type": "Feature", "properties": {"kode": "64.74.03.1002", "nama": "Gunung Telihan"},
            "geometry": shapely.geometry.mapping(box(117.47, 0.12, 117.49, 0.14))}
    bad = {"type": "Feature", "properties": properties,
           "geometry": shapely.geometry.mapping(geometry)}
    path = tmp_path / "campur.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [good, bad]}))
    with pytest.raises(ImportRejected) as err:
        load_boundaries(conn, path)
    assert "campur.geojson" in err.value.message
    assert expected in err.value.message
    assert conn.execute(text("SELECT count(*) FROM wilayah")).scalar_one() == 0


def test_level_option_must_match_the_codes(conn, wilayah_dir):
    with pytest.raises(ImportRejected, match="berlevel kecamatan, bukan kelurahan"):
        load_boundaries(conn, wilayah_dir / "bontang_kecamatan.geojson", level="desa")


def test_empty_unreadable_and_missing_files_get_clear_errors(conn, tmp_path):
    empty = tmp_path / "kosong.geojson"
    empty.write_text('{"type": "FeatureCollection", "features": []}')
    garbage = tmp_path / "rusak.geojson"
    garbage.write_text("ini bukan geojson")
    with pytest.raises(ImportRejected, match="kosong.geojson: berkas tidak berisi fitur"):
        read_boundaries(empty)
    with pytest.raises(ImportRejected, match="rusak.geojson: berkas tidak dapat dibaca"):
        read_boundaries(garbage)
    with pytest.raises(ImportRejected, match="tidak ditemukan"):
        read_boundaries(tmp_path / "tidak-ada.geojson")


def test_self_intersecting_polygon_is_repaired_to_a_valid_multipolygon(tmp_path):
    bowtie = Polygon([(117.0, 0.0), (117.1, 0.1), (117.1, 0.0), (117.0, 0.1), (117.0, 0.0)])
    frame = gpd.GeoDataFrame({"kode": ["64.74.01"], "nama": ["Dasi"]}, geometry=[bowtie], crs=4326)
    report = read_boundaries(_write(tmp_path, "dasi.geojson", frame))
    fixed = report.features[0].geometry
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon"
    assert fixed.area == pytest.approx(0.005, rel=1e-6)
    assert "Self-intersection" in report.repaired["64.74.01"]
