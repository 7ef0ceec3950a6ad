"""On Citus a household tile runs on every shard (its bounding box names no kab/kota); each
shard's plan must not start parallel workers for it (they cost more than the tile: 364-440 ms
vs 105-122 ms for a z14 tile of the sample city on a local cluster). The workers' plan of the
tile statement, as the app runs it, shows no Gather."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from app.services.maps.tiles import TileFilter, household_tile
from app.services.scope import area_scope
from app.sql import statement

pytestmark = pytest.mark.citus

TILE = (14, 13223, 8167)  # over Kota Bontang


def worker_plan(conn) -> str:
    conn.execute(text("SET LOCAL citus.explain_all_tasks = on"))
    z, x, y = TILE
    rows = conn.execute(text("EXPLAIN " + statement("maps/household_tile.sql")), {
        "z": z, "x": x, "y": y, "ref": date(2026, 6, 30), "desil": 4, "pids": None,
        "layer": "households", "enrolled_only": False, **area_scope((), None)}).scalars()
    return "\n".join(rows)


def test_a_tile_runs_on_the_shards_without_parallel_workers(citus):
    # Planner settings on the workers that make parallel plans free, so the test sees whether
    # the app's setting reaches them whatever the table sizes.
    citus.execute(text("SET LOCAL citus.propagate_set_commands = 'local'"))
    for setting in ("parallel_setup_cost = 0", "parallel_tuple_cost = 0",
                    "min_parallel_table_scan_size = 0", "min_parallel_index_scan_size = 0"):
        citus.execute(text(f"SET LOCAL {setting}"))
    household_tile(citus, "households", *TILE, TileFilter(date(2026, 6, 30)))
    plan = worker_plan(citus)
    assert "Task Count: 16" in plan, plan
    assert "Gather" not in plan and "Parallel" not in plan, plan
