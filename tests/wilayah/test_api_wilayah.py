import gzip
import json
import zlib

from sqlalchemy import create_engine
from starlette.middleware.gzip import GZipMiddleware

from app.compression import GZIP_LEVEL, gzipped
from app.main import create_app
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


def test_geojson_is_compressed_once_and_the_same_either_way(client, conn, wilayah_dir,
                                                           monkeypatch):
    """The boundary layer goes out gzip-compressed from the cache (the map's largest answer,
    compressed once per version, not once per page load) and is the same GeoJSON as the
    uncompressed answer."""
    load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
    params = {"format": "geojson", "level": "kelurahan"}
    plain = client.get("/api/v1/wilayah", params=params,
                       headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    compressions = []
    real = zlib.compressobj
    monkeypatch.setattr(zlib, "compressobj", lambda *a: compressions.append(a) or real(*a))
    answers = []
    for _ in range(3):  # three page loads
        with client.stream("GET", "/api/v1/wilayah", params=params,
                           headers={"Accept-Encoding": "gzip"}) as zipped:
            answers.append(b"".join(zipped.iter_raw()))
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["vary"] == "Accept-Encoding"
    assert len(compressions) == 1 and compressions[0][0] == GZIP_LEVEL
    assert answers[0] == answers[1] == answers[2] == gzipped(plain.content)
    assert gzip.decompress(answers[0]) == plain.content
    assert len(json.loads(plain.content)["features"]) == 15


def test_middleware_compresses_at_the_measured_level():
    app = create_app(engine=create_engine("postgresql+psycopg://"))
    levels = [m.kwargs["compresslevel"] for m in app.user_middleware
              if m.cls is GZipMiddleware]
    assert levels == [GZIP_LEVEL] and GZIP_LEVEL == 6
