"""Fixtures of the distributed tests (a plugin of tests/conftest.py; a second conftest.py would
shadow the root one for `from conftest import`): a single-node PostGIS beside the session's Citus
cluster, for tests that compare the two on the same files."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine

from app.db import migrate
from app.db.citus import is_citus
from app.db.engine import make_engine
from app.db.localpg import LocalPostgres


@pytest.fixture(scope="session")
def single_node() -> Iterator[Engine]:
    """A single-node PostGIS beside the session's Citus cluster."""
    workdir = Path(tempfile.mkdtemp(prefix="sasaran-single-"))
    workdir.chmod(0o755)
    cluster = LocalPostgres(workdir / "pgdata", fast_unsafe=True)
    url = cluster.up()
    migrate.upgrade(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()
    cluster.down()
    shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture
def citus(conn: Connection) -> Connection:
    if not is_citus(conn):
        pytest.fail("The session database is not Citus: run these tests with make test-citus.")
    return conn
