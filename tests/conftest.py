"""Test fixtures: a real, throwaway PostGIS cluster started by the product's own code.

``TEST_DATABASE_URL`` points the suite at an existing PostGIS instead; ``SASARAN_TEST_CITUS=1``
runs it on a private Citus cluster (a coordinator and two workers: ``make test-citus``). The
schema is built by the Alembic migrations, and every test runs inside a transaction that is
rolled back.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from acting import act_as
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine

from app.db import migrate
from app.db.engine import make_engine, normalise_url
from app.db.localcitus import LocalCitus
from app.db.localpg import LocalPostgres
from app.main import create_app
from app.principal import Principal
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
WILAYAH = ROOT.parent / "shared" / "data" / "wilayah"
TEST_SECRET = "test-secret-key-not-for-production"
TEST_ADMIN = Principal(username="uji-admin", role="admin")
# Browser-test fixtures (the session-wide Chromium; the map world's servers) and the Citus
# tests' single node, for every folder.
pytest_plugins = ["browser", "map_pages", "citus_fixtures"]


@pytest.fixture(scope="session")
def wilayah_dir() -> Path:
    if not WILAYAH.is_dir():
        pytest.fail(f"Real boundaries not found at {WILAYAH}: ../shared must sit beside the repo")
    return WILAYAH


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[LocalPostgres | LocalCitus | None]:
    if os.environ.get("TEST_DATABASE_URL"):
        yield None
        return
    # A world-traversable parent: as root the cluster runs as the unprivileged postgres user.
    workdir = Path(tempfile.mkdtemp(prefix="sasaran-test-"))
    workdir.chmod(0o755)
    cluster: LocalPostgres | LocalCitus
    if os.environ.get("SASARAN_TEST_CITUS") == "1":
        cluster = LocalCitus(workdir / "citus", workers=2, fast_unsafe=True)
    else:
        cluster = LocalPostgres(workdir / "pgdata", fast_unsafe=True)
    cluster.up()
    yield cluster
    cluster.down()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def db_url(pg_cluster: LocalPostgres | LocalCitus | None) -> str:
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


def app_on(settings: Settings, engine: Engine, conn: Connection,
           principal: Principal | None) -> FastAPI:
    """The app on the test's connection: each request runs in a savepoint of the test's
    transaction, so requests see the test's data and everything is rolled back at the end.
    ``principal`` None keeps the real authentication (API keys, session cookie)."""
    app = create_app(settings, engine=engine)

    @contextmanager
    def savepoint() -> Iterator[Connection]:
        with conn.begin_nested():
            yield conn

    app.state.transaction = savepoint
    if principal is not None:
        act_as(app, principal)
    return app


@pytest.fixture
def client(settings: Settings, engine: Engine, conn: Connection) -> Iterator[TestClient]:
    """The app as an admin (``TEST_ADMIN``); see ``client_as`` for other roles."""
    app = app_on(settings, engine, conn, TEST_ADMIN)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def anon_client(settings: Settings, engine: Engine, conn: Connection) -> Iterator[TestClient]:
    """The app with real authentication and no credentials sent."""
    app = app_on(settings, engine, conn, None)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


ClientAs = Callable[..., TestClient]


@pytest.fixture
def client_as(settings: Settings, engine: Engine, conn: Connection) -> Iterator[ClientAs]:
    """``client_as("analyst", area_prefixes=("64.74",))`` or ``client_as("agency",
    agency="DINSOS")``: a client acting as that principal (same savepoint rules as ``client``)."""
    with ExitStack() as stack:

        def make(role: str, area_prefixes: tuple[str, ...] = (), agency: str | None = None,
                 username: str | None = None) -> TestClient:
            principal = Principal(username=username or f"uji-{role}", role=role,
                                  area_prefixes=tuple(area_prefixes), agency_kode=agency)
            app = app_on(settings, engine, conn, principal)
            return stack.enter_context(TestClient(app, raise_server_exceptions=False))

        yield make
