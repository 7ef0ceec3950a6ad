"""Test fixtures: a real, throwaway PostGIS cluster started by the product's own code.

``TEST_DATABASE_URL`` points the suite at an existing PostGIS instead. The schema is built by
the Alembic migrations, and every test runs inside a transaction that is rolled back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from app.db import migrate
from app.db.engine import make_engine, normalise_url
from app.db.localpg import LocalPostgres
from app.deps import get_conn
from app.main import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
WILAYAH = ROOT.parent / "shared" / "data" / "wilayah"
TEST_SECRET = "test-secret-key-not-for-production"


@pytest.fixture(scope="session")
def wilayah_dir() -> Path:
    if not WILAYAH.is_dir():
        pytest.fail(f"Real boundaries not found at {WILAYAH}: ../shared must sit beside the repo")
    return WILAYAH


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[LocalPostgres | None]:
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    # A world-traversable parent: as root the cluster runs as the unprivileged postgres user.
    workdir = Path(tempfile.mkdtemp(prefix="sasaran-test-"))
    workdir.chmod(0o755)
    cluster = LocalPostgres(workdir / "pgdata", fast_unsafe=True)
    cluster.up()
    yield cluster
    cluster.down()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def db_url(pg_cluster: LocalPostgres | None) -> str:
    if pg_cluster is None:
        return normalise_url(os.environ["TEST_DATABASE_URL"])
    return pg_cluster.url


@pytest.fixture(scope="session")
def engine(db_url: str) -> Iterator[Engine]:
    migrate.upgrade(db_url)
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def conn(engine: Engine) -> Iterator[Connection]:
    """A connection inside a transaction that is rolled back after the test."""
    with engine.connect() as connection:
        outer = connection.begin()
        yield connection
        outer.rollback()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    return Settings(database_url=db_url, data_dir=tmp_path, secret_key=TEST_SECRET)


@pytest.fixture
def client(settings: Settings, engine: Engine, conn: Connection) -> Iterator[TestClient]:
    """The app on the test's connection: each request runs in a savepoint of the test's
    transaction, so requests see the test's data and everything is rolled back at the end."""
    app = create_app(settings, engine=engine)

    def savepoint_conn() -> Iterator[Connection]:
        with conn.begin_nested():
            yield conn

    app.dependency_overrides[get_conn] = savepoint_conn
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client
