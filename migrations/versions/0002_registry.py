"""Household registry: import batches, rejected rows, households, members.

Revision ID: 0002_registry
Revises: 0001_wilayah
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import geoalchemy2
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_registry"
down_revision: str | None = "0001_wilayah"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.func.now()


def upgrade() -> None:
    op.create_table(
        "import_batch",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("jenis", sa.String(20), nullable=False),
        sa.Column("nama_berkas", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("pengguna", sa.String(100), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("baris_total", sa.Integer(), server_default="0", nullable=False),
        sa.Column("baris_diterima", sa.Integer(), server_default="0", nullable=False),
        sa.Column("baris_ditolak", sa.Integer(), server_default="0", nullable=False),
        sa.Column("ringkasan", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.Column("parameter", postgresql.JSONB(), server_default="{}", nullable=False),
    )
    op.create_index("ix_import_batch_jenis", "import_batch", ["jenis"])
    op.create_table(
        "rejected_row",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "batch_id", sa.Integer(),
            sa.ForeignKey("import_batch.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("nomor_baris", sa.Integer(), nullable=False),
        sa.Column("kolom", sa.Text(), nullable=True),
        sa.Column("alasan", sa.Text(), nullable=False),
        sa.Column("masalah", postgresql.JSONB(), nullable=False),
        sa.Column("data", postgresql.JSON(), nullable=False),
    )
    op.create_index("ix_rejected_row_batch_id", "rejected_row", ["batch_id"])
    op.create_table(
        "household",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("id_keluarga", sa.Text(), nullable=False, unique=True),
        sa.Column("no_kk_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("no_kk_mask", sa.String(20), nullable=False),
        sa.Column("nik_kepala_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("nik_kepala_mask", sa.String(20), nullable=False),
        sa.Column("nama_kepala", sa.Text(), nullable=False),
        sa.Column("alamat", sa.Text(), nullable=True),
        sa.Column("kode_kelurahan_deklarasi", sa.String(13), nullable=False),
        sa.Column("kode_kelurahan", sa.String(13), nullable=False),
        sa.Column(
            "geom", geoalchemy2.Geometry("POINT", srid=4326, spatial_index=False), nullable=True
        ),
        sa.Column("jumlah_anggota", sa.SmallInteger(), nullable=False),
        sa.Column("desil", sa.SmallInteger(), nullable=False),
        sa.Column("pengeluaran_per_kapita", sa.Numeric(14, 2), nullable=True),
        sa.Column("status_verifikasi", sa.String(15), nullable=False),
        sa.Column("tanggal_verifikasi", sa.Date(), nullable=True),
        sa.Column("flags", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batch.id"), nullable=True),
        sa.Column("diperbarui", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_index("ix_household_no_kk_hash", "household", ["no_kk_hash"])
    op.create_index("ix_household_nik_kepala_hash", "household", ["nik_kepala_hash"])
    op.create_index("ix_household_kode_kelurahan", "household", ["kode_kelurahan"])
    op.create_index("ix_household_batch_id", "household", ["batch_id"])
    op.create_index("idx_household_geom", "household", ["geom"], postgresql_using="gist")
    op.create_table(
        "member",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column(
            "household_id", sa.BigInteger(),
            sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("nik_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("nik_mask", sa.String(20), nullable=False),
        sa.Column("nama", sa.Text(), nullable=False),
        sa.Column("hubungan", sa.Text(), nullable=True),
        sa.Column("jenis_kelamin", sa.String(1), nullable=True),
        sa.Column("tanggal_lahir", sa.Date(), nullable=True),
        sa.Column("disabilitas", sa.Boolean(), nullable=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("import_batch.id"), nullable=True),
    )
    op.create_index("ix_member_household_id", "member", ["household_id"])
    op.create_index("ix_member_nik_hash", "member", ["nik_hash"])
    op.create_index("ix_member_batch_id", "member", ["batch_id"])


def downgrade() -> None:
    op.drop_table("member")
    op.drop_table("household")
    op.drop_table("rejected_row")
    op.drop_table("import_batch")
