"""Set-based loading of household chunks into PostGIS (COPY, upsert, indexes, duplicates).

Two paths, chosen per import by ``app.services.registry.households``:
- upsert: COPY into a temporary staging table, then one ``INSERT ... ON CONFLICT (id_keluarga)
  DO UPDATE`` per chunk;
- fresh load (the table was empty): COPY straight into ``household``; when the tables that
  reference households are empty too, into a side table instead (``household_side``).
A bulk import (a file about as large as the table, or larger) drops the secondary indexes first
and rebuilds them at the end, in the same transaction: building an index once is several times
cheaper than updating it row by row. Its foreign keys (``batch_id``) are dropped too and added
back at the end: re-adding one checks every row in a single join, where COPY would fire one
check trigger per row (measured: 30% of the server's COPY time). The drop takes an exclusive
lock on ``household`` until the import commits.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

from app.db.citus import is_citus
from app.services.registry import relocate
from app.sql import statement

COLUMNS = (
    "id_keluarga, no_kk_hash, no_kk_mask, nik_kepala_hash, nik_kepala_mask, nama_kepala, "
    "alamat, kode_kelurahan_deklarasi, kode_kelurahan, geom, jumlah_anggota, desil, "
    "pengeluaran_per_kapita, status_verifikasi, tanggal_verifikasi, flags, batch_id, "
    "kode_kabkota, h3_cell"
)
SECONDARY_INDEXES = text(
    """
    SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
    FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = 'household'::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
    ORDER BY i.relname
    """
)
FOREIGN_KEYS = text(
    """
    SELECT conname AS name, pg_get_constraintdef(oid) AS definition
    FROM pg_constraint
    WHERE conrelid = 'household'::regclass AND contype = 'f'
    ORDER BY conname
    """
)

# ``household`` and the tables whose foreign keys point at it; regclass prints each name
# already quoted as SQL needs it.
WITH_REFERENCING = text(
    "SELECT 'household'::regclass::text UNION "
    "SELECT conrelid::regclass::text FROM pg_constraint "
    "WHERE confrelid = 'household'::regclass AND contype = 'f' ORDER BY 1"
)


def household_count(conn: Connection, at_most: int) -> int:
    """How many households the registry holds, counted up to ``at_most`` only: an import needs
    to know whether it is about as large as the registry, not the size of a large one (a
    count of 1 M households is ~0.1 s of every small import)."""
    if at_most <= 0:
        return 0
    return int(conn.execute(
        text("SELECT count(*) FROM (SELECT 1 FROM household LIMIT :n) AS h"), {"n": at_most},
    ).scalar_one())


def drop_secondary_indexes(conn: Connection) -> list[str]:
    """Drop the indexes not backing a constraint, and the foreign keys; returns the statements
    that rebuild them (indexes first, then the foreign keys, each checked over all rows)."""
    rebuild = []
    for index in conn.execute(SECONDARY_INDEXES).all():
        conn.execute(text(f"DROP INDEX {_quoted(conn, index.name)}"))
        rebuild.append(index.definition)
    for key in conn.execute(FOREIGN_KEYS).all():
        name = _quoted(conn, key.name)
        conn.execute(text(f"ALTER TABLE household DROP CONSTRAINT {name}"))
        rebuild.append(f"ALTER TABLE household ADD CONSTRAINT {name} {key.definition}")
    return rebuild


def _quoted(conn: Connection, name: str) -> str:
    # Names come from the catalogue, not from a user; quote_ident keeps them exact.
    return str(conn.execute(text("SELECT quote_ident(:n)"), {"n": name}).scalar_one())


def rebuild_indexes(conn: Connection, statements: list[str]) -> None:
    for sql in statements:
        conn.execute(text(sql))
    conn.execute(text("ANALYZE household"))


def prepare_staging(conn: Connection) -> None:
    conn.execute(text(statement("registry/staging.sql")))
    conn.execute(text("TRUNCATE household_staging"))
    conn.execute(text(statement("registry/touched_create.sql")))
    conn.execute(text("TRUNCATE household_touched"))


def copy_rows(conn: Connection, table: str, payload: bytes, with_id: bool = False) -> None:
    """COPY text-format rows (``COLUMNS`` order, after the ``id`` when ``with_id``) into
    ``household`` or the staging table."""
    if not payload:
        return
    dbapi = conn.connection.driver_connection
    with dbapi.cursor() as cursor:  # type: ignore[union-attr]
        if table == "household_staging":
            cursor.execute("TRUNCATE household_staging")
        target = "household" if table == "household" else "household_staging"
        columns = f"id, {COLUMNS}" if with_id else COLUMNS
        with cursor.copy(f"COPY {target} ({columns}) FROM STDIN") as copy:
            copy.write(payload)


ID_SEQUENCE = "pg_get_serial_sequence('household', 'id')"


def reserve_ids(conn: Connection) -> int:
    """The first id of a fresh load, which then numbers its rows itself: ``nextval`` per
    row costs the server ~0.5 s per million rows. Nobody else can take ids meanwhile: the
    load holds ``household``'s exclusive lock (``drop_secondary_indexes``)."""
    return int(conn.execute(text(f"SELECT nextval({ID_SEQUENCE})")).scalar_one())


def claim_ids(conn: Connection, following: int) -> None:
    """Move the id sequence to the first id after those a fresh load gave out: the next
    ``nextval`` returns ``following``. When the load stored nothing (every row rejected),
    that is the id it reserved, which may be the sequence's first (1): ``setval(.., 0)``
    would be out of its range."""
    conn.execute(text(f"SELECT setval({ID_SEQUENCE}, :following, false)"),
                 {"following": following})


def remove_outside(conn: Connection, patterns: list[str]) -> list[str]:
    """Remove the staged rows outside an area-bound uploader's area (``area_patterns``);
    returns their id_keluarga."""
    return list(conn.execute(text(statement("registry/outside_area.sql")),
                             {"area_patterns": patterns}).scalars())


def upsert_staging(conn: Connection, record_touched: bool = True) -> tuple[int, int]:
    """Upsert the staged chunk; returns (inserted, updated). On Citus the key id_keluarga is
    unique per kab/kota only: households of the chunk found in another kab/kota are moved to
    the new one first, so that the upsert finds and updates them there. ``record_touched``
    notes the digests it is about to touch first (``flag_possible_duplicates``)."""
    key = "id_keluarga"
    if is_citus(conn):
        relocate.stage_moves(conn, relocate.FROM_STAGING)
        relocate.relocate(conn)
        key = "kode_kabkota, id_keluarga"
    if record_touched:
        conn.execute(text(statement("registry/touched.sql")))
        conn.execute(text(statement("registry/poverty_touched.sql")))
    else:  # a bulk upsert, as large as the registry: its kelurahan are not listed one by one
        conn.execute(text(statement("registry/poverty_mark_all.sql")))
    row = conn.execute(text(statement("registry/upsert.sql").format(key=key))).one()
    return int(row.inserted or 0), int(row.updated or 0)


def flag_possible_duplicates(conn: Connection, batch_id: int, everywhere: bool = False) -> int:
    """Flag (and unflag) ``possible_duplicate`` where the import's upserts can have changed
    it: the households holding a digest they touched (``household_touched``), set-based; or,
    ``everywhere``, over the whole registry (a bulk import, as large as the registry: judging
    all costs less than recording and looking up each touched digest). Returns how many
    households of the batch are flagged.

    The work follows the size of the import, not the registry's; in exchange, a flag edited
    by hand in the database is set right only when an import touches one of its digests."""
    conn.execute(text(statement("registry/judged_create.sql")))
    conn.execute(text("TRUNCATE household_judged"))
    if everywhere:
        sql = "registry/duplicates_all.sql"
    else:
        conn.execute(text("ANALYZE household_touched"))
        sql = "registry/duplicates.sql"
    conn.execute(text(statement(sql)), {"batch": batch_id})
    return int(conn.execute(text(statement("registry/flags_apply.sql"))).one().flagged)


def flag_shared_digests(conn: Connection, nik: list[bytes], kk: list[bytes], flag: str) -> int:
    """Flag the households whose head NIK or No. KK digest is in the lists (few: only digests
    shared within a freshly loaded file; the rebuilt hash indexes find them); returns how many
    it flagged."""
    if not nik and not kk:
        return 0
    return conn.execute(
        text("UPDATE household SET flags = array_append(flags, CAST(:flag AS text)) "
             "WHERE (nik_kepala_hash = ANY (:nik) OR no_kk_hash = ANY (:kk)) "
             "AND NOT CAST(:flag AS text) = ANY (flags)"),
        {"nik": nik, "kk": kk, "flag": flag},
    ).rowcount
