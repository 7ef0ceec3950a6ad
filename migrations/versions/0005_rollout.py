"""Rollout planning: stored plans and their ordered waves.

Revision ID: 0005_rollout
Revises: 0002_registry
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_rollout"
down_revision: str | None = "0002_registry"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.func.now()


def upgrade() -> None:
    op.create_table(
        "rollout_plan",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("nama", sa.String(200), nullable=False, unique=True),
        sa.Column("deskripsi", sa.Text(), nullable=True),
        sa.Column("wilayah_induk", sa.String(13), nullable=True),
        sa.Column("tanggal_acuan", sa.Date(), nullable=True),
        sa.Column("desil_maks", sa.SmallInteger(), server_default="4", nullable=False),
        sa.Column("garis_kemiskinan", sa.Numeric(14, 2), nullable=True),
        sa.Column("bobot", postgresql.JSONB(), server_default="{}", nullable=False),
        sa.Column("dibuat_oleh", sa.String(100), nullable=False),
        sa.Column("dibuat", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.Column("diperbarui", sa.DateTime(timezone=True), server_default=NOW, nullable=False),
        sa.CheckConstraint("desil_maks BETWEEN 1 AND 10", name="rollout_plan_desil_maks"),
    )
    op.create_table(
        "rollout_wave",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "plan_id", sa.Integer(),
            sa.ForeignKey("rollout_plan.id", ondelete="CASCADE"), nullable=False,
        ),
        sa.Column("urutan", sa.SmallInteger(), nullable=False),
        sa.Column("tahun", sa.SmallInteger(), nullable=False),
        sa.Column("biaya_per_rumah_tangga", sa.Numeric(14, 2), nullable=False),
        sa.Column("porsi_kesenjangan", sa.Numeric(5, 4), nullable=False),
        sa.Column("wilayah", postgresql.ARRAY(sa.String(13)), nullable=False),
        sa.Column("percontohan", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.UniqueConstraint("plan_id", "urutan", name="uq_rollout_wave_plan_urutan"),
        sa.CheckConstraint(
            "porsi_kesenjangan BETWEEN 0 AND 1", name="rollout_wave_porsi_kesenjangan"
        ),
        sa.CheckConstraint("biaya_per_rumah_tangga >= 0", name="rollout_wave_biaya"),
    )
    op.create_index("ix_rollout_wave_plan_id", "rollout_wave", ["plan_id"])


def downgrade() -> None:
    op.drop_table("rollout_wave")
    op.drop_table("rollout_plan")
