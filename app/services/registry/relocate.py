"""Citus only: households that change kab/kota (a family that moved, a re-geocode across a
border).

``kode_kabkota`` is the distribution column, and Citus cannot change a row's distribution
value. Such a household is copied into its new kab/kota with every row keyed to it (members,
enrollments, coverage segments: the tables whose foreign keys point at ``household``, read
from the catalogue), all under the same ids, and then removed from the old one. The kelurahan
of both sides are marked stale, as the coverage trigger does for a move within a kab/kota. On
single-node PostGIS a move is an ordinary UPDATE (migration 0007's triggers carry the rows).

The moves are read from the temporary table ``household_move`` (id, the old kab/kota, the new
kelurahan), which ``stage_moves`` fills.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

MOVES = "household_move"
CREATE_MOVES = (
    f"CREATE TEMPORARY TABLE IF NOT EXISTS {MOVES} (id bigint PRIMARY KEY, dari text NOT NULL, "
    "kode_kelurahan text NOT NULL) ON COMMIT DROP"
)
# The columns of a table, each quoted, in order; and the tables keyed to ``household``.
COLUMNS = text(
    "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = CAST(:t AS regclass) "
    "AND attnum > 0 AND NOT attisdropped ORDER BY attnum"
)
CHILDREN = text(
    "SELECT DISTINCT conrelid::regclass::text FROM pg_constraint "
    "WHERE confrelid = 'household'::regclass AND contype = 'f' ORDER BY 1"
)
# Households of a staged import chunk now declared (or found) in another kab/kota.
FROM_STAGING = (
    "SELECT h.id, h.kode_kabkota, s.kode_kelurahan FROM household_staging s "
    "JOIN household h ON h.id_keluarga = s.id_keluarga WHERE h.kode_kabkota <> s.kode_kabkota"
)
FOLLOW = {"kode_kabkota": "left(m.kode_kelurahan, 5)", "kode_kelurahan": "m.kode_kelurahan"}


def stage_moves(conn: Connection, source: str) -> int:
    """Fill ``household_move`` from ``source``, a SELECT of (id, old kab/kota, new kelurahan)
    for households whose kab/kota changes; returns how many.

    Takes a lock held to the end of the transaction first: without a unique index on
    id_keluarga alone, two imports at once could each place one household in a different
    kab/kota. Writers of the registry pass here one at a time (on the coordinator)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('sasaran.household_move'))"))
    conn.execute(text(CREATE_MOVES))
    conn.execute(text(f"TRUNCATE {MOVES}"))
    return conn.execute(text(f"INSERT INTO {MOVES} (id, dari, kode_kelurahan) {source}")).rowcount


def relocate(conn: Connection) -> int:
    """Move the staged households to their new kab/kota; returns how many moved."""
    moved = int(conn.execute(text(f"SELECT count(*) FROM {MOVES}")).scalar_one())
    if not moved:
        return 0
    conn.execute(text(
        "INSERT INTO coverage_stale (kode_kabkota, kode_kelurahan) "
        f"SELECT h.kode_kabkota, h.kode_kelurahan FROM household h JOIN {MOVES} m "
        "ON h.kode_kabkota = m.dari AND h.id = m.id "
        f"UNION SELECT left(kode_kelurahan, 5), kode_kelurahan FROM {MOVES} "
        "ON CONFLICT DO NOTHING"))
    children = list(conn.execute(CHILDREN).scalars())
    _copy(conn, "household", "h.id = m.id")
    for table in children:
        _copy(conn, table, "h.household_id = m.id")
    for table in [*children, "household"]:
        key = "id" if table == "household" else "household_id"
        conn.execute(text(f"DELETE FROM {table} h USING {MOVES} m "
                          f"WHERE h.kode_kabkota = m.dari AND h.{key} = m.id"))
    return moved


def _copy(conn: Connection, table: str, keyed: str) -> None:
    """Insert copies of ``table``'s rows of the moving households, in their new kab/kota."""
    columns = list(conn.execute(COLUMNS, {"t": table}).scalars())
    values = [FOLLOW.get(c, f"h.{c}") for c in columns]
    conn.execute(text(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM {table} h JOIN {MOVES} m ON h.kode_kabkota = m.dari AND {keyed}"))
