"""Agencies, programs, enrollments, and the per-household coverage segments kept at import.

Revision ID: 0004_programs
Revises: 0002_registry
Create Date: 2026-11-23

``coverage_segment`` holds, for each matched household, the periods [dari, sampai) during which
its set of active programs is constant (``sampai`` = 'infinity' when open). Exactly one segment
of a household contains any date, so coverage on any reference date is one indexed pass without
``count(DISTINCT ...)``. The household's kelurahan, desil and status are copied in and kept in
step by the trigger below when the registry changes.

``coverage_step`` is the same information summed per group (kelurahan, desil, verified): the
group's counters as step functions of the date (value from ``berlaku`` until the next row), so
the unfiltered figures on any date are one index probe per group (``coverage_group``). A
registry change marks the kelurahan in ``coverage_stale``; the figures of a stale kelurahan
come from the segments until its steps are refreshed.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_programs"
down_revision: str | None = "0002_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.func.now()

SYNC_FUNCTION = """
CREATE FUNCTION coverage_segment_sync() RETURNS trigger LANGUAGE plpgsql AS $$
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
SYNC_TRIGGER = """
CREATE TRIGGER household_coverage_sync
AFTER UPDATE OF kode_kelurahan, desil, status_verifikasi ON household
FOR EACH ROW WHEN (OLD.kode_kelurahan IS DISTINCT FROM NEW.kode_kelurahan
                   OR OLD.desil IS DISTINCT FROM NEW.desil
                   OR OLD.status_verifikasi IS DISTINCT FROM NEW.status_verifikasi)
EXECUTE FUNCTION coverage_segment_sync()
"""


def upgrade() -> None:
    op.create_table(
        "agency",
        sa.Column("kode", sa.String(30), primary_key=True),
        sa.Column("nama", sa.Text(), nullable=False),
        sa.Column("jenis", sa.String(30), nullable=True),
    )
    op.create_table(
        "program",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kode_program", sa.String(40), nullable=False, unique=True),
        sa.Column("nama", sa.Text(), nullable=False),
        sa.Column("instansi", sa.String(30), sa.ForeignKey("agency.kode"), nullable=False),
        sa.Column("jenis", sa.String(40), nullable=True),
        sa.Column("tahun", sa.SmallInteger(), nullable=True),
        sa.Column("anggaran", sa.Numeric(16, 2), nullable=True),
        sa.Column("desil_maks", sa.SmallInteger(), nullable=True),
        sa.Column("unit_cakupan", sa.String(15), server_default="household", nullable=False),
        sa.Column("wilayah_layanan", postgresql.ARRAY(sa.String(13)), server_default="{}",
                  nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_index("ix_program_instansi", "program", ["instansi"])
    op.create_table(
        "enrollment",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("program_id", sa.Integer(),
                  sa.ForeignKey("program.id", ondelete="CASCADE"), nullable=False),
        sa.Column("household_id", sa.BigInteger(),
                  sa.ForeignKey("household.id", ondelete="SET NULL"), nullable=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batch.id"), nullable=True),
        sa.Column("nomor_baris", sa.Integer(), nullable=True),
        sa.Column("kunci", sa.String(12), nullable=False),
        sa.Column("kunci_hash", sa.LargeBinary(32), nullable=True),
        sa.Column("kunci_tampil", sa.Text(), nullable=False),
        sa.Column("tanggal_mulai", sa.Date(), nullable=False),
        sa.Column("tanggal_selesai", sa.Date(), nullable=True),
        sa.Column("status", sa.String(10), nullable=False),
    )
    op.create_index("ix_enrollment_program_id", "enrollment", ["program_id"])
    op.create_index("ix_enrollment_household_id", "enrollment", ["household_id"])
    op.create_index("ix_enrollment_batch_id", "enrollment", ["batch_id"])
    op.create_index("ix_enrollment_status", "enrollment", ["status"])
    op.create_table(
        "coverage_segment",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("household_id", sa.BigInteger(),
                  sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kode_kelurahan", sa.String(13), nullable=False),
        sa.Column("desil", sa.SmallInteger(), nullable=False),
        sa.Column("terverifikasi", sa.Boolean(), nullable=False),
        sa.Column("dari", sa.Date(), nullable=False),
        sa.Column("sampai", sa.Date(), nullable=False),
        sa.Column("program_ids", postgresql.ARRAY(sa.Integer()), nullable=False),
        sa.Column("instansi", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("n_program", sa.SmallInteger(), nullable=False),
        sa.Column("n_instansi", sa.SmallInteger(), nullable=False),
    )
    op.create_index("ix_coverage_segment_household_id", "coverage_segment", ["household_id"])
    op.create_index("ix_coverage_segment_area_period", "coverage_segment",
                    ["kode_kelurahan", "dari", "sampai"])
    op.create_table(
        "coverage_group",
        sa.Column("kode_kelurahan", sa.String(13), primary_key=True),
        sa.Column("desil", sa.SmallInteger(), primary_key=True),
        sa.Column("terverifikasi", sa.Boolean(), primary_key=True),
    )
    op.create_table(
        "coverage_step",
        sa.Column("kode_kelurahan", sa.String(13), primary_key=True),
        sa.Column("desil", sa.SmallInteger(), primary_key=True),
        sa.Column("terverifikasi", sa.Boolean(), primary_key=True),
        sa.Column("berlaku", sa.Date(), primary_key=True),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("overlap", sa.Integer(), nullable=False),
        sa.Column("overlap_agency", sa.Integer(), nullable=False),
        sa.Column("pairs", sa.Integer(), nullable=False),
    )
    op.create_table(
        "coverage_stale",
        sa.Column("kode_kelurahan", sa.String(13), primary_key=True),
    )
    op.create_index("ix_household_target", "household", ["kode_kelurahan", "desil"],
                    postgresql_where=sa.text("status_verifikasi = 'terverifikasi'"))
    op.execute(SYNC_FUNCTION)
    op.execute(SYNC_TRIGGER)


def downgrade() -> None:
    op.execute("DROP TRIGGER IF EXISTS household_coverage_sync ON household")
    op.execute("DROP FUNCTION IF EXISTS coverage_segment_sync()")
    op.drop_index("ix_household_target", table_name="household")
    op.drop_table("coverage_stale")
    op.drop_table("coverage_step")
    op.drop_table("coverage_group")
    op.drop_table("coverage_segment")
    op.drop_table("enrollment")
    op.drop_table("program")
    op.drop_table("agency")
