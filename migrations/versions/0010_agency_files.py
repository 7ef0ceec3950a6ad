"""Agency files (issue 17): import warnings, saved column profiles, the BPS->Kemendagri
crosswalk, and match suggestions for unmatched enrollment rows.

Revision ID: 0010_agency_files
Revises: 0009_scope_indexes
Create Date: 2026-11-24

``match_suggestion`` and ``match_rejection`` are per-household tables: each carries the
candidate household's ``kode_kelurahan`` so that a distributed deployment can place them with
their household (by kab/kota, its prefix).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_agency_files"
down_revision: str | Sequence[str] | None = "0009_scope_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.func.now()


def upgrade() -> None:
    op.create_table(
        "import_warning",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("batch_id", sa.Integer(),
                  sa.ForeignKey("import_batch.id", ondelete="CASCADE"), nullable=False),
        sa.Column("nomor_baris", sa.Integer(), nullable=False),
        sa.Column("kolom", sa.Text()),
        sa.Column("alasan", sa.Text(), nullable=False),
    )
    op.create_index("ix_import_warning_batch_id", "import_warning", ["batch_id"])
    op.create_table(
        "column_profile",
        sa.Column("nama", sa.String(60), primary_key=True),
        sa.Column("jenis", sa.String(20), nullable=False),
        sa.Column("definisi", postgresql.JSONB(), nullable=False),
        sa.Column("pengguna", sa.String(100), nullable=False),
        sa.Column("diperbarui", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    op.create_table(
        "kode_padanan",
        sa.Column("kode_bps", sa.String(10), primary_key=True),
        sa.Column("kode_kemendagri", sa.String(13), nullable=False),
    )
    op.create_table(
        "match_suggestion",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("enrollment_id", sa.BigInteger(),
                  sa.ForeignKey("enrollment.id", ondelete="CASCADE"), nullable=False),
        sa.Column("household_id", sa.BigInteger(),
                  sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kode_kelurahan", sa.String(13), nullable=False),
        sa.Column("peringkat", sa.SmallInteger(), nullable=False),
        sa.Column("skor", sa.Float(), nullable=False),
        sa.Column("alasan", postgresql.JSONB(), nullable=False),
        sa.Column("status", sa.String(12), server_default="baru", nullable=False),
        sa.Column("diputuskan_oleh", sa.String(100)),
        sa.Column("diputuskan_pada", sa.DateTime(timezone=True)),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
    )
    for column in ("enrollment_id", "household_id", "status"):
        op.create_index(f"ix_match_suggestion_{column}", "match_suggestion", [column])
    op.create_table(
        "match_rejection",
        sa.Column("id", sa.BigInteger(), primary_key=True),
        sa.Column("kunci_hash", sa.LargeBinary(32), nullable=False),
        sa.Column("household_id", sa.BigInteger(),
                  sa.ForeignKey("household.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kode_kelurahan", sa.String(13), nullable=False),
        sa.Column("pengguna", sa.String(100), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.UniqueConstraint("kunci_hash", "household_id"),
    )
    op.create_index("ix_match_rejection_household_id", "match_rejection", ["household_id"])


def downgrade() -> None:
    for table in ("match_rejection", "match_suggestion", "kode_padanan", "column_profile",
                  "import_warning"):
        op.drop_table(table)
