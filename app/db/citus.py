"""Citus, when the database has it: detection, and the table kinds migrations give tables.

On plain PostGIS (the default) every helper here that changes the schema does nothing, so one
migration serves both. On Citus (the ``citus`` extension in the database the app connects to,
i.e. the coordinator) the per-household tables are distributed by ``kode_kabkota`` and
co-located with ``household``; the small tables they join or reference are reference tables
(a copy on every node); the access tables stay on the coordinator. docs/scale.md says why.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from geo.errors import InvalidInput

DISTRIBUTION_COLUMN = "kode_kabkota"
KABKOTA_LENGTH = 5  # "64.74" of "64.74.03.1002" (geo.codes)
UNMATCHED = ""  # kab/kota of an enrollment that matched no household


def is_citus(conn: Connection) -> bool:
    """Whether the connected database is a Citus coordinator (has the extension); asked once
    per database connection (kept in its ``info``)."""
    if "citus" not in conn.info:
        conn.info["citus"] = bool(conn.execute(text(
            "SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus')")).scalar())
    return bool(conn.info["citus"])


def make_reference(conn: Connection, table: str) -> None:
    """A copy of ``table`` on every node (small tables that distributed ones join or
    reference). Name tables that ``table``'s foreign keys point at first."""
    if is_citus(conn):
        conn.execute(text("SELECT create_reference_table(CAST(:t AS regclass))"), {"t": table})


def distribute(conn: Connection, table: str, column: str = DISTRIBUTION_COLUMN,
               colocate_with: str = "household") -> None:
    """Shard ``table`` by ``column``; by default co-located with ``household`` (same kab/kota,
    same worker), so joins on ``kode_kabkota`` run on each worker without moving rows. Its
    primary key and unique constraints must include ``column``."""
    if is_citus(conn):
        conn.execute(text(
            "SELECT create_distributed_table(CAST(:t AS regclass), :c, colocate_with => :w)"),
            {"t": table, "c": column, "w": colocate_with})


def rebalance(conn: Connection) -> int:
    """Move shards so every worker holds a fair share by disk size (after adding workers),
    and wait for the moves; returns how many shard groups moved. ``block_writes`` copies each
    shard while writes to it wait: it needs no logical replication (the private cluster runs
    with ``wal_level = minimal``); a deployment with ``wal_level = logical`` may move online."""
    if not is_citus(conn):
        raise InvalidInput("Basis data ini bukan klaster Citus: tidak ada yang diseimbangkan.")
    moves = len(conn.execute(text(
        "SELECT * FROM get_rebalance_table_shards_plan(rebalance_strategy => 'by_disk_size')"
    )).all())
    if moves:
        conn.execute(text("SELECT citus_rebalance_start(rebalance_strategy => 'by_disk_size', "
                          "shard_transfer_mode => 'block_writes')"))
        conn.execute(text("SELECT citus_rebalance_wait()"))
    return moves
