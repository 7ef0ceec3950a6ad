"""After a rebuild writes the coverage tables wholesale, their planner statistics are fresh
(``app/services/coverage/statistics.py``): a full rebuild always analyzes the segments and the
steps and groups; a partial one only from ``ANALYZE_AFTER_ROWS`` segments written. Counted by
``pg_stat_user_tables.analyze_count`` (manual ANALYZE only, not autovacuum's) and checked by
``pg_class.reltuples`` against the rows."""

from __future__ import annotations

from segment_rows import enrolled_households
from sqlalchemy import Connection, text

from app.services.coverage import rebuild_segments
from app.services.coverage.statistics import ANALYZE_AFTER_ROWS

STEP_TABLES = ("coverage_step", "coverage_group", "coverage_key_step")


def analyze_counts(conn: Connection) -> dict[str, int]:
    # Statistics views are cached per transaction: drop the snapshot to see ANALYZE just run.
    conn.execute(text("SELECT pg_stat_clear_snapshot()"))
    return {r.relname: int(r.analyze_count) for r in conn.execute(text(
        "SELECT relname, analyze_count FROM pg_stat_user_tables "
        "WHERE relname = ANY(:names)"), {"names": ["coverage_segment", *STEP_TABLES]})}


def reltuples(conn: Connection, table: str) -> float:
    return float(conn.execute(text("SELECT reltuples FROM pg_class WHERE oid = "
                                   "CAST(:t AS regclass)"), {"t": table}).scalar_one())


def test_full_rebuild_analyzes_segments_steps_and_groups_whatever_their_size(conn):
    enrolled_households(conn, {"64.74.01.1001": 700, "64.74.02.1001": 537})
    before = analyze_counts(conn)
    written = rebuild_segments(conn)
    assert written == 1237  # one open enrollment each: one segment per household
    after = analyze_counts(conn)
    assert {name: after[name] - before[name] for name in after} == dict.fromkeys(after, 1)
    assert reltuples(conn, "coverage_segment") == 1237
    # One row per group (kelurahan, desil, verified), its steps in arrays: 2 kelurahan x 10 desil.
    assert conn.execute(text("SELECT count(*) FROM coverage_step")).scalar_one() == 20
    assert reltuples(conn, "coverage_step") == 20
    assert reltuples(conn, "coverage_group") == 20
    # Column statistics too: every segment has its own household.
    assert conn.execute(text(
        "SELECT n_distinct FROM pg_stats WHERE tablename = 'coverage_segment' "
        "AND attname = 'household_id'")).scalar_one() == -1


def test_partial_rebuild_analyzes_from_the_threshold_on(conn):
    assert ANALYZE_AFTER_ROWS == 10_000
    ids = enrolled_households(conn, {"64.74.01.1001": 6000, "64.71.01.1001": 4000})
    before = analyze_counts(conn)
    assert rebuild_segments(conn, ids[:ANALYZE_AFTER_ROWS - 1]) == 9999
    assert analyze_counts(conn) == before  # below: left to autovacuum
    assert rebuild_segments(conn, ids) == 10_000
    after = analyze_counts(conn)
    assert after["coverage_segment"] == before["coverage_segment"] + 1
    # The steps of those two kelurahan are 20 rows: far below, not analyzed.
    assert {name: after[name] for name in STEP_TABLES} == {name: before[name]
                                                           for name in STEP_TABLES}
    # The 9,999 rows deleted by the second rebuild are dead; the 10,000 new ones counted.
    assert reltuples(conn, "coverage_segment") == 10_000
