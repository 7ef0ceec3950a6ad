"""Kab/kota code on every per-household table; on Citus, the distributed schema.

``kode_kabkota`` ("64.74") is the distribution column on Citus: a household, its members,
enrollments, coverage segments and its kelurahan's coverage steps live on the same shard, so a
kab/kota's figures are computed on one worker (docs/scale.md). Every writer in the app sets
it (``left(kode_kelurahan, 5)``, or the household's); a CHECK keeps it equal to the
kelurahan's prefix. On single-node PostGIS the column exists too, so one set of queries serves
both, and triggers fill it for writers that leave it out and carry a household's move to
another kab/kota over to its rows (on Citus a distribution value cannot change: the import
moves such a household itself, ``app.services`` relocation).

On Citus (the ``citus`` extension present) primary keys and unique constraints of the
distributed tables gain the distribution column, foreign keys between them include it, and
``enrollment``'s key to ``household`` loses ON DELETE SET NULL (Citus cannot set part of a
key including the distribution column to NULL; the app never deletes households). The small
tables that distributed queries join become reference tables (wilayah, import_batch, agency,
program); the access tables (accounts, keys, sessions, audit) and the rollout plans stay on the
coordinator, where the app connects. No foreign key leads to or from a reference table: Citus
refuses to write a reference table with foreign keys in a transaction after a parallel query
on distributed tables, and an import ends by writing its batch's counts. The app keeps those
rules itself: ``batch_id`` comes only from the batch it has just created, a program's
enrollments are deleted before the program, an agency with programs is not deleted, and a
program's agency is created first.

Revision ID: 0011_kabkota
Revises: 0010_agency_files
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.db.citus import distribute, is_citus, make_reference

revision: str = "0011_kabkota"
down_revision: str | Sequence[str] | None = "0010_agency_files"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BY_KELURAHAN = ("household", "coverage_segment", "coverage_group", "coverage_step",
                "coverage_key_group", "coverage_key_step", "coverage_stale")
BY_HOUSEHOLD = ("member", "enrollment")
# Reference tables: a copy on every node, so that distributed queries join them where they run.
REFERENCE = ("wilayah", "import_batch", "agency", "program")
# Tables of 0010 that stay plain tables on the coordinator on Citus, without their foreign keys
# (a key from a local table to a reference table forces every later statement of the
# transaction onto one connection per node): match suggestions point at an unmatched
# enrollment row (kab/kota '') and a candidate household of any kab/kota, so no one shard
# holds both; import warnings belong to a batch, as rejected rows do.
COORDINATOR_ONLY = ("match_suggestion", "match_rejection", "import_warning")
CHILDREN = ("member", "enrollment", "coverage_segment")  # keyed to household by household_id
# The foreign keys to reference tables that Citus drops, given back by a downgrade.
REFERENCE_KEYS = (
    ("rejected_row", "rejected_row_batch_id_fkey",
     "FOREIGN KEY (batch_id) REFERENCES import_batch(id) ON DELETE CASCADE"),
    ("household", "household_batch_id_fkey", "FOREIGN KEY (batch_id) REFERENCES import_batch(id)"),
    ("member", "member_batch_id_fkey", "FOREIGN KEY (batch_id) REFERENCES import_batch(id)"),
    ("enrollment", "enrollment_batch_id_fkey",
     "FOREIGN KEY (batch_id) REFERENCES import_batch(id)"),
    ("enrollment", "enrollment_program_id_fkey",
     "FOREIGN KEY (program_id) REFERENCES program(id) ON DELETE CASCADE"),
    ("program", "program_instansi_fkey", "FOREIGN KEY (instansi) REFERENCES agency(kode)"),
)
KEYED = {  # distributed table -> its primary key on Citus (distribution column first)
    "household": "kode_kabkota, id",
    "member": "kode_kabkota, id",
    "enrollment": "kode_kabkota, id",
    "coverage_segment": "kode_kabkota, id",
    "coverage_group": "kode_kabkota, kode_kelurahan, desil, terverifikasi",
    "coverage_step": "kode_kabkota, kode_kelurahan, desil, terverifikasi, berlaku",
    "coverage_key_group": "kode_kabkota, kunci, kode_kelurahan, desil, terverifikasi",
    "coverage_key_step": "kode_kabkota, kunci, kode_kelurahan, desil, terverifikasi, berlaku",
    "coverage_stale": "kode_kabkota, kode_kelurahan",
}

SYNC_FUNCTION = """
CREATE OR REPLACE FUNCTION coverage_segment_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The kab/kota filter routes this to the household's own shard on Citus.
    UPDATE coverage_segment
       SET kode_kelurahan = NEW.kode_kelurahan, desil = NEW.desil,
           terverifikasi = (NEW.status_verifikasi = 'terverifikasi')
     WHERE kode_kabkota = OLD.kode_kabkota AND household_id = NEW.id;
    IF FOUND THEN
        INSERT INTO coverage_stale (kode_kabkota, kode_kelurahan)
        VALUES (OLD.kode_kabkota, OLD.kode_kelurahan), (NEW.kode_kabkota, NEW.kode_kelurahan)
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""
# Revision 0008's statement triggers mark the kelurahan of inserted and deleted households (or
# every kelurahan, '*', after a truncate) stale; now with their kab/kota.
MARK_FUNCTION = """
CREATE OR REPLACE FUNCTION coverage_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('INSERT', 'DELETE') THEN
        INSERT INTO coverage_stale (kode_kabkota, kode_kelurahan)
        SELECT DISTINCT kode_kabkota, kode_kelurahan FROM changed_rows ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO coverage_stale (kode_kabkota, kode_kelurahan) VALUES ('*', '*')
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""
# On Citus the trigger runs on each shard, where an INSERT ... SELECT over the transition table
# cannot be planned: one INSERT per kelurahan instead, each routed to the co-located shard of
# coverage_stale. A TRUNCATE's '*' mark would have to reach another shard from inside one:
# Citus refuses that, so on Citus the truncate trigger is dropped (the app never truncates the
# registry; whoever does truncates the coverage tables with it).
MARK_FUNCTION_CITUS = """
CREATE OR REPLACE FUNCTION coverage_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT DISTINCT kode_kabkota, kode_kelurahan FROM changed_rows LOOP
        INSERT INTO coverage_stale (kode_kabkota, kode_kelurahan)
        VALUES (r.kode_kabkota, r.kode_kelurahan) ON CONFLICT DO NOTHING;
    END LOOP;
    RETURN NULL;
END $$
"""
TRUNCATE_TRIGGER = (
    "CREATE TRIGGER household_coverage_truncate AFTER TRUNCATE ON household "
    "FOR EACH STATEMENT EXECUTE FUNCTION coverage_mark_changed()")
OLD_MARK_FUNCTION = """
CREATE OR REPLACE FUNCTION coverage_mark_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO coverage_stale (kode_kelurahan)
        SELECT DISTINCT kode_kelurahan FROM changed_rows ON CONFLICT DO NOTHING;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO coverage_stale (kode_kelurahan)
        SELECT DISTINCT kode_kelurahan FROM changed_rows ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO coverage_stale (kode_kelurahan) VALUES ('*') ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""
OLD_SYNC_FUNCTION = """
CREATE OR REPLACE FUNCTION coverage_segment_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE coverage_segment
       SET kode_kelurahan = NEW.kode_kelurahan, desil = NEW.desil,
           terverifikasi = (NEW.status_verifikasi = 'terverifikasi')
     WHERE household_id = NEW.id;
    IF FOUND THEN
        INSERT INTO coverage_stale (kode_kelurahan)
        VALUES (OLD.kode_kelurahan), (NEW.kode_kelurahan) ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$
"""
# Single-node PostGIS only: fill the column for writers that leave it out, and follow a
# household that moves to another kab/kota (coverage_segment follows through the sync above).
FILL_FUNCTIONS = """
CREATE FUNCTION kabkota_from_kelurahan() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.kode_kabkota := left(NEW.kode_kelurahan, 5);
    RETURN NEW;
END $$;
CREATE FUNCTION kabkota_from_household() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.kode_kabkota := coalesce(
        (SELECT kode_kabkota FROM household WHERE id = NEW.household_id), '');
    RETURN NEW;
END $$;
CREATE FUNCTION household_kabkota_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- coverage_segment follows through the sync trigger (its kelurahan) and its fill trigger.
    UPDATE member SET kode_kabkota = NEW.kode_kabkota WHERE household_id = NEW.id;
    UPDATE enrollment SET kode_kabkota = NEW.kode_kabkota WHERE household_id = NEW.id;
    RETURN NULL;
END $$;
"""
FILL_TRIGGERS = [
    *(f"CREATE TRIGGER {table}_kabkota_fill BEFORE INSERT OR UPDATE OF kode_kelurahan, "
      f"kode_kabkota ON {table} FOR EACH ROW "
      "WHEN (NEW.kode_kabkota IS DISTINCT FROM left(NEW.kode_kelurahan, 5)) "
      "EXECUTE FUNCTION kabkota_from_kelurahan()" for table in BY_KELURAHAN),
    *(f"CREATE TRIGGER {table}_kabkota_fill BEFORE INSERT ON {table} FOR EACH ROW "
      "WHEN (NEW.kode_kabkota IS NULL) EXECUTE FUNCTION kabkota_from_household()"
      for table in BY_HOUSEHOLD),
    # Named after the sync trigger, so it runs after it (same event, name order).
    # No column list: a change made by the fill trigger counts too.
    "CREATE TRIGGER household_kabkota_follow AFTER UPDATE ON household "
    "FOR EACH ROW WHEN (OLD.kode_kabkota IS DISTINCT FROM NEW.kode_kabkota) "
    "EXECUTE FUNCTION household_kabkota_follow()",
]
HOUSEHOLD_FOREIGN_KEYS = sa.text(
    """
    SELECT conrelid::regclass::text AS tablename, quote_ident(conname) AS name,
           confdeltype = 'c' AS cascade
    FROM pg_constraint
    WHERE contype = 'f' AND confrelid = 'household'::regclass
    ORDER BY 1
    """
)
# Foreign keys of the tables Citus converts (their targets must be converted first).
FOREIGN_KEYS = sa.text(
    """
    SELECT conrelid::regclass::text AS tablename, quote_ident(conname) AS name,
           pg_get_constraintdef(oid) AS definition
    FROM pg_constraint
    WHERE contype = 'f' AND confrelid <> 'household'::regclass
      AND conrelid::regclass::text = ANY (:tables)
    ORDER BY 1, 2
    """
)


def upgrade() -> None:
    conn = op.get_bind()
    for table in BY_KELURAHAN + BY_HOUSEHOLD:
        op.add_column(table, sa.Column("kode_kabkota", sa.String(5), nullable=True))
    for table in BY_KELURAHAN:
        op.execute(f"UPDATE {table} SET kode_kabkota = left(kode_kelurahan, 5)")
    for table in BY_HOUSEHOLD:
        op.execute(f"UPDATE {table} t SET kode_kabkota = h.kode_kabkota FROM household h "
                   "WHERE h.id = t.household_id")
    op.execute("UPDATE enrollment SET kode_kabkota = '' WHERE kode_kabkota IS NULL")
    for table in BY_KELURAHAN + BY_HOUSEHOLD:
        op.alter_column(table, "kode_kabkota", nullable=False)
    for table in BY_KELURAHAN:
        op.create_check_constraint(f"ck_{table}_kode_kabkota", table,
                                   "kode_kabkota = left(kode_kelurahan, 5)")
    op.execute(SYNC_FUNCTION)
    if is_citus(conn):
        op.execute(MARK_FUNCTION_CITUS)
        op.execute("DROP TRIGGER household_coverage_truncate ON household")
        _distribute(conn)
    else:
        op.execute(MARK_FUNCTION)
        op.execute(FILL_FUNCTIONS)
        for trigger in FILL_TRIGGERS:
            op.execute(trigger)


def _distribute(conn: sa.Connection) -> None:
    # household's sync trigger runs on its shards, and touches only the co-located shard of
    # coverage_segment (the kab/kota filter): the case Citus calls "unsafe" but supports.
    op.execute("SET LOCAL citus.enable_unsafe_triggers = on")
    # Reference tables changed in this transaction: DDL on shards must then run sequentially.
    op.execute("SET LOCAL citus.multi_shard_modify_mode = 'sequential'")
    converted = [*REFERENCE, "rejected_row", *KEYED]
    every_household_key = conn.execute(HOUSEHOLD_FOREIGN_KEYS).all()
    household_keys = [k for k in every_household_key if k.tablename not in COORDINATOR_ONLY]
    other_keys = conn.execute(FOREIGN_KEYS, {"tables": [*converted, *COORDINATOR_ONLY]}).all()
    for key in [*every_household_key, *other_keys]:
        op.execute(f"ALTER TABLE {key.tablename} DROP CONSTRAINT {key.name}")
    for table in REFERENCE:
        make_reference(conn, table)
    for table, columns in KEYED.items():
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, "
                   f"ADD CONSTRAINT {table}_pkey PRIMARY KEY ({columns})")
    # id_keluarga stays unique across kab/kota through the import (one import at a time
    # moves a household that changed kab/kota); the index finds it in any shard.
    op.execute("ALTER TABLE household DROP CONSTRAINT household_id_keluarga_key, "
               "ADD CONSTRAINT household_id_keluarga_key UNIQUE (kode_kabkota, id_keluarga)")
    op.create_index("ix_household_id_keluarga", "household", ["id_keluarga"])
    op.execute("ALTER TABLE rejected_row DROP CONSTRAINT rejected_row_pkey, "
               "ADD CONSTRAINT rejected_row_pkey PRIMARY KEY (batch_id, id)")
    distribute(conn, "household", colocate_with="default")
    for table in KEYED:
        if table != "household":
            distribute(conn, table)
    distribute(conn, "rejected_row", "batch_id", colocate_with="none")
    for key in household_keys:
        action = " ON DELETE CASCADE" if key.cascade else ""
        op.execute(f"ALTER TABLE {key.tablename} ADD CONSTRAINT {key.name} "
                   "FOREIGN KEY (kode_kabkota, household_id) "
                   f"REFERENCES household (kode_kabkota, id){action}")
    # No foreign key is given back to a reference table (see the docstring).



def downgrade() -> None:
    conn = op.get_bind()
    if is_citus(conn):
        _undistribute(conn)
    else:
        op.execute("DROP TRIGGER household_kabkota_follow ON household")
        for table in BY_KELURAHAN + BY_HOUSEHOLD:
            op.execute(f"DROP TRIGGER {table}_kabkota_fill ON {table}")
        for function in ("household_kabkota_follow", "kabkota_from_household",
                         "kabkota_from_kelurahan"):
            op.execute(f"DROP FUNCTION {function}()")
    op.execute(OLD_SYNC_FUNCTION)
    op.execute(OLD_MARK_FUNCTION)
    for table in BY_KELURAHAN:
        op.drop_constraint(f"ck_{table}_kode_kabkota", table)
    for table in BY_KELURAHAN + BY_HOUSEHOLD:
        op.drop_column(table, "kode_kabkota")


def _undistribute(conn: sa.Connection) -> None:
    """Back to plain tables on the coordinator (all rows are copied there)."""
    op.execute("SET LOCAL citus.enable_unsafe_triggers = on")
    op.execute("SET LOCAL citus.multi_shard_modify_mode = 'sequential'")
    for table in [*KEYED, "rejected_row", *REFERENCE]:
        conn.execute(sa.text("SELECT undistribute_table(CAST(:t AS regclass), "
                             "cascade_via_foreign_keys => true) "
                             "WHERE EXISTS (SELECT 1 FROM pg_dist_partition "
                             "WHERE logicalrelid = CAST(:t AS regclass))"), {"t": table})
    household_keys = conn.execute(HOUSEHOLD_FOREIGN_KEYS).all()
    for key in household_keys:
        op.execute(f"ALTER TABLE {key.tablename} DROP CONSTRAINT {key.name}")
    op.drop_index("ix_household_id_keluarga", table_name="household")
    op.execute("ALTER TABLE household DROP CONSTRAINT household_id_keluarga_key, "
               "ADD CONSTRAINT household_id_keluarga_key UNIQUE (id_keluarga)")
    op.execute("ALTER TABLE rejected_row DROP CONSTRAINT rejected_row_pkey, "
               "ADD CONSTRAINT rejected_row_pkey PRIMARY KEY (id)")
    for table in ("household", *CHILDREN):
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT {table}_pkey, "
                   f"ADD CONSTRAINT {table}_pkey PRIMARY KEY (id)")
    op.execute("ALTER TABLE coverage_group DROP CONSTRAINT coverage_group_pkey, ADD CONSTRAINT "
               "coverage_group_pkey PRIMARY KEY (kode_kelurahan, desil, terverifikasi)")
    op.execute("ALTER TABLE coverage_step DROP CONSTRAINT coverage_step_pkey, ADD CONSTRAINT "
               "coverage_step_pkey PRIMARY KEY (kode_kelurahan, desil, terverifikasi, berlaku)")
    op.execute("ALTER TABLE coverage_stale DROP CONSTRAINT coverage_stale_pkey, "
               "ADD CONSTRAINT coverage_stale_pkey PRIMARY KEY (kode_kelurahan)")
    for key in household_keys:
        action = {"enrollment": " ON DELETE SET NULL"}.get(
            key.tablename, " ON DELETE CASCADE" if key.cascade else "")
        op.execute(f"ALTER TABLE {key.tablename} ADD CONSTRAINT {key.name} FOREIGN KEY "
                   f"(household_id) REFERENCES household (id){action}")
    op.execute(TRUNCATE_TRIGGER)
    for table, name, definition in REFERENCE_KEYS:
        if not conn.execute(sa.text("SELECT 1 FROM pg_constraint WHERE conname = :n"),
                            {"n": name}).first():
            op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}")
