"""Maintaining ``coverage_segment`` (see ``app/sql/coverage/segments_rebuild.sql``): rebuilt,
set-based, for the households an enrollment import or a program change touched, followed by the
steps of their kelurahan and the combination steps of their kab/kota (by the difference between
the households' old and new segments where it can be read), and the coverage timeline on their
registry rows that the point tiles read (``app/sql/coverage/timeline_refresh.sql``). The
registry trigger of revision 0004 keeps the copied kelurahan/desil/status in step with household
updates (and marks the kelurahan's steps stale)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, text

from app.services.coverage import statistics
from app.services.coverage.steps import (
    CombinationChanges,
    combination_changes,
    record_step_changes,
    refresh_steps,
)
from app.sql import script, statement


def rebuild_segments(conn: Connection, household_ids: Sequence[int] | None = None, *,
                     merge_steps: bool = False) -> int:
    """Recompute the segments of ``household_ids`` (all households when None); returns how
    many segments were written. ``merge_steps``: the steps of their kelurahan take the
    segments' changes instead of being recounted (``refresh_steps``); only when the programs
    and their agencies are those the old segments were built with (an enrollment import, a
    match decision), since a segment keeps its agencies as a set, not per program."""
    everything = household_ids is None
    ids = [] if household_ids is None else list(household_ids)
    changes: CombinationChanges = {}
    if everything:
        conn.execute(text("TRUNCATE coverage_segment"))
    else:
        combination_changes(conn, ids, -1, changes)
        if merge_steps:
            record_step_changes(conn, ids, -1)
        conn.execute(text("DELETE FROM coverage_segment WHERE household_id = ANY(:ids)"),
                     {"ids": ids})
    result = conn.execute(text(statement("coverage/segments_rebuild.sql")),
                          {"all": everything, "ids": ids})
    written = int(result.rowcount or 0)
    # Before the steps are summed from the segments: that statement plans on these figures too.
    statistics.analyze_if_rewritten(conn, ("coverage_segment",), written, everything)
    refresh_timelines(conn, household_ids)
    if everything:
        refresh_steps(conn)
    else:
        codes = conn.execute(text(
            "SELECT DISTINCT kode_kelurahan FROM household WHERE id = ANY(:ids) "
            "UNION SELECT kode_kelurahan FROM coverage_stale"), {"ids": ids}).scalars().all()
        combination_changes(conn, ids, 1, changes)
        if merge_steps:
            record_step_changes(conn, ids, 1)
        refresh_steps(conn, codes, changes, merge=merge_steps)
    return written


def refresh_timelines(conn: Connection, household_ids: Sequence[int] | None = None) -> None:
    """Write the coverage timeline of ``household_ids`` (all when None) from their segments."""
    params = {"all": household_ids is None, "ids": list(household_ids or [])}
    for sql in script("coverage/timeline_refresh.sql"):
        conn.execute(text(sql), params)


def rebuild_for_program(conn: Connection, program_id: int) -> int:
    """After a program's agency changes or its enrollments go: its households' segments."""
    ids = conn.execute(
        text("SELECT DISTINCT household_id FROM coverage_segment WHERE :pid = ANY(program_ids) "
             "UNION SELECT household_id FROM enrollment WHERE program_id = :pid "
             "AND household_id IS NOT NULL"),
        {"pid": program_id},
    ).scalars().all()
    return rebuild_segments(conn, ids) if ids else 0
