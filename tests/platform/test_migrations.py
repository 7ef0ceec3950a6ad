"""Alembic revisions on a real, separate PostGIS database: round trip and no model drift."""

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from geoalchemy2 import alembic_helpers
from sqlalchemy import create_engine, inspect

from app.db import migrate
from app.models import Base

from scratch import scratch_database


@pytest.fixture
def scratch_url(db_url: str) -> Iterator[str]:
    with scratch_database(db_url, "sasaran_migrations") as url:
        yield url


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"spatial_ref_sys"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade_round_trip(scratch_url):
    migrate.upgrade(scratch_url)
    tables = _tables(scratch_url)
    assert {"wilayah", "household", "import_batch", "audit_log"} <= tables
    migrate.downgrade(scratch_url, "base")
    assert _tables(scratch_url) == {"alembic_version"}
    migrate.upgrade(scratch_url)
    assert _tables(scratch_url) == tables


def test_models_match_the_migrated_schema(scratch_url):
    migrate.upgrade(scratch_url)
    engine = create_engine(scratch_url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn,
                opts={
                    "include_object": alembic_helpers.include_object,
                    "compare_type": True,
                },
            )
            diff = compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
