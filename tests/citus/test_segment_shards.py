"""On Citus a full coverage rebuild analyzes the shards of ``coverage_segment`` on the workers
(``ANALYZE`` of a distributed table on the coordinator is sent to every shard placement): each
shard's ``pg_class.reltuples`` and ``last_analyze``, read on its worker, reflect its rows.
The households are committed first and the rebuild runs in a transaction of its own, as
``sasaran coverage refresh --full`` does: on Citus the rebuild's TRUNCATE cannot follow, in one
transaction, inserts that went to the shards over parallel connections. Runs in
``make test-citus``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest
from segment_rows import enrolled_households
from sqlalchemy import Connection, Engine, text

from app.db.citus import is_citus
from app.services.coverage import rebuild_segments

pytestmark = pytest.mark.citus

# (shard id, rows, analyzed since the rebuild began), each read on the shard's own worker.
ON_SHARDS = """
    SELECT shardid, split_part(result, ',', 1)::bigint AS rows,
           split_part(result, ',', 2)::boolean AS analyzed
    FROM run_command_on_shards('coverage_segment', $cmd$
        SELECT c.reltuples::bigint || ',' || coalesce(s.last_analyze >= '__T0__', false)
        FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid
        WHERE c.oid = '%s'::regclass $cmd$)
    WHERE success
"""


KELURAHAN = {"64.74.01.1001": 700, "64.71.01.1001": 1303, "19.71.01.1001": 41}
CLEAN = ("TRUNCATE coverage_segment, coverage_step, coverage_group, coverage_key_step, "
         "coverage_combination_step, coverage_stale",
         "DELETE FROM enrollment WHERE kunci_tampil LIKE 'ST-%'",
         "DELETE FROM household WHERE id_keluarga LIKE 'ST-%'",
         "DELETE FROM coverage_stale", "DELETE FROM program WHERE kode_program = 'ST-PROG'",
         "DELETE FROM agency WHERE kode = 'ST'")


@pytest.fixture
def committed(engine: Engine) -> Iterator[Engine]:
    """The households committed, and removed with the coverage tables emptied afterwards (the
    rest of the session never sees them)."""
    with engine.begin() as conn:
        if not is_citus(conn):
            pytest.fail("The session database is not Citus: run with make test-citus.")
        enrolled_households(conn, KELURAHAN)
    try:
        yield engine
    finally:
        for sql in CLEAN:  # one transaction each: a TRUNCATE and then writes deadlock on Citus
            with engine.begin() as conn:
                conn.execute(text(sql))


def test_full_rebuild_analyzes_the_segment_shards_on_the_workers(committed: Engine):
    with committed.begin() as conn:
        started = conn.execute(text("SELECT clock_timestamp()")).scalar_one()
        assert rebuild_segments(conn) == 2044
    # Read once committed: the rebuild's TRUNCATE gave each shard a new pg_class row version,
    # which other sessions (the workers' own, below) see only then.
    with committed.begin() as conn:
        check_shards(conn, started)


def check_shards(conn: Connection, started: datetime) -> None:
    expected = {int(r.shard): int(r.n) for r in conn.execute(text(
        "SELECT get_shard_id_for_distribution_column('coverage_segment', kode_kabkota) "
        "AS shard, count(*) AS n FROM coverage_segment GROUP BY 1"))}
    assert sorted(expected.values()) == [41, 700, 1303]  # three kab/kota, three shards
    shards = conn.execute(text(ON_SHARDS.replace("__T0__", started.isoformat()))).all()
    assert len(shards) == conn.execute(text(
        "SELECT count(*) FROM pg_dist_shard "
        "WHERE logicalrelid = 'coverage_segment'::regclass")).scalar_one()
    # Every shard analyzed, the three with rows counting exactly theirs, the others empty.
    assert {r.shardid: (r.rows, r.analyzed) for r in shards} == {
        r.shardid: (expected.get(r.shardid, 0), True) for r in shards}
