"""Planner statistics of the coverage tables after a rebuild writes them wholesale.

A full rebuild empties ``coverage_segment`` and the steps and groups and writes them again in
one transaction; autovacuum analyzes them only some time after the commit (and only once the
changes pass its threshold), so the first queries after an import plan against the statistics
of the old (or empty) tables. On Citus at 1 M households that made the first agency check
after an import take 442 s. ``ANALYZE`` of a distributed table on the coordinator is sent to
every shard placement by Citus, so the same statement serves both databases."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, text

# A partial rebuild (an enrollment import or a program change) that writes this many rows
# changes the tables' distribution enough to matter (a new program, a kab/kota's whole upload),
# while the everyday small rebuilds (one confirmed suggestion, a few households: tens of rows)
# stay as cheap as before: ANALYZE reads a sample of up to 30,000 rows of each table (per
# shard on Citus) whatever was written, which should not follow every officer's click. Below
# it autovacuum catches up as usual (its own threshold: 50 rows + 10 % of the table).
ANALYZE_AFTER_ROWS = 10_000


def analyze_if_rewritten(conn: Connection, tables: Iterable[str], written: int,
                         everything: bool) -> bool:
    """ANALYZE ``tables`` after a full rebuild or when ``written`` rows reach
    ``ANALYZE_AFTER_ROWS``; returns whether it did."""
    if not everything and written < ANALYZE_AFTER_ROWS:
        return False
    # Table names are this module's callers' constants, never user input.
    conn.execute(text("ANALYZE " + ", ".join(tables)))
    return True
