"""A separate, throwaway database in the test cluster, for tests that must commit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from sqlalchemy import Engine
from sqlalchemy.engine import make_url


@contextmanager
def scratch_database(db_url: str, name: str) -> Iterator[str]:
    """Create database ``name`` beside the test database; yield its SQLAlchemy URL; drop it."""
    url = make_url(db_url)
    admin = url.set(database="postgres").render_as_string(hide_password=False)
    dsn = admin.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def bontang_database(db_url: str, wilayah_dir: Path, name: str) -> Iterator[Engine]:
    """A migrated scratch database with Bontang's kelurahan boundaries loaded (households can
    be imported into it), as an engine; dropped afterwards."""
    from app.db import migrate
    from app.db.engine import make_engine
    from app.services.wilayah import load_boundaries

    with scratch_database(db_url, name) as url:
        migrate.upgrade(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            load_boundaries(conn, wilayah_dir / "bontang_kelurahan.geojson")
        yield engine
        engine.dispose()
