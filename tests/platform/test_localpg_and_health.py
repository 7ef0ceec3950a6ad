"""The private cluster, the health check, and the CLI's error behaviour."""

import os
import pwd
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest
from fastapi.testclient import TestClient

from app.db.engine import make_engine, normalise_url
from app.db.localpg import LocalPostgres, _check_traversable
from app.errors import DatabaseUnavailable
from app.main import create_app
from app.settings import Settings

from scratch import scratch_database

ROOT = Path(__file__).resolve().parents[2]
SASARAN = ROOT / ".venv" / "bin" / "sasaran"


@pytest.fixture
def world_traversable_dir():
    workdir = Path(tempfile.mkdtemp(prefix="sasaran-lpg-"))
    workdir.chmod(0o755)
    yield workdir
    subprocess.run(["rm", "-rf", str(workdir)], check=False)


def test_private_cluster_starts_on_a_socket_only_and_stops(world_traversable_dir):
    cluster = LocalPostgres(world_traversable_dir / "pgdata", port=5499, fast_unsafe=True)
    assert cluster.status() == "belum dibuat"
    cluster.up()
    try:
        assert cluster.status() == "berjalan"
        assert (world_traversable_dir / "pgdata" / ".s.PGSQL.5499").is_socket()
        dsn = normalise_url(cluster.url).replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(dsn) as conn:
            assert conn.execute("SHOW listen_addresses").fetchone() == ("",)
            assert conn.execute("SELECT postgis_lib_version()").fetchone()[0].startswith("3.")
            # Bytewise collation (fast text sorts), UTF-8 character classes; WAL for crashes only.
            assert conn.execute("SELECT datcollate, datctype FROM pg_database "
                                "WHERE datname = current_database()").fetchone() == (
                "C", "C.UTF-8")
            assert conn.execute("SHOW wal_level").fetchone() == ("minimal",)
        cluster.up()  # idempotent when already running
    finally:
        cluster.down()
    assert cluster.status() == "berhenti"


def test_a_closed_parent_directory_is_named_in_the_error(tmp_path):
    closed = tmp_path / "tertutup"
    closed.mkdir(mode=0o700)
    owner = pwd.getpwnam("postgres")
    with pytest.raises(DatabaseUnavailable, match=str(closed)):
        _check_traversable(closed, owner)


def test_healthz_reports_revision_when_the_database_is_up(engine, settings):
    with TestClient(create_app(settings, engine=engine)) as client:
        body = client.get("/healthz").json()
    assert body["status"] == "ok"
    assert body["database"] == "terhubung"
    assert body["schema_revision"] == body["schema_head"]


def test_healthz_answers_503_without_a_stack_trace_when_the_database_is_down(tmp_path):
    url = f"postgresql+psycopg://sasaran@/sasaran?host={tmp_path}&port=5999"
    settings = Settings(database_url=url, data_dir=tmp_path, secret_key="x")
    app = create_app(settings, engine=make_engine(url))
    with TestClient(app, raise_server_exceptions=False) as client:
        health = client.get("/healthz")
        listing = client.get("/api/v1/wilayah")
    assert health.status_code == 503
    assert health.json()["database"] == "tidak terhubung"
    assert listing.status_code == 503
    assert listing.json()["error"]["code"] == "database_unavailable"
    assert "Traceback" not in listing.text


def _cli(*args, url):
    env = dict(os.environ, DATABASE_URL=url)
    return subprocess.run([str(SASARAN), *args], capture_output=True, text=True, env=env, cwd=ROOT)


def test_cli_loads_boundaries_and_reports_repairs(db_url, wilayah_dir):
    with scratch_database(db_url, "sasaran_cli") as url:
        assert _cli("migrate", url=url).returncode == 0
        result = _cli("load-wilayah", str(wilayah_dir / "kaltim_kabkota.geojson"), url=url)
    assert result.returncode == 0, result.stderr
    assert "10 wilayah dimuat" in result.stdout
    assert result.stdout.count("diperbaiki") == 3


def test_cli_error_is_one_clear_line_without_a_stack_trace(db_url, tmp_path):
    bad = tmp_path / "rusak.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [{"type": "Feature", '
                   '"properties": {"nama": "X"}, "geometry": {"type": "Point", '
                   '"coordinates": [117, 0]}}]}')
    result = _cli("load-wilayah", str(bad), url=db_url)
    assert result.returncode == 1
    assert "rusak.geojson" in result.stderr and "kode" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
