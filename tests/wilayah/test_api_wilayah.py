from app.services.wilayah import load_boundaries


def test_wilayah_lists_loaded_areas_with_filters(client, conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    load_boundaries(conn, wilayah_dir / "bontang_kecamatan.geojson")

    everything = client.get("/api/v1/wilayah").json()
    assert len(everything) == 18
    kel = client.get("/api/v1/wilayah", params={"level": "kelurahan", "parent": "64.74.03"}).json()
    gunung_telihan = next(a for a in kel if a["kode"] == "64.74.03.1002")
    assert gunung_telihan["nama"] == "Gunung Telihan"
    assert gunung_telihan["parent_kode"] == "64.74.03"
    assert all(a["kode"].startswith("64.74.03.") and a["level"] == "kelurahan" for a in kel)


def test_wilayah_as_geojson(client, conn, wilayah_dir):
    load_boundaries(conn, wilayah_dir / "bontang_kecamatan.geojson")
    body = client.get("/api/v1/wilayah", params={"format": "geojson"}).json()
    assert body["type"] == "FeatureCollection"
    assert [f["id"] for f in body["features"]] == ["64.74.01", "64.74.02", "64.74.03"]
    assert body["features"][0]["geometry"]["type"] == "MultiPolygon"


def test_bad_parameter_gets_the_one_error_format(client):
    response = client.get("/api/v1/wilayah", params={"level": "rt"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_input"
